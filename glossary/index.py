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

import heapq
import unicodedata
from _thread import allocate_lock  # a real lock even where gevent patches threading later
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import Any, NamedTuple

import numpy as np

from glossary.derive import all_variants
from glossary.keyindex import KeyIndex
from glossary.keys import name_key
from glossary.model import ENTRY_TYPES, Entry, Variant

MIN_SCORE = 0.6
FUZZY_CUTOFF = 85.0
FUZZY_MIN_KEY_LENGTH = 4
SHORT_FACTOR = 0.8
WRONG_CASE_FACTOR = 0.6
CROWDED = 48  # a key naming more variants than this keeps them in rank order, so that lookup can stop early


@dataclass(frozen=True)
class Match:
    entry: Entry
    score: float
    matched: str
    method: str
    variant: Variant
    ambiguous: bool = False


class IndexedVariant(NamedTuple):
    """One variant in the index (a tuple: a million of them cost 64 bytes each, not a dict each)."""

    entry_id: str
    variant: Variant
    key: str


def _ids(table: dict, key: str) -> tuple[int, ...]:
    """The variant ids stored under ``key``: one id is stored as an int, several as a tuple."""
    found = table.get(key, ())
    return (found,) if isinstance(found, int) else found


def _frozen(table: dict[str, Any]) -> dict[str, int | tuple[int, ...]]:
    """The table with each list of several ids made a tuple (in place: the keys keep their order)."""
    for k, v in table.items():
        if type(v) is list:
            table[k] = tuple(v)
    return table


