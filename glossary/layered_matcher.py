"""The text matcher of a :class:`~glossary.layered.Layered` snapshot: the base's, with the layer's names.

Building the automata over a million keys is most of a refresh's matcher work (about 3 s each). Here the
base's automata stay as they are; a small automaton holds the keys no base entry has, and a
:class:`LayeredAutomaton` puts the two together so that its hits are those one automaton over the live
keys would give. A key the layer touched (an edited or retired entry had it, or a changed one has it now)
answers with the patterns that stand behind it now, in entry order; a key no entry has any more is never
reported. Everything else of :class:`~glossary.normalize.TextMatcher` (the fused Latin pass, the checks, the
choice) runs unchanged over these.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence

import ahocorasick_rs

from glossary.layered import Layered, _Over
from glossary.normalize import TextMatcher, _automaton, entry_patterns


class LayeredAutomaton:
    """A base automaton without the keys numbered ``dead`` and with ``extra`` (numbered from ``n``): the
    hits one automaton over the live keys would give, in either of the two ways the matcher asks for them
    (leftmost-longest for Latin text, every overlapping hit for Han and kana)."""

    def __init__(self, base, n: int, base_longest: int, dead: frozenset[int], extra):
        self.base, self.n, self.base_longest, self.dead = base, n, base_longest, dead
        self.extra = extra

    def find_matches_as_indexes(self, text: str, overlapping: bool = False) -> list[tuple[int, int, int]]:
        hits = self.base.find_matches_as_indexes(text, overlapping=overlapping) if self.base is not None else []
        extra = self.extra.find_matches_as_indexes(text, overlapping=True) if self.extra is not None else []
        dead, n = self.dead, self.n
        if overlapping:  # every hit of every key: the live base ones and the new ones
            return [h for h in hits if h[0] not in dead] + [(i + n, s, e) for i, s, e in extra]
        # Leftmost-longest: the base's hits stand wherever no new key starts and no gone key was hit; only
        # around those places is the text scanned again, place by place.
        extra_at: dict[int, tuple[int, int]] = {}  # where a new key starts: the longest one there
        for i, s, e in extra:
            if e > extra_at.get(s, (0, 0))[1]:
                extra_at[s] = (i + n, e)
        dirty = sorted({*extra_at, *(s for i, s, _e in hits if i in dead)})
        if not dirty:
            return hits
        return self._leftmost_longest(text, hits, dirty, extra_at)

    def _leftmost_longest(self, text: str, hits: list, dirty: list[int],
                          extra_at: dict[int, tuple[int, int]]) -> list[tuple[int, int, int]]:
        """Leftmost-longest over the live keys, given the base's own leftmost-longest ``hits``, the longest new
        key at each place one starts (``extra_at``) and the ``dirty`` places (a new key starts there, or the
        base's hit there is a gone key's). The base's scan and this one agree from any place the base's scan
        stood on (one not inside a base hit) up to the next dirty place; from a dirty place on, this one goes
        place by place until it stands on such a place again. Where the base's scan stood, what it found (or
        did not) is the base's longest key there, so only a place inside a base hit asks the base again."""
        found, at, b, d, size, dead = [], 0, 0, 0, len(text), self.dead
        while at < size:
            while d < len(dirty) and dirty[d] < at:
                d += 1
            while b < len(hits) and hits[b][2] <= at:
                b += 1
            inside = b < len(hits) and hits[b][1] < at
            if not inside and (d == len(dirty) or dirty[d] != at):
                # The base's scan stood here: its next hit stands if it starts before the next dirty place.
                if b < len(hits) and (d == len(dirty) or hits[b][1] < dirty[d]):
                    found.append(hits[b])
                    at = hits[b][2]
                else:
                    at = dirty[d] if d < len(dirty) else size
                continue
            if inside or (b < len(hits) and hits[b][1] == at and hits[b][0] in dead):
                best = self._base_longest_at(text, at)
            else:  # the base's scan stood here: its hit here, or none
                best = hits[b] if b < len(hits) and hits[b][1] == at else None
            new = extra_at.get(at)
            if new is not None and (best is None or new[1] > best[2]):
                best = (new[0], at, new[1])
            if best is not None:
                found.append(best)
                at = best[2]
            else:
                at += 1
        return found

    def _base_longest_at(self, text: str, at: int) -> tuple[int, int, int] | None:
        """The longest live base key that starts at ``at``; if the longest is gone, the longest shorter one."""
        if self.base is None:
            return None
        stop = min(len(text), at + self.base_longest)
        while stop > at:
            hits = self.base.find_matches_as_indexes(text[at:stop])
            if not hits or hits[0][1] != 0:
                return None
            index, _zero, length = hits[0]
            if index not in self.dead:
                return (index, at, at + length)
            stop = at + length - 1
        return None


