"""`make bench`: measure the normaliser, the HTTP endpoint, start-up, reconciliation and batch normalisation.

Every figure printed is measured by this run on this machine; ratios compare contenders measured in
the same run on the same corpus and glossary, which is what stays meaningful on a shared, noisy machine.
The results are printed and written into bench/README.md, between its results markers.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import tracemalloc
import urllib.request
from pathlib import Path

from bench.corpus import enlarged_glossary, make_corpus
from glossary import Glossary, load_glossary
from glossary.normalize import matcher_for, normalize_text

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "bench" / "README.md"
BEGIN, END = "<!-- results: written by make bench -->", "<!-- /results -->"


def interleaved(contenders: dict, docs: list[str], repeat: int, batch: int = 50) -> dict[str, float]:
    """CPU seconds each contender needs for ``docs``: for every batch of ``batch`` documents, the least CPU
    time of ``repeat`` rounds, summed over the batches. Each contender is a function of one document.

    The contenders take turns batch by batch (tens of milliseconds each), so a burst of load from elsewhere
    on a shared machine hits every contender alike; the time is this process's CPU time, not the wall
    clock (every contender is single-threaded); and the least of several runs of the same batch is the run
    that other processes disturbed least (they share the cores' caches even when they leave this process
    its CPU), which a best whole run of a second cannot give on a busy machine. A batch is long enough
    for each contender to work from warm caches, as it would on a stream of articles: with batches of ten
    documents every contender's data is partly evicted by the others' at each turn (in one run, English on
    the curated glossary: ours at 1.81x flashtext with batches of ten, 1.95x with fifty, 2.04x with the
    whole corpus as one batch).
    """
    batches = [docs[i : i + batch] for i in range(0, len(docs), batch)]
    best = {name: [float("inf")] * len(batches) for name in contenders}
    for _ in range(repeat):
        for b, part in enumerate(batches):
            for name, fn in contenders.items():
                t = time.process_time()
                for doc in part:
                    fn(doc)
                best[name][b] = min(best[name][b], time.process_time() - t)
    return {name: sum(times) for name, times in best.items()}


# -- contenders -------------------------------------------------------------------------------------


def flashtext_processor(glossary: Glossary):
    from flashtext import KeywordProcessor

    kp = KeywordProcessor()  # case-insensitive, its default
    for iv in glossary.variants:
        kp.add_keyword(iv.variant.name, glossary.entries[iv.entry_id].label)
    return kp


def bare_automaton(glossary: Glossary):
    import ahocorasick  # pyahocorasick, the bare-scan baseline (the bench extra; imported here so that the
    # bench's helpers, which tests import, need nothing beyond the test extra)

    automaton = ahocorasick.Automaton()
    for iv in glossary.variants:
        automaton.add_word(iv.variant.name, iv.entry_id)
    automaton.make_automaton()
    return automaton


def documents(text: str, size: int = 2_000) -> list[str]:
    """The corpus cut into documents of about ``size`` characters, at spaces, as a batch of articles.

    Every contender processes the same documents one by one. (Whole megabytes in one string would
    measure flashtext's string concatenation, whose cost depends on the allocator's luck, not its work.)
    """
    docs, start = [], 0
    while start < len(text):
        end = text.find(" ", start + size)
        end = len(text) if end < 0 else end + 1
        docs.append(text[start:end])
        start = end
    return docs


def bench_normalise(glossary: Glossary, label: str, corpora: dict[str, str], repeat: int) -> list[dict]:
    matcher_for(glossary)
    kp = flashtext_processor(glossary)
    automaton = bare_automaton(glossary)
    # Every contender's data (our glossary and matcher, flashtext's trie, the bare automaton) is kept out of
    # the collector, as the service does with its glossary once loaded (service.create_app): a full collection
    # walking flashtext's million-node trie in the middle of our run would be charged to whoever allocates.
    gc.freeze()
    rows = []
    for name, text in corpora.items():
        docs = documents(text)
        times = interleaved({
            "ours": lambda t: normalize_text(glossary, t),
            "flashtext": kp.replace_keywords,
            "bare": lambda t: sum(1 for _ in automaton.iter(t)),
        }, docs, repeat)
        ours, flash, bare = times["ours"], times["flashtext"], times["bare"]
        mentions = sum(len(normalize_text(glossary, t).mentions) for t in docs)
        flash_found = sum(len(kp.extract_keywords(t)) for t in docs)
        rows.append({
            "glossary": label, "variants": len(glossary.variants), "corpus": name, "chars": len(text),
            "mentions": mentions, "flashtext_found": flash_found,
            "ours": len(text) / ours, "flashtext": len(text) / flash,
            "bare": len(text) / bare, "vs_flashtext": flash / ours, "vs_bare": ours / bare,
        })
        print(f"  {label:9} {name:7} ({len(docs)} documents) ours {len(text) / ours / 1e6:6.2f} M chars/s | flashtext "
              f"{len(text) / flash / 1e6:5.2f} | bare scan {len(text) / bare / 1e6:6.2f} | "
              f"ours/flashtext {flash / ours:5.1f}x | bare/ours {ours / bare:4.2f}x", flush=True)
    return rows


# -- start-up -----------------------------------------------------------------------------------------


def bench_startup() -> dict:
    """Load, validate, derive and index seeds/ (and build the text scanner) in a fresh process."""
    code = ("import time; t=time.perf_counter(); from glossary import load_glossary; "
            "from glossary.normalize import matcher_for; t1=time.perf_counter(); g=load_glossary(); "
            "t2=time.perf_counter(); matcher_for(g); t3=time.perf_counter(); "
            "import json; print(json.dumps({'import': t1-t, 'load_and_index': t2-t1, 'scanner': t3-t2, "
            "'entries': len(g.entries), 'variants': len(g.variants)}))")
    runs = [json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                      cwd=ROOT, check=True).stdout) for _ in range(3)]
    best = min(runs, key=lambda r: r["load_and_index"])
    print(f"  start-up: import {best['import']:.2f}s, load+validate+derive+index {best['load_and_index']:.2f}s, "
          f"text scanner {best['scanner']:.2f}s ({best['entries']} entries, {best['variants']} variants)")
    return best


def bench_memory(glossary_factory) -> dict:
    tracemalloc.start()
    g = glossary_factory()
    matcher_for(g)
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"python_heap_mb": current / 2**20, "peak_mb": peak / 2**20}


# -- HTTP ---------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rss_kb(pid: int, field: str = "VmHWM") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def bench_http(corpus: str, repeat: int) -> dict:
    """POST /v1/normalize with a 1 MB batch to gunicorn on loopback (one worker), as `make run` serves."""
    port = _free_port()
    store = tempfile.mkdtemp()  # a store created from seeds/ as they are now, not instance/'s
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": "1",
           "GLOSSARY_DB": str(Path(store) / "glossary.db")}
    proc = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "--config", "service/gunicorn_conf.py",
                             "service:serve()"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300  # the first start creates the store from seeds/
        while True:
            try:
                urllib.request.urlopen(base + "/v1/health", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.3)
        texts, size = [], 0
        while size < 1_000_000:  # 1 MB of UTF-8, in texts of about 10,000 characters
            chunk = corpus[(len(texts) * 9_973) % max(1, len(corpus) - 10_000):][:10_000]
            texts.append(chunk)
            size += len(chunk.encode("utf-8"))
        body = json.dumps({"texts": texts, "target": "en"}).encode()
        request = urllib.request.Request(base + "/v1/normalize", data=body,
                                         headers={"Content-Type": "application/json"})
        idle_rss = max(_rss_kb(pid, "VmRSS") for pid in _worker_pids(proc.pid))
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            with urllib.request.urlopen(request, timeout=120) as response:
                payload = response.read()
            times.append(time.perf_counter() - t)
        peak = max(_rss_kb(pid) for pid in _worker_pids(proc.pid))
        result = {"batch_bytes": size, "texts": len(texts), "seconds": min(times),
                  "mb_per_s": size / min(times) / 1e6, "response_bytes": len(payload),
                  "worker_idle_rss_mb": idle_rss / 1024, "worker_peak_rss_mb": peak / 1024}
        print(f"  HTTP: 1 MB batch ({len(texts)} texts) in {min(times):.2f}s = {result['mb_per_s']:.2f} MB/s; "
              f"worker RSS idle {idle_rss / 1024:.0f} MB, peak {peak / 1024:.0f} MB")
        return result
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        shutil.rmtree(store, ignore_errors=True)


def _worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    pids = [int(p) for p in children.read_text().split()] if children.exists() else []
    return pids or [master]


# -- report -------------------------------------------------------------------------------------------


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown CPU")
    mem = next((int(line.split()[1]) // 1024 // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), 0)
    return (f"{cpu}, {os.cpu_count()} cores, {mem} GiB; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}")


# The parts of the main results block, in order; each is written between its own markers, so that ``--only``
# rewrites the parts it ran and keeps the others (with the date and code they were measured at).
PARTS = ("normalise", "startup", "http", "reconcile", "reference")
_PART_RE = re.compile(r"<!-- part: (\w+) -->\n(.*?)<!-- /part: \1 -->", re.S)


def _part_lines(part: str, sections: dict) -> list[str]:
    if part == "normalise":
        lines = ["### Text normalisation (characters per second)", "",
                 "Best of five rounds in which the three contenders take turns.", "",
                 "| glossary | variants | corpus | chars | mentions (ours / flashtext) | ours | flashtext | "
                 "bare scan | ours ÷ flashtext | bare ÷ ours |", "|---|---|---|---|---|---|---|---|---|---|"]
        for r in sections["normalise"]:
            lines.append(f"| {r['glossary']} | {r['variants']:,} | {r['corpus']} | {r['chars']:,} | "
                         f"{r['mentions']:,} / {r['flashtext_found']:,} | "
                         f"{r['ours'] / 1e6:.2f} M | {r['flashtext'] / 1e6:.2f} M | {r['bare'] / 1e6:.2f} M | "
                         f"{r['vs_flashtext']:.1f}x | {r['vs_bare']:.2f}x |")
        lines += ["", "Each corpus is cut into documents of about 2,000 characters, processed one by one by each "
                  "contender. ours: `glossary.normalize.normalize_text` (find, boundaries, resolution, rewrite); "
                  "flashtext: `KeywordProcessor.replace_keywords` with every variant; bare scan: "
                  "pyahocorasick `iter` over the same variants, counting hits (no boundaries, no resolution).", "",
                  "### Memory (Python heap, tracemalloc)", ""]
        for label, m in sections["memory"].items():
            lines.append(f"- {label}: {m['python_heap_mb']:.0f} MB held, {m['peak_mb']:.0f} MB peak while building")
        return lines
    if part == "startup":
        s = sections["startup"]
        return ["### Start-up", "", f"- import: {s['import']:.2f}s",
                f"- load, validate, derive and index seeds/: {s['load_and_index']:.2f}s "
                f"({s['entries']} entries, {s['variants']:,} variants)",
                f"- build the text scanner: {s['scanner']:.2f}s"]
    if part == "http":
        h = sections["http"]
        return ["### HTTP", "", f"- POST /v1/normalize, {h['batch_bytes']:,} bytes in {h['texts']} texts: "
                f"{h['seconds']:.2f}s ({h['mb_per_s']:.2f} MB/s), response {h['response_bytes']:,} bytes",
                f"- gunicorn worker RSS: {h['worker_idle_rss_mb']:.0f} MB idle, "
                f"{h['worker_peak_rss_mb']:.0f} MB peak (VmHWM)"]
    return list(sections[part])  # reconcile, reference: their lines as bench/reconcile.py and reference.py made them


def write_results(sections: dict) -> None:
    """The parts run, each stamped with when and at which code, into the main block; parts not run are kept."""
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    stamp = f"Measured by `make bench` on {when}, code at commit {_commit()}; machine: {sections['machine']}."
    text = README.read_text(encoding="utf-8")
    head, rest = text.split(BEGIN, 1) if BEGIN in text else (text.rstrip() + "\n\n", END)
    old, tail = rest.split(END, 1) if END in rest else ("", "")
    parts = dict(_PART_RE.findall(old))
    for part in PARTS:
        if part in sections:
            parts[part] = "\n".join([stamp, "", *_part_lines(part, sections)]).rstrip("\n") + "\n"
    lines = ["## Latest results", ""]
    for part in PARTS:
        if part in parts:
            lines += [f"<!-- part: {part} -->", parts[part].rstrip("\n"), f"<!-- /part: {part} -->", ""]
    README.write_text(head + BEGIN + "\n" + "\n".join(lines) + END + tail, encoding="utf-8")
    print(f"\nwritten to {README}")


def _commit() -> str:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "glossary", "service", "bench"], cwd=ROOT,
                           capture_output=True, text=True).stdout.strip()
    return (commit.stdout.strip() or "unknown") + (" with uncommitted changes" if dirty else "")


def write_batch_results(lines: list[str], machine_line: str) -> None:
    """The batch figures go between their own markers, so `--only batch` leaves the other figures alone."""
    begin, end = "<!-- batch results: written by make bench -->", "<!-- /batch results -->"
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    block = [lines[0], "", f"Measured by `make bench` on {when}, code at commit {_commit()}; machine: {machine_line}.",
             *lines[1:]]
    text = README.read_text(encoding="utf-8")
    head, rest = text.split(begin, 1) if begin in text else (text.rstrip() + "\n\n", end)
    tail = (rest.split(end, 1)[1] if end in rest else "") or "\n"
    README.write_text(head + begin + "\n" + "\n".join(block) + "\n" + end + tail, encoding="utf-8")
    print(f"\nbatch figures written to {README}")


STORE_BEGIN, STORE_END = "<!-- store results: written by make bench -->", "<!-- /store results -->"


def write_store_results(machine_name: str, lines: list[str]) -> None:
    """The store's figures in their own section of bench/README.md (``--only store`` leaves the rest)."""
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    head = [f"Measured by `make bench` on {when}, code at commit {commit.stdout.strip() or 'unknown'}; "
            f"machine: {machine_name}.", ""]
    text = README.read_text(encoding="utf-8")
    before, rest = text.split(STORE_BEGIN, 1) if STORE_BEGIN in text else (text.rstrip() + "\n\n", STORE_END)
    after = rest.split(STORE_END, 1)[1] if STORE_END in rest else "\n"
    README.write_text(before + STORE_BEGIN + "\n" + "\n".join(head + lines) + STORE_END + after, encoding="utf-8")


