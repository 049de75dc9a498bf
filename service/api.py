"""The v1 REST API: each view is decorators plus one call into the glossary core."""

from __future__ import annotations

import json

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from glossary import __version__
from glossary.normalize import normalize_text
from glossary.readings import readings
from service import schemas as s
from service.deadline import check_deadline
from service.errors import truncate
from service.schemas import check_limit
from service.serialize import entry_dict, lookup_json

blp = Blueprint("v1", __name__, url_prefix="/v1", description="Glossary lookup, normalisation, romanisation")


def glossary():
    return current_app.extensions["glossary"]


@blp.route("/health")
class Health(MethodView):
    @blp.response(200, s.Health)
    def get(self):
        """Service status, the loaded glossary's size and its data version (a hash of seeds/)."""
        stats = glossary().stats()
        limits = {k: current_app.config[k] for k in current_app.config["LIMIT_NAMES"]}
        return {"status": "ok", **stats, "data_version": stats["version"], "version": __version__,
                "limits": limits}


@blp.route("/lookup")
class Lookup(MethodView):
    @blp.arguments(s.LookupArgs, location="query")
    @blp.response(200, s.LookupResult)
    def get(self, args):
        """Ranked matches for one name, best first; empty when nothing is good enough."""
        return _json(_lookup(glossary(), args, args["variants"]))

    @blp.arguments(s.LookupBatch)
    @blp.response(200, s.LookupBatchResult)
    def post(self, body):
        """A batch of lookups: one result per query, in order."""
        g, results = glossary(), []
        for q in body["queries"]:
            check_deadline()
            results.append(_lookup(g, q, body["variants"]))
        return _json(b'{"results":[' + b",".join(results) + b"]}")


def _lookup(g, q: dict, variants: str) -> bytes:
    """One LookupResult as JSON bytes. Each entry's JSON is dumped through the schema once and reused
    (service/serialize.py): dumping every variant of every match on each request cost 20 times the lookup."""
    return lookup_json(g, q["q"], g.lookup(q["q"], type=q.get("type"), limit=q["limit"]), variants)


def _json(body: bytes):
    return current_app.response_class(body, mimetype="application/json")


@blp.route("/normalize")
class Normalize(MethodView):
    @blp.arguments(s.NormalizeRequest)
    @blp.response(200, s.NormalizeResponse)
    def post(self, body):
        """Find, resolve and rewrite every mention of a glossary entry in each text."""
        results, mentions = [], 0
        for text in body["texts"]:
            check_deadline()
            result = normalize_text(glossary(), text, target=body["target"], mode=body["mode"],
                                    name_order=body["name_order"], utf16=body["offsets"] == "utf16",
                                    date=body.get("date"))
            mentions += len(result.mentions)
            # Counted before the answer is built: the mention dicts and their JSON are what cost memory.
            check_limit("MAX_MENTIONS", mentions, hint="send fewer or shorter texts per request")
            results.append(_without_nulls(result.as_dict()))
        # The result dicts are built field for field to NormalizeResponse (tests check every answer
        # against openapi.yaml), so they are sent as they are: dumping a megabyte batch through
        # marshmallow would take twice as long as finding the mentions.
        answer = json.dumps({"results": results}, ensure_ascii=False).encode()
        check_limit("MAX_ANSWER_BYTES", len(answer), hint="send fewer or shorter texts per request")
        return current_app.response_class(answer, mimetype="application/json")


def _without_nulls(result: dict) -> dict:
    """Mentions leave out the fields that are null (UTF-16 offsets not asked for, no entry when ambiguous)."""
    result["mentions"] = [{k: v for k, v in m.items() if v is not None} for m in result["mentions"]]
    return result


@blp.route("/entries")
class Entries(MethodView):
    @blp.arguments(s.EntriesArgs, location="query")
    @blp.response(200, s.EntriesPage)
    def get(self, args):
        """Entries in id order, filtered by type and name, a page at a time."""
        found = glossary().list_entries(type=args.get("type"), q=args.get("q"))
        page, per_page = args["page"], args["per_page"]
        items = found[(page - 1) * per_page : page * per_page]
        return {"items": [entry_dict(glossary(), e, args["variants"]) for e in items], "total": len(found),
                "page": page, "per_page": per_page}


@blp.route("/entries/<string:entry_id>", parameters=[
    {"in": "path", "name": "entry_id", "required": True, "description": "an entry id, such as xi-jinping",
     "schema": {"type": "string", "minLength": 1, "maxLength": s.ID_CHARS, "pattern": s.NO_NUL}}])
class EntryView(MethodView):
    @blp.arguments(s.EntryArgs, location="query")
    @blp.response(200, s.EntryOut)
    def get(self, args, entry_id):
        """One entry with its names and variants (derived variants marked)."""
        entry = glossary().get(entry_id) if len(entry_id) <= s.ID_CHARS else None
        if entry is None:
            abort(404, message=f"no entry with id {truncate(entry_id)!r}")
        return entry_dict(glossary(), entry, args["variants"])


@blp.route("/romanize")
class Romanize(MethodView):
    @blp.arguments(s.RomanizeRequest)
    @blp.response(200, s.RomanizeResult)
    def post(self, body):
        """Romanise Chinese or Japanese text; a glossary name gets its curated reading."""
        return readings(glossary(), body["text"], body["lang"])
