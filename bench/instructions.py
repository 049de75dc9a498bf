"""Instructions per GET /v1/lookup in process, under callgrind: a figure this shared machine cannot blur.

    python -m bench.instructions [--requests 140]

Time per request on 2 shared cores moves by 10-30 % from one run to the next; the instructions a request
executes do not (within a percent or two: Python seeds its string hashing per process). This counts them
for the service's Flask app and for a bare Flask app answering a fixed 7.4 KB document (as bench/bare_app.py
does for bench/rps.py), each called as gunicorn calls it (a WSGI environ, the body read through), cycling
through bench/rps.py's queries. Only the requests are counted: callgrind starts with instrumentation off,
and a tiny C helper (built here with gcc against valgrind's ``callgrind.h``) switches it on and off around
them. Needs valgrind (Debian's ``valgrind``) and gcc.
"""

from __future__ import annotations

import argparse
import ctypes
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HELPER = """#include <valgrind/callgrind.h>
void measure_start(void) { CALLGRIND_ZERO_STATS; CALLGRIND_START_INSTRUMENTATION; }
void measure_stop(void) { CALLGRIND_STOP_INSTRUMENTATION; }
"""


def _environ(query_string: str) -> dict:
    return {"REQUEST_METHOD": "GET", "SCRIPT_NAME": "", "PATH_INFO": "/v1/lookup", "QUERY_STRING": query_string,
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr,
            "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
            "HTTP_HOST": "127.0.0.1:8000", "REMOTE_ADDR": "127.0.0.1"}


def _child(which: str, requests: int, helper: str) -> None:
    """Runs under valgrind: build the app, warm it, count ``requests`` requests."""
    from bench.rps import QUERIES

    if which == "service":
        from service import create_app

        app = create_app()
    else:
        from flask import Flask

        app, answer = Flask("bare"), b"x" * 7400  # the size of the service's median answer
        app.get("/v1/lookup")(lambda: app.response_class(answer, mimetype="application/json"))
    query_strings = [urllib.parse.urlencode({"q": q}) for q in QUERIES]

    def call(n: int) -> None:
        body = app(_environ(query_strings[n % len(query_strings)]), lambda *args: None)
        for _ in body:
            pass
        body.close()

    for n in range(100):  # every entry's JSON made, every cache filled
        call(n)
    measure = ctypes.CDLL(helper)
    measure.measure_start()
    for n in range(requests):
        call(n)
    measure.measure_stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.instructions", description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=140, help="requests counted (default 140: 10 rounds)")
    parser.add_argument("--child", choices=["service", "bare"], help=argparse.SUPPRESS)
    parser.add_argument("--helper", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child, args.requests, args.helper)
        return 0
    for tool in ("valgrind", "gcc"):
        if not shutil.which(tool):
            print(f"needs {tool}: apt-get install {tool}", file=sys.stderr)
            return 2
    with tempfile.TemporaryDirectory() as tmp:
        source, helper = Path(tmp) / "measure.c", Path(tmp) / "measure.so"
        source.write_text(HELPER)
        subprocess.run(["gcc", "-O2", "-shared", "-fPIC", "-o", str(helper), str(source)], check=True)
        env = {**os.environ, "GLOSSARY_DB": os.environ.get("GLOSSARY_DB", str(Path(tmp) / "glossary.db")),
               "PYTHONPATH": str(ROOT)}
        counts = {}
        for which in ("service", "bare"):
            command = [sys.executable, "-m", "bench.instructions", "--child", which, "--requests", str(args.requests),
                       "--helper", str(helper)]
            out = subprocess.run(["valgrind", "--tool=callgrind", "--instr-atstart=no",
                                  f"--callgrind-out-file={tmp}/callgrind.%p", *command],
                                 cwd=ROOT, env=env, capture_output=True, text=True, check=True)
            counts[which] = int(re.search(r"Collected : (\d+)", out.stderr)[1]) / args.requests
            print(f"  {which:8} {counts[which] / 1000:7.0f} k instructions a request")
    print(f"  service ÷ bare: {counts['service'] / counts['bare']:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
