"""Deriving is a build step: an entry is compiled once, when it is written (or its seeds are compiled),
into every variant it has (curated and derived) with each variant's name key; a store keeps that record,
and building a snapshot from it only indexes (no YAML, no marshmallow, no OpenCC or pypinyin).

A record is JSON: ``{"entry": {...}, "curated": [variant row...], "variants": [variant row + key...]}``,
where a variant row lists the :class:`~glossary.model.Variant` fields in declaration order.
"""

from __future__ import annotations

import json
from dataclasses import astuple, fields

from glossary.derive import all_variants
from glossary.keys import name_key
from glossary.model import Entry, Variant

VARIANT_FIELDS = tuple(f.name for f in fields(Variant))
_TUPLES = tuple(i for i, name in enumerate(VARIANT_FIELDS) if name in ("used_by", "ambiguous_with", "context"))

Compiled = list[tuple[Variant, str]]


def compile_entry(entry: Entry) -> Compiled:
    """Every variant of ``entry`` (curated, then derived) with its name key."""
    return [(v, name_key(v.name)) for v in all_variants(entry)]


def to_record(entry: Entry, compiled: Compiled, position: int = 0) -> str:
    head = {"id": entry.id, "type": entry.type, "description": entry.description, "names": entry.names,
            "family_name": entry.family_name, "overrides": entry.overrides, "details": entry.details,
            "source": entry.source, "revision": entry.revision, "position": position}
    return json.dumps({"entry": head, "curated": [astuple(v) for v in entry.variants],
                       "variants": [[*astuple(v), key] for v, key in compiled]},
                      ensure_ascii=False, separators=(",", ":"))


def _variant(row: list) -> Variant:
    for i in _TUPLES:
        row[i] = tuple(row[i])
    return Variant(*row)


def from_record(text: str | bytes) -> tuple[Entry, Compiled, tuple[int, str, int]]:
    """(entry, its compiled variants, its place) from :func:`to_record`'s JSON. The place orders a store's
    entries: (the data version that created it, its seed file, its position there)."""
    data = json.loads(text)
    head = data["entry"]
    position, created = head.pop("position", 0), head.pop("created", 1)
    entry = Entry(variants=tuple(_variant(r) for r in data["curated"]), **head)
    return entry, [(_variant(r[:-1]), r[-1]) for r in data["variants"]], (created, entry.source or "", position)
