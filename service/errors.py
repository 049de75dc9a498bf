"""One error shape for the whole API: RFC 9457 problem details, ``application/problem+json``.

Every error, whatever raised it (a marshmallow validation error, a limit, an unknown route, a wrong
method, a bug), leaves the service through :func:`problem_response`.
"""

from __future__ import annotations

import re

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

    def __init__(self, name: str, maximum: int, actual: int, code: int = 413, hint: str = ""):
        self.code = code
        self.limit = {"name": name, "max": maximum, "actual": actual}
        hint = f"; {hint}" if hint else ""
        super().__init__(f"{name} is {actual}, over the limit of {maximum}{hint} (configure GLOSSARY_{name})")


class BadInput(HTTPException):
    code = 400


class InvalidRequest(BadInput):
    """A 400 that lists field-by-field messages (the reconciliation protocol's JSON)."""

    def __init__(self, description: str, messages: dict):
        super().__init__(description)
        self.data = {"messages": messages}


class UnsupportedMediaType(HTTPException):
    code = 415


class DeadlineExceeded(HTTPException):
    """The request ran past its deadline: the work stops, the client gets a 503."""

    code = 503


class StoreUnavailable(HTTPException):
    """The store (a PostgreSQL server) cannot be reached for a write or a history: 503, try again later.
    Reads are answered from the replica's snapshot meanwhile."""

    code = 503
    slug = "store-unavailable"


_SLUGS = {400: "bad-request", 401: "unauthorized", 403: "forbidden", 404: "not-found", 405: "method-not-allowed",
          408: "request-timeout", 409: "conflict", 410: "gone", 412: "precondition-failed",
          413: "limit-exceeded", 428: "precondition-required",
          414: "limit-exceeded", 415: "unsupported-media-type", 422: "validation-error",
          500: "internal-error", 503: "deadline-exceeded"}


def problem_response(error: HTTPException):
    """Render any HTTPException as problem details (also used for the flask-smorest error handler)."""
    status = error.code or 500
    body = {
        "type": PROBLEM_TYPE_BASE + (getattr(error, "slug", None) or _SLUGS.get(status, "http-error")),
        "title": error.name,
        "status": status,
        "detail": error.description or error.name,
        "instance": truncate(request.path, 200),
        "request_id": request.environ.get("glossary.request_id", ""),  # set by service._answer_headers
    }
    data = getattr(error, "data", None) or {}
    if data.get("message"):
        body["detail"] = data["message"]
    messages = data.get("messages") or data.get("errors")
    if messages:
        body["errors"] = _bounded(_flatten_locations(messages))
        body["detail"] = "The request is not valid: " + _summary(body["errors"])
    if isinstance(error, LimitExceeded):
        body["limit"] = error.limit
    elif status == 413:  # werkzeug's own 413: the body is over MAX_CONTENT_LENGTH
        maximum = current_app.config["MAX_BODY_BYTES"]
        body["limit"] = {"name": "MAX_BODY_BYTES", "max": maximum, "actual": request.content_length or maximum + 1}
        body["detail"] = (f"the request body is over the limit of {maximum} bytes "
                          "(configure GLOSSARY_MAX_BODY_BYTES)")
    headers = dict(data.get("headers") or {})
    if getattr(error, "close_connection", False):
        headers["Connection"] = "close"  # the rest of a malformed body cannot be read past
    if status == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    if status >= 500:
        current_app.logger.error("request %s failed: %s", request.environ.get("glossary.request_id"), error)
    # Whatever was echoed, the answer is valid UTF-8 (a lone surrogate becomes "?", never a 500).
    text = json.dumps(body, ensure_ascii=False).encode("utf-8", "replace")
    response = current_app.response_class(text, status=status, mimetype=PROBLEM_MIMETYPE, headers=headers)
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


MAX_ERROR_FIELDS = 20


def _bounded(errors, depth: int = 0):
    """At most MAX_ERROR_FIELDS fields per level, keys and messages truncated."""
    if isinstance(errors, dict):
        out = {}
        for n, (key, value) in enumerate(errors.items()):
            if n == MAX_ERROR_FIELDS:
                out["…"] = [f"{len(errors) - n} more fields not shown"]
                break
            out[truncate(str(key))] = _bounded(value, depth + 1) if depth < 4 else "…"
        return out
    if isinstance(errors, list):
        return [_bounded(v, depth + 1) for v in errors[:MAX_ERROR_FIELDS]]
    return truncate(str(errors), 300) if isinstance(errors, str) else errors


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


MAX_JSON_DEPTH = 32
# Blueprints whose POST bodies must be JSON (the reconciliation 0.2 endpoint takes a form instead).
JSON_BLUEPRINTS = ("v1", "reconcile_draft")
# Routes that take a file instead, with the media types they accept (anything else is still a 415).
FILE_ROUTES = {"v1.ImportTbx": ("application/x-tbx", "application/xml", "text/xml")}


def request_json_guard() -> None:
    """Every JSON body of every blueprint is parsed here, once, before any view or schema sees it (400/415).

    A body nested thousands of levels deep makes Python's parser raise RecursionError, which webargs does
    not catch: parsing here first turns that, and any other malformed JSON, into a 400. The decoded keys
    are checked too: a lone surrogate (``"\\udc00"`` in JSON) cannot be encoded in any answer, and keys
    are echoed back (batch keys, marshmallow's "unknown field" messages).
    """
    if request.method not in ("POST", "PUT", "PATCH"):
        return
    if request.endpoint in FILE_ROUTES:
        return  # the view checks the media type, after the token (401 comes first): check_file_type
    if request.blueprint in JSON_BLUEPRINTS and not request.is_json:
        raise UnsupportedMediaType(f"send the body as application/json (got {request.mimetype or 'nothing'})")
    if not request.is_json:
        return
    body = parse_json(request.get_data(cache=True), "the body")
    if not isinstance(body, dict):
        raise BadInput("the body must be a JSON object")
    g.json_body = body


def check_file_type() -> None:
    """415 unless the body's media type is one this file route takes."""
    accepted = FILE_ROUTES[request.endpoint]
    if request.mimetype not in accepted:
        raise UnsupportedMediaType(f"send the file as {' or '.join(accepted)} (got {request.mimetype or 'nothing'})")


def parse_json(raw: bytes | str, what: str, values_too: bool = False):
    """json.loads, with every failure (syntax, nesting, bad keys) a 400 that says what was wrong."""
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise BadInput(f"{what} is not valid JSON: {truncate(str(exc), 200)}") from None
    check_decoded(value, what, values_too)
    return value


def check_decoded(value, what: str, values_too: bool = False) -> None:
    """No deeper than MAX_JSON_DEPTH; no lone surrogate in a key (or, with ``values_too``, in any string)."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise BadInput(f"{what} is nested deeper than {MAX_JSON_DEPTH} levels")
        if isinstance(node, dict):
            for key, item in node.items():
                if has_surrogate(key):
                    raise BadInput(f"{what} has a key that is not valid Unicode text (a lone surrogate)")
                stack.append((item, depth + 1))
        elif isinstance(node, list):
            stack.extend((item, depth + 1) for item in node)
        elif values_too and isinstance(node, str) and has_surrogate(node):
            raise BadInput(f"{what} has a string that is not valid Unicode text (a lone surrogate)")


_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def has_surrogate(text: str) -> bool:
    return _SURROGATE_RE.search(text) is not None


def truncate(text: str, n: int = 100) -> str:
    """Echoed input is cut: an error body never grows with the request."""
    return text if len(text) <= n else text[:n] + "…"
