"""Deriving is a build step: an entry is compiled once, when it is written (or its seeds are compiled),
into every variant it has (curated and derived) with each variant's name key; a store keeps that record,
and building a snapshot from it only indexes (no YAML, no marshmallow, no OpenCC or pypinyin).

A record is JSON. Format 2 (written since the store's records were made compact; ``"v": 2``)::

    {"v": 2, "entry": {...}, "variants": [row, ...], "curated": [index or row, ...]}

A variant row is ``[name, key, lang, kind, origin, flags, derived_from, method, note, used_by,
ambiguous_with, context]`` with the fields at their default left off the end (a curated variant is
usually ``[name, key, lang, kind]``); ``flags`` packs the four booleans (:data:`STANDALONE`,
:data:`CASE_SENSITIVE`, :data:`PREFERRED`, :data:`IN_TEXT`). ``curated`` lists the entry's own
variants: the index of an equal compiled variant (the same object once decoded), or a row whose key is
null when none is equal.

Format 1 (no ``"v"``; stores written before) is still read: ``{"entry": {...}, "curated": [variant
row...], "variants": [variant row + key...]}``, a variant row listing every
:class:`~glossary.model.Variant` field in declaration order. A format-1 row is rewritten in format 2
when its entry is next written; nothing else needs to change in an older store file.

Decoding is the cost of every start (a million variants from a store), so :func:`from_record` uses
orjson, builds each variant as one tuple, and shares one string object for the repeated short fields
(language tag, kind, origin, method) across every record it decodes.
"""

from __future__ import annotations

import sys

import orjson

from glossary.derive import all_variants
from glossary.keys import name_key
from glossary.model import Entry, Variant

VERSION = 2
VARIANT_FIELDS = Variant._fields
Compiled = list[tuple[Variant, str]]

STANDALONE, CASE_SENSITIVE, PREFERRED, IN_TEXT = 1, 2, 4, 8
_DEFAULT_FLAGS = STANDALONE | IN_TEXT
# Row slots from ``origin`` on, at their defaults: what a trimmed row leaves off.
_DEFAULT_TAIL = ("curated", _DEFAULT_FLAGS, None, None, None, [], [], [])
_ROW_HEAD = 4  # name, key, lang, kind: always written
_intern = sys.intern
_new = tuple.__new__


def compile_entry(entry: Entry) -> Compiled:
    """Every variant of ``entry`` (curated, then derived) with its name key."""
    return [(v, name_key(v.name)) for v in all_variants(entry)]


def _row(v: Variant, key: str | None) -> list:
    flags = ((STANDALONE if v.standalone else 0) | (CASE_SENSITIVE if v.case_sensitive else 0)
             | (PREFERRED if v.preferred else 0) | (IN_TEXT if v.in_text else 0))
    row = [v.name, key, v.lang, v.kind, v.origin, flags, v.derived_from, v.method, v.note,
           list(v.used_by), list(v.ambiguous_with), list(v.context)]
    end = len(row)
    while end > _ROW_HEAD and row[end - 1] == _DEFAULT_TAIL[end - 1 - _ROW_HEAD]:
        end -= 1
    return row[:end]


def to_record(entry: Entry, compiled: Compiled, position: int = 0) -> str:
    head = {"id": entry.id, "type": entry.type, "description": entry.description, "names": entry.names,
            "family_name": entry.family_name, "overrides": entry.overrides, "details": entry.details,
            "source": entry.source, "revision": entry.revision, "position": position}
    first: dict[Variant, int] = {}
    for i, (v, _key) in enumerate(compiled):
        first.setdefault(v, i)
    curated = [first[v] if v in first else _row(v, None) for v in entry.variants]
    record = {"v": VERSION, "entry": head, "variants": [_row(v, key) for v, key in compiled], "curated": curated}
    return orjson.dumps(record).decode()


def _variant(row: list, share) -> tuple[Variant, str | None]:
    """A format-2 row as (variant, key); ``share`` gives one object for equal strings of one record."""
    if len(row) < 12:
        row = row + list(_DEFAULT_TAIL[len(row) - _ROW_HEAD:])
    name, key, lang, kind, origin, flags, derived_from, method, note, used_by, ambiguous_with, context = row
    name = share(name, name)
    return _new(Variant, (name, _intern(lang), _intern(kind), _intern(origin), bool(flags & STANDALONE),
                          bool(flags & CASE_SENSITIVE), tuple(used_by), tuple(ambiguous_with),
                          bool(flags & PREFERRED), tuple(context), bool(flags & IN_TEXT),
                          derived_from and share(derived_from, derived_from), method and _intern(method),
                          note)), key and share(key, key)


def _variant_v1(row: list) -> Variant:
    """A format-1 row (every field in declaration order) as a variant."""
    (name, lang, kind, origin, standalone, case_sensitive, used_by, ambiguous_with, preferred, context, in_text,
     derived_from, method, note) = row
    return _new(Variant, (name, _intern(lang), _intern(kind), _intern(origin), standalone, case_sensitive,
                          tuple(used_by), tuple(ambiguous_with), preferred, tuple(context), in_text, derived_from,
                          method and _intern(method), note))


def from_record(text: str | bytes) -> tuple[Entry, Compiled, tuple[int, str, int]]:
    """(entry, its compiled variants, its place) from :func:`to_record`'s JSON (either format). The place
    orders a store's entries: (the data version that created it, its seed file, its position there)."""
    data = orjson.loads(text)
    head = data["entry"]
    position, created = head.pop("position", 0), head.pop("created", 1)
    head["type"] = _intern(head["type"])
    if data.get("v") == VERSION:
        # A name is often written several times in one record (a preferred name and its variant, the key
        # of a Han name, the name a variant is derived from, a family name): keep one string of each.
        share = {}.setdefault
        for table in (head["names"], head.get("family_name") or {}):
            for tag, name in table.items():
                if (one := share(name, name)) is not name:
                    table[tag] = one
        compiled = [_variant(r, share) for r in data["variants"]]
        curated = tuple(compiled[r][0] if type(r) is int else _variant(r, share)[0] for r in data["curated"])
    elif "v" not in data:
        compiled = [(_variant_v1(r[:-1]), r[-1]) for r in data["variants"]]
        curated = tuple(_variant_v1(r) for r in data["curated"])
    else:
        raise ValueError(f"record format {data['v']!r} is newer than this code reads ({VERSION})")
    entry = Entry(variants=curated, **head)
    return entry, compiled, (created, entry.source or "", position)
