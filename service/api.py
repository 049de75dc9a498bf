"""The v1 REST API: each view is decorators plus one call into the glossary core."""

from __future__ import annotations

import io
import json
from http import HTTPStatus

import orjson
from flask import current_app, g, request, url_for
from flask.views import MethodView
from flask_smorest import abort

from glossary import __version__, interchange
from glossary.curation import Operation
from glossary.normalize import normalize_text
from glossary.readings import readings, reference_lookup, reference_mentions
from glossary.schemas import EntrySchema
from service import curate
from service import schemas as s
from service.answers import remembered
from service.arguments import Blueprint
from service.data import data_version, glossary
from service.deadline import check_deadline
from service.errors import FILE_ROUTES, check_file_type, truncate
from service.schemas import check_limit
from service.serialize import entry_dict, lookup_json

blp = Blueprint("v1", __name__, url_prefix="/v1", description="Glossary lookup, normalisation, romanisation")


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
    @remembered
    @blp.arguments(s.LookupArgs(), location="query")
    @blp.response(200, s.LookupResult)
    def get(self, args):
        """Ranked matches for one name, best first; empty when nothing is good enough."""
        snapshot = glossary()
        g.answer_cacheable = not args["reference"]  # a reference answer reads a layer that may be compiling
        return _json(_lookup(snapshot, args, args["variants"], snapshot.version))

    @blp.arguments(s.LookupBatch())
    @blp.response(200, s.LookupBatchResult)
    def post(self, body):
        """A batch of lookups: one result per query, in order."""
        snapshot, results = glossary(), []
        for q in body["queries"]:
            check_deadline()
            results.append(_lookup(snapshot, q, body["variants"]))
        return _json(b'{"results":[' + b",".join(results) + b'],"data_version":' + orjson.dumps(snapshot.version)
                     + b"}")


def _lookup(snapshot, q: dict, variants: str, version: str | None = None) -> bytes:
    """One LookupResult as JSON bytes. Each entry's JSON is dumped through the schema once per snapshot and
    reused (service/serialize.py): dumping every variant of every match on each request cost 20 times the
    lookup."""
    matches = snapshot.lookup(q["q"], type=q.get("type"), limit=q["limit"])
    found = None
    if q["reference"]:  # a field of its own: reference names are never ranked with the entries
        found = reference_lookup(reference(), q["q"], matches, q.get("type"), q["limit"])
    return lookup_json(snapshot, q["q"], matches, variants, reference=found, data_version=version)


def _json(body: bytes):
    return current_app.response_class(body, content_type="application/json")


@blp.route("/normalize")
class Normalize(MethodView):
    @blp.arguments(s.NormalizeRequest())
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
                                                            glossary().matcher().boundaries,
                                                            utf16=body["offsets"] == "utf16")
                mentions += len(out["reference_names"])
            # Counted before the answer is built: the mention dicts and their JSON are what cost memory.
            check_limit("MAX_MENTIONS", mentions, hint="send fewer or shorter texts per request")
            results.append(out)
        # The result dicts are built field for field to NormalizeResponse (tests check every answer
        # against openapi.yaml), so they are sent as they are: dumping a megabyte batch through
        # marshmallow would take twice as long as finding the mentions.
        answer = json.dumps({"results": results, "data_version": data_version()}, ensure_ascii=False).encode()
        check_limit("MAX_ANSWER_BYTES", len(answer), hint="send fewer or shorter texts per request")
        return current_app.response_class(answer, mimetype="application/json")


ENTRY_ID = {"in": "path", "name": "entry_id", "required": True, "description": "an entry id, such as xi-jinping",
            "schema": {"type": "string", "minLength": 1, "maxLength": s.ID_CHARS, "pattern": s.NO_NUL}}
AUTH = {"security": [{"bearerAuth": []}]}


def errors(*codes: int, auth: bool = False):
    """Document the error answers a view gives besides the usual ones (each a problem, named by its
    status), and with ``auth`` that it takes a bearer token: one decorator for what every write repeats."""

    def document(view):
        if auth:
            view = blp.doc(**AUTH)(view)
        for code in reversed(codes):  # the order of the decorators this replaces: the first code outermost
            view = blp.alt_response(code, response=HTTPStatus(code).name)(view)
        return view

    return document


