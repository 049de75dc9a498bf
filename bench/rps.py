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
CONNECTIONS, THREADS, SECONDS, ROUNDS = 32, 2, 10, 3
PACED_PER_CONNECTION = 25  # requests/s each connection sends in the paced run: 800/s in all
QUERIES = ["Abe Shinzou", "Xi Jinping", "Kishida Fumio", "Wang Yi", "钓鱼岛", "岸田文雄", "Kishda Fumio",
           "SHINZO ABE", "Beijing", "しゅうきんぺい", "Peking", "Diaoyutai", "Hsi Chin-p'ing", "Kitamura"]


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


def _h2load(urls: Path, log: Path, per_connection: int | None, connections: int = CONNECTIONS,
            threads: int = THREADS, seconds: int = SECONDS) -> dict:
    """One run over the URLs in ``urls`` (in turn): saturated, or paced at ``per_connection`` requests/s.

    Saturated is one h2load with every connection. Paced is one h2load per connection, their starts spread
    over one pacing period: h2load paces all the connections of one process on the same tick, so one
    process would send its 32 requests at once, 25 times a second, and measure a burst's queue rather than
    the latency at that rate.
    """
    log.mkdir(exist_ok=True)
    for old in log.iterdir():  # h2load appends
        old.unlink()
    common = ["h2load", "--h1", "-D", str(seconds), "-i", str(urls)]
    if not per_connection:
        subprocess.run(common + ["-t", str(threads), "-c", str(connections), f"--log-file={log / 'all'}"],
                       capture_output=True, check=True)
    else:
        runs = []
        for n in range(connections):
            runs.append(subprocess.Popen(common + ["-c", "1", f"--rps={per_connection}", f"--log-file={log / str(n)}"],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            time.sleep(1 / per_connection / connections)
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


def _run(server: Server, urls: Path, log: Path, per_connection: int | None = None) -> dict:
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
    with tempfile.TemporaryDirectory() as tmp:
        service = Server("service:serve()")
        try:
            paths = ["/v1/lookup?" + urllib.parse.urlencode({"q": q}) for q in QUERIES]
            answers = [urllib.request.urlopen(service.base + p).read() for p in paths]
            for p in paths:  # warm: every entry's JSON is made once per worker
                for _ in range(4):
                    urllib.request.urlopen(service.base + p).read()
            # The bare app's fixed answer: the service's answer of median size.
            answer = sorted(answers, key=len)[len(answers) // 2]
            (Path(tmp) / "answer.json").write_bytes(answer)
            bare = Server("bench.bare_app:app", {"BARE_ANSWER_FILE": str(Path(tmp) / "answer.json")})
            log = Path(tmp) / "logs"  # h2load's log of every request, one file per h2load
            try:
                runs: dict[tuple[str, str], list[dict]] = {}
                for _ in range(ROUNDS):
                    for name, server in (("service", service), ("bare", bare)):
                        urls = Path(tmp) / f"{name}.urls"
                        urls.write_text("".join(server.base + p + "\n" for p in paths))
                        for mode, rate in (("saturated", None), ("paced", PACED_PER_CONNECTION)):
                            runs.setdefault((name, mode), []).append(_run(server, urls, log, rate))
            finally:
                bare.stop()
            avg = sum(len(a) for a in answers) / len(answers)
        finally:
            service.stop()
    # Per contender and mode, the round with the least server CPU per request (the least disturbed by others).
    best = {key: min(rs, key=lambda r: r["cpu_ms_per_request"]) for key, rs in runs.items()}
    ratio = best["service", "saturated"]["cpu_ms_per_request"] / best["bare", "saturated"]["cpu_ms_per_request"]
    for (name, mode), r in best.items():
        print(f"  {name:8} {mode:9} {r['rps']:7.0f} req/s, server CPU {r['cpu_ms_per_request']:.3f} ms/request, "
              f"latency p50 {r['p50']:.2f} ms p99 {r['p99']:.2f} ms max {r['max']:.0f} ms, non-2xx {r['errors']}")
    print(f"  service / bare server CPU per request: {ratio:.2f}x")
    paced_total = PACED_PER_CONNECTION * CONNECTIONS
    lines = ["### Requests per second: GET /v1/lookup and a bare Flask app", "",
             f"gunicorn with `service/gunicorn_conf.py` (gevent workers, {os.environ.get('WEB_CONCURRENCY', 2)} "
             f"workers), h2load (HTTP/1.1, keep-alive) with {CONNECTIONS} connections for {SECONDS} s, on "
             f"loopback on the same 2 cores: saturated (one h2load, {THREADS} threads; each connection sends its "
             f"next request as soon as it has an answer), then paced (one h2load a connection, "
             f"{PACED_PER_CONNECTION} requests/s each, {paced_total}/s in all, their ticks spread evenly). "
             f"{ROUNDS} rounds in which the two take turns; for each, the round with the least server CPU per "
             f"request. The service cycles through {len(QUERIES)} queries (exact, key, "
             f"fuzzy, Han, kana; default `variants=all`, answers of {avg / 1000:.1f} KB on average); the bare app "
             f"answers one fixed document of {len(answer) / 1000:.1f} KB.", "",
             "| server | load | requests/s | server CPU per request | latency p50 | latency p99 | max | non-2xx |",
             "|---|---|---|---|---|---|---|---|"]
    for (name, mode), r in best.items():
        lines.append(f"| {name} | {mode} | {r['rps']:.0f} | {r['cpu_ms_per_request']:.3f} ms | {r['p50']:.2f} ms | "
                     f"{r['p99']:.2f} ms | {r['max']:.0f} ms | {r['errors']} |")
    return lines + ["", f"Service ÷ bare app, server CPU per request (saturated): **{ratio:.2f}x**.", ""]


if __name__ == "__main__":
    print("\n".join(bench_rps()))
