"""The store's figures: how long a worker takes to load a snapshot from it, and the memory that takes, at the
curated size and at about a million variants; and how long a refresh after one write takes.

Each load runs in a fresh process (what a starting worker does): read every live row, build the index,
then the text matcher; RSS is the process's peak (VmHWM). The 1M-variant store holds the curated
entries and generated people (bench/corpus.py), compiled once when the store is written.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from bench.corpus import enlarged_glossary
from glossary import Glossary
from glossary.compiled import to_record
from glossary.store import SQLiteStore, compile_seeds

ROOT = Path(__file__).resolve().parent.parent

LOAD = """
import json, sys, time
t0 = time.perf_counter()
from glossary.snapshot import StoreSnapshots
from glossary.store import SQLiteStore
snapshots = StoreSnapshots(SQLiteStore(sys.argv[1]))
t1 = time.perf_counter()
g = snapshots.load()
t2 = time.perf_counter()
rss_index = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmRSS"))
matcher = sys.argv[2] == "1"
if matcher:
    g.prepare()
t3 = time.perf_counter()
status = {l.split(":")[0]: int(l.split()[1]) for l in open("/proc/self/status") if l.startswith(("VmRSS", "VmHWM"))}
print(json.dumps({"entries": len(g.entries), "variants": len(g.variants), "load_and_index": t2 - t1,
                  "matcher": t3 - t2 if matcher else None, "rss_index_mb": rss_index / 1024,
                  "rss_mb": status["VmRSS"] / 1024, "peak_mb": status["VmHWM"] / 1024}))
"""

REFRESH = """
import json, sys, time
from glossary.compiled import compile_entry, to_record
from glossary.seeds import validate_entries
from glossary.snapshot import SnapshotHolder, StoreSnapshots
from glossary.store import Change, SQLiteStore
store = SQLiteStore(sys.argv[1])
snapshots = StoreSnapshots(store)
holder = SnapshotHolder(snapshots.load())
before, before_version = holder.current, snapshots.version
n = time.time_ns()
seed = {"id": f"bench-refresh-{n}", "type": "other", "description": "written by the benchmark",
        "names": {"en": f"Zq Bench Refresh {n}"}}