def _written(status: int, stored, variants: str = "all"):
    """The answer to a write: the entry as stored now, its ETag and, for a new one, its Location."""
    blp.set_etag(curate.etag_data(stored.id, stored.revision))
    curate.refresh_after_write()
    return curate.stored_dict(stored, variants), status


@blp.route("/entries")
class Entries(MethodView):
    @blp.arguments(s.EntriesArgs(), location="query")
    @blp.response(200, s.EntriesPage)
    def get(self, args):
        """Entries in id order, filtered by type and name, a page at a time."""
        found = glossary().list_entries(type=args.get("type"), q=args.get("q"))
        page, per_page = args["page"], args["per_page"]
        items = found[(page - 1) * per_page : page * per_page]
        return {"items": [entry_dict(glossary(), e, args["variants"]) for e in items], "total": len(found),
                "page": page, "per_page": per_page, "data_version": data_version()}

    @curate.requires("editor")
    @blp.etag
    @blp.arguments(EntrySchema, as_kwargs=False)
    @blp.response(201, s.EntryOut, headers={"Location": {"description": "the new entry", "schema": {"type": "string"}}})
    @errors(401, 403, 409, auth=True)
    def post(self, _entry):
        """Create an entry (an editor's token): validated as a seed entry is; 409 if the id exists or existed."""
        stored = curate.write([Operation("create", entry=g.json_body)])[0]
        body, status = _written(201, stored)
        return body, status, {"Location": url_for("v1.EntryView", entry_id=stored.id, _external=False)}


@blp.route("/entries/<string:entry_id>", parameters=[ENTRY_ID])
class EntryView(MethodView):
    @blp.etag
    @blp.arguments(s.EntryRevisionArgs(), location="query")
    @blp.response(200, s.EntryOut)
    @errors(410)
    def get(self, args, entry_id):
        """One entry with its names and variants (derived variants marked); ``revision`` shows an old one."""
        if len(entry_id) > s.ID_CHARS:
            abort(404, message=f"no entry with id {truncate(entry_id)!r}")
        if "revision" in args:
            body = curate.revision_dict(entry_id, args["revision"], args["variants"])
            blp.set_etag(curate.etag_data(entry_id, args["revision"]))
            return body
        entry = glossary().get(entry_id)
        if entry is None:
            if current_app.extensions.get("store") is not None:
                curate.current_revision(entry_id)  # 410 for a retired entry
            abort(404, message=f"no entry with id {truncate(entry_id)!r}")
        blp.set_etag(curate.etag_data(entry.id, entry.revision))
        return entry_dict(glossary(), entry, args["variants"])

    @curate.requires("editor")
    @blp.etag
    @blp.arguments(EntrySchema, as_kwargs=False)
    @blp.response(200, s.EntryOut)
    @errors(401, 403, 404, 410, auth=True)
    def put(self, _entry, entry_id):
        """Replace an entry (If-Match: its ETag; 412 if it changed since, 428 without If-Match)."""
        revision = _check_etag(entry_id)
        stored = curate.write([Operation("replace", entry_id, entry=g.json_body, expected=revision)])[0]
        return _written(200, stored)

    @curate.requires("editor")
    @blp.etag
    @blp.arguments(s.MergePatch(), content_type="application/merge-patch+json")
    @blp.response(200, s.EntryOut)
    @errors(401, 403, 404, 410, auth=True)
    def patch(self, patch, entry_id):
        """Change some fields of an entry with a JSON Merge Patch (RFC 7396; If-Match as for PUT)."""
        revision = _check_etag(entry_id)
        stored = curate.write([Operation("patch", entry_id, patch=g.json_body, expected=revision)])[0]
        return _written(200, stored)

    @curate.requires("admin")
    @blp.etag
    @blp.response(204)
    @errors(401, 403, 404, 410, auth=True)
    def delete(self, entry_id):
        """Retire an entry (an admin's token; If-Match): lookups no longer find it, its id is never reused,
        its history stays."""
        revision = _check_etag(entry_id)
        curate.write([Operation("retire", entry_id, expected=revision)])
        curate.refresh_after_write()


def _check_etag(entry_id: str) -> int:
    """412 unless If-Match is the entry's current ETag in the store; returns that revision."""
    revision = curate.current_revision(entry_id)
    blp.check_etag(curate.etag_data(entry_id, revision))
    return revision


