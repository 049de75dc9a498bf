"""The W3C Reconciliation Service API (0.2, and the 1.0 draft's POST /match), for OpenRefine.

Thin: parameters in, one call into :mod:`glossary.reconcile`, JSON (or JSONP) out. Errors use the API's
one problem shape. CORS: flask-cors answers every browser request of the app (those that carry `Origin`).
"""

from __future__ import annotations

import json
import re

from flask import Blueprint, Response, current_app, g, render_template_string, request, url_for
from marshmallow import ValidationError
from werkzeug.exceptions import NotFound

from glossary import __version__
from glossary import reconcile as core
from service import schemas as s
from service.data import glossary
from service.deadline import check_deadline
from service.errors import BadInput, InvalidRequest, parse_json, truncate
from service.schemas import check_limit, clean_text

bp = Blueprint("reconcile", __name__, url_prefix="/v1/reconcile")
IDENTIFIER_SPACE = "https://jcglossary.example/entries/"
SCHEMA_SPACE = "https://jcglossary.example/types/"
_CALLBACK_RE = re.compile(r"^[A-Za-z_$][\w$.]{0,63}$")


def _param(name: str, max_chars: int | None = None) -> str | None:
    value = request.values.get(name)
    if value is not None and max_chars is not None and len(value) > max_chars:
        raise BadInput(f"parameter {name!r} is {len(value)} characters, over the limit of {max_chars}")
    if value is not None:
        try:
            clean_text(value)
        except ValidationError as exc:
            raise BadInput(f"parameter {name!r}: {exc.messages[0]}") from None
    return value


def _json_param(name: str):
    """A parameter that carries JSON (``queries``, ``extend``): parsed by the API's one JSON guard."""
    value = parse_json(_param(name), f"parameter {name!r}", values_too=True)
    if not isinstance(value, dict):
        raise BadInput(f"parameter {name!r} must be a JSON object")
    return value


def _load(schema, data, what: str):
    """Load protocol JSON through a marshmallow schema; errors are a 400 problem naming the fields."""
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise InvalidRequest(f"{what} is not valid", exc.messages) from None


def _reply(payload) -> Response:
    """JSON, or JSONP when a valid ``callback`` is given."""
    body = json.dumps(payload, ensure_ascii=False)
    callback = _param("callback")
    if callback is not None:
        if not _CALLBACK_RE.match(callback):
            raise BadInput("callback must be a JavaScript identifier")
        # /**/ keeps the answer from being read as anything but a call (the Rosetta Flash defence).
        return Response(f"/**/{callback}({body});", mimetype="application/javascript")
    return Response(body, mimetype="application/json")


def public_url() -> str:
    """Where clients reach the service: configured (GLOSSARY_PUBLIC_URL), never taken from the Host header."""
    return current_app.config["PUBLIC_URL"].rstrip("/")


def manifest() -> dict:
    base = public_url()
    return {
        "versions": ["0.2"],
        "name": "Japan–China glossary",
        "identifierSpace": IDENTIFIER_SPACE,
        "schemaSpace": SCHEMA_SPACE,
        "serviceVersion": __version__,
        "documentation": base + "/docs",
        "defaultTypes": [{"id": t, "name": n} for t, n in core.TYPE_NAMES.items()],
        "view": {"url": base + "/v1/entries/{{id}}"},
        "preview": {"url": base + url_for(".preview") + "?id={{id}}", "width": 430, "height": 300},
        "suggest": {
            "entity": {"service_url": base, "service_path": url_for(".suggest_entity")},
            "type": {"service_url": base, "service_path": url_for(".suggest_type")},
            "property": {"service_url": base, "service_path": url_for(".suggest_property")},
        },
        "extend": {
            "propose_properties": {"service_url": base, "service_path": url_for(".propose_properties")},
            "property_settings": [],
        },
    }


@bp.route("", methods=["GET", "POST"])
def endpoint():
    """The reconciliation endpoint: manifest, query batch (``queries``) or data extension (``extend``)."""
    # Both parameters are checked when both are sent (queries are answered): nothing sent goes unchecked.
    extend = _load(s.ExtendQuery(), _json_param("extend"), "extend") if _param("extend") is not None else None
    if _param("queries") is not None:
        batch = _load(s.ReconBatch(), _json_param("queries"), "queries")
        out = {}
        for key, q in batch.items():
            check_deadline()
            out[key] = {"result": [_candidate_v02(c) for c in _run(q)]}
        return _reply(out)
    if extend is not None:
        return _reply(core.extend(glossary(), extend["ids"], [p["id"] for p in extend["properties"]]))
    return _reply(manifest())


