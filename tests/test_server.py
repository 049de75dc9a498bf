"""The service as `make run` serves it (gunicorn, its config, the real sockets): what only a real server shows."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.test_packaging import ROOT, _free_port, _make_run_command

MINI = ROOT / "tests" / "fixtures" / "mini.yaml"


class Server:
    def __init__(self, tmp: Path, workers: int = 2, **env):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        cmd = _make_run_command()
        cmd[0] = str(Path(sys.executable).parent / cmd[0])
        self.env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(self.port), "WEB_CONCURRENCY": str(workers),
                    "GLOSSARY_SEEDS": str(MINI), **env}
        self.log_path = tmp / f"server-{self.port}.log"
        self.log = open(self.log_path, "w+")
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(self.base + "/v1/health", timeout=2)
                break
            except OSError:
                assert self.proc.poll() is None, self.output()
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)

    def output(self) -> str:
        return self.log_path.read_text()

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=40)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
            self.log.close()

    def raw(self, data: bytes, timeout: float = 10) -> bytes:
        """Send raw bytes, read the whole answer (the server closes, or the first response is complete)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as s:
            s.sendall(data)
            return _read_response(s)


def _read_response(s: socket.socket) -> bytes:
    out = b""
    while True:
        try:
            chunk = s.recv(65536)
        except (ConnectionResetError, TimeoutError):
            break
        if not chunk:
            break
        out += chunk
        head, sep, body = out.partition(b"\r\n\r\n")
        if sep:
            length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                           if line.lower().startswith(b"content-length:")), None)
            if length is not None and len(body) >= length:
                break
    return out


def split(response: bytes) -> tuple[int, dict, bytes]:
    head, _, body = response.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = Server(tmp_path_factory.mktemp("server"))
    yield srv
    srv.stop()


