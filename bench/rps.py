"""Requests per second on one machine: GET /v1/lookup on the service, side by side with a bare Flask app
(bench/bare_app.py) answering a fixed document of the same size, both under service/gunicorn_conf.py.

Load comes from wrk (Debian package ``wrk``) at 32 connections; the contenders take turns, each round
measuring both, so a burst of load from elsewhere on the shared machine hits both alike. Server CPU per
request is the CPU time (user + system) of the gunicorn master and workers during a run, divided by the
requests wrk completed: it does not depend on what else runs on the machine, as requests per second do.
"""

from __future__ import annotations

import json
import os
import re
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


def _wrk(url: str, script: Path | None) -> dict:
    cmd = ["wrk", "-t", str(THREADS), "-c", str(CONNECTIONS), "-d", f"{SECONDS}s", "--latency"]
    if script:
        cmd += ["-s", str(script)]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    requests = int(re.search(r"(\d+) requests in", out)[1])
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)

    def ms(label: str) -> float:
        value, unit = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    return {"requests": requests, "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),
            "p50": ms("50%"), "p99": ms("99%"), "errors": int(errors[1]) if errors else 0}


def _run(server: Server, path: str, script: Path | None) -> dict:
    pids = _pids(server.proc.pid)
    before = _cpu_seconds(pids)
    result = _wrk(server.base + path, script)
    result["cpu_ms_per_request"] = (_cpu_seconds(pids) - before) * 1000 / max(1, result["requests"])
    return result


def bench_rps() -> list[str]:
    if not shutil.which("wrk"):
        print("  requests per second: skipped (wrk is not installed: apt-get install -y wrk)")
        return ["### Requests per second", "", "Not measured: wrk is not installed (`apt-get install -y wrk`).", ""]
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
            script = Path(tmp) / "queries.lua"
            script.write_text("paths = {" + ", ".join(json.dumps(p) for p in paths) + "}\nn = 0\n"
                              "request = function()\n  n = n + 1\n"
                              "  return wrk.format('GET', paths[(n % #paths) + 1])\nend\n")
            bare = Server("bench.bare_app:app", {"BARE_ANSWER_FILE": str(Path(tmp) / "answer.json")})
            try:
                runs: dict[str, list[dict]] = {"service": [], "bare": []}
                for _ in range(ROUNDS):
                    runs["service"].append(_run(service, "/v1/lookup", script))
                    runs["bare"].append(_run(bare, "/v1/lookup", None))
            finally:
                bare.stop()
            avg = sum(len(a) for a in answers) / len(answers)
        finally:
            service.stop()
    best = {name: min(rs, key=lambda r: r["cpu_ms_per_request"]) for name, rs in runs.items()}
    ratio = best["service"]["cpu_ms_per_request"] / best["bare"]["cpu_ms_per_request"]
    for name, r in best.items():
        print(f"  {name:8} {r['rps']:7.0f} req/s, server CPU {r['cpu_ms_per_request']:.3f} ms/request, "
              f"latency p50 {r['p50']:.2f} ms p99 {r['p99']:.2f} ms, non-2xx {r['errors']}")
    print(f"  service / bare server CPU per request: {ratio:.2f}x")
    lines = ["### Requests per second: GET /v1/lookup and a bare Flask app", "",
             f"gunicorn with `service/gunicorn_conf.py` (gevent workers, {os.environ.get('WEB_CONCURRENCY', 2)} "
             f"workers), wrk with {CONNECTIONS} connections and {THREADS} threads for {SECONDS} s, on loopback on "
             f"the same 2 cores; {ROUNDS} rounds in which the two take turns, the round with the least server "
             f"CPU per request shown. The service cycles through {len(QUERIES)} queries (exact, key, fuzzy, Han, "
             f"kana; default `variants=all`, answers of {avg / 1000:.1f} KB on average); the bare app answers one "
             f"fixed document of {len(answer) / 1000:.1f} KB.", "",
             "| server | requests/s | server CPU per request | latency p50 | latency p99 | non-2xx |",
             "|---|---|---|---|---|---|"]
    for name, r in best.items():
        lines.append(f"| {name} | {r['rps']:.0f} | {r['cpu_ms_per_request']:.3f} ms | {r['p50']:.2f} ms | "
                     f"{r['p99']:.2f} ms | {r['errors']} |")
    return lines + ["", f"Service ÷ bare app, server CPU per request: **{ratio:.2f}x**.", ""]


if __name__ == "__main__":
    print("\n".join(bench_rps()))
