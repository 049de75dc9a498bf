"""marshmallow schemas for every request and response of the v1 API (and so for openapi.yaml)."""

from __future__ import annotations

import re

from flask import current_app
from marshmallow import EXCLUDE, INCLUDE, Schema, ValidationError, fields, validate, validates_schema

from glossary import interchange
from glossary.model import ENTRY_TYPES
from glossary.normalize import DATE_PATTERN, MODES, NAME_ORDERS, OFFSETS, TARGETS
from glossary.schemas import EntrySchema
from service.errors import LimitExceeded
from service.limits import default

VARIANT_CHOICES = ("all", "curated", "none")


_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def clean_text(value: str) -> None:
    """Text must be valid Unicode without NUL: lone surrogates cannot be encoded in any answer."""
    if "\x00" in value:
        raise ValidationError("NUL characters are not allowed")
    if _SURROGATE_RE.search(value):
        raise ValidationError("lone surrogate code points are not valid Unicode text")


NO_NUL = "^[^\\x00]*$"  # openapi.yaml's way of saying "no NUL" (lone surrogates cannot be sent in JSON or a URL)


class Text(fields.String):
    """A string that is valid Unicode text (no NUL, no lone surrogates).

    ``max_length`` documents the limit in openapi.yaml (a default of :mod:`service.limits`); the views
    enforce the configured value with a 413/414 that names it.
    """

    def __init__(self, max_length: int | None = None, **kwargs):
        extra = kwargs.pop("validate", [])
        extra = [extra] if callable(extra) else list(extra)
        metadata = {"pattern": NO_NUL, **kwargs.pop("metadata", {})}
        if max_length is not None:
            metadata["maxLength"] = max_length
        super().__init__(validate=[clean_text, *extra], metadata=metadata, **kwargs)


class StrictBoolean(fields.Boolean):
    """true or false, not 0, 1 or "yes" (the protocol's JSON Schema says boolean)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise ValidationError("Not a valid boolean.")
        return value


def check_limit(name: str, actual: int, code: int = 413, hint: str = "") -> None:
    maximum = current_app.config[name]
    if actual > maximum:
        raise LimitExceeded(name, maximum, actual, code, hint)


# -- entries --------------------------------------------------------------------------------------


class VariantOut(Schema):
    name = fields.String(required=True)
    lang = fields.String(required=True, metadata={"description": "BCP 47 tag"})
    kind = fields.String(required=True)
    origin = fields.String(required=True, metadata={"description": "curated, or derived by the machine"})
    standalone = fields.Boolean(metadata={"description": "false: needs an earlier full mention in text"})
    case_sensitive = fields.Boolean()
    used_by = fields.List(fields.String())
    ambiguous_with = fields.List(fields.String())
    preferred = fields.Boolean()
    context = fields.List(fields.String())
    derived_from = fields.String(allow_none=True)
    method = fields.String(allow_none=True, metadata={"description": "how a derived variant was made"})
    note = fields.String(allow_none=True)


class EntryOut(EntrySchema):
    """An entry as the API answers it: the one entry schema (glossary/schemas.py, which loads seeds and
    validates writes) with every variant, curated and derived, and the entry's source and revision."""

    class Meta:
        unknown = EXCLUDE

    variants = fields.List(fields.Nested(VariantOut), required=True)
    country = fields.List(fields.String(), metadata={"description": "ISO 3166-1 alpha-2 codes"})
    source = fields.String(allow_none=True, metadata={"description": "the seed file the entry belongs to"})
    revision = fields.Integer(required=True, metadata={"description": "1 when created, one more at every change"})


class EntryArgs(Schema):
    variants = fields.String(load_default="all", validate=validate.OneOf(VARIANT_CHOICES),
                             metadata={"description": "which variants to include: all, curated or none"})


