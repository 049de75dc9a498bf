"""One error shape for the whole API: RFC 9457 problem details, ``application/problem+json``.

Every error, whatever raised it (a marshmallow validation error, a limit, an unknown route, a wrong
method, a bug), leaves the service through :func:`problem_response`.
"""

from __future__ import annotations

from flask import current_app, g, json, request
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException

PROBLEM_TYPE_BASE = "https://jcglossary.example/problems/"
PROBLEM_MIMETYPE = "application/problem+json"


class ProblemSchema(Schema):
    """The body of every error response."""

    type = fields.String(metadata={"description": "URI naming the kind of problem"})
    title = fields.String(metadata={"description": "Short summary of the kind of problem"})
    status = fields.Integer(metadata={"description": "HTTP status code"})
    detail = fields.String(metadata={"description": "What went wrong this time"})
    instance = fields.String(metadata={"description": "The request path"})
    request_id = fields.String()
    errors = fields.Dict(metadata={"description": "Validation messages, field by field"})
    limit = fields.Dict(metadata={"description": "The limit that was hit: name, max, actual"})


class LimitExceeded(HTTPException):
    """A documented, configurable limit was hit; the problem names it and its value."""

    def __init__(self, name: str, maximum: int, actual: int, code: int = 413):
        self.code = code
        self.limit = {"name": name, "max": maximum, "actual": actual}
        super().__init__(f"{name} is {actual}, over the limit of {maximum} (configure {name.upper()})")


class BadInput(HTTPException):
    code = 400


class UnsupportedMediaType(HTTPException):
    code = 415


_SLUGS = {400: "bad-request", 404: "not-found", 405: "method-not-allowed", 413: "limit-exceeded",
          414: "limit-exceeded", 415: "unsupported-media-type", 422: "validation-error",
          500: "internal-error"}


def problem_response(error: HTTPException):
    """Render any HTTPException as problem details (also used for the flask-smorest error handler)."""
    status = error.code or 500
    body = {
        "type": PROBLEM_TYPE_BASE + _SLUGS.get(status, "http-error"),
        "title": error.name,
        "status": status,
        "detail": error.description or error.name,
        "instance": request.path,
        "request_id": g.get("request_id", ""),
    }
    data = getattr(error, "data", None) or {}
    if data.get("message"):
        body["detail"] = data["message"]
    messages = data.get("messages") or data.get("errors")
    if messages:
        body["errors"] = _flatten_locations(messages)
        body["detail"] = "The request is not valid: " + _summary(body["errors"])
    if isinstance(error, LimitExceeded):
        body["limit"] = error.limit
    headers = dict(data.get("headers") or {})
    if status == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    if status >= 500:
        current_app.logger.error("request %s failed: %s", g.get("request_id"), error)
    response = current_app.response_class(
        json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_MIMETYPE, headers=headers
    )
    return response


def _flatten_locations(messages: dict) -> dict:
    """webargs nests errors under their location ('json', 'query'); clients want the fields."""
    if set(messages) <= {"json", "query", "form", "querystring", "path", "headers", "files"}:
        merged: dict = {}
        for value in messages.values():
            if isinstance(value, dict):
                merged.update(value)
        return merged
    return messages


def _summary(errors: dict, prefix: str = "") -> str:
    parts = []
    for key, value in errors.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            parts.append(_summary(value, path))
        else:
            plain = isinstance(value, list) and all(isinstance(v, str) for v in value)
            text = "; ".join(value) if plain else str(value)
            parts.append(f"{path}: {text}")
    return "; ".join(p for p in parts if p)[:500]


def request_json_guard() -> None:
    """Reject POST bodies that are not JSON objects before any schema sees them (400/415).

    A body nested thousands of levels deep makes Python's parser raise RecursionError, which webargs
    does not catch: parsing here first turns that, and any other malformed JSON, into a 400.
    """
    if request.method != "POST":
        return
    if not request.is_json:
        raise UnsupportedMediaType(f"send the body as application/json (got {request.mimetype or 'nothing'})")
    try:
        body = json.loads(request.get_data(cache=True))
    except (ValueError, RecursionError) as exc:
        raise BadInput(f"the body is not valid JSON: {str(exc)[:200]}") from None
    if not isinstance(body, dict):
        raise BadInput("the body must be a JSON object")
