"""Load test on loopback: one replica vs three behind nginx, all on one PostgreSQL store.

    python -m bench.replicas [--seconds 10] [--connections 32] [--db postgresql://...]    (make bench-replicas)

Starts (unless ``--db`` names a database) a throwaway PostgreSQL server (tests/pgserver.py: Debian's
``postgresql`` package), three replicas as `make run` serves them (gunicorn, ``WEB_CONCURRENCY`` workers
each, default 1) on three loopback ports over that one store, and Debian's nginx with ``deploy/nginx.conf``
(the config compose.yaml uses; only its upstream's server line and the listening port are changed).
h2load (Debian's ``nghttp2-client``) then drives ``GET /v1/lookup`` through nginx with one replica in the upstream, then
three, and straight at one replica (no proxy) for reference; the configurations take turns, best of
``--rounds`` (3). The figures go to the "Replicas" section of bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.__main__ import _free_port, machine  # noqa: E402
from bench.rps import _h2load  # noqa: E402

PATH = "/v1/lookup?q=Xi%20Jinping"


def start_replica(url: str, workers: int, log: Path, procs: list[subprocess.Popen]) -> str:
    port = _free_port()
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": str(workers),
           "GLOSSARY_DB": url, "GLOSSARY_SEEDS": str(ROOT / "seeds")}
    proc = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "--config", "service/gunicorn_conf.py",
                             "service:serve()"], cwd=ROOT, env=env, stdout=open(log, "w"),
                            stderr=subprocess.STDOUT)
    procs.append(proc)  # stopped at the end even if it never answers
    base = f"http://127.0.0.1:{port}"
    _wait(base, proc)
    return base


def _wait(base: str, proc: subprocess.Popen | None = None, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(base + "/v1/health", timeout=2)
            return
        except OSError:
            if time.monotonic() > deadline or (proc is not None and proc.poll() is not None):
                raise RuntimeError(f"{base} did not start") from None
            time.sleep(0.3)


def nginx_config(ports: list[int], listen: int) -> str:
    """deploy/nginx.conf with the replicas on ``ports`` as its upstream and ``listen`` as its port."""
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    servers = "".join(f"server 127.0.0.1:{p} max_fails=3 fail_timeout=5s;\n        " for p in ports).rstrip()
    text, n = re.subn(r"server glossary:8000[^;]*;", servers, text)
    assert n == 1, "deploy/nginx.conf: the upstream's server line changed"
    text, n = re.subn(r"listen 8080;", f"listen 127.0.0.1:{listen};", text)
    assert n == 1, "deploy/nginx.conf: the listen line changed"
    return text


def start_nginx(directory: Path, ports: list[int], procs: list[subprocess.Popen]) -> str:
    directory.mkdir(parents=True, exist_ok=True)
    listen = _free_port()
    conf = directory / "nginx.conf"
    conf.write_text(nginx_config(ports, listen))
    proc = subprocess.Popen(["nginx", "-p", str(directory), "-c", str(conf), "-g",
                             f"daemon off; pid {directory}/nginx.pid;"], stdout=subprocess.DEVNULL,
                            stderr=open(directory / "error.log", "w"))
    procs.append(proc)
    base = f"http://127.0.0.1:{listen}"
    _wait(base, proc, 30)
    return base


def load(base: str, seconds: int, connections: int, threads: int, tmp: Path) -> dict:
    """One saturated h2load run (bench/rps.py's: its log of every request gives the percentiles; on these 2
    cores wrk's own scheduling made its tail)."""
    urls = tmp / "urls"
    urls.write_text(base + PATH + "\n")
    return _h2load(urls, tmp / "h2load-logs", None, connections=connections, threads=threads, seconds=seconds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.replicas", description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="a PostgreSQL database to use (default: a throwaway server)")
    parser.add_argument("--seconds", type=int, default=10, help="each h2load run (default 10)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="h2load's threads")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers per replica (default 1)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds in which the configurations take turns")
    parser.add_argument("--no-write", action="store_true", help="print the figures, leave bench/README.md alone")
    args = parser.parse_args(argv)
    args.load = os.getloadavg()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # kill PID: the servers are stopped too
    for tool, package in (("nginx", "nginx"), ("h2load", "nghttp2-client")):
        if not shutil.which(tool):
            print(f"needs {tool}: apt-get install {package}", file=sys.stderr)
            return 2
    tmp = Path(tempfile.mkdtemp(prefix="glossary-replicas-"))
    server, procs = None, []
    try:
        url = args.db
        if not url:
            from tests.pgserver import PostgresServer, find_bindir

            bindir = find_bindir()
            if bindir is None:
                print("needs PostgreSQL's server binaries: apt-get install postgresql (or --db URL)", file=sys.stderr)
                return 2
            server = PostgresServer(bindir)
            url = server.new_database()
        replicas = [start_replica(url, args.workers, tmp / f"replica-{n}.log", procs) for n in range(3)]
        ports = [int(b.rsplit(":", 1)[1]) for b in replicas]
        one_base = start_nginx(tmp / "nginx-1", ports[:1], procs)
        three_base = start_nginx(tmp / "nginx-3", ports, procs)
        targets = {"one replica, no proxy": replicas[0], "nginx + 1 replica": one_base,
                   "nginx + 3 replicas": three_base}
        for base in targets.values():  # warm up: every worker has answered
            load(base, 2, args.connections, args.threads, tmp)
        best: dict[str, dict] = {}
        runs: list[tuple[str, dict]] = []
        for _ in range(args.rounds):
            for label, base in targets.items():
                result = load(base, args.seconds, args.connections, args.threads, tmp)
                print(f"  {label}: {result['rps']:.0f} req/s, p50 {result['p50']:.2f} ms, p99 {result['p99']:.2f} ms,"
                      f" max {result['max']:.0f} ms, non-2xx {result['errors']}, over 2 s {result['over_2s']}",
                      flush=True)
                runs.append((label, result))
                if label not in best or result["rps"] > best[label]["rps"]:
                    best[label] = result
        lines = report(best, runs, args)
        print("\n".join(lines))
        if not args.no_write:
            write_section(lines)
        return 0
    finally:
        for proc in reversed(procs):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM if proc.args[0] != "nginx" else signal.SIGQUIT)
        for proc in procs:
            try:
                proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                proc.kill()
        if server is not None:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def report(best: dict[str, dict], runs: list[tuple[str, dict]], args) -> list[str]:
    base = best["nginx + 1 replica"]["rps"]
    load = ", ".join(f"{x:.1f}" for x in args.load)
    lines = [f"Measured on: {machine()}, shared with other work (load average {load} before the run, over 1, "
             f"5 and 15 minutes); h2load -t{args.threads} -c{args.connections} (HTTP/1.1, keep-alive), best of "
             f"{args.rounds} runs of {args.seconds} s each, "
             f"`GET {PATH}` on the curated glossary; {args.workers} gunicorn worker(s) per replica; one "
             "PostgreSQL store (a throwaway server on loopback); nginx with deploy/nginx.conf "
             "(worker_processes auto).", "",
             "| configuration | requests/s | p50 ms | p99 ms | max ms | over 2 s | non-2xx | "
             "vs nginx + 1 replica |",
             "|---|---|---|---|---|---|---|---|"]
    for label, r in best.items():
        lines.append(f"| {label} | {r['rps']:.0f} | {r['p50']:.2f} | {r['p99']:.2f} | {r['max']:.0f} | "
                     f"{r['over_2s']} | {r['errors']} | {r['rps'] / base:.2f}x |")
    lines += ["", "Every run, in the order they ran:", ""]
    lines += [f"- {label}: {r['rps']:.0f} req/s, p50 {r['p50']:.2f} ms, p99 {r['p99']:.2f} ms, max {r['max']:.0f} ms"
              for label, r in runs]
    return lines


def write_section(lines: list[str]) -> None:
    """Replace the measured part of the "Replicas" section of bench/README.md (between its markers)."""
    path = ROOT / "bench" / "README.md"
    text = path.read_text()
    start, end = "<!-- replicas: start (python -m bench.replicas writes this) -->", "<!-- replicas: end -->"
    block = start + "\n" + "\n".join(lines) + "\n" + end
    if start in text:
        text = text[:text.index(start)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip("\n") + "\n\n## Replicas\n\n" + block + "\n"
    path.write_text(text)


if __name__ == "__main__":
    raise SystemExit(main())
