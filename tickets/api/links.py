"""OpenAPI links: where a response's identifier is the next request's path parameter.

A created ticket's `number` (or the first of a list, or the ticket read) is what every step
and its attachments are addressed by. A proposed article's `id` leads to the article and its
review steps; a proposed topic's `id` to the topic and its steps. (A step answers with the
ticket too; linking steps to steps would make every step a starting point of schemathesis'
scenarios and leave few that start from a real ticket.) Clients (and schemathesis' stateful
tests) follow these instead of guessing ids.
"""

TICKET = "/api/v1/tickets/{number}/"
ARTICLE = "/api/v1/knowledge/articles/{id}/"
TOPIC = "/api/v1/topics/{id}/"

# A resource's path → the path parameter it is addressed by.
PARAMETER = {TICKET: "number", ARTICLE: "id", TOPIC: "id"}
# Responses that carry such a resource: (path, method, statuses, resource, where in the body).
SOURCES = [
    ("/api/v1/tickets/", "post", ("201", "200"), TICKET, "/number"),
    # The first ticket of the user's list (e.g. unit staff's inbox) → its page and steps.
    ("/api/v1/tickets/", "get", ("200",), TICKET, "/results/0/number"),
    (TICKET, "get", ("200",), TICKET, "/number"),
    ("/api/v1/knowledge/articles/", "post", ("201",), ARTICLE, "/id"),
    ("/api/v1/topics/", "post", ("201",), TOPIC, "/id"),
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
    for path, method, statuses, resource, pointer in SOURCES:
        operation = paths.get(path, {}).get(method)
        if operation is None:
            continue
        links = {
            target: {
                "operationId": target,
                "parameters": {PARAMETER[resource]: f"$response.body#{pointer}"},
            }
            for target in _targets(paths, resource)
        }
        for status in statuses:
            if status in operation.get("responses", {}):
                operation["responses"][status]["links"] = links
    return result