def _run(q: dict) -> list[core.Candidate]:
    """One loaded query (ReconQuery) through the core."""
    values = [(p["pid"], v) for p in q["properties"] for v in p["v"]]
    return core.reconcile(glossary(), q["query"], q.get("type"), int(q["limit"]), values)


def _type_list(entry) -> list[dict]:
    return [{"id": entry.type, "name": core.TYPE_NAMES[entry.type]}]


def _candidate_v02(c: core.Candidate) -> dict:
    return {"id": c.entry.id, "name": c.entry.label, "description": c.entry.description, "score": c.score,
            "match": c.match, "type": _type_list(c.entry),
            "features": [{"id": k, "value": v} for k, v in c.features.items()]}


# -- suggest, preview, propose ---------------------------------------------------------------------------


TYPE_CHARS = 200  # a type id, or a comma-separated list of them


def _prefix() -> str:
    prefix = _param("prefix") or ""
    check_limit("MAX_QUERY_CHARS", len(prefix))
    return prefix


def _limit_param(default: int = 10) -> int:
    raw = _param("limit")
    try:
        value = int(raw) if raw is not None else default
    except ValueError:
        raise BadInput("limit must be an integer") from None
    if not 1 <= value <= current_app.config["MAX_LIMIT"]:
        raise BadInput(f"limit must be from 1 to {current_app.config['MAX_LIMIT']}")
    return value


@bp.get("/suggest/entity")
def suggest_entity():
    prefix = _prefix()
    types = [t for t in (_param("type", TYPE_CHARS) or "").split(",") if t] or None
    entries = core.suggest_entities(glossary(), prefix, types, _limit_param())
    return _reply({"result": [{"id": e.id, "name": e.label, "description": e.description,
                               "notable": _type_list(e)} for e in entries]})


@bp.get("/suggest/type")
def suggest_type():
    return _reply({"result": core.suggest_types(_prefix())})


@bp.get("/suggest/property")
def suggest_property():
    return _reply({"result": core.suggest_properties(_prefix())})


@bp.get("/extend/propose")
def propose_properties():
    type_ = _param("type", TYPE_CHARS) or ""
    props = [{"id": k, "name": v[0]} for k, v in core.EXTEND_PROPERTIES.items()]
    return _reply({"type": type_, "properties": props[: _limit_param(len(props))]})


@bp.get("/preview")
def preview():
    entry = glossary().get(_param("id", s.ID_CHARS) or "")
    if entry is None:
        raise NotFound(f"no entry with id {truncate(_param('id') or '')!r}")
    return render_template_string(_PREVIEW, e=entry)


_PREVIEW = """<!doctype html><html><head><meta charset="utf-8"><title>{{ e.label }}</title>
<style>body{font:13px/1.4 system-ui,sans-serif;margin:6px}table{border-collapse:collapse}
td{padding:1px 6px;border-bottom:1px solid #eee}td:first-child{color:#777}</style></head><body>
<b>{{ e.label }}</b> <small>({{ e.type }})</small><br>{{ e.description }}
<table>{% for tag, name in e.names.items() %}<tr><td>{{ tag }}</td><td lang="{{ tag }}">{{ name }}</td></tr>{% endfor %}
</table></body></html>"""


# -- the 1.0 draft: POST /match with a JSON body -----------------------------------------------------------

draft = Blueprint("reconcile_draft", __name__, url_prefix="/v1/reconcile/draft")


@draft.get("")
def draft_manifest():
    base = public_url()
    return _reply({"versions": ["1.0-draft"], "name": "Japan–China glossary",
                   "view": {"url": base + "/v1/entries/{{id}}"},
                   "defaultTypes": [{"id": t, "name": n} for t, n in core.TYPE_NAMES.items()]})


@draft.post("/match")
def draft_match():
    body = _load(s.DraftBatch(), g.get("json_body"), "the body")
    results = []
    for q in body["queries"]:
        check_deadline()
        names = [v for c in q["conditions"] if c["matchType"] == "name" for v in c["propertyValue"] if v.strip()]
        if not names:  # candidates are found by name; a query with no name condition has none
            results.append({"candidates": []})
            continue
        props = [{"pid": c.get("propertyId", ""), "v": c["propertyValue"]} for c in q["conditions"]
                 if c["matchType"] == "property"]
        types = [q["type"]] if q.get("type") else None
        legacy = {"query": names[0], "limit": q["limit"], "properties": props, "type": types}
        results.append({"candidates": [
            {"id": c.entry.id, "name": c.entry.label, "description": c.entry.description, "score": c.score,
             "match": c.match, "type": _type_list(c.entry),
             "features": [{"id": k, "name": k, "value": v} for k, v in c.features.items()]}
            for c in _run(legacy)]})
    return _reply({"results": results})
