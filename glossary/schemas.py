"""marshmallow schemas that validate curated entries, so a bad seed file never reaches the index.

Every field a seed may carry is declared here; an unknown field is an error (it is usually a typo).
"""

from __future__ import annotations

import datetime
import re

from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates,
    validates_schema,
)

from glossary.model import ENTRY_TYPES, VARIANT_KINDS, Entry, Variant

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# BCP 47 (RFC 5646) language tag, the subset this glossary uses: language, script, region, variants.
BCP47_RE = re.compile(  # case-insensitive, as BCP 47 itself is
    r"^[a-z]{2,3}(?:-[A-Z][a-z]{3})?(?:-(?:[A-Z]{2}|[0-9]{3}))?(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*$",
    re.IGNORECASE,
)
DATE_RE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


def check_partial_date(text: str) -> str | None:
    """None if ``text`` is a real YYYY, YYYY-MM or YYYY-MM-DD date, else the error message."""
    if not DATE_RE.match(text):
        return "use YYYY, YYYY-MM or YYYY-MM-DD"
    parts = [int(p) for p in text.split("-")]
    try:
        datetime.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError as exc:
        return f"not a real date: {exc}"
    return None


def _lang_tag(value: str) -> None:
    if not BCP47_RE.match(value):
        raise ValidationError(f"{value!r} is not a BCP 47 language tag (e.g. en, zh-Hans, ja-Latn-hepburn)")


class PartialDate(fields.Field):
    """YYYY, YYYY-MM or YYYY-MM-DD; YAML may hand us a date object or an int for a year."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = value.isoformat() if hasattr(value, "isoformat") else str(value)
        if error := check_partial_date(text):
            raise ValidationError(error)
        return text


class Strict(Schema):
    class Meta:
        unknown = RAISE


class VariantSchema(Strict):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    lang = fields.String(required=True, validate=_lang_tag)
    kind = fields.String(required=True, validate=validate.OneOf([k for k in VARIANT_KINDS if k != "name"]))
    standalone = fields.Boolean()
    case_sensitive = fields.Boolean()
    used_by = fields.List(fields.String())
    ambiguous_with = fields.List(fields.String(validate=validate.Regexp(ID_RE)))
    preferred = fields.Boolean()
    context = fields.List(fields.String(validate=validate.Length(min=1)))
    in_text = fields.Boolean(metadata={"description": "false for a descriptive phrase (処理水放出): lookup finds "
                                                      "it, text normalisation does not tag it"})
    note = fields.String()

    @post_load
    def make(self, data, **kwargs) -> Variant:
        name = data["name"].strip()
        kind = data["kind"]
        return Variant(
            name=name,
            lang=data["lang"],
            kind=kind,
            standalone=data.get("standalone", kind != "short"),
            case_sensitive=data.get("case_sensitive", is_acronym(name)),
            used_by=tuple(data.get("used_by", ())),
            ambiguous_with=tuple(data.get("ambiguous_with", ())),
            preferred=data.get("preferred", False),
            context=tuple(data.get("context", ())),
            in_text=data.get("in_text", True),
            note=data.get("note"),
        )


def is_acronym(name: str) -> bool:
    """US, CCP, NHK, G7: all capitals (digits and dots allowed), up to five letters. Case carries meaning."""
    letters = [c for c in name if c.isalpha()]
    return 0 < len(letters) <= 5 and all(c.isupper() and c.isascii() for c in letters)


class RoleSchema(Strict):
    role = fields.String(required=True)
    from_ = PartialDate(data_key="from", attribute="from")
    to = PartialDate()
    note = fields.String()


class NameUsageSchema(Strict):
    party = fields.String(required=True)
    name = fields.String(required=True)
    en = fields.String()
    note = fields.String()


class UnverifiedSchema(Strict):
    field = fields.String(required=True)
    reason = fields.String(required=True)


class EntrySchema(Strict):
    id = fields.String(required=True, validate=validate.Regexp(ID_RE, error="use a lowercase slug: a-z, 0-9, '-'"))
    type = fields.String(required=True, validate=validate.OneOf(ENTRY_TYPES))
    subtype = fields.String()
    description = fields.String(required=True, validate=validate.Length(min=3, max=300))
    country = fields.Raw()
    region = fields.String()
    born = PartialDate()
    died = PartialDate()
    date = PartialDate()
    end_date = PartialDate()
    roles = fields.List(fields.Nested(RoleSchema))
    names = fields.Dict(keys=fields.String(validate=_lang_tag), values=fields.String(validate=validate.Length(min=1)),
                        required=True)
    family_name = fields.Dict(keys=fields.String(validate=_lang_tag), values=fields.String())
    variants = fields.List(fields.Nested(VariantSchema))
    overrides = fields.Dict(keys=fields.String(validate=_lang_tag),
                            values=fields.String(validate=validate.Length(min=3)))
    name_usage = fields.List(fields.Nested(NameUsageSchema))
    label_note = fields.String()
    unverified = fields.List(fields.Nested(UnverifiedSchema))
    see_also = fields.List(fields.String(validate=validate.Regexp(ID_RE)))
    needs_context = fields.List(fields.String(validate=validate.Length(min=1)),
                                metadata={"description": "names that are also common words"})
    in_text = fields.Boolean(metadata={"description": "false for titles, policy formulas and descriptions: "
                                                      "they take part in text matching but are never tagged"})
    offices = fields.List(fields.String(validate=validate.Length(min=2)),
                          metadata={"description": "titles: the offices they name, as people's roles begin"})
    short_names = fields.Dict(keys=fields.String(validate=_lang_tag),
                              values=fields.String(validate=validate.Length(min=1)),
                              metadata={"description": "the name running text uses when it prints the short form"})
    note = fields.String()

    @validates("names")
    def has_english(self, value, **kwargs):
        if "en" not in value:
            raise ValidationError("every entry needs an English name under 'en'")

    @validates("country")
    def country_codes(self, value, **kwargs):
        codes = value if isinstance(value, list) else [value]
        for code in codes:
            if not isinstance(code, str) or not re.fullmatch(r"[A-Z]{2}", code):
                raise ValidationError(f"{code!r} is not an ISO 3166-1 alpha-2 code (e.g. JP, CN, TW)")

    @validates_schema
    def needs_context_are_names(self, data, **kwargs):
        names = set((data.get("names") or {}).values()) | {v.name for v in data.get("variants") or ()}
        for word in data.get("needs_context") or ():
            if word not in names:
                raise ValidationError({"needs_context": [f"{word!r} is not one of the entry's names"]})

    @validates_schema
    def family_name_in_names(self, data, **kwargs):
        for tag, family in (data.get("family_name") or {}).items():
            full = (data.get("names") or {}).get(tag)
            if full is not None and family not in full:
                raise ValidationError({"family_name": [f"{tag}: {family!r} is not part of the name {full!r}"]})

    @post_load
    def make(self, data, **kwargs) -> Entry:
        core = {"id", "type", "description", "names", "variants", "family_name", "overrides"}
        details = {k: v for k, v in data.items() if k not in core}
        if isinstance(details.get("country"), str):
            details["country"] = [details["country"]]
        return Entry(
            id=data["id"],
            type=data["type"],
            description=data["description"],
            names={k: v.strip() for k, v in data["names"].items()},
            variants=tuple(data.get("variants", ())),
            family_name=dict(data.get("family_name") or {}),
            overrides=dict(data.get("overrides") or {}),
            details=details,
        )