entry = validate_entries("api.yaml", [seed])[0][0]
t0 = time.perf_counter()
record = to_record(entry, compile_entry(entry))
store.apply([Change("create", seed["id"], seed, record=record, file="api.yaml")], "bench")
t1 = time.perf_counter()
holder.swap(snapshots.refresh())
t2 = time.perf_counter()
assert holder.current.lookup(f"Zq Bench Refresh {n}")[0].entry.id == seed["id"]
# The same write taken as a layer over the loaded snapshot (what a large glossary's workers do).
layers = StoreSnapshots(store, layer_from=0)
layers.current, layers.version, layers.base_version = before, before_version, before_version
t3 = time.perf_counter()
layered = layers.refresh().prepare()
t4 = time.perf_counter()
assert layered.lookup(f"Zq Bench Refresh {n}")[0].entry.id == seed["id"]
print(json.dumps({"write": t1 - t0, "refresh": t2 - t1, "layer": t4 - t3}))
"""


def _memory(pid: int) -> dict[str, float]:
    """RSS and PSS of a process in MB (PSS: each page shared by n processes counted 1/n in each)."""
    out = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            name, value, *_ = line.split()
            if name in ("Rss:", "Pss:"):
                out[name[:-1].lower()] = int(value) / 1024
    return out


# Three starts of the service on the largest store: with no saved snapshot (it builds one, saves it aside, and
# saves the newest again as it stops); reading the one saved at that stop (then killed, so it cannot save);
# reading that one, which the killed run's write left a data version behind (caught up, then saved aside).
STARTS = (("built, then saved", signal.SIGTERM), ("read from the snapshot saved as it stopped", signal.SIGKILL),
          ("read from a snapshot one write behind", signal.SIGTERM))


COMPACT_SECONDS = 10  # the master compacts a layer this long after its write (by default only when it is full)


def _children(pid: int) -> list[int]:
    """Every child of ``pid``, forked from any of its threads (the master forks the saved snapshot's writer
    from its refresher thread)."""
    found = []
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/children") as f:
                found += [int(child) for child in f.read().split()]
        except FileNotFoundError:  # the thread ended meanwhile
            pass
    return found


def _total_pss(pid: int) -> float:
    """PSS of ``pid`` and its children, in MB (0 for a process that ended meanwhile)."""
    total = 0.0
    for p in [pid, *_children(pid)]:
        try:
            total += _memory(p)["pss"]
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total


def service_memory(db: Path, workers: int = 2, timeout: float = 900, stop: int = signal.SIGTERM) -> dict:
    """Start the service as `make run` does (gunicorn with service/gunicorn_conf.py: preload, then fork) on
    the store ``db`` with ``workers`` workers, time until it answers, make lookups (each worker gets some),
    then read the master's and each worker's RSS and PSS. The PSS of the processes adds up to what the
    whole service takes from the machine, the pages the workers still share with the master counted once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "GLOSSARY_DB": str(db), "GLOSSARY_REFERENCE": "off", "WEB_CONCURRENCY": str(workers),
           "PORT": str(port), "HOST": "127.0.0.1", "GLOSSARY_COMPACT_SECONDS": str(COMPACT_SECONDS)}
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "--config", "service/gunicorn_conf.py",
                             "service:serve()"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/v1/lookup?q="
    try:
        while True:
            try:
                urllib.request.urlopen(base + "Kishida", timeout=10).read()
                break
            except OSError:
                if proc.poll() is not None or time.perf_counter() - started > timeout:
                    raise RuntimeError("the service did not start") from None
                time.sleep(0.5)
        ready = time.perf_counter() - started
        # A start that built the snapshot, or caught a saved one up, writes it aside from a child process
        # (glossary/snapshot.py); memory is read once that child is gone, so that only the service is counted.
        while len(_children(proc.pid)) > workers and time.perf_counter() - started < timeout:
            time.sleep(0.2)
        saved = time.perf_counter() - started
        for q in ("Xi Jinping", "Kishda Fumio", "北京", "Tokyo", "习近平", "Beijing"):
            for _ in range(20):
                urllib.request.urlopen(base + urllib.parse.quote(q), timeout=30).read()
        time.sleep(1)
        children = _children(proc.pid)
        master, each = _memory(proc.pid), [_memory(pid) for pid in children]
        # One write through the API, then until every worker answers from the new snapshot (20 lookups in a
        # row find it): each worker has then built its own, and the pages it changed are its own.
        token = subprocess.run([sys.executable, "-m", "glossary", "token", "create", f"bench-{port}", "--role",
                                "editor"], cwd=ROOT, env=env, capture_output=True, text=True,
                               check=True).stdout.strip().splitlines()[-1]
        name = f"Zq Bench Service {port}"
        body = json.dumps({"id": f"bench-service-{port}", "type": "other", "description": "written by the benchmark",
                           "names": {"en": name}}).encode()
        urllib.request.urlopen(urllib.request.Request(
            f"http://127.0.0.1:{port}/v1/entries", data=body, method="POST",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"}), timeout=60).read()
        written = time.perf_counter()  # acknowledged
        seen, since = 0, written
        while seen < 20:
            asked = time.perf_counter()
            found = json.loads(urllib.request.urlopen(base + urllib.parse.quote(name), timeout=30).read())
            new = any(m["entry"]["id"] == f"bench-service-{port}" for m in found["matches"])  # not a like name
            if new and seen == 0:
                since = asked
            seen = seen + 1 if new else 0
            if time.perf_counter() - written > timeout:
                raise RuntimeError("the write did not reach every worker")
            time.sleep(0.05)
        visible = since - written  # from the acknowledgement to the first of 20 answers in a row that have it
        time.sleep(1)
        # The workers answer from a layer over the snapshot they share (a large glossary, service/refresh.py);
        # the master meanwhile builds the full snapshot and re-forks them. Memory with the layer, then once
        # new workers (forked after that build) serve alone.
        layer = [_memory(pid) for pid in [proc.pid, *_children(proc.pid)]]
        peak = 0.0  # while the master builds: it holds both snapshots for a while, and the workers share less
        while True:
            peak = max(peak, _total_pss(proc.pid))
            now = _children(proc.pid)
            if (len(now) <= workers and not set(now) & set(children)) or time.perf_counter() - written > timeout:
                break
            time.sleep(0.5)
        compacted = time.perf_counter() - written
        time.sleep(2)  # the master then saves the new snapshot aside, from a child: memory once it is done
        while len(_children(proc.pid)) > workers and time.perf_counter() - written < timeout:
            peak = max(peak, _total_pss(proc.pid))
            time.sleep(0.5)
        now = _children(proc.pid)
        after = [_memory(pid) for pid in [proc.pid, *now]]
    finally:
        stopping = time.perf_counter()
        proc.send_signal(stop)  # SIGTERM: the master saves its newest snapshot as it stops (SIGKILL: it can't)
        proc.wait(timeout)
        stopped = time.perf_counter() - stopping
    return {"workers": len(each), "ready": ready, "saved": saved, "master_rss_mb": master["rss"],
            "worker_rss_mb": max(m["rss"] for m in each),
            "pss_mb": master["pss"] + sum(m["pss"] for m in each),
            "visible": visible, "pss_layer_mb": sum(m["pss"] for m in layer), "compacted": compacted,
            "pss_peak_mb": peak,
            "pss_after_write_mb": sum(m["pss"] for m in after),
            "reforked": not set(now) & set(children), "stopped": stopped}


def _run(code: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT)
    if out.returncode:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def _seed(entry) -> dict:
    seed = {"id": entry.id, "type": entry.type, "description": entry.description, "names": entry.names}
    if entry.variants:
        seed["variants"] = [{"name": v.name, "lang": v.lang, "kind": v.kind} for v in entry.variants]
    if entry.family_name:
        seed["family_name"] = entry.family_name
    return {**seed, **entry.details}


def write_enlarged(path: Path, base: Glossary, variants: int) -> int:
    """A store of the curated entries and generated people, ``variants`` variants in all."""
    big = enlarged_glossary(base, variants)
    store = SQLiteStore(path)
    rows = []
    for position, entry in enumerate(big.entries.values(), 1):
        rows.append((entry.source or "generated.yaml", position, _seed(entry),
                     to_record(entry, big.compiled(entry.id), position), "\n", None))
    store.create({"generated.yaml": ""}, rows)
    return len(big.variants)


def bench_store(curated: Glossary, big_variants: int = 1_000_000, matcher_at_scale: bool = True,
                repeat: int = 3, service_at_scale: bool = True) -> list[str]:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp) / "curated.db"
        t = time.perf_counter()
        SQLiteStore(small).create(*compile_seeds(ROOT / "seeds"))
        created = time.perf_counter() - t
        load = min((_run(LOAD, str(small), "1") for _ in range(repeat)), key=lambda r: r["load_and_index"])
        refresh = min((_run(REFRESH, str(small)) for _ in range(repeat)), key=lambda r: r["refresh"])
        print(f"  store, curated: created from seeds/ in {created:.1f}s; load+index {load['load_and_index']:.2f}s, "
              f"matcher {load['matcher']:.2f}s, peak RSS {load['peak_mb']:.0f} MB; "
              f"write {refresh['write'] * 1000:.0f} ms, refresh {refresh['refresh']:.2f}s, "
              f"as a layer {refresh['layer']:.3f}s")
        results.append(("curated", small.stat().st_size, created, load, refresh))
        big = Path(tmp) / "big.db"
        t = time.perf_counter()
        n = write_enlarged(big, curated, big_variants)
        created = time.perf_counter() - t
        load = _run(LOAD, str(big), "1" if matcher_at_scale else "0")
        refresh = _run(REFRESH, str(big)) if matcher_at_scale else None
        print(f"  store, {n:,} variants: written in {created:.0f}s; load+index {load['load_and_index']:.1f}s "
              f"(RSS {load['rss_index_mb']:.0f} MB), matcher {load['matcher'] or 0:.1f}s, peak RSS "
              f"{load['peak_mb']:.0f} MB" + (f"; refresh after a write {refresh['refresh']:.1f}s, as a layer "
                                                  f"{refresh['layer']:.3f}s" if refresh else ""))
        results.append((f"{n:,} variants", big.stat().st_size, created, load, refresh))
        starts = [(how, service_memory(big, stop=stop)) for how, stop in STARTS] if service_at_scale else []
        for how, service in starts:
            print(f"  service on the {n:,}-variant store ({how}), {service['workers']} workers: ready in "
                  f"{service['ready']:.0f}s (snapshot saved aside at {service['saved']:.0f}s), PSS "
                  f"{service['pss_mb']:.0f} MB in all; a write visible in every worker after "
                  f"{service['visible']:.1f}s (a layer, PSS then {service['pss_layer_mb']:.0f} MB); compacted and "
                  f"re-forked after {service['compacted']:.0f}s (PSS peak {service['pss_peak_mb']:.0f} MB), "
                  "PSS then "
                  f"{service['pss_after_write_mb']:.0f} MB; "
                  "stopped in "
                  f"{service['stopped']:.0f}s")
    lines = ["### Store (SQLite): load and memory", "",
             "A fresh process loads the store as a starting worker does: every live row, the index, then the "
             "text matcher. Refresh: one write, then the new snapshot built from the changed rows (reusing "
             "the unchanged entries' matcher patterns) and swapped in; and the same write taken as a layer "
             "over the loaded snapshot (glossary/layered.py: what the workers of a large glossary do), its text "
             "matcher included.", "",
             "| store | file | written in | load + index | RSS after index | text matcher | peak RSS | "
             "refresh after a write: rebuilt | as a layer |", "|---|---|---|---|---|---|---|---|---|"]
    for label, size, created, load, refresh in results:
        matcher = f"{load['matcher']:.1f}s" if load["matcher"] is not None else "not measured"
        lines.append(f"| {label} ({load['entries']:,} entries, {load['variants']:,} variants) | "
                     f"{size / 2**20:.0f} MB | {created:.0f}s | {load['load_and_index']:.1f}s | "
                     f"{load['rss_index_mb']:.0f} MB | {matcher} | {load['peak_mb']:.0f} MB | "
                     + (f"{refresh['refresh']:.2f}s | {refresh['layer']:.3f}s |" if refresh else
                        "not measured | not measured |"))
    lines.append("")
    if starts:
        lines += ["The whole service on the largest store, as `make run` starts it (gunicorn, `preload_app`, "
                  f"{starts[0][1]['workers']} workers forked after the load, the text matcher and the boundary "
                  "lexicons): time from start until it answers a lookup, then memory after 120 lookups (once the "
                  "child process that saves the prepared snapshot beside the store has finished). PSS counts each "
                  "page shared between processes once in all, so the total is what the service takes from the "
                  "machine. Then one write through the API: the time from its acknowledgement until every worker "
                  "answers from it (the first of 20 lookups in a row that find it; at this size each worker takes "
                  "it as a layer over the snapshot it shares) and memory then; then the time until gunicorn's "
                  f"master has built the full snapshot ({COMPACT_SECONDS} s after the write here: "
                  "`GLOSSARY_COMPACT_SECONDS`) and re-forked the workers, the most memory the service took "
                  "meanwhile (sampled every half second: the master holds both snapshots while it builds, and "
                  "what it touches of the old one is no longer shared with the workers), and memory once the new "
                  "workers serve alone (every process counted). Started three times: with no saved snapshot (it "
                  "builds one, saves it aside, and saves the newest again as it stops on SIGTERM); reading the "
                  "snapshot saved at that stop (this run is then killed, so its write is not saved); reading that "
                  "one, one data version behind (caught up as a layer, which the master then compacts).",
                  "", "| store, start | ready in | saved aside at | master RSS | worker RSS | PSS, master + workers "
                  "| a write visible in every worker after | PSS with the layer | compacted and re-forked after "
                  "| PSS at most meanwhile | PSS after that | stopped in |",
                  "|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for how, service in starts:
            lines.append(f"| {results[-1][0]}, {how} | {service['ready']:.0f}s | {service['saved']:.0f}s | "
                         f"{service['master_rss_mb']:.0f} MB | {service['worker_rss_mb']:.0f} MB | "
                         f"{service['pss_mb']:.0f} MB | {service['visible']:.1f}s | {service['pss_layer_mb']:.0f} MB | "
                         f"{service['compacted']:.0f}s | {service['pss_peak_mb']:.0f} MB | "
                         f"{service['pss_after_write_mb']:.0f} MB | "
                         f"{service['stopped']:.0f}s |")
        lines.append("")
    return lines
