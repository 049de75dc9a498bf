"""A snapshot that is a large compact one plus the few entries written since: a write served in a second.

A refresh of a million-variant glossary rebuilds its tables, key index and automata: about 15 s, so a
write took that long to reach the workers. A :class:`Layered` snapshot instead leaves the compact *base*
untouched (not even its reference counts: forked workers keep sharing its pages) and adds a small layer:
the entries changed since the base (new, edited or retired), their variants, and for each name key, text
and automaton key they touch, the variants that now stand behind it. Every read asks the layer first and
the base for the rest, so it answers what a full build of the same data would (tests/test_layered.py
compares the two on random edits, for lookup, ``?q=`` listing, suggestions and normalisation).

It is always one layer over one base: the next write makes a new layer with every change since the base,
and a large glossary's refresher compacts (builds the full snapshot once, off the request path) when the
layer has grown or in the background (:class:`~glossary.snapshot.StoreSnapshots`).
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import unicodedata
from _thread import allocate_lock  # a real lock even where gevent patches threading later
from array import array
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np
from rapidfuzz import fuzz

from glossary.index import EntryList, Glossary, IndexedVariant, _ids
from glossary.keys import name_key
from glossary.model import ENTRY_TYPES, Entry, Variant

_GONE = ()  # a key of the base that no variant has any more


class _Variants(Sequence):
    """The base's variants, then the layer's (ids from ``len(base)`` on). Dead base ids still read (nothing
    refers to them)."""

    def __init__(self, base: list, extra: list):
        self._base, self._extra, self._n = base, extra, len(base)

    def __len__(self) -> int:
        return self._n + len(self._extra)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        return self._base[i] if i < self._n else self._extra[i - self._n]

    def __iter__(self) -> Iterator:
        yield from self._base
        yield from self._extra


class _Over(Mapping):
    """A base mapping with some keys replaced (``over``) and some removed (``gone``), new keys last."""

    def __init__(self, base: Mapping, over: dict, gone: set | frozenset, added: list):
        self._base, self._over, self._gone, self._added = base, over, gone, added
        self._len = len(base) - sum(1 for k in gone if k in base) + len(added)

    def __getitem__(self, key):
        found = self._over.get(key, self)
        if found is not self:
            return found
        if self._gone and key in self._gone:
            raise KeyError(key)
        return self._base[key]

    def get(self, key, default=None):  # (the hot path of every read: no exception, no second call)
        found = self._over.get(key, self)
        if found is not self:
            return found
        if self._gone and key in self._gone:
            return default
        return self._base.get(key, default)

    def __contains__(self, key) -> bool:
        return key in self._over or (key not in self._gone and key in self._base)

    def __len__(self) -> int:
        return self._len

    def __iter__(self) -> Iterator:
        gone = self._gone
        for key in self._base:
            if key not in gone:
                yield key
        yield from self._added


class _Table(Mapping):
    """A lookup table (key -> one id or a tuple of ids) whose touched keys the layer answers."""

    def __init__(self, base: dict, over: dict):
        self._base, self._over = base, over
        self._len = len(base) - sum(1 for k, v in over.items() if v == _GONE and k in base) \
            + sum(1 for k, v in over.items() if v != _GONE and k not in base)

    def get(self, key, default=None):
        found = self._over.get(key, self)
        if found is self:
            return self._base.get(key, default)
        return default if found == _GONE else found

    def __getitem__(self, key):
        found = self.get(key, self)
        if found is self:
            raise KeyError(key)
        return found

    def __contains__(self, key) -> bool:
        return self.get(key, self) is not self

    def __len__(self) -> int:
        return self._len

    def __iter__(self) -> Iterator:
        over = self._over
        for key in self._base:
            if over.get(key, 0) != _GONE:
                yield key
        for key, value in over.items():
            if value != _GONE and key not in self._base:
                yield key


class Layered(Glossary):
    """``base`` (a compact snapshot) with ``changes`` applied: entry id -> (entry, its compiled variants), or
    None for an entry retired. A changed entry keeps its place in the entry order; new ones go last, in the
    order of ``changes`` (as :meth:`Glossary.updated` places them)."""

    def __init__(self, base: Glossary, changes: dict[str, tuple[Entry, list[tuple[Variant, str]]] | None],
                 version: str):
        assert not isinstance(base, Layered)
        self.base, self.changes = base, changes
        self.version, self._built, self._lock = version, {}, allocate_lock()
        n = len(base.variants)
        over_entries, gone, added = {}, set(), []
        extra: list[IndexedVariant] = []
        over_ranges: dict[str, range] = {}
        dead: set[int] = set()
        self._rank_of: dict[str, int] = {}  # a changed or new entry -> where a full build puts its first variant
        for entry_id, change in changes.items():
            old = base._by_entry.get(entry_id)
            if old is not None:
                dead.update(old)
            if change is None:
                if entry_id in base.entries:
                    gone.add(entry_id)
                continue
            entry, compiled = change
            if entry_id not in base.entries:
                added.append(entry_id)
            over_entries[entry_id] = entry
            first = n + len(extra)
            for variant, key in compiled:
                if key:
                    extra.append(IndexedVariant(entry_id, variant, key))
            over_ranges[entry_id] = range(first, n + len(extra))
        self._dead, self._extra = frozenset(dead), extra
        self._gone, self._added = frozenset(gone), added
        self.entries = _Over(base.entries, over_entries, gone, added)
        self._by_entry = _Over(base._by_entry, over_ranges, gone, added)
        self.variants = _Variants(base.variants, extra)
        later = n  # (see full_rank)
        for entry_id in added:
            self._rank_of[entry_id] = later
            later += len(over_ranges[entry_id])
        for entry_id in over_ranges:
            if entry_id not in self._rank_of:
                self._rank_of[entry_id] = base._by_entry[entry_id].start
        self._over_tables()
        self._over_keys()

    # -- the layer's tables ----------------------------------------------------------------------

    def full_rank(self, i: int) -> tuple[int, int, int]:
        """Where variant ``i`` stands in a full build's order (entry order, then the entry's own order): a
        base id is its place already (the base's ids are in entry order, and an edited entry keeps its
        place, before the base ids from where its old ones started); a new entry comes after them all."""
        n = len(self.base.variants)
        if i < n:
            return (i, 1, 0)
        entry_id = self._extra[i - n].entry_id
        return (self._rank_of[entry_id], 0, i - self._by_entry[entry_id].start)

    def entry_rank(self, entry_id: str) -> tuple[int, int]:
        """Where the entry stands in a full build's entry order (see :meth:`full_rank`)."""
        rank = self._rank_of.get(entry_id)
        return (rank, 0) if rank is not None else (self.base._by_entry[entry_id].start, 1)

    def _over_tables(self) -> None:
        """For each key of the three tables that a dead or a new variant has: the live ids behind it now,
        sorted (an entry's variants in its own order, as lookup meets them in a full build); crowded keys
        ranked."""
        base, n = self.base, len(self.base.variants)

        def texts(iv) -> tuple[str, str, str]:
            name, key = iv.variant.name, iv.key
            text = name.strip() if name.isascii() else unicodedata.normalize("NFC", name.strip())
            return text, key, key.replace(" ", "") if " " in key else key

        touched: tuple[dict, dict, dict] = ({}, {}, {})
        for i in self._dead:
            for t, k in enumerate(texts(base.variants[i])):
                touched[t].setdefault(k, [])
        for i, iv in enumerate(self._extra, n):
            for t, k in enumerate(texts(iv)):
                touched[t].setdefault(k, []).append(i)
        tables, ranked = [], []
        dead = self._dead
        for table, news in zip(base._tables(), touched, strict=True):
            over, over_ranked = {}, {}
            for k, new_ids in news.items():
                # Sorted by id: lookup meets an entry's variants in the entry's order, as in a full build
                # (the ids of different entries differ in order here, but their entry ids decide between them).
                ids = sorted([i for i in _ids(table, k) if i not in dead] + new_ids)
                over[k] = _GONE if not ids else ids[0] if len(ids) == 1 else tuple(ids)
                over_ranked[k] = _GONE
            tables.append(_Table(table, over))
            ranked.append((over_ranked, over))
        self._by_text, self._by_key, self._by_compact = tables
        self._ranked = tuple(self._ranked_table(t, base._ranked[t], *r) for t, r in enumerate(ranked))

    def _ranked_table(self, t: int, base_ranked: dict, over_ranked: dict, over: dict) -> _Table:
        from glossary.index import CROWDED  # read when used (the tests lower it)

        for k, ids in over.items():
            if type(ids) is tuple and len(ids) > CROWDED:
                over_ranked[k] = array("i", sorted(ids, key=lambda i: self._order(t, i)))
        return _Table(base_ranked, over_ranked)

    def _over_keys(self) -> None:
        """The keys the layer touched that still name a variant (fuzzy lookup scores them itself), and those
        of them no base variant has, sorted (for prefixes; the base's key index answers for the rest, a key
        of the base that names nothing any more skipped as it is met)."""
        over, base_keys = self._by_key._over, self.base._by_key
        self._touched_keys = [k for k, v in over.items() if v != _GONE]
        self._new_keys = sorted(k for k in self._touched_keys if k not in base_keys)

    # -- reading ---------------------------------------------------------------------------------

    @property
    def variant_count(self) -> int:
        return len(self.base.variants) - len(self._dead) + len(self._extra)

    def _stats(self) -> dict:
        """The base's figures with the layer's changes (counting a million variants again takes a second)."""
        base = self.base.stats()
        by_type = dict(base["by_type"])
        for entry_id, change in self.changes.items():
            old = self.base.entries.get(entry_id)
            if old is not None:
                by_type[old.type] -= 1
            if change is not None:
                by_type[change[0].type] = by_type.get(change[0].type, 0) + 1
        curated = base["curated_variants"] + sum(iv.variant.origin == "curated" for iv in self._extra) \
            - sum(self.base.variants[i].variant.origin == "curated" for i in self._dead)
        return {"entries": len(self.entries), "variants": self.variant_count, "curated_variants": curated,
                "derived_variants": self.variant_count - curated, "keys": len(self._by_key),
                "by_type": {t: n for t, n in sorted(by_type.items()) if n}, "version": self.version}

    def keys_starting_with(self, prefix: str) -> Iterator[str]:
        live = (k for k in self.base._keys.starting_with(prefix) if k in self._by_key)
        new = self._new_keys[bisect.bisect_left(self._new_keys, prefix):]
        return heapq.merge(live, itertools.takewhile(lambda k: k.startswith(prefix), new))

    def _fuzzy_keys(self, key: str, cutoff: float, limit: int, min_length: int) -> list[tuple[str, float]]:
        """Best first, ties in the order a full build's key index gives them (where each key is first met):
        the base's keys the layer did not touch (asking for as many more as it touched, which may have moved
        or gone), and every key the layer touched that names a variant, scored here."""
        touched = self._by_key._over
        found = [(k, s) for k, s in self.base._keys.fuzzy(key, cutoff, limit=limit + len(touched),
                                                          min_length=min_length) if k not in touched]
        for k in self._touched_keys:
            if len(k) >= min_length:
                score = fuzz.ratio(key, k, score_cutoff=cutoff)
                if score:
                    found.append((k, score))

        def first_met(k: str) -> tuple:
            return min(map(self.full_rank, _ids(self._by_key, k)))

        found.sort(key=lambda ks: (-ks[1], first_met(ks[0])))
        return found[:limit]

    def _listed(self, type: str | None, q: str | None) -> Sequence[Entry]:
        """The base's matching entries without those the layer changed, merged in id order with the layer's
        entries that match."""
        base = self.base
        positions = base._positions(type, q)  # a numpy array of positions in the base's id order
        changed = [e for e in self.changes if e in base.entries]
        if changed:
            ids_sorted = base._ids_sorted
            masked = np.fromiter((bisect.bisect_left(ids_sorted, e) for e in changed), dtype=np.int64)
            positions = positions[~np.isin(positions, masked)]
        qk = name_key(q) if q else ""
        mine = sorted(entry_id for entry_id, change in self.changes.items() if change is not None and
                      (type is None or change[0].type == type) and
                      any(qk in iv.key for iv in map(self.variants.__getitem__, self._by_entry[entry_id])))
        if not mine:
            return EntryList(base, positions)
        ins = np.fromiter((bisect.bisect_left(base._ids_sorted, e) for e in mine), dtype=np.int64)
        order = np.argsort(np.concatenate((2 * positions + 1, 2 * ins)), kind="stable")
        return _Merged(self, base, positions, mine, order)

    def list_entries(self, type: str | None = None, q: str | None = None) -> Sequence[Entry]:
        if type is not None and type not in ENTRY_TYPES:
            return []
        return self._listed(type, q)

    def matcher(self, previous: Glossary | None = None, parts: dict | None = None):
        """The base's text matcher with this layer's names (:class:`LayeredMatcher`)."""
        from glossary.layered_matcher import LayeredMatcher

        return self.built("matcher", lambda: LayeredMatcher(self, self.base.matcher()))

    def updated(self, changes, version: str) -> Glossary:
        """The compact snapshot of the base with this layer's changes and then ``changes``."""
        return self.base.updated(self._merged(changes), version)

    def layered(self, changes, version: str) -> Layered:
        return Layered(self.base, self._merged(changes), version)

    def _merged(self, changes: dict) -> dict:
        """This layer's changes, then ``changes`` (an entry changed again keeps its place among them: a new
        entry's place is where it was created)."""
        return {**self.changes, **changes}

    @property
    def compact_base(self) -> Glossary:
        return self.base


class _Merged(Sequence):
    """``?q=`` entries in id order: the base's positions and the layer's entries, merged by ``order``."""

    def __init__(self, layered: Layered, base: Glossary, positions: np.ndarray, mine: list[str], order: np.ndarray):
        self._layered, self._base, self._positions, self._mine, self._order = layered, base, positions, mine, order

    def __len__(self) -> int:
        return len(self._order)

    def _at(self, k: int) -> Entry:
        n = len(self._positions)
        if k < n:
            return self._base.entries[self._base._ids_sorted[int(self._positions[k])]]
        return self._layered.entries[self._mine[k - n]]

    def __getitem__(self, item: Any):
        if isinstance(item, slice):
            return [self._at(int(k)) for k in self._order[item].tolist()]
        return self._at(int(self._order[item]))