class Glossary:
    """All entries, every variant (curated and derived) and the keys that find them: one immutable snapshot.

    Everything built from the data belongs to the snapshot that holds the data: the key index (fuzzy
    candidates, ``?q=`` substrings and suggest's sorted keys), the text matcher (:meth:`matcher`), the
    service's cached entry JSON and the small caches of reconciliation (:meth:`built`, :meth:`memo`). None
    of it lives in a module-level cache, so an old snapshot and all it built go away together, and a
    request that pinned one snapshot can never see a part of another. :meth:`prepare` builds the lazy
    parts eagerly (a holder calls it before it swaps the snapshot in).

    ``compiled`` (from a store) maps an entry id to its variants and their keys, worked out when the entry
    was written; without it the variants are derived here (seed files, tests).

    Memory (a million variants must fit, with the service's workers, in 2 GB): each variant is one
    tuple; the tables from text, key and compact key to variants hold an int for one variant and a
    tuple for several; each distinct key string is stored once (the variants and tables share it); an
    entry's variants are one ``range``; fuzzy candidates and substring search come from a
    :class:`~glossary.keyindex.KeyIndex` of numpy arrays.
    """

    MEMO_SIZE = 8192  # entries per per-snapshot cache (country codes, role words)

    def __init__(self, entries: Iterable[Entry], version: str = "unversioned",
                 compiled: dict[str, list[tuple[Variant, str]]] | None = None):
        self.version = version
        self._built: dict[str, Any] = {}
        self._lock = allocate_lock()
        self._fill((entry, compiled[entry.id] if compiled is not None else _derived(entry)) for entry in entries)

    def _fill(self, rows: Iterable[tuple[Entry, Iterable[IndexedVariant | tuple[Variant, str]]]],
              previous: Glossary | None = None) -> None:
        """Build every table from (entry, its variants) rows, in order: each variant is an indexed variant
        (kept as it is when its key is the one object the tables hold for that key) or a (variant, key)
        pair (left out when its key is empty). ``previous``: a snapshot whose key index is reused when its
        distinct keys are these, in the same order (the index depends on nothing else).

        One pass, no per-key lists: a table maps a key to the int of its one variant, or to a list (a
        tuple once built) of several; the id-order arrays are then built in numpy from two int arrays
        (each variant's entry and key, by order of appearance)."""
        self.entries: dict[str, Entry] = {}
        self.variants: list[IndexedVariant] = []
        entries, variants = self.entries, self.variants
        by_text: dict[str, Any] = {}
        by_key: dict[str, Any] = {}
        by_compact: dict[str, Any] = {}
        self._by_entry: dict[str, range] = {}
        entry_of = array("q")  # per variant: its entry's number in order of appearance
        key_of = array("q")  # per variant: its key's number in order of appearance
        normalize, new_iv = unicodedata.normalize, IndexedVariant
        for number, (entry, items) in enumerate(rows):
            entry_id = entry.id
            if entry_id in entries:
                raise ValueError(f"duplicate entry id {entry_id!r}")
            entries[entry_id] = entry
            first = len(variants)
            for item in items:
                if len(item) == 3:
                    iv, variant, key = item, item[1], item[2]
                else:
                    variant, key = item
                    if not key:
                        continue
                    iv = None
                i = len(variants)
                ids = by_key.get(key)
                if ids is None:
                    by_key[key] = i
                    key_of.append(len(by_key) - 1)
                else:
                    if type(ids) is int:
                        by_key[key] = [ids, i]
                    else:
                        ids.append(i)
                    one = ids if type(ids) is int else ids[0]
                    canonical = variants[one].key  # one string object per distinct key
                    if key is not canonical:
                        key, iv = canonical, None
                    key_of.append(key_of[one])
                if iv is None or iv[0] is not entry_id:
                    iv = new_iv(entry_id, variant, key)
                variants.append(iv)
                entry_of.append(number)
                name = variant.name
                for table, text in ((by_text, name.strip() if name.isascii() else normalize("NFC", name.strip())),
                                    (by_compact, key.replace(" ", "") if " " in key else key)):
                    ids = table.get(text)
                    if ids is None:
                        table[text] = i
                    elif type(ids) is int:
                        table[text] = [ids, i]
                    else:
                        ids.append(i)
            self._by_entry[entry_id] = range(first, len(variants))
        self._by_text = _frozen(by_text)
        self._by_key = _frozen(by_key)
        self._by_compact = _frozen(by_compact)
        self._ranked = tuple(self._crowded(table, t, previous) for t, table in enumerate(self._tables()))
        if previous is not None and len(previous._by_key) == len(self._by_key) and \
                all(a == b for a, b in zip(previous._by_key, self._by_key, strict=True)):
            self._keys = previous._keys  # immutable: shared (a write that changed no name key)
        else:
            self._keys = KeyIndex(list(self._by_key))
        self._by_id_order(np.frombuffer(entry_of, dtype=np.int64) if len(entry_of) else np.zeros(0, np.int64),
                          np.frombuffer(key_of, dtype=np.int64) if len(key_of) else np.zeros(0, np.int64))

    def _tables(self) -> tuple[dict, dict, dict]:
        """The three tables lookup reads, in the order it reads them: by text, by key, by compact key."""
        return self._by_text, self._by_key, self._by_compact

    def _found_as(self, table: int, i: int) -> tuple[float, tuple, str]:
        """The score, the rest of the rank (not preferred, not curated, entry id) and the method of variant
        ``i`` found through ``table`` (0 text, 1 key, 2 compact), before the one factor that depends on the
        query (a case-sensitive name in the wrong case), which can only lower the score."""
        entry_id, v, _key = self.variants[i]
        if table == 0:
            score, method = (1.0 if v.kind == "name" or v.preferred else 0.97 if v.origin == "curated" else 0.95,
                             "exact")  # a preferred variant is the usual reading of the string
        elif table == 1:
            score, method = (0.90, "derived") if v.origin == "derived" else (0.92, "normalized")
        else:
            score, method = 0.85, "compact"
        return score * _context_factor(v), (not v.preferred, v.origin != "curated", entry_id), method

    def _order(self, table: int, i: int) -> tuple:
        """Where variant ``i`` found through ``table`` stands in best-rank order (ties: table, then id)."""
        score, rest, _ = self._found_as(table, i)
        return (-round(score, 4), *rest, table, i)

    def _crowded(self, table: dict, t: int, previous: Glossary | None = None) -> dict[str, array]:
        """For each key of ``table`` that names more than :data:`CROWDED` variants, their ids in best-rank
        order (a common surname of a large glossary names thousands). A key whose variants are the same
        objects at the same ids in ``previous`` keeps its order from there (a refresh sorts only the keys a
        write touched)."""
        out = {}
        earlier = previous._ranked[t] if previous is not None else {}
        earlier_table = previous._tables()[t] if previous is not None else {}
        variants = self.variants
        for key, ids in table.items():
            if type(ids) is not tuple or len(ids) <= CROWDED:
                continue
            ranked = earlier.get(key)
            if ranked is None or earlier_table.get(key) != ids or \
                    any(variants[i] is not previous.variants[i] for i in ids):
                ranked = array("i", sorted(ids, key=lambda i: self._order(t, i)))
            out[key] = ranked
        return out

    def updated(self, changes: dict[str, tuple[Entry, list[tuple[Variant, str]]] | None], version: str) -> Glossary:
        """A new snapshot: this one with ``changes`` (id -> (entry, its compiled variants), or None to remove).

        Nothing is derived again: the unchanged entries bring their indexed variants (the same objects)
        from this snapshot, the changed ones their compiled variants; the tables and the id-order arrays
        are then built from those rows, and the key index too unless the distinct keys are the same (then
        this snapshot's is shared). This snapshot is left as it was. A changed entry
        keeps its place; new entries go last, in the order of ``changes`` -- the order a full build of the
        same entries gives them.
        """
        order = dict(self.entries)
        for entry_id, change in changes.items():
            if change is None:
                order.pop(entry_id, None)
            else:
                order[entry_id] = change[0]

        def rows() -> Iterator[tuple[Entry, list[IndexedVariant]]]:
            for entry_id, entry in order.items():
                change = changes.get(entry_id)
                if change is not None:
                    yield entry, change[1]
                else:
                    yield entry, [self.variants[i] for i in self._by_entry[entry_id]]

        new = Glossary.__new__(Glossary)
        new.version, new._built, new._lock = version, {}, allocate_lock()
        new._fill(rows(), previous=self)
        return new

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()  # pickled without the lock and what is built lazily from the data
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

    def matcher(self, previous: Glossary | None = None, parts: dict | None = None):
        """The text matcher of :mod:`glossary.normalize` over this snapshot's variants (on first use, built
        reusing the work ``previous``'s matcher did for the entries the two snapshots share, or the
        ``parts`` of a matcher saved with this snapshot)."""
        from glossary.normalize import TextMatcher

        def build():
            earlier = previous.compact_base._built.get("matcher") if previous is not None else None
            return TextMatcher(self, previous=earlier, parts=parts)

        return self.built("matcher", build)

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
        """Build the text matcher now (before the snapshot serves a request); the key index is built with
        the snapshot."""
        self.matcher(previous)
        return self

    def _by_id_order(self, entry_of: np.ndarray, key_of: np.ndarray) -> None:
        """Entries in id order (``list_entries``' order), and for each key of the key index the positions
        in that order of the entries it names (CSR arrays), so that ``?q=`` maps keys to entries in numpy.
        ``entry_of`` and ``key_of``: each variant's entry and key numbered in order of appearance."""
        ids = list(self.entries)
        by_id = sorted(range(len(ids)), key=ids.__getitem__)
        self._ids_sorted = [ids[n] for n in by_id]
        position = np.empty(len(ids), dtype=np.int64)
        position[by_id] = np.arange(len(ids))
        entries = self.entries
        self._types = np.fromiter((ENTRY_TYPES.index(entries[i].type) if entries[i].type in ENTRY_TYPES
                                   else len(ENTRY_TYPES) for i in self._ids_sorted), dtype=np.int8,
                                  count=len(self._ids_sorted))
        keys = len(self._keys.keys)
        key_id = np.empty(keys, dtype=np.int64)  # a key's number in order of appearance -> its id in the index
        key_id[self._keys._rank] = np.arange(keys)
        pairs = np.unique(key_id[key_of] * max(len(ids), 1) + position[entry_of])  # by key id, then position
        self._key_entries = (pairs % max(len(ids), 1)).astype(np.int32)
        per_key = np.bincount(pairs // max(len(ids), 1), minlength=keys)
        self._key_offsets = np.zeros(keys + 1, dtype=np.int64)
        np.cumsum(per_key, out=self._key_offsets[1:])
        # Each pair's key id: a query whose keys are many (two common letters) selects its pairs with one
        # gather over this array instead of listing the pairs key by key.
        self._pair_keys = np.repeat(np.arange(keys, dtype=np.int32), per_key)

    # -- reading ---------------------------------------------------------------------------------

    @property
    def variant_count(self) -> int:
        """How many variants the snapshot holds (``variants`` of a layered one also keeps replaced ones)."""
        return len(self.variants)

    @property
    def compact_base(self) -> Glossary:
        """The compact snapshot under this one: itself (a :class:`~glossary.layered.Layered` one's base)."""
        return self

    def layered(self, changes: dict[str, tuple[Entry, list[tuple[Variant, str]]] | None], version: str) -> Glossary:
        """This snapshot with ``changes`` as a layer over it (:mod:`glossary.layered`): what :meth:`updated`
        answers, in milliseconds instead of a rebuild of every table, for a few changed entries."""
        from glossary.layered import Layered

        return Layered(self, changes, version)

    def get(self, entry_id: str) -> Entry | None:
        return self.entries.get(entry_id)

    def variants_of(self, entry_id: str) -> list[Variant]:
        return [self.variants[i].variant for i in self._by_entry.get(entry_id, ())]

    def with_key(self, key: str) -> list[IndexedVariant]:
        """Every indexed variant whose name key is ``key``."""
        return [self.variants[i] for i in _ids(self._by_key, key)]

    def compiled(self, entry_id: str) -> list[tuple[Variant, str]]:
        """The entry's indexed variants with their keys (what :mod:`glossary.compiled` stores)."""
        return [(self.variants[i].variant, self.variants[i].key) for i in self._by_entry.get(entry_id, ())]

    def variant_ids_of_key(self, key: str) -> tuple[int, ...]:
        """Ids (positions in ``variants``) of the variants whose name key is ``key``."""
        return _ids(self._by_key, key)

    def keys_starting_with(self, prefix: str) -> Iterator[str]:
        """Distinct name keys that start with ``prefix``, in sort order, from the index (no scan)."""
        return self._keys.starting_with(prefix)

    def stats(self) -> dict:
        """Counts of entries (by type), variants and keys: worked out once per snapshot (``/v1/health``
        answers them; at a million variants counting takes a second)."""
        return dict(self.built("stats", self._stats))

    def _stats(self) -> dict:
        by_type: dict[str, int] = defaultdict(int)
        for e in self.entries.values():
            by_type[e.type] += 1
        variants = self.variants
        curated = sum(1 for ids in self._by_entry.values() for i in ids if variants[i].variant.origin == "curated")
        return {
            "entries": len(self.entries),
            "variants": self.variant_count,
            "curated_variants": curated,
            "derived_variants": self.variant_count - curated,
            "keys": len(self._by_key),
            "by_type": dict(sorted(by_type.items())),
            "version": self.version,
        }

    def list_entries(self, type: str | None = None, q: str | None = None) -> Sequence[Entry]:
        """Entries in id order, optionally of one type and with a name whose key contains ``q``'s key.

        With ``q``, a lazy sequence: its length and a page of it cost no more than the matches' positions in
        a numpy array, however many entries match (the Entry objects are only fetched for the page)."""
        if not q:
            return [e for e in map(self.entries.__getitem__, self._ids_sorted) if type is None or e.type == type]
        return EntryList(self, self._positions(type, q))

    def _positions(self, type: str | None, q: str | None) -> np.ndarray:
        """The positions in id order of the entries of ``type`` (any) with a key containing ``q``'s (any)."""
        if not q:
            found = np.arange(len(self._ids_sorted))
        else:
            keys = self._keys.containing_ids(name_key(q))  # from the key index, then to entries in numpy
            matched = np.zeros(len(self._ids_sorted), dtype=bool)  # a mask, not np.unique: no sort
            if len(keys) * 8 > len(self._keys.keys):  # many keys: select their pairs in one pass over all pairs
                wanted = np.zeros(len(self._keys.keys), dtype=bool)
                wanted[keys] = True
                matched[self._key_entries[wanted[self._pair_keys]]] = True
            else:  # few keys: list their pairs
                starts, sizes = self._key_offsets[keys], np.diff(self._key_offsets)[keys]
                within = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
                matched[self._key_entries[np.repeat(starts, sizes) + within]] = True
            found = np.flatnonzero(matched)
        if type is not None:
            found = found[self._types[found] == (ENTRY_TYPES.index(type) if type in ENTRY_TYPES else -1)]
        return found

    def _fuzzy_keys(self, key: str, cutoff: float, limit: int, min_length: int) -> list[tuple[str, float]]:
        return self._keys.fuzzy(key, cutoff, limit=limit, min_length=min_length)

    # -- lookup ----------------------------------------------------------------------------------

    def lookup(self, query: str, type: str | None = None, limit: int = 5) -> list[Match]:
        """Ranked matches for one name, best first; empty when nothing scores ``MIN_SCORE`` or more.

        Each variant found is ranked as a plain tuple (score, not preferred, not curated, entry id); an
        entry keeps its best. A common name can match thousands of variants of a large glossary (``Wang``,
        ``Jiang``): for such a crowded key the variants are read in best-rank order (kept per snapshot) and
        the reading stops as soon as the answer is known, which is the answer scoring every one would give.
        """
        if limit <= 0:
            return []
        best: dict[str, tuple] = {}  # entry id -> (rank tuple, variant number, method)
        variants, entries = self.variants, self.entries

        def offer(i: int, score: float, rest: tuple, method: str) -> None:
            """Keep variant ``i`` if it ranks better than what its entry had (see :meth:`_found_as`)."""
            entry_id = rest[2]
            if type is not None and entries[entry_id].type != type:
                return
            v = variants[i].variant
            if v.case_sensitive and v.name not in query:
                score *= WRONG_CASE_FACTOR
            rank = (-round(score, 4), *rest)
            old = best.get(entry_id)
            if old is None or rank < old[0]:
                best[entry_id] = (rank, i, method)

        text = _exact(query)
        key = name_key(query)
        if not key:
            return []
        found = list(zip(range(3), self._tables(), (text, key, key.replace(" ", "")), strict=True))
        if not any(k in self._ranked[t] for t, _, k in found):
            seen = set()  # a variant ranks best through the first table that has it (text, key, compact)
            for t, table, k in found:
                for i in _ids(table, k):
                    if i not in seen:
                        seen.add(i)
                        offer(i, *self._found_as(t, i))
        else:
            def in_order(t: int, table: dict, k: str) -> Iterable[tuple]:
                ranked = self._ranked[t].get(k)
                if ranked is not None:
                    return map(self._order, repeat(t), ranked)  # lazily: only as far as it is read
                return sorted(self._order(t, i) for i in _ids(table, k))

            wanted = max(limit, 2)
            for order in heapq.merge(*(in_order(*f) for f in found)):
                if -order[0] < MIN_SCORE:
                    break  # nothing left can be returned
                if len(best) >= wanted and heapq.nsmallest(wanted, (b[0] for b in best.values()))[-1] < order[:4]:
                    break  # nothing left can enter the answer or better an entry in it (the query only lowers)
                offer(order[5], *self._found_as(order[4], order[5]))
        if not best and len(key) >= FUZZY_MIN_KEY_LENGTH:
            # The index hands rapidfuzz only the keys that can reach the cutoff, in the order of a full
            # scan, so the answer is the full scan's (tests/test_keyindex.py).
            for found_key, ratio in self._fuzzy_keys(key, FUZZY_CUTOFF, max(limit * 4, 10), FUZZY_MIN_KEY_LENGTH):
                for i in _ids(self._by_key, found_key):
                    offer(i, 0.8 * ratio / 100 * _context_factor(variants[i].variant),
                          self._found_as(1, i)[1], "fuzzy")
        # The best limit (and one more, to see a tie at the top), in rank order.
        top = heapq.nsmallest(max(limit, 2), (b for b in best.values() if -b[0][0] >= MIN_SCORE))
        tied = len(top) > 1 and top[0][0][0] == top[1][0][0]
        return [Match(entries[rank[3]], -rank[0], variants[i].variant.name, method, variants[i].variant,
                      ambiguous=tied and rank[0] == top[0][0][0])
                for rank, i, method in top[:limit]]


class EntryList(Sequence):
    """Entries at the given positions of the glossary's id order; items and slices fetched on demand."""

    def __init__(self, glossary: Glossary, positions: np.ndarray):
        self._glossary, self._positions = glossary, positions

    def __len__(self) -> int:
        return len(self._positions)

    def __getitem__(self, item):
        g = self._glossary
        if isinstance(item, slice):
            return [g.entries[g._ids_sorted[n]] for n in self._positions[item].tolist()]
        return g.entries[g._ids_sorted[int(self._positions[item])]]


def _derived(entry: Entry) -> list[tuple[Variant, str]]:
    """The entry's variants with their keys, derived here (a glossary built from entries, not a store)."""
    return [(v, name_key(v.name)) for v in all_variants(entry)]


def _context_factor(v: Variant) -> float:
    """A short form that counts only in context ("Kishida") scores :data:`SHORT_FACTOR` of the full score."""
    return SHORT_FACTOR if v.kind == "short" and not v.standalone else 1.0


def _exact(text: str) -> str:
    return unicodedata.normalize("NFC", text.strip())
