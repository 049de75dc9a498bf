"""The in-memory index over a set of entries, and ranked lookup of one name.

A :class:`Glossary` is an immutable snapshot built from any iterable of entries (the seed files, a test
fixture, later a database): to change the data, build a new one and swap it in.

Scores (documented in the README, tested in tests/test_lookup.py):

==============  ===========================================================  =========
method          what matched                                                  score
==============  ===========================================================  =========
exact           the query is a preferred name (or a variant marked           1.00
                ``preferred``), character for character
exact           ... a curated variant                                        0.97
exact           ... a derived variant                                        0.95
normalized      the query's name key equals a curated name's or variant's     0.92
derived         the name key equals a derived variant's key                  0.90
compact         equal once spaces are removed too (Xi Jin Ping)              0.85
fuzzy           rapidfuzz ratio of keys >= 85 (typos: "Kishda Fumio")        0.68-0.80
==============  ===========================================================  =========

A context-only short form ("Kishida", "Kitamura") scores 0.8 of the above; a case-sensitive
abbreviation matched in the wrong case ("us" for US) scores 0.6 of it. Nothing under ``MIN_SCORE``
(0.6) is returned, so "Emmanuel Macron" or "asdfghjkl" give no match rather than a wrong one. When
several entries share the best key, all of them are returned and flagged ``ambiguous``; the one whose
variant the curators marked ``preferred`` (the usual reading: Kyoto the city) comes first.
"""

from __future__ import annotations

import unicodedata
from _thread import allocate_lock  # a real lock even where gevent patches threading later
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process

from glossary.derive import all_variants
from glossary.keys import name_key
from glossary.model import Entry, Variant

MIN_SCORE = 0.6
FUZZY_CUTOFF = 85.0
FUZZY_MIN_KEY_LENGTH = 4
SHORT_FACTOR = 0.8
WRONG_CASE_FACTOR = 0.6


@dataclass(frozen=True)
class Match:
    entry: Entry
    score: float
    matched: str
    method: str
    variant: Variant
    ambiguous: bool = False


@dataclass(frozen=True)
class IndexedVariant:
    entry_id: str
    variant: Variant
    key: str


