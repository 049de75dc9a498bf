"""Lookup at the curated size, 100k and 1M variants: latency of exact, key, fuzzy and ``?q=`` queries,
index build time and memory, and the full scan the index replaced (measured, for comparison).

The big glossaries are the curated entries plus generated people (``bench.corpus.generated_glossary``),
built in process and derived as the service would; building a million variants takes minutes, so each is
pickled under ``bench/.cache/`` (named by a hash of the code that makes it) and reused by later runs.
"""

from __future__ import annotations

import gc
import hashlib
import pickle
import random
import statistics
import time
import tracemalloc
from pathlib import Path

from rapidfuzz import fuzz, process

from bench.corpus import generated_glossary
from glossary import Glossary, load_glossary
from glossary import index as index_module
from glossary.index import FUZZY_CUTOFF, FUZZY_MIN_KEY_LENGTH
from glossary.keyindex import KeyIndex
from glossary.keys import name_key

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"
SIZES = (100_000, 1_000_000)
QUERIES = 2_000  # per kind and size
SCAN_QUERIES = 30  # the full scan is slow at 1M: fewer queries


def _code_hash() -> str:
    """What the derived variants depend on: the generator, derivation, keys, model and the seeds (not the
    index, which every run rebuilds and measures)."""
    digest = hashlib.sha256()
    files = [ROOT / "bench" / "corpus.py", *sorted((ROOT / "glossary").glob("derive.py")),
             *sorted((ROOT / "glossary" / "romanize").rglob("*.py")), ROOT / "glossary" / "model.py",
             ROOT / "glossary" / "keys.py", *sorted((ROOT / "seeds").glob("*.yaml"))]
    for f in files:
        digest.update(f.read_bytes())
    return digest.hexdigest()[:16]


def big_glossary(curated: Glossary, size: int) -> tuple[Glossary, float | None, float | None]:
    """The curated glossary enlarged to ``size`` variants, the seconds it took to build with derivation (None
    when the derived variants came from the cache), and the seconds the index alone took (None when built
    with derivation)."""
    file = CACHE / f"lookup-{size}-{_code_hash()}.pickle"
    if file.exists():
        with open(file, "rb") as fh:
            entries, derived = pickle.load(fh)
        gc.collect()
        started = time.perf_counter()
        glossary = _indexed(entries, derived)
        return glossary, None, time.perf_counter() - started
    started = time.perf_counter()
    glossary = generated_glossary(curated, size)
    seconds = time.perf_counter() - started
    entries, derived = _derived(glossary)
    CACHE.mkdir(parents=True, exist_ok=True)
    for old in CACHE.glob(f"lookup-{size}-*.pickle"):
        old.unlink()
    with open(file, "wb") as fh:
        pickle.dump((entries, derived), fh, protocol=pickle.HIGHEST_PROTOCOL)
    return glossary, seconds, None


def _derived(glossary: Glossary) -> tuple[list, dict]:
    derived: dict[str, list] = {}
    for iv in glossary.variants:
        derived.setdefault(iv.entry_id, []).append(iv.variant)
    return list(glossary.entries.values()), derived


def _indexed(entries: list, derived: dict, version: str = "bench") -> Glossary:
    """``Glossary(entries)`` with ``all_variants`` replaced, for this call only, by variants derived earlier."""
    original = index_module.all_variants
    index_module.all_variants = lambda entry: derived.get(entry.id, [])
    try:
        return Glossary(entries, version=version)
    finally:
        index_module.all_variants = original


def index_build(glossary: Glossary, seconds: float | None = None) -> dict:
    """Time and memory of indexing the glossary's entries, their variants already derived.

    ``all_variants`` is replaced, for this measurement only, by the variants the glossary already holds,
    so what is timed is the index alone: name keys, the tables, the key index.
    """
    entries, derived = _derived(glossary)
    if seconds is None:  # not timed yet
        gc.collect()
        started = time.perf_counter()
        _indexed(entries, derived)
        seconds = time.perf_counter() - started
    gc.collect()
    tracemalloc.start()
    rebuilt = _indexed(entries, derived)
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    keys = list(rebuilt._by_key)
    started = time.perf_counter()
    KeyIndex(keys)
    key_index_seconds = time.perf_counter() - started
    rss = next((int(line.split()[1]) / 1024 for line in Path("/proc/self/status").read_text().splitlines()
                if line.startswith("VmRSS:")), 0.0)
    return {"rss_mb": rss, "index_seconds": seconds, "index_mb": held / 2**20, "key_index_seconds": key_index_seconds,
            "key_index_mb": rebuilt._keys.nbytes() / 2**20, "keys": len(keys)}


