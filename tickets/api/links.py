"""OpenAPI links: where a response's identifier is the next request's path parameter.

A created ticket's `number` is what every step and its attachments are addressed by; a step
answers with the ticket, so the next step follows from it too. A proposed article's `id`
leads to the article and its review steps; a proposed topic's `id` to the topic and its
steps. Clients (and schemathesis' stateful tests) follow these instead of guessing ids.
"""

TICKET = "/api/v1/tickets/{number}/"
ARTICLE = "/api/v1/knowledge/articles/{id}/"
TOPIC = "/api/v1/topics/{id}/"

# A resource's path → (the path parameter, the response field that fills it).
ADDRESSED_BY = {TICKET: ("number", "number"), ARTICLE: ("id", "id"), TOPIC: ("id", "id")}
# Responses that carry such a resource: (path, method, statuses) → the resource.
SOURCES = [
    ("/api/v1/tickets/", "post", ("201", "200"), TICKET),
    (TICKET, "get", ("200",), TICKET),
    ("/api/v1/knowledge/articles/", "post", ("201",), ARTICLE),
    ("/api/v1/topics/", "post", ("201",), TOPIC),
]


def _targets(paths, resource):
    """Every operation under the resource's path, by operationId, but uploads (multipart)."""
    for path, operations in paths.items():
        if not path.startswith(resource):
            continue
        for operation in operations.values():
            content = operation.get("requestBody", {}).get("content", {})
            if "multipart/form-data" not in content:
                yield operation["operationId"]


def postprocess(result, generator, request, public):
    paths = result.get("paths", {})
    sources = list(SOURCES)
    # Every step of a ticket answers with the ticket (200).
    for path, operations in paths.items():
        if path.startswith(TICKET) and path != TICKET and "post" in operations:
            responses = operations["post"].get("responses", {})
            body = responses.get("200", {}).get("content", {}).get("application/json", {})
            if body.get("schema", {}).get("$ref", "").endswith("/TicketDetail"):
                sources.append((path, "post", ("200",), TICKET))
    for path, method, statuses, resource in sources:
        operation = paths.get(path, {}).get(method)
        if operation is None:
            continue
        param, field = ADDRESSED_BY[resource]
        links = {
            target: {
                "operationId": target,
                "parameters": {param: f"$response.body#/{field}"},
            }
            for target in _targets(paths, resource)
        }
        for status in statuses:
            if status in operation.get("responses", {}):
                operation["responses"][status]["links"] = links
    return result
