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
that reach that bound. Trigrams are hashed into at most ``2**MAX_BUCKET_BITS`` buckets (about one per
trigram occurrence): two trigrams sharing a bucket can only add candidates, never lose one.

Storage is three numpy arrays (postings in CSR form: bucket offsets, key ids; key lengths) plus the
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
MAX_BUCKET_BITS = 21  # 2M buckets at most (a million keys); fewer for a small glossary
_START, _END = "\x02" * (Q - 1), "\x03" * (Q - 1)  # never in a name key (control characters)
_MULT = 0x9E3779B97F4A7C15  # Fibonacci hashing: the top bits of code * MULT spread the trigrams
_MASK = (1 << 64) - 1


def _bucket(a: int, b: int, c: int, bits: int) -> int:
    """The bucket of the trigram of code points a, b, c (the same arithmetic as the vectorised build)."""
    return ((((a << 42) | (b << 21) | c) * _MULT) & _MASK) >> (64 - bits)


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
        order = sorted(range(len(keys)), key=lambda i: len(keys[i]))
        self.keys: list[str] = [keys[i] for i in order]
        self._rank = np.asarray(order, dtype=np.int32)  # id -> position in the order given
        lengths = np.fromiter((len(k) for k in self.keys), dtype=np.int32, count=len(self.keys))
        self._longest = int(lengths[-1]) if len(lengths) else 0
        # _first[n]: the first id whose key has n characters or more (n = 0 .. longest + 1).
        self._first = np.searchsorted(lengths, np.arange(self._longest + 2), side="left").astype(np.int64)
        grams = int(lengths.sum()) + (Q - 1) * len(self.keys)
        self._bits = min(MAX_BUCKET_BITS, max(8, grams.bit_length()))
        self._offsets, self._postings = _build_postings(self.keys, lengths, self._bits)
        # Ids in the keys' sort order, for prefix search (suggest): 4 bytes a key.
        self._alpha = np.asarray(sorted(range(len(self.keys)), key=self.keys.__getitem__), dtype=np.int32)
        # For substring queries shorter than a trigram: every key in one string, found with str.find.
        self._joined = "\n".join(self.keys)
        self._starts = np.zeros(len(self.keys) + 1, dtype=np.int64)
        np.cumsum(lengths + 1, out=self._starts[1:])

    def __len__(self) -> int:
        return len(self.keys)

    def __getstate__(self):  # the joined string and the starts are derived: rebuilt on unpickling
        return {k: v for k, v in self.__dict__.items() if k not in ("_joined", "_starts")}  # 4 bytes a char

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._joined = "\n".join(self.keys)
        self._starts = np.zeros(len(self.keys) + 1, dtype=np.int64)
        np.cumsum(np.fromiter((len(k) + 1 for k in self.keys), dtype=np.int64, count=len(self.keys)),
                  out=self._starts[1:])

    def nbytes(self) -> int:
        """Bytes held by the arrays and the joined string (the keys themselves are shared with the caller)."""
        arrays = (self._rank, self._first, self._offsets, self._postings, self._starts, self._alpha)
        return sum(a.nbytes for a in arrays) + len(self._joined.encode("utf-32-le")) // 2

    # -- fuzzy --------------------------------------------------------------------------------------

    def candidates(self, key: str, cutoff: float, min_length: int = 0) -> list[str]:
        """Every indexed key of at least ``min_length`` characters that may score ``cutoff`` or more
        against ``key``, in the order the keys were given. A superset of the keys that do."""
        a = len(key)
        lengths = [b for b in range(max(min_length, 0), self._longest + 1)
                   if max_distance(a, b, cutoff) is not None]
        if not lengths:
            return []
        lo, hi = int(self._first[lengths[0]]), int(self._first[lengths[-1] + 1])
        if lo >= hi:
            return []
        buckets = _query_buckets(key, self._bits)
        distinct = len(buckets)
        # The count each length needs (infinite for a length in the range that cannot reach the cutoff).
        need = np.full(lengths[-1] - lengths[0] + 1, np.iinfo(np.int32).max, dtype=np.int64)
        for b in lengths:
            d = max_distance(a, b, cutoff)
            deletions, insertions = (a - b + d) // 2, (b - a + d) // 2
            need[b - lengths[0]] = distinct - Q * deletions - (Q - 1) * insertions
        if need.min() <= 0:
            ids = np.arange(lo, hi)
        else:
            parts = []
            for bucket in buckets:
                posting = self._postings[self._offsets[bucket]:self._offsets[bucket + 1]]
                i, j = np.searchsorted(posting, (lo, hi))
                if i < j:
                    parts.append(posting[i:j])
            if not parts:
                return []
            counts = np.bincount(np.concatenate(parts) - lo, minlength=hi - lo)
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
        if not part:
            return list(self.keys)
        lo = int(self._first[min(len(part), self._longest + 1)])
        if len(part) < Q:
            return self._scan(part, lo)
        ids = None
        for bucket in sorted({_bucket(*map(ord, part[i:i + Q]), self._bits) for i in range(len(part) - Q + 1)},
                             key=lambda b: self._offsets[b + 1] - self._offsets[b]):
            posting = self._postings[self._offsets[bucket]:self._offsets[bucket + 1]]
            posting = posting[np.searchsorted(posting, lo):]
            ids = posting if ids is None else np.intersect1d(ids, posting, assume_unique=True)
            if len(ids) == 0:
                return []
        return [k for k in (self.keys[i] for i in ids.tolist()) if part in k]

    def _scan(self, part: str, lo: int) -> list[str]:
        """Keys containing a one- or two-character ``part``: str.find over the joined keys, one hit per key."""
        out = []
        joined, starts, find = self._joined, self._starts, self._joined.find
        pos = int(starts[lo])
        while True:
            pos = find(part, pos)
            if pos < 0:
                return out
            i = bisect.bisect_right(starts, pos) - 1  # starts is a numpy array: bisect works on it
            out.append(self.keys[i])
            pos = int(starts[i + 1])
            if pos >= len(joined):
                return out