def _typo(rng: random.Random, key: str) -> str:
    """One edit (delete, insert, substitute or swap) inside ``key``: a typo that still scores over 85."""
    chars = list(key)
    pos = rng.randrange(1, len(chars) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        del chars[pos]
    elif kind == 1:
        chars.insert(pos, chars[pos])
    elif kind == 2:
        chars[pos] = "aeiou"[rng.randrange(5)] if chars[pos].isascii() else chars[pos - 1]
    else:
        chars[pos], chars[pos + 1] = chars[pos + 1], chars[pos]
    return "".join(chars)


def queries(glossary: Glossary, rng: random.Random) -> dict[str, list[str]]:
    """Queries of each kind, made from variants sampled from the whole glossary (every script)."""
    sample = [glossary.variants[rng.randrange(len(glossary.variants))] for _ in range(QUERIES * 3)]
    long_keys = [iv.key for iv in sample if len(iv.key) >= 8][:QUERIES]
    return {
        "exact": [iv.variant.name for iv in sample[:QUERIES]],
        "key": [iv.variant.name.upper() if iv.variant.name.isascii() else f" {iv.variant.name}・"
                for iv in sample[:QUERIES]],
        "fuzzy": [_typo(rng, k) for k in long_keys],
        "q": [iv.key[s:s + rng.randint(2, 6)] for iv in sample[:QUERIES]
              for s in [rng.randrange(max(1, len(iv.key) - 2))]],
    }


def _latencies(fn, items: list[str], wall: list[float] | None = None) -> list[float]:
    """CPU milliseconds of each call (this thread's CPU time: what the query costs, even on a machine
    whose other processes take the cores now and then); wall-clock milliseconds go into ``wall``."""
    out = []
    for item in items:
        started, cpu = time.perf_counter(), time.thread_time()
        fn(item)
        out.append((time.thread_time() - cpu) * 1000)
        if wall is not None:
            wall.append((time.perf_counter() - started) * 1000)
    return out


def _scan_q(variants, q: str) -> set[str]:
    """``?q=`` as it was: ``in`` over every variant's key."""
    qk = name_key(q)
    return {iv.entry_id for iv in variants if qk in iv.key}


def _p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def measure(glossary: Glossary, label: str, rng: random.Random, build_seconds: float | None,
            index_seconds: float | None = None) -> dict:
    qs = queries(glossary, rng)
    gc.collect()
    gc.disable()  # a collection of a million objects inside a timed query measures the collector, not lookup
    try:
        for q in qs["exact"][:50]:
            glossary.lookup(q)  # warm up (first rapidfuzz and numpy calls)
        wall: dict[str, list[float]] = {k: [] for k in qs}
        times = {
            "exact": _latencies(glossary.lookup, qs["exact"], wall["exact"]),
            "key": _latencies(glossary.lookup, qs["key"], wall["key"]),
            "fuzzy": _latencies(glossary.lookup, qs["fuzzy"], wall["fuzzy"]),
            "q": _latencies(lambda q: glossary.list_entries(q=q), qs["q"], wall["q"]),
        }
        fuzzy_keys = [k for k in glossary._by_key if len(k) >= FUZZY_MIN_KEY_LENGTH]
        scan = {
            "fuzzy": _latencies(lambda q: process.extract(name_key(q), fuzzy_keys, scorer=fuzz.ratio,
                                                          score_cutoff=FUZZY_CUTOFF, limit=20),
                                qs["fuzzy"][:SCAN_QUERIES]),
            "q": _latencies(lambda q, variants=glossary.variants: _scan_q(variants, q), qs["q"][:SCAN_QUERIES]),
        }
    finally:
        gc.enable()
    found = sum(1 for q in qs["fuzzy"] if glossary.lookup(q))
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    row = {"label": label, "entries": len(glossary.entries), "variants": len(glossary.variants),
           "build_seconds": build_seconds, "fuzzy_found": found / len(qs["fuzzy"]),
           **{f"{k}_p50": _p(v, 50) for k, v in times.items()}, **{f"{k}_p99": _p(v, 99) for k, v in times.items()},
           **{f"{k}_wall_p99": _p(v, 99) for k, v in wall.items()}, "load": load,
           **{f"scan_{k}_p50": statistics.median(v) for k, v in scan.items()}, **index_build(glossary, index_seconds)}
    print(f"  {label:8} {row['variants']:>9,} variants: p50/p99 ms exact {row['exact_p50']:.3f}/{row['exact_p99']:.3f}"
          f" key {row['key_p50']:.3f}/{row['key_p99']:.3f} fuzzy {row['fuzzy_p50']:.3f}/{row['fuzzy_p99']:.3f}"
          f" ?q= {row['q_p50']:.3f}/{row['q_p99']:.3f} | full scan p50: fuzzy {row['scan_fuzzy_p50']:.1f}, "
          f"?q= {row['scan_q_p50']:.1f} | index {row['index_seconds']:.1f}s {row['index_mb']:.0f} MB "
          f"(key index {row['key_index_seconds']:.1f}s {row['key_index_mb']:.0f} MB)", flush=True)
    return row


def normalise_by_size(curated: Glossary, glossary: Glossary, label: str, corpora: dict[str, str],
                      repeat: int = 4) -> list[dict]:
    """Normalisation throughput (characters per CPU second) with ``glossary`` and with the curated one, the
    two taking turns on the same documents (bench/__main__.py's ``interleaved``)."""
    from bench.__main__ import documents, interleaved
    from glossary.normalize import normalize_text

    started = time.perf_counter()
    glossary.matcher()  # built before timing (a minute at a million variants)
    built = time.perf_counter() - started
    curated.matcher()
    out = []
    for name, text in corpora.items():
        docs = documents(text)
        times = interleaved({"curated": lambda t: normalize_text(curated, t),
                             "big": lambda t: normalize_text(glossary, t)}, docs, repeat)
        row = {"label": label, "variants": len(glossary.variants), "corpus": name, "chars": len(text),
               "curated": len(text) / times["curated"], "big": len(text) / times["big"], "matcher_seconds": built,
               "mentions_curated": sum(len(normalize_text(curated, t).mentions) for t in docs),
               "mentions_big": sum(len(normalize_text(glossary, t).mentions) for t in docs)}
        row["ratio"] = row["big"] / row["curated"]
        print(f"  normalise {label:8} {name:6} curated {row['curated'] / 1e6:.2f} M chars/s, {label} "
              f"{row['big'] / 1e6:.2f} M ({row['ratio']:.2f}x)", flush=True)
        out.append(row)
    return out


def bench_lookup(curated: Glossary | None = None, sizes=SIZES, corpora: dict[str, str] | None = None
                 ) -> tuple[list[str], list[dict]]:
    """Measure every size; return the Markdown lines for bench/README.md and the rows. With ``corpora``,
    normalisation throughput at each size too."""
    curated = curated or load_glossary()
    rng = random.Random(5)
    rows = [measure(curated, "curated", rng, None)]
    normalised: list[dict] = []
    for size in sizes:
        glossary, seconds, index_seconds = big_glossary(curated, size)
        n = len(glossary.variants)  # labelled by what it holds, not by the size asked for
        label = f"{n / 1e6:.2f}M" if n >= 500_000 else f"{n // 1000}k"
        rows.append(measure(glossary, label, rng, seconds, index_seconds))
        if corpora:
            normalised += normalise_by_size(curated, glossary, label, corpora)
        del glossary
        gc.collect()
    return markdown(rows) + normalise_markdown(normalised), rows


def normalise_markdown(rows: list[dict]) -> list[str]:
    if not rows:
        return []
    lines = ["### Normalisation throughput by glossary size", "",
             "`normalize_text` on the bench corpora (our sentence templates filled with curated names, cut into "
             "2,000-character documents), with the larger glossary and with the curated one taking turns batch "
             "by batch, least CPU time of four rounds per batch. The larger glossary finds more (its generated "
             "names occur in the text too): the mentions are given. Goal: within 20 % of the curated "
             "glossary's throughput.", "",
             "| glossary | variants | corpus | chars | curated | this glossary | this ÷ curated | mentions "
             "(curated / this) | text matcher built in |", "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['label']} | {r['variants']:,} | {r['corpus']} | {r['chars']:,} | "
                     f"{r['curated'] / 1e6:.2f} M/s | {r['big'] / 1e6:.2f} M/s | {r['ratio']:.2f}x | "
                     f"{r['mentions_curated']:,} / {r['mentions_big']:,} | {r['matcher_seconds']:.0f} s |")
    return lines + [""]


def markdown(rows: list[dict]) -> list[str]:
    lines = ["### Lookup latency by glossary size", "",
             f"{QUERIES:,} queries of each kind per glossary, made from variants sampled across the glossary (Latin, "
             "Han and kana names), timed one by one in process (`Glossary.lookup`, `Glossary.list_entries`); "
             "milliseconds. exact: a variant as written; key: the same in upper case or with separators "
             "around it; fuzzy: a key of 8+ characters with one typo (deleted, doubled, changed or swapped "
             f"character); ?q=: a 2–6 character piece of a key. Full scan: what the index replaced (rapidfuzz "
             f"over every key; `in` over every variant), p50 of {SCAN_QUERIES} queries. Times are the CPU time "
             "of the thread (what a query costs); the wall-clock p99 is given too, with the machine's load "
             "average when it was measured (other processes share the 2 cores).", "",
             "| glossary | entries | variants | exact p50 / p99 | key p50 / p99 | fuzzy p50 / p99 | ?q= p50 / p99 | "
             "wall p99 exact / key / fuzzy / ?q= (load) | fuzzy full scan p50 | ?q= full scan p50 | typos found |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['label']} | {r['entries']:,} | {r['variants']:,} | {r['exact_p50']:.3f} / "
                     f"{r['exact_p99']:.3f} | {r['key_p50']:.3f} / {r['key_p99']:.3f} | {r['fuzzy_p50']:.3f} / "
                     f"{r['fuzzy_p99']:.3f} | {r['q_p50']:.3f} / {r['q_p99']:.3f} | {r['exact_wall_p99']:.2f} / "
                     f"{r['key_wall_p99']:.2f} / {r['fuzzy_wall_p99']:.2f} / {r['q_wall_p99']:.2f} ({r['load']}) | "
                     f"{r['scan_fuzzy_p50']:.2f} | "
                     f"{r['scan_q_p50']:.2f} | {r['fuzzy_found']:.0%} |")
    lines += ["", "### Index build and memory by glossary size", "",
              "index: `Glossary(entries)` with the variants already derived (name keys, tables, key index); "
              "memory: what it holds (tracemalloc, numpy arrays included; the entries and variants themselves "
              "are not counted); key index: the trigram postings alone. Build with derivation: the whole "
              "`generated_glossary` (derive every variant, then index), when this run built it. Process RSS: the "
              "bench process after measuring that glossary (every glossary measured so far, and two copies "
              "of this one while it is rebuilt, may still be held: an upper bound).", "",
              "| glossary | variants | distinct keys | index build | index memory | key index build | "
              "key index memory | build with derivation | process RSS |", "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        built = f"{r['build_seconds']:.0f} s" if r["build_seconds"] else "(cached)"
        lines.append(f"| {r['label']} | {r['variants']:,} | {r['keys']:,} | {r['index_seconds']:.1f} s | "
                     f"{r['index_mb']:.0f} MB | {r['key_index_seconds']:.2f} s | {r['key_index_mb']:.0f} MB | "
                     f"{built} | {r['rss_mb']:.0f} MB |")
    return lines + [""]


if __name__ == "__main__":
    import sys

    sizes = tuple(int(a) for a in sys.argv[1:]) or SIZES
    print("\n".join(bench_lookup(sizes=sizes)[0]))
