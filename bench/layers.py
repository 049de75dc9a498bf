"""What serving writes as a layer costs reads: a snapshot against the same snapshot with a layer of changed
entries over it (glossary/layered.py), taking turns.

A large glossary's workers take each write as a layer over the snapshot they share, and gunicorn's master
compacts the layer into a new full snapshot only when it is full (2,000 entries) or when
``GLOSSARY_COMPACT_SECONDS`` says (service/refresh.py): a compaction costs the service memory for a second
snapshot, a layer costs every read a little. This measures that little: lookups of names sampled across the
base, and ``normalize_text`` on the bench corpora, with the base alone and with layers of 200 and 2,000 new
people (generated names like the large glossaries' own, whose surnames the corpora's names share: the layer's
keys are hit throughout the text). Each contender runs in turn, ``ROUNDS`` times; the least CPU time counts.

    python -m bench --only layers         # the curated glossary as the base
"""

from __future__ import annotations

import random
import time

from bench.corpus import generated_person, make_corpus
from glossary import Glossary
from glossary.compiled import compile_entry
from glossary.normalize import normalize_text

ROUNDS = 5
LAYERS = (200, 2_000)


def _layer(base: Glossary, size: int, seed: int = 5) -> Glossary:
    rng = random.Random(seed)
    changes = {}
    for n in range(size):
        entry = generated_person(rng, 20_000_000 + n)
        changes[entry.id] = (entry, compile_entry(entry))
    return base.layered(changes, version=f"{base.version}+{size}").prepare(previous=base)


def bench_layers(base: Glossary, chars: int = 100_000, label: str = "curated") -> list[str]:
    base.prepare()
    contenders = {"base": base, **{f"layer of {n:,}": _layer(base, n) for n in LAYERS}}
    corpora = {lang: make_corpus(base, lang, chars if lang == "en" else chars // 2) for lang in ("en", "zh", "ja")}
    rng = random.Random(9)
    queries = [base.variants[rng.randrange(len(base.variants))].variant.name for _ in range(2_000)]
    for glossary in contenders.values():  # warm: a key's meaning is worked out on its first hit
        for text in corpora.values():
            normalize_text(glossary, text, mode="mentions")
    best: dict[tuple[str, str], float] = {}
    for _ in range(ROUNDS):
        for name, glossary in contenders.items():
            started = time.process_time()
            for q in queries:
                glossary.lookup(q)
            took = (time.process_time() - started) / len(queries)
            best[name, "lookup"] = min(best.get((name, "lookup"), took), took)
            for lang, text in corpora.items():
                started = time.process_time()
                normalize_text(glossary, text, mode="mentions")
                took = time.process_time() - started
                best[name, lang] = min(best.get((name, lang), took), took)
    lines = ["### Reads over a layer", "",
             f"The {label} glossary ({len(base.variants):,} variants) alone and with a layer of new people over it "
             f"(bench/layers.py), taking turns, least CPU time of {ROUNDS} rounds: a lookup of one of 2,000 names "
             "sampled across the base, and `normalize_text` over the bench corpora (characters per second of CPU "
             "time; the ratio to the base in brackets).", "",
             "| snapshot | lookup | normalise en | normalise zh | normalise ja |", "|---|---|---|---|---|"]
    for name in contenders:
        cells = [f"{best[name, 'lookup'] * 1e6:.1f} µs ({best[name, 'lookup'] / best['base', 'lookup']:.2f}x)"]
        for lang, text in corpora.items():
            rate = len(text) / best[name, lang]
            cells.append(f"{rate / 1e6:.2f} M/s ({best['base', lang] / best[name, lang]:.2f}x)")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
        print(f"  {name:16} " + "  ".join(cells))
    return lines + [""]