def write_block(name: str, lines: list[str]) -> None:
    """Write one part's results between its own markers in bench/README.md (``--only`` keeps the others)."""
    begin, end = f"<!-- {name} results: written by make bench -->", f"<!-- /{name} results -->"
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    body = "\n".join([f"Measured by `make bench` on {when}, code at commit {commit.stdout.strip() or 'unknown'}; "
                      f"machine: {machine()}.", "", *lines])
    text = README.read_text(encoding="utf-8")
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        text = head + begin + "\n" + body + "\n" + end + rest.split(end, 1)[1]
    else:
        text = text.rstrip() + "\n\n" + begin + "\n" + body + "\n" + end + "\n"
    README.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench")
    parser.add_argument("--quick", action="store_true", help="smaller corpora and fewer repeats")
    parser.add_argument("--only", choices=["normalise", "http", "startup", "reconcile", "reference", "batch", "store",
                                           "lookup", "rps", "layers"])
    args = parser.parse_args(argv)
    size, repeat = (200_000, 2) if args.quick else (1_000_000, 5)
    sections: dict = {"machine": machine()}
    print("machine:", sections["machine"])
    curated = load_glossary()
    if args.only in (None, "startup"):
        sections["startup"] = bench_startup()
    if args.only in (None, "normalise"):
        print("text normalisation:")
        corpora = {lang: make_corpus(curated, lang, size if lang == "en" else size // 2)
                   for lang in ("en", "zh", "ja", "mixed")}
        rows = bench_normalise(curated, "curated", corpora, 2 * repeat)
        big = enlarged_glossary(curated, 100_000)
        rows += bench_normalise(big, "enlarged", corpora, 2 * repeat)
        sections["normalise"] = rows
        sections["memory"] = {
            f"curated ({len(curated.variants):,} variants)": bench_memory(load_glossary),
            f"enlarged ({len(big.variants):,} variants)": bench_memory(lambda: enlarged_glossary(load_glossary())),
        }
    if args.only in (None, "http"):
        sections["http"] = bench_http(make_corpus(curated, "mixed", 2_000_000), repeat)
    if args.only in (None, "reconcile"):
        from bench.reconcile import bench_reconcile

        sections["reconcile"] = bench_reconcile(curated)
    if args.only in (None, "reference"):  # the reference layer (bench/reference.py)
        from bench.reference import bench_reference

        sections["reference"] = bench_reference(
            curated, {lang: make_corpus(curated, lang, size // 4) for lang in ("zh", "ja")})
    if args.only in (None, "batch"):
        from bench.batch import bench_batch

        print("batch normalisation:")
        write_batch_results(bench_batch(curated, quick=args.quick), sections["machine"])
    if args.only in (None, "store"):
        from bench.store import bench_store

        print("store:")
        write_store_results(sections["machine"], bench_store(curated, 200_000 if args.quick else 1_000_000))
    if args.only in (None, "lookup"):
        from bench.lookup import bench_lookup

        print("lookup by glossary size:")
        scale_corpora = {lang: make_corpus(curated, lang, size // 4 if lang == "en" else size // 8)
                         for lang in ("en", "zh", "ja", "mixed")}
        write_block("lookup", bench_lookup(curated, sizes=(100_000,) if args.quick else (100_000, 1_000_000),
                                           corpora=scale_corpora)[0])
    if args.only in (None, "rps"):
        from bench.rps import bench_rps

        print("requests per second:")
        write_block("rps", bench_rps())
    if args.only in (None, "layers"):
        from bench.layers import bench_layers

        print("reads over a layer:")
        write_block("layers", bench_layers(curated))
    if args.only not in ("batch", "store", "lookup", "rps", "layers"):  # those write blocks of their own
        write_results(sections)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
