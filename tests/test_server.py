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