def _query_buckets(key: str, bits: int) -> list[int]:
    padded = _START + key + _END
    codes = [ord(c) for c in padded]
    return list({_bucket(codes[i], codes[i + 1], codes[i + 2], bits) for i in range(len(codes) - Q + 1)})


def _build_postings(keys: list[str], lengths: np.ndarray, bits: int) -> tuple[np.ndarray, np.ndarray]:
    """CSR postings: for bucket k, the ids of the keys holding one of its trigrams are
    ``postings[offsets[k]:offsets[k + 1]]``, ascending, each once. Vectorised: a million keys in seconds."""
    n_buckets = 1 << bits
    if not keys:
        return np.zeros(n_buckets + 1, dtype=np.int64), np.zeros(0, dtype=np.int32)
    padded = "".join(_START + k + _END for k in keys)
    codes = np.frombuffer(padded.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    grams = lengths.astype(np.int64) + Q - 1  # trigrams per padded key
    padded_starts = np.zeros(len(keys), dtype=np.int64)
    np.cumsum(lengths[:-1].astype(np.int64) + 2 * (Q - 1), out=padded_starts[1:])
    gram_starts = np.zeros(len(keys), dtype=np.int64)
    np.cumsum(grams[:-1], out=gram_starts[1:])
    total = int(grams.sum())
    owner = np.repeat(np.arange(len(keys), dtype=np.int64), grams)
    pos = np.repeat(padded_starts - gram_starts, grams) + np.arange(total, dtype=np.int64)
    del gram_starts, padded_starts
    code = (codes[pos] << np.uint64(42)) | (codes[pos + 1] << np.uint64(21)) | codes[pos + 2]
    del pos, codes
    with np.errstate(over="ignore"):
        bucket = ((code * np.uint64(_MULT)) >> np.uint64(64 - bits)).astype(np.int64)
    del code
    pairs = np.unique(bucket * len(keys) + owner)  # sorted by bucket, then key id; duplicates gone
    del bucket, owner
    buckets = pairs // len(keys)
    postings = (pairs - buckets * len(keys)).astype(np.int32)
    offsets = np.zeros(n_buckets + 1, dtype=np.int64)
    np.cumsum(np.bincount(buckets, minlength=n_buckets), out=offsets[1:])
    return offsets, postings
