"""What can be tested of `make run` and the Docker image without a Docker engine."""

import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _make_run_command() -> list[str]:
    recipe = re.search(r"^run:.*\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(), re.M).group(1)
    words = shlex.split(recipe.strip().split("exec", 1)[1])
    return [Path(words[0]).name, *words[1:]]


def _docker_cmd() -> list[str]:
    line = next(row for row in (ROOT / "Dockerfile").read_text().splitlines() if row.startswith("CMD "))
    return json.loads(line[4:])


def test_image_runs_the_same_entry_point_as_make_run():
    assert _docker_cmd() == _make_run_command()


def test_dockerfile_lints_clean():
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    result = subprocess.run([hadolint, str(ROOT / "Dockerfile")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_basics():
    text = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim", text, re.M)
    assert re.search(r"^USER (?!root|0\b)", text, re.M)
    assert "HEALTHCHECK" in text and "/v1/health" in text


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_serves_logs_and_stops_on_sigterm(tmp_path):
    """The `make run` command, for real: serves on HOST/PORT, one log line per request, clean SIGTERM."""
    port = _free_port()
    cmd = _make_run_command()
    cmd[0] = str(Path(sys.executable).parent / cmd[0])
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": "1",
           "GLOSSARY_SEEDS": str(ROOT / "tests" / "fixtures" / "mini.yaml")}
    log = open(tmp_path / "server.log", "w+")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                health = json.load(urllib.request.urlopen(base + "/v1/health", timeout=2))
                break
            except OSError:
                assert proc.poll() is None, (tmp_path / "server.log").read_text()
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.3)
        assert health["status"] == "ok" and health["entries"] == 14
        request = urllib.request.Request(base + "/v1/lookup?q=Abe%20Shinzou", headers={"X-Request-ID": "t-42"})
        body = json.load(urllib.request.urlopen(request, timeout=5))
        assert body["matches"][0]["entry"]["id"] == "abe-shinzo"
        # over MAX_QUERY_CHARS (the app's 414), and over the request line limit (gunicorn's 414): one shape
        for long_url in (base + "/v1/lookup?q=" + "a" * 600, base + "/v1/lookup?q=" + "a" * 10_000):
            with pytest.raises(urllib.error.HTTPError) as info:
                urllib.request.urlopen(long_url, timeout=5)
            assert info.value.code == 414 and info.value.headers["Content-Type"] == "application/problem+json"
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=30)
    output = (tmp_path / "server.log").read_text()
    assert code == 0, output
    line = next(row for row in output.splitlines() if "rid=t-42" in row)
    assert "\"GET /v1/lookup?q=Abe%20Shinzou HTTP/1.1\"" in line and " 200 " in line and "ms " in line