class Glossary:
    """All entries, every variant (curated and derived) and the keys that find them: one immutable snapshot.

    Everything built from the data belongs to the snapshot that holds the data: the text matcher
    (:meth:`matcher`), the suggest keys (:meth:`sorted_keys`) and the small caches of reconciliation
    (:meth:`memo`). None of it lives in a module-level cache, so an old snapshot and all it built go away
    together, and a request that pinned one snapshot can never see a part of another. :meth:`prepare`
    builds the parts eagerly (a holder calls it before it swaps the snapshot in).

    ``compiled`` (from a store) maps an entry id to its variants and their keys, worked out when the entry
    was written; without it the variants are derived here (seed files, tests).
    """

    MEMO_SIZE = 8192  # entries per per-snapshot cache (country codes, role words)

    def __init__(self, entries: Iterable[Entry], version: str = "unversioned",
                 compiled: dict[str, list[tuple[Variant, str]]] | None = None):
        self.version = version
        self._built: dict[str, Any] = {}
        self._lock = allocate_lock()
        self.entries: dict[str, Entry] = {}
        self._by_entry: dict[str, list[IndexedVariant]] = {}
        self._by_text: dict[str, list[IndexedVariant]] = defaultdict(list)
        self._by_key: dict[str, list[IndexedVariant]] = defaultdict(list)
        self._by_compact: dict[str, list[IndexedVariant]] = defaultdict(list)
        for entry in entries:
            if entry.id in self.entries:
                raise ValueError(f"duplicate entry id {entry.id!r}")
            self.entries[entry.id] = entry
            indexed = self._by_entry[entry.id] = _indexed(entry, compiled[entry.id] if compiled is not None else None)
            for iv in indexed:
                self._by_text[_exact(iv.variant.name)].append(iv)
                self._by_key[iv.key].append(iv)
                self._by_compact[iv.key.replace(" ", "")].append(iv)
        self.variants: list[IndexedVariant] = [iv for ivs in self._by_entry.values() for iv in ivs]
        self._fuzzy_keys = [k for k in self._by_key if len(k) >= FUZZY_MIN_KEY_LENGTH]

    def updated(self, changes: dict[str, tuple[Entry, list[tuple[Variant, str]]] | None], version: str) -> Glossary:
        """A new snapshot: this one with ``changes`` (id -> (entry, its compiled variants), or None to remove).

        Only the index rows of the changed entries are redone; everything else is shared with this
        snapshot (which is left as it was). A changed entry keeps its place; new entries go last, in the
        order of ``changes`` -- the order a full build of the same entries gives them.
        """
        new = Glossary.__new__(Glossary)
        new.version, new._built, new._lock = version, {}, allocate_lock()
        new.entries, new._by_entry = dict(self.entries), dict(self._by_entry)
        tables = {"_by_text": lambda iv: _exact(iv.variant.name), "_by_key": lambda iv: iv.key,
                  "_by_compact": lambda iv: iv.key.replace(" ", "")}
        touched: dict[str, set[str]] = {name: set() for name in tables}
        added: dict[str, dict[str, list[IndexedVariant]]] = {name: defaultdict(list) for name in tables}
        for entry_id, change in changes.items():
            for iv in self._by_entry.get(entry_id, ()):
                for name, key_of in tables.items():
                    touched[name].add(key_of(iv))
            if change is None:
                new.entries.pop(entry_id, None)
                new._by_entry.pop(entry_id, None)
                continue
            entry, compiled = change
            new.entries[entry_id] = entry
            indexed = new._by_entry[entry_id] = _indexed(entry, compiled)
            for iv in indexed:
                for name, key_of in tables.items():
                    key = key_of(iv)
                    touched[name].add(key)
                    added[name][key].append(iv)
        rank = {entry_id: n for n, entry_id in enumerate(new.entries)}
        for name in tables:
            table = defaultdict(list, getattr(self, name))
            for key in touched[name]:
                rows = [iv for iv in table.get(key, ()) if iv.entry_id not in changes] + added[name].get(key, [])
                if rows:
                    table[key] = sorted(rows, key=lambda iv: rank[iv.entry_id])  # stable: an entry's own order
                else:
                    table.pop(key, None)
            setattr(new, name, table)
        new.variants = [iv for ivs in new._by_entry.values() for iv in ivs]
        kept = [k for k in self._fuzzy_keys if k in new._by_key]
        known = set(self._fuzzy_keys)
        new._fuzzy_keys = kept + [k for k in touched["_by_key"]
                                  if k in new._by_key and k not in known and len(k) >= FUZZY_MIN_KEY_LENGTH]
        return new

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()  # pickled without the lock and what is built from the data
        del state["_lock"], state["_built"]
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, _lock=allocate_lock(), _built={})

    # -- what is built from the data, once per snapshot ---------------------------------------------

    def built(self, name: str, build: Callable[[], Any]) -> Any:
        """The part ``name`` of this snapshot, built by ``build`` on first use (once, under a lock)."""
        part = self._built.get(name)
        if part is None:
            with self._lock:
                part = self._built.get(name)
                if part is None:
                    part = self._built[name] = build()
        return part

    def matcher(self, previous: Glossary | None = None):
        """The text matcher of :mod:`glossary.normalize` over this snapshot's variants (on first use, built
        reusing the work ``previous``'s matcher did for the entries the two snapshots share)."""
        from glossary.normalize import TextMatcher

        def build():
            earlier = previous._built.get("matcher") if previous is not None else None
            return TextMatcher(self, previous=earlier)

        return self.built("matcher", build)

    def sorted_keys(self) -> tuple[list[str], list[int]]:
        """Every variant key in sorted order with its variant's position (prefix search for suggest)."""

        def build():
            pairs = sorted((iv.key, i) for i, iv in enumerate(self.variants))
            return [k for k, _ in pairs], [i for _, i in pairs]

        return self.built("sorted_keys", build)

    def memo(self, cache: str, key: Any, compute: Callable[[], Any]) -> Any:
        """A small per-snapshot cache: the value of ``compute()`` for ``key`` in the cache named ``cache``."""
        table = self.built("memo:" + cache, dict)
        try:
            return table[key]
        except KeyError:
            pass
        value = compute()
        if len(table) >= self.MEMO_SIZE:
            table.clear()  # bounded; refilled by use
        table[key] = value
        return value

    def prepare(self, previous: Glossary | None = None) -> Glossary:
        """Build the text matcher and the suggest keys now (before the snapshot serves a request)."""
        self.matcher(previous)
        self.sorted_keys()
        return self

    # -- reading ---------------------------------------------------------------------------------

    def get(self, entry_id: str) -> Entry | None:
        return self.entries.get(entry_id)

    def with_key(self, key: str) -> list[IndexedVariant]:
        """Every indexed variant whose name key is ``key``."""
        return list(self._by_key.get(key, ()))

    def compiled(self, entry_id: str) -> list[tuple[Variant, str]]:
        """The entry's indexed variants with their keys (what :mod:`glossary.compiled` stores)."""
        return [(iv.variant, iv.key) for iv in self._by_entry.get(entry_id, ())]

    def variants_of(self, entry_id: str) -> list[Variant]:
        return [iv.variant for iv in self._by_entry.get(entry_id, ())]

    def stats(self) -> dict:
        by_type: dict[str, int] = defaultdict(int)
        for e in self.entries.values():
            by_type[e.type] += 1
        curated = sum(1 for iv in self.variants if iv.variant.origin == "curated")
        return {
            "entries": len(self.entries),
            "variants": len(self.variants),
            "curated_variants": curated,
            "derived_variants": len(self.variants) - curated,
            "keys": len(self._by_key),
            "by_type": dict(sorted(by_type.items())),
            "version": self.version,
        }

    def list_entries(self, type: str | None = None, q: str | None = None) -> list[Entry]:
        """Entries in id order, optionally of one type and with a name whose key contains ``q``'s key."""
        found = [e for e in self.entries.values() if type is None or e.type == type]
        if q:
            qk = name_key(q)
            ids = {iv.entry_id for iv in self.variants if qk in iv.key}
            found = [e for e in found if e.id in ids]
        return sorted(found, key=lambda e: e.id)

    # -- lookup ----------------------------------------------------------------------------------

    def lookup(self, query: str, type: str | None = None, limit: int = 5) -> list[Match]:
        """Ranked matches for one name, best first; empty when nothing scores ``MIN_SCORE`` or more."""
        if limit <= 0:
            return []
        best: dict[str, Match] = {}

        def offer(iv: IndexedVariant, method: str, score: float) -> None:
            entry = self.entries[iv.entry_id]
            if type is not None and entry.type != type:
                return
            v = iv.variant
            if v.kind == "short" and not v.standalone:
                score *= SHORT_FACTOR
            if v.case_sensitive and v.name not in query:
                score *= WRONG_CASE_FACTOR
            score = round(score, 4)
            old = best.get(entry.id)
            if old is None or score > old.score:
                best[entry.id] = Match(entry, score, v.name, method, v)

        text = _exact(query)
        key = name_key(query)
        if not key:
            return []
        for iv in self._by_text.get(text, ()):
            v = iv.variant
            top = v.kind == "name" or v.preferred  # a preferred variant is the usual reading of the string
            offer(iv, "exact", 1.0 if top else 0.97 if v.origin == "curated" else 0.95)
        for iv in self._by_key.get(key, ()):
            derived = iv.variant.origin == "derived"
            offer(iv, "derived" if derived else "normalized", 0.90 if derived else 0.92)
        for iv in self._by_compact.get(key.replace(" ", ""), ()):
            offer(iv, "compact", 0.85)
        if not best and len(key) >= FUZZY_MIN_KEY_LENGTH:
            for found_key, ratio, _ in process.extract(
                key, self._fuzzy_keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=max(limit * 4, 10)
            ):
                for iv in self._by_key[found_key]:
                    offer(iv, "fuzzy", 0.8 * ratio / 100)
        ranked = sorted((m for m in best.values() if m.score >= MIN_SCORE), key=_rank)
        if len(ranked) > 1 and ranked[0].score == ranked[1].score:
            top = ranked[0].score
            ranked = [Match(m.entry, m.score, m.matched, m.method, m.variant, ambiguous=m.score == top)
                      for m in ranked]
        return ranked[:limit]



def _indexed(entry: Entry, compiled: list[tuple[Variant, str]] | None) -> list[IndexedVariant]:
    """The entry's variants with their keys (derived here when not compiled already); keyless ones left out."""
    pairs = compiled if compiled is not None else [(v, name_key(v.name)) for v in all_variants(entry)]
    return [IndexedVariant(entry.id, v, key) for v, key in pairs if key]


def _exact(text: str) -> str:
    return unicodedata.normalize("NFC", text.strip())


def _rank(m: Match) -> tuple:
    curated_first = 0 if m.variant.origin == "curated" else 1
    return (-m.score, not m.variant.preferred, curated_first, m.entry.id)
