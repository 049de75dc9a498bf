"""Side by side with csv-reconcile: the same variant queries to both reconciliation services over HTTP.

csv-reconcile (PyPI, 0.3.2) pins Flask 2, so the benchmark installs it into a virtual environment of its
own under bench/.cache and serves the glossary exported as CSV in two ways: one row per entry with its
English name (how it is usually fed), and one row per curated name (its best case). Both services get
the same queries, in batches of 10 as OpenRefine sends them, one batch at a time.
"""

from __future__ import annotations

import csv
import json
import os
import random
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from glossary import Glossary
from glossary.romanize.chinese import parse_pinyin, pinyin_spellings
from glossary.romanize.japanese import hepburn_spellings

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"
VENV = CACHE / "csv-reconcile-venv"
BATCH = 10

DRIVER = """
import sys
from csv_reconcile import create_app, initdb
from werkzeug.serving import run_simple
csvfile, config, instance, port = sys.argv[1:5]
app = create_app(config, instance_path=instance, scorerOption="")
with app.app_context():
    initdb.init_db_with_context(csvfile, "id", "name")
run_simple("127.0.0.1", int(port), app, threaded=True)
"""


def ensure_csv_reconcile() -> Path:
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    probe = subprocess.run([str(python), "-c", "import csv_reconcile"], capture_output=True)
    if probe.returncode:
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "csv-reconcile==0.3.2"], check=True)
    return python


def make_queries(glossary: Glossary, n_entries: int = 300, seed: int = 5) -> list[tuple[str, str, str]]:
    """(kind, query, expected id): ways people write names, made from curated names of sampled entries."""
    rng = random.Random(seed)
    entries = sorted(glossary.entries.values(), key=lambda e: e.id)
    sample = rng.sample(entries, min(n_entries, len(entries)))
    queries = []
    for e in sample:
        en = e.names["en"]
        queries.append(("english", en, e.id))
        queries.append(("lowercase", en.lower(), e.id))
        if len(en) > 6:
            i = rng.randrange(1, len(en) - 1)
            queries.append(("typo", en[:i] + en[i + 1 :], e.id))
        for tag in ("ja", "zh-Hans", "zh-Hant"):
            if tag in e.names:
                queries.append(("native " + tag, e.names[tag], e.id))
        if (hepburn := e.names.get("ja-Latn-hepburn")) and e.type == "person":
            queries.append(("hepburn, no macrons", hepburn_spellings(hepburn)["plain"], e.id))
        if (pinyin := e.names.get("zh-Latn-pinyin")) and (words := parse_pinyin(pinyin)):
            queries.append(("pinyin, tone numbers", pinyin_spellings(words)["numbered-spaced"], e.id))
        if e.type == "person" and (family := e.family_name.get("en")) and en.endswith(" " + family):
            queries.append(("family name first", f"{family} {en[: -len(family) - 1]}", e.id))
    return queries


def export_csv(glossary: Glossary, path: Path, all_names: bool) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["id", "name"])
        for e in glossary.entries.values():
            if not all_names:
                out.writerow([e.id, e.names["en"]])
                continue
            names = list(dict.fromkeys([*e.names.values(), *(v.name for v in e.variants)]))
            for n, name in enumerate(names):
                out.writerow([f"{e.id}~{n}", name])


def _wait(url: str, proc: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not come up") from None
            time.sleep(0.3)


def run_queries(url: str, queries: list[tuple[str, str, str]]) -> tuple[list[str | None], float]:
    tops: list[str | None] = []
    started = time.perf_counter()
    for i in range(0, len(queries), BATCH):
        chunk = queries[i : i + BATCH]
        batch = {f"q{j}": {"query": q} for j, (_, q, _) in enumerate(chunk)}
        data = urllib.parse.urlencode({"queries": json.dumps(batch)}).encode()
        with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=60) as response:
            body = json.load(response)
        for j in range(len(chunk)):
            result = body.get(f"q{j}", {}).get("result", [])
            tops.append(result[0]["id"].split("~")[0] if result else None)
    return tops, time.perf_counter() - started


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_reconcile(glossary: Glossary) -> list[str]:
    print("reconciliation: ours against csv-reconcile")
    CACHE.mkdir(parents=True, exist_ok=True)
    python = ensure_csv_reconcile()
    queries = make_queries(glossary)
    services: dict[str, tuple[list, float]] = {}

    port = _free_port()
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": "1"}
    ours = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "--config", "service/gunicorn_conf.py",
                             "service:serve()"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        _wait(f"http://127.0.0.1:{port}/v1/health", ours)
        services["ours (this service)"] = run_queries(f"http://127.0.0.1:{port}/v1/reconcile", queries)
    finally:
        ours.send_signal(signal.SIGTERM)
        ours.wait(timeout=30)

    driver = CACHE / "csv_reconcile_driver.py"
    driver.write_text(DRIVER, encoding="utf-8")
    config = CACHE / "csv-reconcile.cfg"
    config.write_text("LIMIT = 5\nTHRESHOLD = 0.0\n", encoding="utf-8")
    for label, all_names in (("csv-reconcile, English names", False), ("csv-reconcile, every curated name", True)):
        table = CACHE / ("names-all.csv" if all_names else "names-en.csv")
        export_csv(glossary, table, all_names)
        instance = CACHE / ("instance-all" if all_names else "instance-en")
        port = _free_port()
        theirs = subprocess.Popen([str(python), str(driver), str(table), str(config), str(instance), str(port)],
                                  cwd=CACHE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait(f"http://127.0.0.1:{port}/reconcile", theirs)
            services[label] = run_queries(f"http://127.0.0.1:{port}/reconcile", queries)
        finally:
            theirs.send_signal(signal.SIGTERM)
            theirs.wait(timeout=30)

    kinds = list(dict.fromkeys(k for k, _, _ in queries))
    lines = ["### Reconciliation: this service and csv-reconcile", "",
             f"{len(queries)} queries of our own making about {len({q[2] for q in queries})} sampled entries, "
             f"sent in batches of {BATCH} over HTTP on loopback, one batch at a time. Accuracy: the top "
             "candidate is the entry the query was made from.", "",
             "| service | top-1 accuracy | queries/s | " + " | ".join(kinds) + " |",
             "|---|---|---|" + "---|" * len(kinds)]
    for label, (tops, seconds) in services.items():
        right = [top == expected for top, (_, _, expected) in zip(tops, queries, strict=True)]
        by_kind = []
        for kind in kinds:
            rows = [r for r, (k, _, _) in zip(right, queries, strict=True) if k == kind]
            by_kind.append(f"{sum(rows) / len(rows):.0%}")
        lines.append(f"| {label} | {sum(right) / len(right):.1%} | {len(queries) / seconds:.0f} | "
                     + " | ".join(by_kind) + " |")
        print(f"  {label:34} top-1 {sum(right) / len(right):6.1%}  {len(queries) / seconds:6.0f} queries/s")
    lines += ["", "ours: gunicorn, one worker (as `make run` serves, less a worker); csv-reconcile: its own "
              "Flask server (werkzeug, threaded) in its own virtual environment, default scorer.", ""]
    return lines