class EntriesArgs(EntryArgs):
    type = fields.String(validate=validate.OneOf(ENTRY_TYPES))
    q = Text(validate=[validate.Length(min=1, max=500)], metadata={"description": "filter by name"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class EntriesPage(Schema):
    items = fields.List(fields.Nested(EntryOut), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    data_version = fields.String(required=True, metadata={"description": "the version of the glossary data this "
                                                                        "answer comes from (X-Data-Version)"})


# -- lookup ---------------------------------------------------------------------------------------


class LookupFields(Schema):
    q = Text(required=True, validate=[validate.Length(min=1)], max_length=default("MAX_QUERY_CHARS"),
             metadata={"description": "the name to look up (at most MAX_QUERY_CHARS characters)"})
    type = fields.String(validate=validate.OneOf(ENTRY_TYPES))
    limit = fields.Integer(load_default=5, validate=validate.Range(min=1),
                           metadata={"description": "at most this many matches (max MAX_LIMIT)",
                                     "maximum": default("MAX_LIMIT")})
    reference = StrictBoolean(load_default=False, metadata={
        "description": "also answer `reference`: the readings JMnedict and CC-CEDICT give the name, when no "
                       "glossary entry has it (at most `limit` of them)"})

    @validates_schema
    def limits(self, data, **kwargs):
        if "limit" in data and data["limit"] > current_app.config["MAX_LIMIT"]:
            raise ValidationError(f"at most {current_app.config['MAX_LIMIT']}", "limit")
        if "q" in data:
            check_limit("MAX_QUERY_CHARS", len(data["q"]), code=self.limit_code)

    limit_code = 413


class LookupArgs(LookupFields):
    variants = fields.String(load_default="all", validate=validate.OneOf(VARIANT_CHOICES))
    reference = fields.Boolean(load_default=False, truthy={"true"}, falsy={"false"}, metadata={
        "description": "true: also answer `reference`, the readings JMnedict and CC-CEDICT give the name, when "
                       "no glossary entry has it (at most `limit` of them)"})
    limit_code = 414  # the query is in the URL


class LookupBatch(Schema):
    queries = fields.List(fields.Nested(LookupFields), required=True,
                          metadata={"maxItems": default("MAX_BATCH_QUERIES")})
    variants = fields.String(load_default="all", validate=validate.OneOf(VARIANT_CHOICES))

    def load(self, data, *args, **kwargs):  # check the batch size before validating each item
        if isinstance(data, dict) and isinstance(data.get("queries"), list):
            check_limit("MAX_BATCH_QUERIES", len(data["queries"]))
        return super().load(data, *args, **kwargs)


class MatchOut(Schema):
    entry = fields.Nested(EntryOut, required=True)
    score = fields.Float(required=True, validate=validate.Range(min=0, max=1))
    matched = fields.String(required=True, metadata={"description": "the variant that matched"})
    method = fields.String(required=True, metadata={"description": "exact, normalized, derived, compact, fuzzy"})
    ambiguous = fields.Boolean(required=True, metadata={"description": "true when entries tie for first"})


class ReferenceOut(Schema):
    """A name from a reference dictionary: not a glossary entry (no id), never ranked with the entries."""

    source = fields.String(required=True, validate=validate.OneOf(("jmnedict", "cc-cedict")),
                           metadata={"description": "jmnedict or cc-cedict"})
    attribution = fields.String(required=True, metadata={"description": "the dictionary, its owner and licence"})
    licence = fields.String(required=True, metadata={"description": "CC BY-SA 4.0"})
    form = fields.String(required=True, metadata={"description": "the written form the dictionary has"})
    lang = fields.String(required=True, validate=validate.OneOf(("ja", "zh")))
    reading = fields.String(required=True, metadata={"description": "hiragana (ja) or pinyin with tone marks (zh)"})
    romanized = fields.String(required=True, metadata={"description": "Hepburn (ja) or toneless pinyin (zh)"})
    types = fields.List(fields.String(), required=True, metadata={
        "description": "JMnedict's name types (surname, given, fem, masc, person, place, station, organization, "
                       "company, unclass); empty for CC-CEDICT"})
    gloss = fields.String(required=True, metadata={"description": "the dictionary's English gloss"})


class LookupResult(Schema):
    query = fields.String(required=True)
    matches = fields.List(fields.Nested(MatchOut), required=True)
    reference = fields.List(fields.Nested(ReferenceOut), metadata={
        "description": "only with reference=true: dictionary readings of a name that no glossary entry has "
                       "(the matches are at most fuzzy guesses or context-only short forms), else empty"})
    data_version = fields.String(metadata={"description": "the version of the glossary data this answer comes "
                                                         "from (X-Data-Version); on GET /v1/lookup"})


class LookupBatchResult(Schema):
    results = fields.List(fields.Nested(LookupResult), required=True)
    data_version = fields.String(required=True, metadata={"description": "the version of the glossary data this "
                                                                        "answer comes from (X-Data-Version)"})


# -- normalize ------------------------------------------------------------------------------------


class NormalizeRequest(Schema):
    texts = fields.List(Text(max_length=default("MAX_TEXT_CHARS")), required=True, validate=validate.Length(min=1),
                        metadata={"maxItems": default("MAX_TEXTS"),
                                  "description": "at most MAX_TEXTS texts, MAX_TOTAL_CHARS characters in all"})
    target = fields.String(load_default="en", validate=validate.OneOf(TARGETS))
    mode = fields.String(load_default="rewrite", validate=validate.OneOf(MODES),
                         metadata={"description": "rewrite, annotate, or mentions (text unchanged)"})
    name_order = fields.String(load_default="given-family", validate=validate.OneOf(NAME_ORDERS),
                               metadata={"description": "English order of Japanese and Korean names"})
    offsets = fields.String(load_default="codepoint", validate=validate.OneOf(OFFSETS))
    date = fields.String(
        validate=validate.Regexp(DATE_PATTERN, error="use YYYY, YYYY-MM or YYYY-MM-DD"),
        metadata={"pattern": DATE_PATTERN,
                  "description": "when the texts were written (YYYY, YYYY-MM or YYYY-MM-DD): a surname next to a "
                                 "title (岸田首相, President Xi) resolves to whoever held that office then"})

    reference = StrictBoolean(load_default=False, metadata={
        "description": "also answer `reference_names`: proper nouns (by Sudachi's or jieba's tags) that JMnedict "
                       "(text with kana) or CC-CEDICT (other text) knows and no mention covers; never rewritten. "
                       "Costs about one more segmenter pass over the text"})

    def load(self, data, *args, **kwargs):
        if isinstance(data, dict) and isinstance(data.get("texts"), list):
            texts = data["texts"]
            check_limit("MAX_TEXTS", len(texts))
            longest = max((len(t) for t in texts if isinstance(t, str)), default=0)
            check_limit("MAX_TEXT_CHARS", longest)
            check_limit("MAX_TOTAL_CHARS", sum(len(t) for t in texts if isinstance(t, str)))
        return super().load(data, *args, **kwargs)


class MentionOut(Schema):
    start = fields.Integer(required=True, metadata={"description": "offset of the first code point"})
    end = fields.Integer(required=True, metadata={"description": "offset after the last (exclusive)"})
    surface = fields.String(required=True)
    entry_id = fields.String(metadata={"description": "absent when the mention is ambiguous"})
    canonical = fields.String(metadata={"description": "absent when the mention is ambiguous"})
    resolution = fields.String(required=True, metadata={
        "description": "direct (a name of one entry), context (the text names the entry elsewhere), title (a "
                       "title next to a surname), side (the side the text is written from), default (the "
                       "curators' usual reading; candidates lists the others), reading (a kana reading in "
                       "brackets right after a name, of that name's entry) or ambiguous"})
    matched = fields.String(required=True)
    variant_kind = fields.String(required=True)
    variant_origin = fields.String(required=True)
    candidates = fields.List(fields.String(), required=True)
    start_utf16 = fields.Integer(metadata={"description": "only with offsets=utf16"})
    end_utf16 = fields.Integer(metadata={"description": "only with offsets=utf16"})


class ReferenceNameOut(ReferenceOut):
    """A name in the text found in a reference dictionary (normalize with reference=true)."""

    start = fields.Integer(required=True, metadata={"description": "offset of the first code point"})
    end = fields.Integer(required=True, metadata={"description": "offset after the last (exclusive)"})
    surface = fields.String(required=True)
    start_utf16 = fields.Integer(metadata={"description": "only with offsets=utf16"})
    end_utf16 = fields.Integer(metadata={"description": "only with offsets=utf16"})


class NormalizeResultOut(Schema):
    text = fields.String(required=True)
    mentions = fields.List(fields.Nested(MentionOut), required=True)
    reference_names = fields.List(fields.Nested(ReferenceNameOut), metadata={
        "description": "only with reference=true: names from JMnedict or CC-CEDICT, not glossary entries"})


class NormalizeResponse(Schema):
    results = fields.List(fields.Nested(NormalizeResultOut), required=True)
    data_version = fields.String(required=True, metadata={"description": "the version of the glossary data this "
                                                                        "answer comes from (X-Data-Version)"})


# -- romanize -------------------------------------------------------------------------------------


class RomanizeRequest(Schema):
    text = Text(required=True, validate=[validate.Length(min=1)], max_length=default("MAX_ROMANIZE_CHARS"))
    lang = fields.String(load_default="auto", validate=validate.OneOf(("auto", "zh", "ja")))

    @validates_schema
    def limits(self, data, **kwargs):
        if "text" in data:
            check_limit("MAX_ROMANIZE_CHARS", len(data["text"]))


class RomanizeResult(Schema):
    text = fields.String(required=True)
    lang = fields.String(required=True)
    reading_is_guess = fields.Boolean(required=True, metadata={
        "description": "true unless every reading is curated, the text is kana, or the dictionary knows one reading "
                       "of the name"})
    entry_id = fields.String(allow_none=True, metadata={"description": "set when the text is a glossary name"})
    pinyin = fields.String()
    pinyin_numbers = fields.String()
    pinyin_plain = fields.String()
    wade_giles = fields.String()
    hiragana = fields.String()
    katakana = fields.String()
    hepburn = fields.String()
    hepburn_plain = fields.String()
    source = fields.String(required=True, validate=validate.OneOf(
        ("glossary", "jmnedict", "cc-cedict", "pykakasi", "pypinyin")), metadata={
        "description": "where the reading comes from: a glossary entry, a reference dictionary (JMnedict, "
                       "CC-CEDICT: see attribution) or the guesser"})
    attribution = fields.String(metadata={"description": "with a dictionary reading: the dictionary, its owner and "
                                                         "licence"})
    readings = fields.List(fields.Nested(lambda: RomanizeReading()), metadata={
        "description": "with a dictionary reading: every reading the dictionary gives the name, the chosen one "
                       "first (the one the guesser also gives, then names of more types)"})


class RomanizeReading(Schema):
    reading = fields.String(required=True)
    romanized = fields.String(required=True)
    types = fields.List(fields.String(), required=True)
    gloss = fields.String(required=True)


# -- export ---------------------------------------------------------------------------------------


class ExportArgs(Schema):
    variants = fields.String(load_default="all", validate=validate.OneOf(interchange.VARIANT_CHOICES),
                             metadata={"description": "all names and variants, or only the curated ones"})


class TbxExportArgs(ExportArgs):
    version = fields.Integer(load_default=3, validate=validate.OneOf(interchange.TBX_VERSIONS),
                             metadata={"description": "3: ISO 30042:2019 (TBX-Basic, DCA style); 2: the same "
                                                      "content in the 2008 structure (<martif>) for tools that "
                                                      "read only that one"})


class TbxImportArgs(Schema):
    partial = fields.Boolean(load_default=False,
                             metadata={"description": "the file holds only some entries: entries absent from it "
                                                      "are not proposed for removal"})


class ImportChange(Schema):
    id = fields.String(required=True)
    action = fields.String(required=True, validate=validate.OneOf(("add", "change", "remove")))
    changes = fields.List(fields.String(), required=True, metadata={"description": "what would change, for people"})
    proposed = fields.Dict(required=True, allow_none=True,
                           metadata={"description": "the entry as it would be (seed shape); null for a removal"})


class ImportReportOut(Schema):
    """What importing a file would do; nothing is changed (a dry run)."""

    format = fields.String(required=True)
    entries_read = fields.Integer(required=True)
    added = fields.Integer(required=True)
    changed = fields.Integer(required=True)
    removed = fields.Integer(required=True)
    unchanged = fields.Integer(required=True)
    skipped_derived = fields.Integer(required=True, metadata={"description": "derived spellings in the file, "
                                                                             "left to the machine"})
    problems = fields.Integer(required=True)
    changes = fields.List(fields.Nested(ImportChange), required=True)
    problem_list = fields.List(fields.String(), required=True)
    data_version = fields.String(required=True, metadata={"description": "the glossary version compared with"})


# -- health ---------------------------------------------------------------------------------------


class Health(Schema):
    status = fields.String(required=True)
    entries = fields.Integer(required=True)
    variants = fields.Integer(required=True)
    curated_variants = fields.Integer()
    derived_variants = fields.Integer()
    data_version = fields.String(required=True, metadata={
        "description": "the version of the loaded glossary data (seed files: a hash of them; a store: its "
                       "data version)"})
    version = fields.String(required=True, metadata={"description": "service version"})
    by_type = fields.Dict(keys=fields.String(), values=fields.Integer())
    limits = fields.Dict(keys=fields.String(), values=fields.Integer())
    reference = fields.String(validate=validate.OneOf(("ready", "pending", "failed", "off")), metadata={
        "description": "the reference layer (JMnedict, CC-CEDICT): ready, pending (being compiled: reference "
                       "answers are empty meanwhile), failed (unreadable: see the log) or off"})


# -- reconciliation (W3C 0.2 and the 1.0 draft's POST /match) ----------------------------------------
# The protocol's JSON arrives in form parameters (0.2) or a body (draft); it is loaded through these
# schemas like the v1 API's, so a wrong type anywhere is a 400 problem that names the field, never a 500.

ID_CHARS = 200  # ids, property ids, type ids and batch keys: longer than any the glossary has


class ProtocolSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # the protocol's optional members we do not use (lang, dir, settings, …)


class PropertyValue(fields.Field):
    """A property value: a string, number, boolean or ``{"id": …, "name": …}``, or a list of them.

    Loaded as a list of strings, each at most MAX_QUERY_CHARS long, at most MAX_PROPERTY_VALUES of them
    (and at most MAX_PROPERTY_VALUES properties or conditions per query).
    """

    def _deserialize(self, value, attr, data, **kwargs):
        items = value if isinstance(value, list) else [value]
        check_limit("MAX_PROPERTY_VALUES", len(items))
        out = []
        for item in items:
            if isinstance(item, dict):
                name = item.get("name", "")
                if not isinstance(item.get("id"), str) or not isinstance(name, str):
                    raise ValidationError("an entity value needs a string 'id' (and 'name', if any, a string)")
                item = item["id"] or name or ""
            if isinstance(item, bool):
                item = "true" if item else "false"
            elif isinstance(item, int | float):
                item = str(int(item)) if isinstance(item, float) and item.is_integer() else str(item)
            elif not isinstance(item, str):
                raise ValidationError("a value is a string, number, boolean or {\"id\": …}, or a list of them")
            clean_text(item)
            check_limit("MAX_QUERY_CHARS", len(item))
            out.append(item)
        return out


class TypeIds(fields.Field):
    """One type id or a list of them; loaded as a list."""

    def _deserialize(self, value, attr, data, **kwargs):
        items = value if isinstance(value, list) else [value]
        if len(items) > len(ENTRY_TYPES) * 2 or not all(isinstance(t, str) and len(t) <= ID_CHARS for t in items):
            raise ValidationError(f"a type id or a list of at most {len(ENTRY_TYPES) * 2} type ids")
        for t in items:
            clean_text(t)
        return items


def _limit_in_range(limit) -> None:
    top = current_app.config["MAX_LIMIT"]
    if not 1 <= limit <= top:
        raise ValidationError(f"must be a number from 1 to {top}")


class ReconProperty(ProtocolSchema):
    pid = Text(required=True, validate=validate.Length(min=1, max=ID_CHARS))
    v = PropertyValue(required=True)


class ReconQuery(ProtocolSchema):
    query = Text(required=True, validate=validate.Length(min=1), max_length=default("MAX_QUERY_CHARS"))
    type = TypeIds()
    limit = fields.Float(load_default=5, validate=_limit_in_range)
    properties = fields.List(fields.Nested(ReconProperty), load_default=list)
    type_strict = fields.String(validate=validate.OneOf(("any", "should", "all")))

    @validates_schema
    def limits(self, data, **kwargs):
        if "query" in data:
            check_limit("MAX_QUERY_CHARS", len(data["query"]))
        check_limit("MAX_PROPERTY_VALUES", len(data.get("properties", ())))


class ReconBatch(Schema):
    """``queries``: an object of named queries."""

    def load(self, data, *args, **kwargs):
        if not isinstance(data, dict):
            raise ValidationError("must be a JSON object of named queries")
        check_limit("MAX_BATCH_QUERIES", len(data))
        errors, out = {}, {}
        for key, query in data.items():
            if len(key) > ID_CHARS:
                errors[key[:ID_CHARS]] = [f"a query key is at most {ID_CHARS} characters"]
                continue
            if not isinstance(query, dict):
                errors[key] = ["a query is a JSON object"]
                continue
            try:
                out[key] = ReconQuery().load(query)
            except ValidationError as exc:
                errors[key] = exc.messages
        if errors:
            raise ValidationError(errors)
        return out


class ExtendProperty(ProtocolSchema):
    id = Text(required=True, validate=validate.Length(min=1, max=ID_CHARS))
    settings = fields.Dict()


class ExtendQuery(ProtocolSchema):
    ids = fields.List(Text(validate=validate.Length(min=1, max=ID_CHARS)), required=True)
    properties = fields.List(fields.Nested(ExtendProperty), required=True, validate=validate.Length(max=50))

    def load(self, data, *args, **kwargs):
        if isinstance(data, dict) and isinstance(data.get("ids"), list):
            check_limit("MAX_BATCH_QUERIES", len(data["ids"]))
        return super().load(data, *args, **kwargs)


class DraftCondition(ProtocolSchema):
    matchType = fields.String(required=True, validate=validate.OneOf(("name", "id", "property")))
    propertyId = Text(validate=validate.Length(min=1, max=ID_CHARS))
    propertyValue = PropertyValue(required=True)
    required = StrictBoolean()
    matchQuantifier = fields.String(validate=validate.OneOf(("any", "all", "none")))
    matchQualifier = Text(validate=validate.Length(max=ID_CHARS))


class DraftQuery(ProtocolSchema):
    type = Text(validate=validate.Length(min=1, max=ID_CHARS))
    limit = fields.Float(load_default=5, validate=_limit_in_range)
    conditions = fields.List(fields.Nested(DraftCondition), required=True, validate=validate.Length(min=1))

    @validates_schema
    def limits(self, data, **kwargs):
        check_limit("MAX_PROPERTY_VALUES", len(data.get("conditions", ())))


class DraftBatch(ProtocolSchema):
    queries = fields.List(fields.Nested(DraftQuery), required=True)

    def load(self, data, *args, **kwargs):
        if isinstance(data, dict) and isinstance(data.get("queries"), list):
            check_limit("MAX_BATCH_QUERIES", len(data["queries"]))
        return super().load(data, *args, **kwargs)


# -- writes (service/curate.py) -------------------------------------------------------------------

MAX_BATCH = 500


class EntryRevisionArgs(EntryArgs):
    revision = fields.Integer(validate=validate.Range(min=1, max=2**31),
                              metadata={"description": "show the entry as it was at this revision"})


class MergePatch(Schema):
    """A JSON Merge Patch (RFC 7396) of an entry as a seed file holds it: members replace the entry's,
    ``null`` removes one, objects (names, family_name, overrides) merge member by member."""

    class Meta:
        unknown = INCLUDE


class RevertRequest(Schema):
    revision = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31),
                              metadata={"description": "the revision to restore (as a new revision)"})


WRITE_OPS = ("create", "replace", "patch", "retire", "revert")


class BatchOperation(Schema):
    op = fields.String(required=True, validate=validate.OneOf(WRITE_OPS))
    id = fields.String(validate=validate.Length(min=1, max=ID_CHARS),
                       metadata={"description": "the entry (every op but create)"})
    entry = fields.Dict(metadata={"description": "create, replace: the entry as a seed file holds it"})
    patch = fields.Dict(metadata={"description": "patch: a JSON Merge Patch"})
    to = fields.Integer(validate=validate.Range(min=1, max=2**31), metadata={"description": "revert: the revision"})
    revision = fields.Integer(validate=validate.Range(min=1, max=2**31),
                              metadata={"description": "the revision the change is based on: the batch fails "
                                                       "with 412 if the entry has moved on"})

    @validates_schema
    def complete(self, data, **kwargs):
        op = data.get("op")
        needs = {"create": ("entry",), "replace": ("id", "entry"), "patch": ("id", "patch"), "retire": ("id",),
                 "revert": ("id", "to")}.get(op, ())
        missing = [f for f in needs if f not in data]
        if missing:
            raise ValidationError({f: [f"{op} needs {f}"] for f in missing})


class BatchRequest(Schema):
    operations = fields.List(fields.Nested(BatchOperation), required=True,
                             validate=validate.Length(min=1, max=MAX_BATCH),
                             metadata={"description": f"applied in order, in one transaction (at most {MAX_BATCH})"})


class WriteResult(Schema):
    id = fields.String(required=True)
    revision = fields.Integer(required=True)
    retired = fields.Boolean(required=True)


class BatchResult(Schema):
    results = fields.List(fields.Nested(WriteResult), required=True)


class FieldChange(Schema):
    field = fields.String(required=True)
    before = fields.Raw(metadata={"description": "absent when the field was added"})
    after = fields.Raw(metadata={"description": "absent when the field was removed"})


class RevisionOut(Schema):
    revision = fields.Integer(required=True)
    action = fields.String(required=True, metadata={"description": "import, create, update, revert or retire"})
    author = fields.String(required=True, metadata={"description": "the name of the token that wrote it"})
    at = fields.String(required=True, metadata={"description": "UTC time, ISO 8601"})
    changes = fields.List(fields.Nested(FieldChange), required=True,
                          metadata={"description": "the fields this revision changed, with their values"})


class HistoryOut(Schema):
    id = fields.String(required=True)
    retired = fields.Boolean(required=True)
    revisions = fields.List(fields.Nested(RevisionOut), required=True)
