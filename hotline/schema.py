"""The OpenAPI schema as generated clients need it: one body type per operation, the error
bodies the server really sends, and the token scheme spelled out.

Client generators (openapi-python-client and others) build one request function per body
type and choke or send the wrong thing when an operation offers form, multipart and JSON at
once; every JSON view therefore documents JSON only. A view that takes an upload declares its
own parsers without JSONParser (e.g. MultiPartParser) and is documented as multipart.
"""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

JSON = "application/json"

# {"detail": "…"}: every refusal (401, 403, 404, 409) — see hotline.api.exception_handler.
ERROR = {"$ref": "#/components/schemas/Error"}
# {"field": ["message", …]}: a 400 for bad input. Nested serializers nest the same shape.
FIELD_ERRORS_NAME = "FieldErrors"
FIELD_ERRORS = {
    "type": "object",
    "description": "输入有误：字段名 → 错误信息列表（字段属于嵌套对象时为同样结构的对象）",
    "additionalProperties": {},
    "example": {"reason": ["该字段是必填项。"]},
}
TOKEN_SCHEME = {
    "type": "apiKey",
    "in": "header",
    "name": "Authorization",
    "description": "`Authorization: Token <key>` — the word Token, a space, then the key "
    "from POST /api/v1/auth/token/ (not Bearer). Generated clients: "
    'AuthenticatedClient(base_url=…, token=key, prefix="Token").',
}


class AutoSchema(SpectacularAutoSchema):
    def map_parsers(self):
        media_types = super().map_parsers()
        return [JSON] if JSON in media_types else media_types


def postprocess(result, generator, request, public):
    """API-wide: the token scheme's prefix, 401 where a token is needed, named field errors."""
    components = result.setdefault("components", {})
    schemes = components.setdefault("securitySchemes", {})
    if "tokenAuth" in schemes:
        schemes["tokenAuth"] = TOKEN_SCHEME
    schemas = components.setdefault("schemas", {})
    schemas[FIELD_ERRORS_NAME] = FIELD_ERRORS
    schemas.setdefault(
        "Error",
        {
            "type": "object",
            "properties": {"detail": {"type": "string"}},
            "required": ["detail"],
        },
    )
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/"):
            continue
        for operation in operations.values():
            responses = operation.get("responses", {})
            for code, response in responses.items():
                if code.startswith(("4", "5")):
                    _document_error(code, response)
            if _needs_token(operation):
                responses.setdefault(
                    "401",
                    {
                        "content": {JSON: {"schema": ERROR}},
                        "description": "未登录或 Token 无效",
                    },
                )
    return result


def _document_error(code: str, response: dict) -> None:
    """A refusal documented without a body, or as a bare object, gets the body it is sent with."""
    content = response.setdefault("content", {})
    body = content.setdefault(JSON, {})
    schema = body.get("schema")
    if code == "400" and (schema is None or schema.get("type") == "object"):
        body["schema"] = {"$ref": f"#/components/schemas/{FIELD_ERRORS_NAME}"}
    elif schema is None:
        body["schema"] = ERROR


def _needs_token(operation) -> bool:
    security = operation.get("security")
    return bool(security) and {} not in security