@blp.route("/entries/<string:entry_id>/history", parameters=[ENTRY_ID])
class History(MethodView):
    @blp.response(200, s.HistoryOut)
    def get(self, entry_id):
        """Every revision of an entry, oldest first: who, when, what action, and the fields it changed."""
        found = curate.history(entry_id)
        if found is None:
            abort(404, message=f"no entry with id {truncate(entry_id)!r}")
        return found


@blp.route("/entries/<string:entry_id>/revert", parameters=[ENTRY_ID])
class Revert(MethodView):
    @curate.requires("admin")
    @blp.arguments(s.RevertRequest())
    @blp.response(200, s.EntryOut)
    @errors(401, 403, 404, 412)
    @blp.doc(parameters=[{"in": "header", "name": "If-Match", "required": False, "schema": {"type": "string"},
                          "description": "the entry's ETag: 412 if it has changed since"}], **AUTH)
    def post(self, body, entry_id):
        """Restore an old revision of an entry as a new revision (an admin's token)."""
        revision = curate.current_revision(entry_id)
        if request.if_match and not request.if_match.contains(blp._generate_etag(curate.etag_data(entry_id, revision))):
            abort(412, message="the entry has changed since the ETag in If-Match")
        stored = curate.write([Operation("revert", entry_id, revision=body["revision"], expected=revision)])[0]
        blp.set_etag(curate.etag_data(stored.id, stored.revision))
        curate.refresh_after_write()
        return curate.stored_dict(stored)


@blp.route("/entries:batch")
class Batch(MethodView):
    @curate.requires("editor")
    @blp.arguments(s.BatchRequest())
    @blp.response(200, s.BatchResult)
    @errors(401, 403, 409, 412, auth=True)
    def post(self, body):
        """Many changes in one transaction, all or nothing (retire and revert need an admin's token).

        Problems are reported by item: ``errors`` keys start with the item's index."""
        ops = [Operation(o["op"], o.get("id"), entry=o.get("entry"), patch=o.get("patch"), revision=o.get("to"),
                         expected=o.get("revision")) for o in body["operations"]]
        stored = curate.write(ops)
        curate.refresh_after_write()
        return {"results": [{"id": e.id, "revision": e.revision, "retired": e.retired} for e in stored]}


@blp.route("/romanize")
class Romanize(MethodView):
    @blp.arguments(s.RomanizeRequest())
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
    @blp.arguments(s.TbxExportArgs(), location="query")
    @blp.response(200, _FILE, content_type=interchange.MEDIA_TYPES["tbx"], headers=_DISPOSITION,
                  description="A TBX document: one concept entry per glossary entry")
    def get(self, args):
        """The whole glossary as TBX (ISO 30042, TBX-Basic) for terminology and CAT tools, streamed."""
        g = glossary()
        return _download(g, interchange.iter_tbx(g, version=args["version"], variants=args["variants"]), "tbx")


@blp.route("/export/csv")
class ExportCsv(MethodView):
    @blp.arguments(s.ExportArgs(), location="query")
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


TBX_UPLOAD_TYPES = FILE_ROUTES["v1.ImportTbx"]


@blp.route("/import/tbx")
class ImportTbx(MethodView):
    @curate.requires("editor")
    @blp.arguments(s.TbxImportArgs(), location="query")
    @blp.response(200, s.ImportReportOut)
    @errors(401, 403, 413, 415)
    @blp.doc(requestBody={"required": True, "description": "a TBX file (ISO 30042:2019 or the 2008 structure)",
                          "content": {t: {"schema": _FILE} for t in TBX_UPLOAD_TYPES}}, **AUTH)
    def post(self, args):
        """What importing a TBX file would add, change and remove (an editor's token): a dry run, nothing changes."""
        check_file_type()
        snapshot = glossary()
        try:
            report = interchange.read_tbx(snapshot, io.BytesIO(request.get_data(cache=False)),
                                          partial=args["partial"])
        except interchange.UnreadableFile as exc:
            abort(400, message=truncate(str(exc), 300))
        return {**report.as_dict(), "data_version": snapshot.version}


def _download(g, chunks, fmt: str):
    """A streamed attachment; the generator holds the snapshot it was given, so a swap cannot mix versions."""
    response = current_app.response_class(interchange.as_bytes(chunks), content_type=interchange.MEDIA_TYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="jcglossary-{g.version}.{fmt}"'
    return response
