"""Open311 in the OpenAPI schema: each `.json`/`.xml` path typed as what it sends.

One view serves both suffixes, so drf-spectacular lists both media types on both paths, adds
the `format` URL argument as a query parameter and derives operation ids that collide once a
generator drops the dot (`requests.json_list` vs `requests_.json_list`). This hook, run
after generation, gives each path its own id, its one media type, and the error body the
views really send: the standard's list of {code, description}.
"""

import re

MEDIA = {"json": "application/json", "xml": "application/xml"}
ERRORS = {"type": "array", "items": {"$ref": "#/components/schemas/Open311Error"}}
# (path pattern, method) → operation name; the suffix is added per format.
NAMES = [
    (r"discovery", "get", "open311_discovery"),
    (r"services", "get", "open311_services"),
    (r"services/\{service_code\}", "get", "open311_service_definition"),
    (r"requests", "get", "open311_requests"),
    (r"requests", "post", "open311_create_request"),
    (r"requests/\{service_request_id\}", "get", "open311_request"),
    (r"servicerequestupdates", "get", "open311_service_request_updates"),
]
PATH = re.compile(r"^/open311/v2/(?P<route>.+)\.(?P<fmt>json|xml)$")
# An id or a code in the path: one segment (no slash), none of the characters the input
# guard refuses (hotline.validation).
SEGMENT = "^[^/\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\ufffe\\uffff]+$"


def _errors(fmt, description):
    return {"description": description, "content": {MEDIA[fmt]: {"schema": ERRORS}}}


def postprocess(result, generator, request, public):
    for path, operations in result.get("paths", {}).items():
        match = PATH.match(path)
        if not match:
            continue
        route, fmt = match["route"], match["fmt"]
        for method, operation in operations.items():
            name = next(
                (n for r, m, n in NAMES if m == method and re.fullmatch(r, route)),
                "open311_" + method + "_" + re.sub(r"\W+", "_", route),
            )
            operation["operationId"] = f"{name}_{fmt}"
            operation["parameters"] = [
                p for p in operation.get("parameters", []) if p.get("name") != "format"
            ]
            for param in operation["parameters"]:
                if param.get("in") == "path":
                    param["schema"]["pattern"] = SEGMENT
            responses = operation.setdefault("responses", {})
            if operation["parameters"] or "requestBody" in operation:
                # The input guard refuses a control character anywhere, in the standard's shape.
                responses.setdefault("400", _errors(fmt, "Bad input"))
            if any(p.get("in") == "path" for p in operation["parameters"]):
                responses.setdefault("404", _errors(fmt, "Not found"))
            if not operation["parameters"]:
                del operation["parameters"]
            operation["description"] = (
                "GeoReport v2. XML answers are what FixMyStreet and other Open311 clients read."
                if fmt == "xml"
                else "GeoReport v2."
            )
            for code, response in operation.get("responses", {}).items():
                content = response.get("content")
                if not content:
                    continue
                schema = next(iter(content.values())).get("schema")
                if not code.startswith("2"):
                    schema = ERRORS
                response["content"] = {MEDIA[fmt]: {"schema": schema}}
    return result