class _Keys(Sequence):
    def __init__(self, base: list[str], extra: list[str]):
        self._base, self._extra, self._n = base, extra, len(base)

    def __len__(self) -> int:
        return self._n + len(self._extra)

    def __getitem__(self, i: int) -> str:
        return self._base[i] if i < self._n else self._extra[i - self._n]


class _Values:
    """What each automaton key stands for: the base's (worked out on a first hit, shared with the base
    matcher, which would work out the same) except for the keys the layer touched, kept here."""

    def __init__(self, base: list, touched: set[int]):
        self._base, self._touched, self._own, self._n = base, touched, {}, len(base)

    def __getitem__(self, i: int):
        if i < self._n and i not in self._touched:
            return self._base[i]
        return self._own.get(i)

    def __setitem__(self, i: int, value) -> None:
        if i < self._n and i not in self._touched:
            self._base[i] = value
        else:
            self._own[i] = value


class _Discard(dict):
    """``TextMatcher.values`` by key: the layered matcher keeps them by index only."""

    def __setitem__(self, key, value) -> None:
        pass


class LayeredMatcher(TextMatcher):
    def __init__(self, glossary: Layered, base: TextMatcher):  # noqa: D107 (no super().__init__: it builds automata)
        self._glossary = weakref.ref(glossary)
        self.boundaries = base.boundaries
        changes = glossary.changes
        touched: dict[tuple[bool, str], list] = {}
        for entry_id in changes:
            for latin_and_key, _pattern, _last in base.parts.get(entry_id, (None, ()))[1]:
                touched.setdefault(latin_and_key, [])
        own_parts = {}
        for entry_id, change in changes.items():
            if change is None:
                continue
            own_parts[entry_id] = part = (change[0], entry_patterns(change[0], glossary.variants_of(entry_id)))
            for latin_and_key, pattern, last in part[1]:
                touched.setdefault(latin_and_key, []).append((pattern, last))
        own_by_key = {}
        for k, added in touched.items():
            rows = [row for row in base.by_key.get(k, ()) if row[0].entry_id not in changes] + added
            rows.sort(key=lambda row: glossary.entry_rank(row[0].entry_id))  # stable: an entry's own order
            own_by_key[k] = rows
        gone = {k for k, rows in own_by_key.items() if not rows}
        new_keys = [k for k, rows in own_by_key.items() if rows and k not in base.by_key]
        self.parts = _Over(base.parts, own_parts, glossary._gone, glossary._added)
        self.by_key = _Over(base.by_key, {k: r for k, r in own_by_key.items() if r}, gone, new_keys)
        self.values = _Discard()
        self.canonical = {}
        self.size = len(self.by_key)
        for latin in (True, False):
            keys, values = (base.latin_keys, base.latin_values) if latin else (base.cjk_keys, base.cjk_values)
            automaton = base.latin if latin else base.cjk
            mine = [k for (is_latin, k) in own_by_key if is_latin == latin]
            if not mine:
                merged = (keys, values, automaton)
            else:
                at = {k: _index_of(automaton, k, latin) for k in mine}
                dead = frozenset(at[k] for k in mine if at[k] is not None and (latin, k) in gone)
                new = [k for k in mine if at[k] is None and (latin, k) not in gone]
                extra = _automaton(new, ahocorasick_rs.MatchKind.Standard)  # every hit: see find_matches_as_indexes
                layered = LayeredAutomaton(automaton, len(keys), base.longest[latin], dead, extra)
                merged = (_Keys(keys, new), _Values(values, {i for i in at.values() if i is not None}), layered)
            if latin:
                self.latin_keys, self.latin_values, self.latin = merged
                self.latin_longest = max(base.latin_longest, max(map(len, merged[0]._extra), default=0)) if mine \
                    else base.latin_longest
            else:
                self.cjk_keys, self.cjk_values, self.cjk = merged


def _index_of(automaton, key: str, latin: bool) -> int | None:
    """The number of ``key`` in ``automaton`` (None if it has no such key): the hit that covers the key
    itself, found by running the automaton over it (no table from key to number is kept)."""
    if automaton is None:
        return None
    if latin:
        hits = automaton.find_matches_as_indexes(key)
        return hits[0][0] if hits and hits[0][1] == 0 and hits[0][2] == len(key) else None
    return next((i for i, s, e in automaton.find_matches_as_indexes(key, overlapping=True)
                 if s == 0 and e == len(key)), None)
