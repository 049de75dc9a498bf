"""The v1 REST API: each view is decorators plus one call into the glossary core."""

from __future__ import annotations

import json

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from glossary import __version__, interchange
from glossary.normalize import matcher_for, normalize_text
from glossary.readings import readings, reference_lookup, reference_mentions
from service import schemas as s
from service.deadline import check_deadline
from service.errors import truncate
from service.schemas import check_limit
from service.serialize import entry_dict, match_dict

blp = Blueprint("v1", __name__, url_prefix="/v1", description="Glossary lookup, normalisation, romanisation")


def glossary():
    return current_app.extensions["glossary"]


def reference():
    """The reference layer (JMnedict, CC-CEDICT), or None when the service runs without it."""
    return current_app.extensions.get("reference")


@blp.route("/health")
class Health(MethodView):
    @blp.response(200, s.Health)
    def get(self):
        """Service status, the loaded glossary's size and its data version (a hash of seeds/)."""
        stats = glossary().stats()
        limits = {k: current_app.config[k] for k in current_app.config["LIMIT_NAMES"]}
        layer = reference()
        return {"status": "ok", **stats, "data_version": stats["version"], "version": __version__,
                "limits": limits, "reference": layer.status() if layer is not None else "off"}


@blp.route("/lookup")
class Lookup(MethodView):
    @blp.arguments(s.LookupArgs, location="query")
    @blp.response(200, s.LookupResult)
    def get(self, args):
        """Ranked matches for one name, best first; empty when nothing is good enough."""
        return _lookup(args, args["variants"])

    @blp.arguments(s.LookupBatch)
    @blp.response(200, s.LookupBatchResult)
    def post(self, body):
        """A batch of lookups: one result per query, in order."""
        results = []
        for q in body["queries"]:
            check_deadline()
            results.append(_lookup(q, body["variants"]))
        return {"results": results}


def _lookup(q: dict, variants: str) -> dict:
    matches = glossary().lookup(q["q"], type=q.get("type"), limit=q["limit"])
    out = {"query": q["q"], "matches": [match_dict(glossary(), m, variants) for m in matches]}
    if q["reference"]:  # a field of its own: reference names are never ranked with the entries
        out["reference"] = reference_lookup(reference(), q["q"], matches, q.get("type"), q["limit"])
    return out


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
            out = result.answer()
            if body["reference"]:  # reference names (JMnedict, CC-CEDICT): only when asked, apart from mentions
                out["reference_names"] = reference_mentions(reference(), text, result.mentions,
                                                            matcher_for(glossary()).boundaries,
                                                            utf16=body["offsets"] == "utf16")
                mentions += len(out["reference_names"])
            # Counted before the answer is built: the mention dicts and their JSON are what cost memory.
            check_limit("MAX_MENTIONS", mentions, hint="send fewer or shorter texts per request")
            results.append(out)
        # The result dicts are built field for field to NormalizeResponse (tests check every answer
        # against openapi.yaml), so they are sent as they are: dumping a megabyte batch through
        # marshmallow would take twice as long as finding the mentions.
        answer = json.dumps({"results": results}, ensure_ascii=False).encode()
        check_limit("MAX_ANSWER_BYTES", len(answer), hint="send fewer or shorter texts per request")
        return current_app.response_class(answer, mimetype="application/json")


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
        """Romanise Chinese or Japanese text; a glossary name gets its curated reading, a name in JMnedict or
        CC-CEDICT the dictionary's (marked with its source), anything else a marked guess."""
        return readings(glossary(), body["text"], body["lang"], reference())


# -- export: whole-glossary downloads, streamed ---------------------------------------------------

_DISPOSITION = {"Content-Disposition": {
    "description": "attachment; filename=\"jcglossary-<data version>.<tbx|csv|jsonl>\"",
    "schema": {"type": "string"}}}
_FILE = {"type": "string", "format": "binary"}


@blp.route("/export/tbx")
class ExportTbx(MethodView):
    @blp.arguments(s.TbxExportArgs, location="query")
    @blp.response(200, _FILE, content_type=interchange.MEDIA_TYPES["tbx"], headers=_DISPOSITION,
                  description="A TBX document: one concept entry per glossary entry")
    def get(self, args):
        """The whole glossary as TBX (ISO 30042, TBX-Basic) for terminology and CAT tools, streamed."""
        g = glossary()
        return _download(g, interchange.iter_tbx(g, version=args["version"], variants=args["variants"]), "tbx")


@blp.route("/export/csv")
class ExportCsv(MethodView):
    @blp.arguments(s.ExportArgs, location="query")
    @blp.response(200, _FILE, content_type="text/csv", headers=_DISPOSITION,
                  description="CSV with a header row: entry_id, type, lang, name, kind, origin, preferred")
    def get(self, args):
        """Every name and variant as one CSV row, streamed."""
        g = glossary()
        return _download(g, interchange.iter_csv(g, variants=args["variants"]), "csv")


@blp.route("/export/jsonl")
class ExportJsonl(MethodView):
    @blp.response(200, _FILE, content_type=interchange.MEDIA_TYPES["jsonl"], headers=_DISPOSITION,
                  description="JSON Lines: one entry a line in the seed files' shape, with its derived variants")
    def get(self):
        """Every entry as one JSON object a line, for pipelines, streamed."""
        g = glossary()
        return _download(g, interchange.iter_jsonl(g), "jsonl")


def _download(g, chunks, fmt: str):
    """A streamed attachment; the generator holds the snapshot it was given, so a swap cannot mix versions."""
    response = current_app.response_class(interchange.as_bytes(chunks), content_type=interchange.MEDIA_TYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="jcglossary-{g.version}.{fmt}"'
    return response
