"""Turn core objects into the plain dicts the response schemas dump, and lookup answers into JSON bytes.

A lookup answer is mostly its entries (5 KB each with every variant), and an entry's JSON is the same in
every answer: dumping it through marshmallow on each request cost 20 times the lookup itself. So each
entry is dumped through :class:`~service.schemas.EntryOut` once per ``variants`` choice, kept as JSON
bytes for the life of the glossary snapshot (the most recently used :data:`ENTRY_CACHE_SIZE`), and an
answer is those bytes joined with the few fields of each match, encoded by orjson. The bytes are the ones
the schema would have dumped (tests/test_serialize.py compares the two).
"""

from __future__ import annotations

import weakref
from collections import OrderedDict

import orjson

from glossary.index import Glossary, Match
from glossary.model import Entry, Variant

ENTRY_CACHE_SIZE = 4096  # entries x variant choices: a few MB of JSON per worker at most


def entry_dict(glossary: Glossary, entry: Entry, variants: str = "all") -> dict:
    return variants_dict(entry, glossary.variants_of(entry.id) if variants != "none" else [], variants)


def variants_dict(entry: Entry, every: list[Variant], variants: str = "all") -> dict:
    """The entry with ``every`` variant of it, or only the curated ones, or none."""
    chosen = [] if variants == "none" else [v for v in every if variants == "all" or v.origin == "curated"]
    return {
        "id": entry.id,
        "type": entry.type,
        "description": entry.description,
        "names": entry.names,
        "variants": [v._asdict() for v in chosen],
        "family_name": entry.family_name,
        "overrides": entry.overrides,
        "source": entry.source,
        "revision": entry.revision,
        **entry.details,
    }


def match_dict(glossary: Glossary, m: Match, variants: str = "all") -> dict:
    return {"entry": entry_dict(glossary, m.entry, variants), "score": m.score, "matched": m.matched,
            "method": m.method, "ambiguous": m.ambiguous}


class EntryJson:
    """Each entry's JSON as ``EntryOut`` dumps it, per variants choice; one per glossary snapshot."""

    def __init__(self, glossary: Glossary, size: int = ENTRY_CACHE_SIZE):
        from service.schemas import EntryOut

        self._glossary = weakref.ref(glossary)
        self._schema = EntryOut()
        self._size = size
        self._cache: OrderedDict[tuple[str, str], bytes] = OrderedDict()

    def __call__(self, entry: Entry, variants: str) -> bytes:
        key = (entry.id, variants)
        found = self._cache.get(key)
        if found is not None:
            self._cache.move_to_end(key)
            return found
        found = orjson.dumps(self._schema.dump(entry_dict(self._glossary(), entry, variants)))
        self._cache[key] = found
        if len(self._cache) > self._size:
            self._cache.popitem(last=False)
        return found


def entry_json(glossary: Glossary) -> EntryJson:
    """The entry JSON cache of this glossary snapshot (made on first use; it belongs to the snapshot, so a
    write's new snapshot starts with its own, and the old one goes away with the old snapshot)."""
    return glossary.built("entry_json", lambda: EntryJson(glossary))


def lookup_json(glossary: Glossary, query: str, matches: list[Match], variants: str,
                reference: list[dict] | None = None, data_version: str | None = None) -> bytes:
    """One ``LookupResult`` as JSON: what ``LookupResult().dump`` and Flask's JSON would send."""
    entries = entry_json(glossary)
    parts = [b'{"query":', orjson.dumps(query), b',"matches":[']
    for n, m in enumerate(matches):
        parts += [b"," if n else b"", b'{"entry":', entries(m.entry, variants), b',"score":',
                  orjson.dumps(float(m.score)), b',"matched":', orjson.dumps(m.matched), b',"method":',
                  orjson.dumps(m.method), b',"ambiguous":', b"true" if m.ambiguous else b"false", b"}"]
    parts.append(b"]")
    if reference is not None:
        from service.schemas import ReferenceOut

        parts += [b',"reference":', orjson.dumps(ReferenceOut(many=True).dump(reference))]
    if data_version is not None:
        parts += [b',"data_version":', orjson.dumps(data_version)]
    parts.append(b"}")
    return b"".join(parts)
