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


def _base_image(dockerfile: str) -> str:
    """The image the first FROM builds on, with build arguments resolved to their defaults (as `docker build` does)."""
    args = dict(re.findall(r"^ARG (\w+)=(\S+)$", dockerfile, re.M))
    image = re.search(r"^FROM (\S+)", dockerfile, re.M).group(1)
    return re.sub(r"\$\{?(\w+)\}?", lambda m: args.get(m.group(1), m.group(0)), image)


def test_dockerfile_basics():
    text = (ROOT / "Dockerfile").read_text()
    assert _base_image(text).startswith("python:3.11-slim")
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


def _pins(lock: Path) -> dict[str, str]:
    text = lock.read_text()
    pins = dict(re.findall(r"^([A-Za-z0-9_.\-]+)==(\S+) \\$", text, re.M))
    blocks = re.split(r"\n(?=[A-Za-z0-9_.\-]+==)", text)
    for block in blocks[1:]:
        assert "--hash=sha256:" in block, block[:80]  # every pin carries its hashes
    return {re.sub(r"[-_.]+", "-", k).lower(): v for k, v in pins.items()}


def test_installs_come_from_the_lock_files():
    """#12 item 21: make, CI and the image install pinned, hashed versions, and the base image by digest."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime, dev = _pins(ROOT / "requirements.lock"), _pins(ROOT / "requirements-dev.lock")

    def names(requirements):
        return {re.sub(r"[-_.]+", "-", re.split(r"[<>=\[ ]", r)[0]).lower() for r in requirements}

    assert names(project["dependencies"]) <= runtime.keys()
    assert names(project["dependencies"] + project["optional-dependencies"]["test"]) <= dev.keys()
    assert all(dev[name] == version for name, version in runtime.items())  # one set of versions
    makefile, dockerfile = (ROOT / "Makefile").read_text(), (ROOT / "Dockerfile").read_text()
    assert "--require-hashes -r requirements-dev.lock" in makefile
    assert "--require-hashes -r requirements.lock" in dockerfile
    assert re.fullmatch(r"python:3\.11-slim@sha256:[0-9a-f]{64}", _base_image(dockerfile))
    assert "make test" in (ROOT / ".ci" / "run").read_text()