def test_bad_chunk_size_is_a_400_problem(server):
    """#12 item 4: an invalid chunked body is the client's error, in the API's problem shape."""
    body = b'{"texts": ["x"]}'
    request = (b"POST /v1/normalize HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               b"Transfer-Encoding: chunked\r\n\r\nzz\r\n" + body + b"\r\n0\r\n\r\n")
    status, headers, payload = split(server.raw(request))
    assert status == 400, payload
    assert headers["content-type"] == "application/problem+json"
    assert json.loads(payload)["status"] == 400
    # a good chunked body still works
    good = (b"POST /v1/normalize HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n" + b"%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n")
    assert split(server.raw(good))[0] == 200


def _health_seconds(server) -> float:
    started = time.monotonic()
    with urllib.request.urlopen(server.base + "/v1/health", timeout=5) as response:
        assert response.status == 200
    return time.monotonic() - started


def test_stalled_clients_do_not_starve_the_service(server):
    """#12 item 10: 50 connections that send half a header, or a trickle of a body, and wait."""
    stalled = []
    try:
        for n in range(50):
            s = socket.create_connection(("127.0.0.1", server.port), timeout=5)
            if n % 2:
                s.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Half: ")
            else:
                s.sendall(b"POST /v1/normalize HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                          b"Content-Length: 100000\r\n\r\n{\"texts\": [\"")
            stalled.append(s)
        time.sleep(0.3)
        for _ in range(10):
            assert _health_seconds(server) < 1
            time.sleep(0.1)
    finally:
        for s in stalled:
            s.close()


def test_a_busy_connection_does_not_hold_the_worker(tmp_path):
    """One connection with many requests waiting (pipelined here; a fast client on keep-alive is the same: its
    next request is always there) is served a request at a time, taking turns with the others: a request on
    a new connection is answered long before the busy one's queue is done. Without the worker's yield after
    each request, it waited for all 300 (and, under load, clients saw 0.3-3 s at the 99th percentile)."""
    srv = Server(tmp_path, workers=1)
    try:
        busy = socket.create_connection(("127.0.0.1", srv.port), timeout=30)
        busy.sendall(b"GET /v1/health?busy HTTP/1.1\r\nHost: x\r\n\r\n" * 300)
        with socket.create_connection(("127.0.0.1", srv.port), timeout=30) as other:
            other.sendall(b"GET /v1/health?other HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            assert split(_read_response(other))[0] == 200
        busy.close()
    finally:
        srv.stop()
    order = [line for line in srv.output().splitlines() if "GET /v1/health?" in line]
    position = next(n for n, line in enumerate(order) if "?other" in line)
    assert position < 100, f"the other connection was answered after {position} of the busy one's requests"


def test_stalled_clients_are_dropped(tmp_path):
    """A half-sent head is dropped after `keepalive` seconds, a stalled body after the read timeout."""
    srv = Server(tmp_path, workers=1, READ_TIMEOUT="2", KEEPALIVE="2")
    try:
        head = socket.create_connection(("127.0.0.1", srv.port), timeout=15)
        head.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n")
        body = socket.create_connection(("127.0.0.1", srv.port), timeout=15)
        body.sendall(b"POST /v1/normalize HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 100\r\n\r\n{")
        started = time.monotonic()
        assert head.recv(100) == b""  # closed by the server
        assert time.monotonic() - started < 4
        status, headers, _ = split(_read_response(body))
        assert status == 408 and headers["content-type"] == "application/problem+json"
        assert time.monotonic() - started < 5
    finally:
        srv.stop()


def test_request_line_is_limited_and_logged_short(server):
    """#12 item 8: a 20 MB request line was parsed for 50 s and logged whole."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        try:
            s.sendall(b"GET /v1/lookup?q=" + b"a" * 1_000_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        status, headers, body = split(_read_response(s))
    assert time.monotonic() - started < 2
    assert status == 414 and headers["content-type"] == "application/problem+json"
    problem = json.loads(body)
    assert problem["status"] == 414 and problem["limit"]["name"] == "limit_request_line"
    # a long request line that is allowed is logged cut
    status, _, _ = split(server.raw(b"GET /v1/health?pad=" + b"p" * 7000 + b" HTTP/1.1\r\nHost: x\r\n"
                                    b"Connection: close\r\nX-Request-ID: long-line\r\n\r\n"))
    assert status == 200
    time.sleep(0.5)
    line = next(row for row in server.output().splitlines() if "rid=long-line" in row)
    assert len(line) < 500


@pytest.mark.parametrize("request_bytes, status", [
    (b"GET /v1/health HTTP/1.1\r\nHost: x\r\n" + b"X-Big: " + b"b" * 9000 + b"\r\n\r\n", 431),
    (b"GET /v1/health HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(150)) + b"\r\n", 431),
    (b"G\x01T / HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    (b"GET /v1/health HTTP/9.9\r\nHost: x\r\n\r\n", 400),
], ids=["header-too-long", "too-many-headers", "bad-method", "bad-version"])
def test_server_errors_are_problems_too(server, request_bytes, status):
    """#12 item 13: errors raised by gunicorn itself come in the API's one error shape."""
    got, headers, body = split(server.raw(request_bytes))
    assert got == status and headers["content-type"] == "application/problem+json", body
    assert headers["x-content-type-options"] == "nosniff"
    assert json.loads(body)["status"] == status


def test_oversized_body_names_the_limit(server):
    """#12 item 13: a 413 for an oversized body names the limit, like the others."""
    status, headers, body = split(server.raw(b"POST /v1/normalize HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                                             b"\r\nContent-Length: 8388609\r\n\r\n{\"texts\": [\"x"))
    assert status == 413 and headers["content-type"] == "application/problem+json"
    problem = json.loads(body)
    assert problem["limit"] == {"name": "MAX_BODY_BYTES", "max": 8388608, "actual": 8388609}
    assert "GLOSSARY_MAX_BODY_BYTES" in problem["detail"]


def test_sigterm_finishes_requests_in_flight(tmp_path):
    """#12 item 11: SIGTERM under load lets the requests in flight finish (graceful_timeout).

    Eight requests are sent whole before the signal; the one worker is busy with the first, so most
    still wait in the listen queue when SIGTERM arrives: every one of them gets its answer.
    """
    srv = Server(tmp_path, workers=1)
    text = "Xi Jinping met Fumio Kishida in Beijing. " * 500
    payload = json.dumps({"texts": [text] * 10}).encode()
    request = (b"POST /v1/normalize HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\n"
               b"Content-Length: %d\r\n\r\n" % len(payload)) + payload
    clients = []
    try:
        for _ in range(8):
            s = socket.create_connection(("127.0.0.1", srv.port), timeout=30)
            s.sendall(request)
            clients.append(s)
        srv.proc.send_signal(signal.SIGTERM)
        statuses = [split(_read_response(s))[0] for s in clients]
    finally:
        for s in clients:
            s.close()
        code = srv.stop()
    assert statuses == [200] * 8
    assert code == 0


def test_no_shared_control_socket(tmp_path):
    """#12 item 22: gunicorn's control socket (~/.gunicorn/gunicorn.ctl) was shared by every instance."""
    home = tmp_path / "home"
    home.mkdir()
    first = Server(tmp_path, workers=1, HOME=str(home))
    second = Server(tmp_path, workers=1, HOME=str(home))
    try:
        assert not list(home.rglob("*.ctl"))
        assert _health_seconds(first) < 2 and _health_seconds(second) < 2
    finally:
        assert first.stop() == 0 and second.stop() == 0
    assert not list(home.rglob("*.ctl"))


@pytest.mark.parametrize("env, message", [
    ({"GLOSSARY_MAX_LIMIT": "fifty"}, "GLOSSARY_MAX_LIMIT must be a positive whole number"),
    ({"GLOSSARY_SEEDS": "/no/such/seeds"}, "/no/such/seeds: no such seed directory or file"),
    ({"GLOSSARY_REFRESH": "sometimes"}, "GLOSSARY_REFRESH must be one of auto, workers, master, not 'sometimes'"),
])
def test_a_bad_start_says_one_clear_thing(env, message):
    """#12 item 19: a bad setting or seed error was buried at the end of a 40-line gunicorn traceback."""
    cmd = _make_run_command()
    cmd[0] = str(Path(sys.executable).parent / cmd[0])
    run_env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(_free_port()), "GLOSSARY_SEEDS": str(MINI), **env}
    result = subprocess.run(cmd, cwd=ROOT, env=run_env, capture_output=True, text=True, timeout=60)
    output = result.stdout + result.stderr
    assert result.returncode != 0 and message in output
    assert "Traceback" not in output and len(output.splitlines()) < 10, output


@pytest.mark.parametrize("setting, store_path, expected", [
    ("off", "/srv/g.db", None),
    ("auto", "/srv/g.db", ("/srv/g.db.snapshot", 250_000)),  # beside an SQLite store, for a large glossary
    ("auto", None, None),  # PostgreSQL: the replicas may not share a disk
    ("/var/cache/g.snapshot", None, ("/var/cache/g.snapshot", 0)),  # a path given: written at any size
])
def test_where_the_saved_snapshot_lives(setting, store_path, expected):
    from types import SimpleNamespace

    from service import _saved_snapshot

    saved = _saved_snapshot(setting, SimpleNamespace(path=store_path) if store_path else object())
    assert (None if saved is None else (str(saved.path), saved.from_variants)) == expected
