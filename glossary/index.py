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
        self.variants: list[IndexedVariant] = []
        self._by_text: dict[str, list[int]] = defaultdict(list)
        self._by_key: dict[str, list[int]] = defaultdict(list)
        self._by_compact: dict[str, list[int]] = defaultdict(list)
        self._by_entry: dict[str, list[int]] = defaultdict(list)
        for entry in entries:
            if entry.id in self.entries:
                raise ValueError(f"duplicate entry id {entry.id!r}")
            self.entries[entry.id] = entry
            if compiled is not None:
                for variant, key in compiled[entry.id]:
                    self._add(entry.id, variant, key)
            else:
                for variant in all_variants(entry):
                    self._add(entry.id, variant, name_key(variant.name))
        self._fuzzy_keys = [k for k in self._by_key if len(k) >= FUZZY_MIN_KEY_LENGTH]

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()  # pickled without the lock and what is built from the data
        del state["_lock"], state["_built"]
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, _lock=allocate_lock(), _built={})

    def _add(self, entry_id: str, variant: Variant, key: str) -> None:
        if not key:
            return
        i = len(self.variants)
        self.variants.append(IndexedVariant(entry_id, variant, key))
        self._by_text[_exact(variant.name)].append(i)
        self._by_key[key].append(i)
        self._by_compact[key.replace(" ", "")].append(i)
        self._by_entry[entry_id].append(i)

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
        return [self.variants[i] for i in self._by_key.get(key, ())]

    def compiled(self, entry_id: str) -> list[tuple[Variant, str]]:
        """The entry's indexed variants with their keys (what :mod:`glossary.compiled` stores)."""
        return [(self.variants[i].variant, self.variants[i].key) for i in self._by_entry.get(entry_id, ())]

    def variants_of(self, entry_id: str) -> list[Variant]:
        return [self.variants[i].variant for i in self._by_entry.get(entry_id, ())]

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

        def offer(i: int, method: str, score: float) -> None:
            iv = self.variants[i]
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
        for i in self._by_text.get(text, ()):
            v = self.variants[i].variant
            top = v.kind == "name" or v.preferred  # a preferred variant is the usual reading of the string
            offer(i, "exact", 1.0 if top else 0.97 if v.origin == "curated" else 0.95)
        for i in self._by_key.get(key, ()):
            derived = self.variants[i].variant.origin == "derived"
            offer(i, "derived" if derived else "normalized", 0.90 if derived else 0.92)
        for i in self._by_compact.get(key.replace(" ", ""), ()):
            offer(i, "compact", 0.85)
        if not best and len(key) >= FUZZY_MIN_KEY_LENGTH:
            for found_key, ratio, _ in process.extract(
                key, self._fuzzy_keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=max(limit * 4, 10)
            ):
                for i in self._by_key[found_key]:
                    offer(i, "fuzzy", 0.8 * ratio / 100)
        ranked = sorted((m for m in best.values() if m.score >= MIN_SCORE), key=_rank)
        if len(ranked) > 1 and ranked[0].score == ranked[1].score:
            top = ranked[0].score
            ranked = [Match(m.entry, m.score, m.matched, m.method, m.variant, ambiguous=m.score == top)
                      for m in ranked]
        return ranked[:limit]



def _exact(text: str) -> str:
    return unicodedata.normalize("NFC", text.strip())


def _rank(m: Match) -> tuple:
    curated_first = 0 if m.variant.origin == "curated" else 1
    return (-m.score, not m.variant.preferred, curated_first, m.entry.id)
