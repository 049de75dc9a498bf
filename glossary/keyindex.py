"""A compact index over distinct name keys: candidates for fuzzy matching, and substring search.

Fuzzy lookup scores keys with rapidfuzz's ``ratio`` (Indel similarity) and keeps those at or above a
cutoff. Scoring every key is linear in the glossary; this index finds the few keys that *can* reach
the cutoff and leaves rapidfuzz to score only those. It is exact: every key the full scan finds, the
index finds (tests/test_keyindex.py has a Hypothesis property for it).

Why it is exact (the q-gram count filter). Each key is padded with two start and two end marks and cut
into overlapping trigrams. Two keys of lengths a and b with a ratio of at least ``cutoff`` are at most
``d`` insertions and deletions apart, where ``100 * (1 - d / (a + b)) >= cutoff``; turning the query into
the key deletes ``(a - b + d) / 2`` of its characters and inserts ``(b - a + d) / 2``. A deletion breaks at
most 3 of the query's trigrams and an insertion at most 2 (those spanning the gap), so the key shares at
least ``D - 3 * deletions - 2 * insertions`` of the query's D distinct trigrams. The index counts, for each
key of a length that can reach the cutoff, how many of the query's trigrams it holds, and keeps the keys
that reach that bound.

Substrings come from the same postings. A trigram is stored as one integer (its three code points, 21
bits each), and the distinct trigrams are sorted, so the trigrams that start with one or two given
characters are one contiguous range: thanks to the end marks, every character of a key starts one of its
trigrams, and so does every pair of adjacent characters. A one- or two-character ``q`` is the union of a
range's postings; a three-character one is one posting; a longer one the intersection of its trigrams'
postings, each candidate then checked.

Storage is numpy arrays (the sorted trigram codes, postings in CSR form, ids in key order) plus the
keys themselves, once, sorted by length so that the keys of the lengths a query can match are one
contiguous range of ids. Numpy buffers are not touched by reference counting, so worker processes forked
after the index is built keep sharing their pages.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence

import numpy as np
from rapidfuzz import fuzz, process

Q = 3
_START, _END = "\x02" * (Q - 1), "\x03" * (Q - 1)  # never in a name key (control characters)


def _code(a: int, b: int = 0, c: int = 0) -> int:
    """The trigram of code points a, b, c as one integer (the same arithmetic as the vectorised build)."""
    return (a << 42) | (b << 21) | c


def max_distance(a: int, b: int, cutoff: float) -> int | None:
    """The largest Indel distance at which keys of lengths a and b still reach ``cutoff``; None if none does.

    The distance has the parity of a + b and is at least |a - b|. Errs on the generous side of the float
    comparison (one more candidate to score costs nothing; one lost would change the answer).
    """
    total = a + b
    if total == 0:
        return 0
    d = int((1 - cutoff / 100) * total + 1e-6)
    if (d - total) % 2:
        d -= 1
    return d if d >= abs(a - b) else None


class KeyIndex:
    """Trigram postings over a list of distinct keys; ``fuzzy`` and ``containing`` answer from it."""

    def __init__(self, keys: Sequence[str]):
        # Sorted by length, ties in the order given (the order the full scan would score them in).
        given = np.fromiter(map(len, keys), dtype=np.int32, count=len(keys))
        order = np.argsort(given, kind="stable")
        self.keys: list[str] = [keys[i] for i in order.tolist()]
        self._rank = order.astype(np.int32)  # id -> position in the order given
        lengths = given[order]
        self._longest = int(lengths[-1]) if len(lengths) else 0
        # _first[n]: the first id whose key has n characters or more (n = 0 .. longest + 1).
        self._first = np.searchsorted(lengths, np.arange(self._longest + 2), side="left").astype(np.int64)
        self._codes, self._offsets, self._postings = _build_postings(self.keys, lengths)
        # Ids in the keys' sort order, for prefix search (suggest): 4 bytes a key.
        self._alpha = np.asarray(sorted(range(len(self.keys)), key=self.keys.__getitem__), dtype=np.int32)

    def __len__(self) -> int:
        return len(self.keys)

    def nbytes(self) -> int:
        """Bytes held by the arrays (the keys themselves are shared with the caller)."""
        arrays = (self._rank, self._first, self._codes, self._offsets, self._postings, self._alpha)
        return sum(a.nbytes for a in arrays)

    def _posting(self, code: int) -> np.ndarray:
        """The ids of the keys holding the trigram ``code`` (ascending)."""
        i = int(np.searchsorted(self._codes, np.uint64(code)))  # uint64: no float rounding
        if i < len(self._codes) and self._codes[i] == code:
            return self._postings[self._offsets[i]:self._offsets[i + 1]]
        return self._postings[:0]

    def _postings_of(self, codes: list[int]) -> np.ndarray:
        """The postings of all the trigrams ``codes``, concatenated (an id once per trigram it holds). One
        vectorised search for all of them: a search per trigram cost more than the counting."""
        if not len(self._codes):
            return self._postings[:0]
        wanted = np.array(codes, dtype=np.uint64)
        at = np.minimum(np.searchsorted(self._codes, wanted), len(self._codes) - 1)
        found = at[self._codes[at] == wanted]
        bounds = zip(self._offsets[found].tolist(), self._offsets[found + 1].tolist(), strict=True)
        return np.concatenate([self._postings[a:b] for a, b in bounds] or [self._postings[:0]])

    # -- fuzzy --------------------------------------------------------------------------------------

    def candidates(self, key: str, cutoff: float, min_length: int = 0) -> list[str]:
        """Every indexed key of at least ``min_length`` characters that may score ``cutoff`` or more
        against ``key``, in the order the keys were given. A superset of the keys that do."""
        a = len(key)
        # |a - b| <= (1 - cutoff/100)(a + b) bounds b; one more each side for the float margin.
        slack = 1 - cutoff / 100
        shortest = max(min_length, 0, int(a * (1 - slack) / (1 + slack)) - 1)
        longest = min(self._longest, int(a * (1 + slack) / max(1 - slack, 1e-9)) + 1)
        lengths = [b for b in range(shortest, longest + 1) if max_distance(a, b, cutoff) is not None]
        if not lengths:
            return []
        lo, hi = int(self._first[lengths[0]]), int(self._first[lengths[-1] + 1])
        if lo >= hi:
            return []
        grams = _query_codes(key)
        distinct = len(grams)
        # The count each length needs (infinite for a length in the range that cannot reach the cutoff).
        need = np.full(lengths[-1] - lengths[0] + 1, np.iinfo(np.int32).max, dtype=np.int64)
        for b in lengths:
            d = max_distance(a, b, cutoff)
            deletions, insertions = (a - b + d) // 2, (b - a + d) // 2
            need[b - lengths[0]] = distinct - Q * deletions - (Q - 1) * insertions
        if need.min() <= 0:
            ids = np.arange(lo, hi)
        else:
            held = self._postings_of(grams)
            held = held[(held >= lo) & (held < hi)]
            if not len(held):
                return []
            counts = np.bincount(held - lo, minlength=hi - lo)
            sizes = np.diff(self._first[lengths[0]:lengths[-1] + 2])
            ids = np.flatnonzero(counts >= np.repeat(need, sizes)) + lo
        ids = ids[np.argsort(self._rank[ids], kind="stable")]
        return [self.keys[i] for i in ids.tolist()]

    def fuzzy(self, key: str, cutoff: float, limit: int | None = None, min_length: int = 0) -> list[tuple[str, float]]:
        """(key, ratio) for the indexed keys scoring ``cutoff`` or more, best first, ties in the order given:
        what ``process.extract`` over every key would answer."""
        choices = self.candidates(key, cutoff, min_length)
        if not choices:
            return []
        found = process.extract(key, choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=limit)
        return [(k, score) for k, score, _ in found]

    # -- prefixes -----------------------------------------------------------------------------------

    def starting_with(self, prefix: str) -> Iterator[str]:
        """The indexed keys that start with ``prefix``, in sort order (lazily: take what you need)."""
        keys, alpha = self.keys, self._alpha
        pos = bisect.bisect_left(alpha, prefix, key=lambda i: keys[i])
        for start in range(pos, len(alpha), 256):  # a chunk at a time: most prefixes end within the first
            for i in alpha[start:start + 256].tolist():
                key = keys[i]
                if not key.startswith(prefix):
                    return
                yield key

    # -- substrings ---------------------------------------------------------------------------------

    def containing(self, part: str) -> list[str]:
        """Every indexed key that contains ``part`` (each once, in id order). ``part`` may be empty."""
        return [self.keys[i] for i in self.containing_ids(part).tolist()]

    def containing_ids(self, part: str) -> np.ndarray:
        """The ids of the keys that contain ``part``, ascending (every id when ``part`` is empty)."""
        if not part:
            return np.arange(len(self.keys))
        if len(part) < Q:  # every trigram that starts with these one or two characters: one range of codes
            lo = _code(*map(ord, part))
            hi = lo + (1 << (21 * (Q - len(part))))
            i, j = np.searchsorted(self._codes, np.array((lo, hi), dtype=np.uint64))
            holding = np.zeros(len(self.keys), dtype=bool)  # a mask, not np.unique: no sort of ~all postings
            holding[self._postings[self._offsets[i]:self._offsets[j]]] = True
            return np.flatnonzero(holding)
        postings = sorted((self._posting(_code(*map(ord, part[i:i + Q]))) for i in range(len(part) - Q + 1)),
                          key=len)
        ids = postings[0]
        for posting in postings[1:]:
            if len(ids) == 0:
                break
            ids = np.intersect1d(ids, posting, assume_unique=True)
        if len(part) == Q:
            return ids  # holding the trigram is containing it
        return np.asarray([i for i in ids.tolist() if part in self.keys[i]], dtype=np.int64)


def _query_codes(key: str) -> list[int]:
    """The distinct trigrams of ``key``, padded."""
    codes = [ord(c) for c in _START + key + _END]
    return list({_code(codes[i], codes[i + 1], codes[i + 2]) for i in range(len(codes) - Q + 1)})


def _build_postings(keys: list[str], lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct trigram codes, sorted, and their postings in CSR form: the ids of the keys holding
    ``codes[k]`` are ``postings[offsets[k]:offsets[k + 1]]``, ascending, each once. Vectorised: a million
    keys in seconds."""
    if not keys:
        return np.zeros(0, dtype=np.uint64), np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int32)
    padded = "".join(_START + k + _END for k in keys)
    cps = np.frombuffer(padded.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    grams = lengths.astype(np.int64) + Q - 1  # trigrams per padded key
    padded_starts = np.zeros(len(keys), dtype=np.int64)
    np.cumsum(lengths[:-1].astype(np.int64) + 2 * (Q - 1), out=padded_starts[1:])
    gram_starts = np.zeros(len(keys), dtype=np.int64)
    np.cumsum(grams[:-1], out=gram_starts[1:])
    total = int(grams.sum())
    owner = np.repeat(np.arange(len(keys), dtype=np.int32), grams)
    pos = np.repeat(padded_starts - gram_starts, grams) + np.arange(total, dtype=np.int64)
    del gram_starts, padded_starts
    code = (cps[pos] << np.uint64(42)) | (cps[pos + 1] << np.uint64(21)) | cps[pos + 2]
    del pos, cps
    order = np.lexsort((owner, code))  # by trigram, then key id
    code, owner = code[order], owner[order]
    del order
    new_code = np.empty(total, dtype=bool)
    new_code[0] = True
    np.not_equal(code[1:], code[:-1], out=new_code[1:])
    keep = new_code.copy()
    keep[1:] |= owner[1:] != owner[:-1]  # a key holding a trigram twice is listed once
    postings = owner[keep]
    starts = np.flatnonzero(new_code[keep])
    codes = code[keep][starts]
    offsets = np.append(starts, len(postings)).astype(np.int64)
    return codes, offsets, postings
