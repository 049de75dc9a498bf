"""Requests per second on one machine: GET /v1/lookup on the service, side by side with a bare Flask app
(bench/bare_app.py) answering a fixed document of the same size, both under service/gunicorn_conf.py.

Load comes from h2load (Debian package ``nghttp2-client``, HTTP/1.1 with keep-alive) at 32 connections,
twice per contender: as fast as the server answers (saturated), then paced at a fixed rate well below
either one's capacity. The contenders take turns, each round measuring both, so a burst of load from
elsewhere on the shared machine hits both alike. Server CPU per request is the CPU time (user + system) of
the gunicorn master and workers during a run, divided by the requests answered: it does not depend on what
else runs on the machine, as requests per second do. Latency percentiles come from h2load's log of every
request.

Why not wrk (used before): on these 2 shared cores wrk reported a p99 of 0.3-0.9 s for servers whose own
log showed no request waiting more than 85 ms between two on a connection, and h2load and ab measured a
p99 of 28-31 ms against the same server in the same minute: the tail was wrk's own.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONNECTIONS, SECONDS, ROUNDS = 32, 10, 3
PACED_PER_CONNECTION = 25  # requests/s each connection sends in the paced run: 800/s in all
QUERIES = ["Abe Shinzou", "Xi Jinping", "Kishida Fumio", "Wang Yi", "钓鱼岛", "岸田文雄", "Kishda Fumio",
           "SHINZO ABE", "Beijing", "しゅうきんぺい", "Peking", "Diaoyutai", "Hsi Chin-p'ing", "Kitamura"]
# The request mix: names in news are long-tailed (a few asked for again and again, most rarely), so each
# connection asks for POOL distinct queries in a Zipf mix (exponent ZIPF_S), each connection its own stream.
POOL, ZIPF_S, STREAM = 4_000, 1.0, 4_000


def query_pool(size: int = POOL, seed: int = 3) -> list[str]:
    """``size`` distinct lookups made from the curated glossary: the 14 above first, then names of random
    entries in every script, one in eight upper-cased or given a typo (key and fuzzy lookups)."""
    import random

    from glossary import load_glossary

    rng, entries = random.Random(seed), list(load_glossary().entries.values())
    pool, seen = list(QUERIES), set(QUERIES)
    while len(pool) < size:
        entry = rng.choice(entries)
        name = rng.choice(sorted(set(entry.names.values())))
        if rng.random() < 0.125:
            i = rng.randrange(len(name))
            name = name.upper() if rng.random() < 0.5 or len(name) < 6 else name[:i] + name[i + 1:]
        if name.strip() and name not in seen:
            seen.add(name)
            pool.append(name)
    return pool


def zipf_stream(pool: list[str], n: int, seed: int) -> list[str]:
    """``n`` queries drawn from ``pool`` with probability proportional to 1 / rank**ZIPF_S."""
    import random

    rng = random.Random(seed)
    return rng.choices(pool, weights=[1 / (rank ** ZIPF_S) for rank in range(1, len(pool) + 1)], k=n)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def _pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [master] + ([int(p) for p in children.read_text().split()] if children.exists() else [])


class Server:
    def __init__(self, app: str, env: dict | None = None):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        full_env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(self.port), **(env or {})}
        self.proc = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "--config",
                                      "service/gunicorn_conf.py", app], cwd=ROOT, env=full_env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 400  # loading seeds/ takes a while on a busy machine
        while True:
            try:
                urllib.request.urlopen(self.base + "/v1/lookup?q=Xi", timeout=2).read()
                return
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    self.stop()
                    raise RuntimeError(f"{app} did not start") from None
                time.sleep(0.3)

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)  # graceful: gunicorn's graceful_timeout is 20 s
        try:
            self.proc.wait(timeout=90)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _h2load(urls: list[Path], log: Path, per_connection: int | None, seconds: int = SECONDS) -> dict:
    """One run, one h2load a connection, each over its own file of URLs (in turn): saturated, or paced at
    ``per_connection`` requests/s.

    One process a connection because h2load's connections all walk the same URL list from its first line:
    with one process, 32 connections would ask for the same query at the same moment. Paced: their starts
    spread over one pacing period (h2load paces all the connections of one process on the same tick, so one
    process would send its 32 requests at once, 25 times a second, and measure a burst's queue rather than
    the latency at that rate).
    """
    log.mkdir(exist_ok=True)
    for old in log.iterdir():  # h2load appends
        old.unlink()
    runs = []
    for n, path in enumerate(urls):
        rate = [f"--rps={per_connection}"] if per_connection else []
        runs.append(subprocess.Popen(["h2load", "--h1", "-D", str(seconds), "-i", str(path), "-c", "1", *rate,
                                      f"--log-file={log / str(n)}"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        if per_connection:
            time.sleep(1 / per_connection / len(urls))
    if any(run.wait() for run in runs):
        raise RuntimeError("h2load failed")
    rows = [line.split("\t") for path in log.iterdir() for line in path.read_text().splitlines() if line.strip()]
    latencies = sorted(int(row[2]) / 1000 for row in rows)  # microseconds until the end of the response
    if not latencies:
        raise RuntimeError("h2load completed no request")

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))]

    return {"requests": len(rows), "rps": len(rows) / seconds, "p50": pct(50), "p99": pct(99),
            "max": latencies[-1], "errors": sum(1 for row in rows if not row[1].startswith("2")),
            "over_2s": sum(1 for ms in latencies if ms > 2000)}


def _run(server: Server, urls: list[Path], log: Path, per_connection: int | None = None) -> dict:
    pids = _pids(server.proc.pid)
    before = _cpu_seconds(pids)
    result = _h2load(urls, log, per_connection)
    result["cpu_ms_per_request"] = (_cpu_seconds(pids) - before) * 1000 / max(1, result["requests"])
    return result


def bench_rps() -> list[str]:
    if not shutil.which("h2load"):
        print("  requests per second: skipped (h2load is not installed: apt-get install -y nghttp2-client)")
        return ["### Requests per second", "",
                "Not measured: h2load is not installed (`apt-get install -y nghttp2-client`).", ""]
    pool = query_pool()
    streams = [zipf_stream(pool, STREAM, seed=n) for n in range(CONNECTIONS)]
    distinct = len({q for stream in streams for q in stream})
    with tempfile.TemporaryDirectory() as tmp:
        servers = {"service": Server("service:serve()"),
                   "service, no answer cache": Server("service:serve()", {"GLOSSARY_ANSWER_CACHE_BYTES": "0"})}
        try:
            base = servers["service"].base
            answers = [urllib.request.urlopen(base + "/v1/lookup?" + urllib.parse.urlencode({"q": q})).read()
                       for q in pool[:200]]
            for server in servers.values():  # warm: each worker has made the entry JSON of the 14 queries
                for q in QUERIES * 4:
                    urllib.request.urlopen(server.base + "/v1/lookup?" + urllib.parse.urlencode({"q": q})).read()
            # The bare app's fixed answer: the service's answer of median size (over the first 200 of the pool).
            answer = sorted(answers, key=len)[len(answers) // 2]
            (Path(tmp) / "answer.json").write_bytes(answer)
            servers["bare"] = Server("bench.bare_app:app", {"BARE_ANSWER_FILE": str(Path(tmp) / "answer.json")})
            log = Path(tmp) / "logs"  # h2load's log of every request, one file per h2load
            runs: dict[tuple[str, str], list[dict]] = {}
            for _ in range(ROUNDS):
                for name, server in servers.items():
                    urls = []
                    for n, stream in enumerate(streams):
                        urls.append(Path(tmp) / f"urls-{n}")
                        urls[-1].write_text("".join(f"{server.base}/v1/lookup?{urllib.parse.urlencode({'q': q})}\n"
                                                    for q in stream))
                    for mode, rate in (("saturated", None), ("paced", PACED_PER_CONNECTION)):
                        runs.setdefault((name, mode), []).append(_run(server, urls, log, rate))
            avg = sum(len(a) for a in answers) / len(answers)
        finally:
            for server in servers.values():
                server.stop()
    # Per contender and mode, the round with the least server CPU per request (the least disturbed by others).
    best = {key: min(rs, key=lambda r: r["cpu_ms_per_request"]) for key, rs in runs.items()}
    bare_cpu = best["bare", "saturated"]["cpu_ms_per_request"]
    ratios = {name: best[name, "saturated"]["cpu_ms_per_request"] / bare_cpu for name in servers if name != "bare"}
    for (name, mode), r in best.items():
        print(f"  {name:25} {mode:9} {r['rps']:7.0f} req/s, server CPU {r['cpu_ms_per_request']:.3f} ms/request, "
              f"latency p50 {r['p50']:.2f} ms p99 {r['p99']:.2f} ms max {r['max']:.0f} ms, non-2xx {r['errors']}")
    for name, ratio in ratios.items():
        print(f"  {name} / bare server CPU per request: {ratio:.2f}x")
    paced_total = PACED_PER_CONNECTION * CONNECTIONS
    lines = ["### Requests per second: GET /v1/lookup and a bare Flask app", "",
             f"gunicorn with `service/gunicorn_conf.py` (gevent workers, {os.environ.get('WEB_CONCURRENCY', 2)} "
             f"workers), h2load (HTTP/1.1, keep-alive) with {CONNECTIONS} connections for {SECONDS} s (one h2load "
             f"a connection), on loopback on the same 2 cores: saturated (each connection sends its next request "
             f"as soon as it has an answer), then paced ({PACED_PER_CONNECTION} requests/s a connection, "
             f"{paced_total}/s in all, their ticks spread evenly). {ROUNDS} rounds in which the three take turns; "
             f"for each, the round with the least server CPU per request. Each connection asks its own stream of "
             f"{STREAM:,} lookups drawn from {POOL:,} distinct queries in a Zipf mix (exponent {ZIPF_S}: the most "
             f"asked-for query is one request in {sum(1 / r ** ZIPF_S for r in range(1, POOL + 1)):.0f}; "
             f"{distinct:,} distinct queries in all the streams): names of random curated entries in every script, "
             f"one in eight upper-cased or with a typo, default `variants=all`, answers of {avg / 1000:.1f} KB on "
             f"average. The service answers a query string it answered before on the same data from its answer "
             f"cache (service/answers.py, 8 MB a worker); the same service without it is measured too. The bare "
             f"app answers one fixed document of {len(answer) / 1000:.1f} KB.", "",
             "| server | load | requests/s | server CPU per request | latency p50 | latency p99 | max | non-2xx |",
             "|---|---|---|---|---|---|---|---|"]
    for (name, mode), r in best.items():
        lines.append(f"| {name} | {mode} | {r['rps']:.0f} | {r['cpu_ms_per_request']:.3f} ms | {r['p50']:.2f} ms | "
                     f"{r['p99']:.2f} ms | {r['max']:.0f} ms | {r['errors']} |")
    lines.append("")
    lines += [f"{name.capitalize()} ÷ bare app, server CPU per request (saturated): **{ratio:.2f}x**." for name, ratio
              in ratios.items()]
    return lines + [""]


if __name__ == "__main__":
    print("\n".join(bench_rps()))
