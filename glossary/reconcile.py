"""The W3C reconciliation protocol's logic over a glossary: candidates, suggest, data extension.

Candidates are exactly :meth:`Glossary.lookup`'s matches, in the same order, with the score scaled to
0–100. Query properties (country, role, born, date, type) never reorder candidates of different
scores: they only break ties between equal scores, and are reported as features. ``match`` is true only
when the top candidate is a key-level match (score 90 or more) and nothing else ties with it, or the
properties single it out.
"""

from __future__ import annotations

from dataclasses import dataclass

from glossary.index import Glossary, Match
from glossary.keys import name_key
from glossary.model import ENTRY_TYPES, Entry

MATCH_THRESHOLD = 90.0
TYPE_NAMES = {t: t.capitalize() for t in ENTRY_TYPES}

# Properties a query may send to break ties (and that data extension can return).
QUERY_PROPERTIES = {
    "country": "Country (ISO 3166 code or name)",
    "role": "Role or office (words of it)",
    "born": "Year of birth",
    "date": "Year of the event or agreement",
    "lang": "Language tag of the name (BCP 47)",
}
EXTEND_PROPERTIES = {
    "name_en": ("Name (English)", "en"),
    "name_zh-Hans": ("Name (simplified Chinese)", "zh-Hans"),
    "name_zh-Hant": ("Name (traditional Chinese)", "zh-Hant"),
    "name_ja": ("Name (Japanese)", "ja"),
    "kana": ("Reading (kana)", "ja-Hira"),
    "pinyin": ("Reading (pinyin)", "zh-Latn-pinyin"),
    "hepburn": ("Reading (Hepburn)", "ja-Latn-hepburn"),
    "type": ("Type", None),
    "description": ("Description", None),
    "country": ("Country", None),
}


@dataclass(frozen=True)
class Candidate:
    entry: Entry
    score: float  # 0-100, lookup score x 100
    matched: str
    features: dict[str, bool]
    match: bool = False


def reconcile(glossary: Glossary, query: str, types: list[str] | None = None, limit: int = 5,
              properties: list[tuple[str, object]] = ()) -> list[Candidate]:
    """Candidates for one query, best first (the order of :meth:`Glossary.lookup`, ties broken by properties)."""
    wanted = [t for t in (types or []) if t in ENTRY_TYPES]
    if types and not wanted:
        return []
    matches: list[Match] = glossary.lookup(query, limit=max(limit, 10) * (2 if wanted else 1))
    if wanted:
        matches = [m for m in matches if m.entry.type in wanted]
    checks = _prepare(glossary, properties)
    candidates = [Candidate(m.entry, round(m.score * 100, 2), m.matched, _features(checks, m)) for m in matches]
    # Stable sort: equal scores keep lookup's order unless properties tell them apart.
    candidates.sort(key=lambda c: (-c.score, -sum(c.features.values())))
    candidates = candidates[:limit]
    if candidates and _certain(candidates):
        candidates[0] = Candidate(**{**candidates[0].__dict__, "match": True})
    return candidates


def _certain(candidates: list[Candidate]) -> bool:
    top = candidates[0]
    if top.score < MATCH_THRESHOLD:
        return False
    rivals = [c for c in candidates[1:] if c.score == top.score]
    return not rivals or all(sum(c.features.values()) < sum(top.features.values()) for c in rivals)


def _features(checks, m: Match) -> dict[str, bool]:
    return {pid: check(m) for pid, check in checks}


def _prepare(glossary: Glossary, properties) -> list[tuple[str, object]]:
    """One check per property value, its work (lookups, name keys) done once per query, not per candidate.

    A request's cost is then (queries x values) lookups at most, however many candidates each query has.
    When one property id comes with several values, the last one decides (as in a dict).
    """
    checks = {}
    for pid, value in properties:
        if pid in QUERY_PROPERTIES:
            checks[pid] = _property_check(glossary, pid, value)
    return list(checks.items())


def _never(m: Match) -> bool:
    return False


