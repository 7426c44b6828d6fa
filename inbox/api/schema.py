"""The error answers of the API, written into the OpenAPI schema in one place.

Every operation can answer 401 (no or wrong credentials) and 429 (throttled); every one
that takes input can answer 400 with what to fix; every one that names an object or a
page can answer 404; every write can answer 403. Views document what is particular to
them (a reason for a 403, the body of a 201); this fills in the rest, so a client (or
schemathesis) finds every status code the API really gives, each with its body's shape.
"""

from typing import Any

from inbox.forms.ids import MAX_ID

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
    "description": "What went wrong, in the user's language.",
}
VALIDATION_ERROR = {
    "type": "object",
    "description": (
        "What to fix: each wrong field (or query parameter) maps to its messages, "
        '{"text": ["Ensure this field has no more than 10000 characters."]}; a list item\'s '
        'messages are under its index, {"labels": {"0": [...]}}; a refusal of the request '
        'as a whole is {"detail": "..."} or {"non_field_errors": [...]}.'
    ),
    "additionalProperties": {
        "anyOf": [
            {"type": "string"},
            {"type": "array", "items": {"type": "string"}},
            {"type": "object"},
        ]
    },
}
DESCRIPTIONS = {
    "400": "Invalid input: the body says what to fix.",
    "401": "No credentials, or wrong ones.",
    "403": "Not allowed; the detail says why.",
    "404": "Not there, or not yours to see (or a page past the last).",
    "429": "Too many requests; the Retry-After header says when to try again.",
}
SAFE_METHODS = {"get", "head", "options"}


def add_error_responses(result: dict, generator: Any, request: Any, public: bool) -> dict:
    """drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"])."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas["ValidationError"] = VALIDATION_ERROR
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            _bound_path_ids(operation)
            _add(operation, codes_for(path, method, operation))
    return result


def _bound_path_ids(operation: dict) -> None:
    """Ids in paths are our tables' 64-bit keys, from 1 (a larger number is a 404)."""
    for parameter in operation.get("parameters", []):
        if parameter.get("in") == "path" and parameter["schema"].get("type") == "integer":
            parameter["schema"].update(minimum=1, maximum=MAX_ID)


def codes_for(path: str, method: str, operation: dict) -> list[str]:
    names = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"}
    codes = ["429"]
    security = operation.get("security", [])
    # An operation open to all (the token endpoint) lists no scheme, or the empty one.
    if security and {} not in security:
        codes.append("401")
    if names or "requestBody" in operation:
        codes.append("400")
    if "{" in path or "page" in names:
        codes.append("404")
    if method not in SAFE_METHODS:
        codes.append("403")
    return codes


def _add(operation: dict, codes: list[str]) -> None:
    responses = operation.setdefault("responses", {})
    for code in codes:
        response = responses.setdefault(code, {"description": DESCRIPTIONS[code]})
        shape = "ValidationError" if code == "400" else "Error"
        # A 400 may come from the fields or from the service: both shapes, always.
        if code == "400" or "content" not in response:
            response["content"] = {
                "application/json": {"schema": {"$ref": f"#/components/schemas/{shape}"}}
            }
