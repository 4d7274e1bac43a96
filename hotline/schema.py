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

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        # A list that may not be empty (allow_empty=False: ListField, many=True) says so.
        if getattr(field, "allow_empty", True) is False and schema.get("type") == "array":
            schema["minItems"] = max(1, schema.get("minItems", 0))
        return schema


# The input guard (hotline.middleware.InputGuardMiddleware) answers 400 with field errors to
# a control character in the path, the query string or the body of any /api/ request.
GUARD_400 = {
    "content": {JSON: {"schema": {"$ref": f"#/components/schemas/{FIELD_ERRORS_NAME}"}}},
    "description": "输入有误（含控制字符、JSON 嵌套过深或字段不合规则）",
}
# A page past the end of a paginated list (DRF's PageNumberPagination).
PAGE_404 = {"content": {JSON: {"schema": ERROR}}, "description": "页码超出范围"}
# An /api/ URL that names nothing (e.g. /topics/-1/) answers the same JSON 404 as a view
# does for a record that does not exist (hotline.views.api_not_found).
PATH_404 = {"content": {JSON: {"schema": ERROR}}, "description": "不存在或不可见"}


def postprocess(result, generator, request, public):
    """API-wide: the token scheme's prefix, 401 where a token is needed, named field errors,
    and the refusals every view can give: the input guard's 400, a missing record's 404."""
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
            params = {p.get("in") for p in operation.get("parameters", [])}
            if params or "requestBody" in operation:
                responses.setdefault("400", GUARD_400)
            if "path" in params:
                responses.setdefault("404", PATH_404)
            if any(p.get("name") == "page" for p in operation.get("parameters", [])):
                responses.setdefault("404", PAGE_404)
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
    # Every 400 of the API is {field: [message]}: the guard's, DRF's validation, and views
    # that name the field they refuse (a Django ValidationError becomes {"detail": [...]}).
    if code == "400" and (schema is None or schema.get("type") == "object" or schema == ERROR):
        body["schema"] = {"$ref": f"#/components/schemas/{FIELD_ERRORS_NAME}"}
    elif schema is None:
        body["schema"] = ERROR


def _needs_token(operation) -> bool:
    security = operation.get("security")
    return bool(security) and {} not in security