def _property_check(glossary: Glossary, pid: str, value):
    text = str(value.get("id") or value.get("name") if isinstance(value, dict) else value).strip()
    if not text:
        return _never
    if pid == "country":
        named = _country_codes(glossary, text)
        return lambda m: bool(named & set(m.entry.details.get("country") or []))
    if pid == "role":
        words = name_key(text).split()
        if not words:
            return _never
        return lambda m: all(w in _role_haystack(glossary, m.entry.id) for w in words)
    if pid in ("born", "date"):
        return lambda m: str(m.entry.details.get(pid, ""))[:4] == text[:4]
    if pid == "lang":
        return lambda m: any(v.lang == text and v.name == m.matched for v in glossary.variants_of(m.entry.id))
    return _never


def _country_codes(glossary: Glossary, text: str) -> frozenset[str]:
    """The codes a country value names: itself as a code, and the codes of the glossary countries it names."""
    return glossary.memo("country_codes", text, lambda: _find_country_codes(glossary, text))


def _find_country_codes(glossary: Glossary, text: str) -> frozenset[str]:
    codes = {text.upper()}
    for found in glossary.lookup(text, type="place", limit=3):
        place = found.entry.details
        if place.get("subtype") == "country":
            codes.update(place.get("country") or [])
    return frozenset(codes)


def _role_haystack(glossary: Glossary, entry_id: str) -> str:
    return glossary.memo("role_words", entry_id, lambda: _role_words(glossary.entries[entry_id]))


def _role_words(e: Entry) -> str:
    return name_key(" ".join([e.description, *(r.get("role", "") for r in e.details.get("roles", ()))]))


# -- suggest ------------------------------------------------------------------------------------------


def suggest_entities(glossary: Glossary, prefix: str, types: list[str] | None = None,
                     limit: int = 10) -> list[Entry]:
    """Entries with a name that starts like ``prefix`` (after name-key folding), shortest names first."""
    key = name_key(prefix)
    if not key:
        return []
    found: dict[str, int] = {}
    # Sorted keys from the glossary's index, read lazily, each key's variants in index order.
    for k in glossary.keys_starting_with(key):
        for i in glossary.variant_ids_of_key(k):
            if len(found) >= limit * 20:
                break
            iv = glossary.variants[i]
            entry = glossary.entries[iv.entry_id]
            if types and entry.type not in types:
                continue
            found[entry.id] = min(found.get(entry.id, 10**6), len(iv.key))
        if len(found) >= limit * 20:
            break
    ranked = sorted(found, key=lambda i: (found[i], i))
    return [glossary.entries[i] for i in ranked[:limit]]


def suggest_types(prefix: str) -> list[dict]:
    p = prefix.strip().lower()
    return [{"id": t, "name": n} for t, n in TYPE_NAMES.items() if t.startswith(p) or n.lower().startswith(p)]


def suggest_properties(prefix: str) -> list[dict]:
    p = prefix.strip().lower()
    every = {**QUERY_PROPERTIES, **{k: v[0] for k, v in EXTEND_PROPERTIES.items()}}
    return [{"id": k, "name": v} for k, v in every.items() if k.lower().startswith(p) or v.lower().startswith(p)]


# -- data extension -------------------------------------------------------------------------------------


def extend(glossary: Glossary, ids: list[str], properties: list[str]) -> dict:
    """Rows of property values for reconciled ids (unknown ids get empty rows, unknown properties none)."""
    meta = [{"id": p, "name": EXTEND_PROPERTIES[p][0]} for p in properties if p in EXTEND_PROPERTIES]
    rows = {}
    for entry_id in ids:
        entry = glossary.get(entry_id)
        rows[entry_id] = {m["id"]: (_values(entry, m["id"]) if entry else []) for m in meta}
    return {"meta": meta, "rows": rows}


def _values(entry: Entry, pid: str) -> list[dict]:
    tag = EXTEND_PROPERTIES[pid][1]
    if tag:
        return [{"str": entry.names[tag]}] if tag in entry.names else []
    if pid == "type":
        return [{"str": entry.type}]
    if pid == "description":
        return [{"str": entry.description}]
    if pid == "country":
        return [{"str": c} for c in entry.details.get("country") or []]
    return []
