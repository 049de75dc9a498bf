"""Several replicas, one PostgreSQL store: two gunicorn servers on one database; a write through either is answered
from by the other within 2 seconds (each polls the store's data version), and replicas that start together on an
empty database create the store once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.test_live import _get
from tests.test_packaging import ROOT
from tests.test_server import MINI, Server

ZHOU = {"id": "zhou-enlai", "type": "person", "description": "Premier of China (1949–1976).",
        "names": {"en": "Zhou Enlai", "zh-Hans": "周恩来"}, "family_name": {"en": "Zhou", "zh-Hans": "周"}}
HU = {"id": "hu-jintao", "type": "person", "description": "President of China (2003–2013).",
      "names": {"en": "Hu Jintao", "zh-Hans": "胡锦涛"}, "family_name": {"en": "Hu", "zh-Hans": "胡"}}


def _token(url: str) -> str:
    created = subprocess.run([sys.executable, "-m", "glossary", "token", "create", "desk", "--role", "editor",
                              "--db", url], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert created.returncode == 0, created.stderr
    return created.stdout.splitlines()[-1]


def _post(base: str, token: str, seed: dict) -> dict:
    request = urllib.request.Request(base + "/v1/entries", data=json.dumps(seed).encode(), method="POST",
                                     headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as r:
        assert r.status == 201
        return json.loads(r.read())


def _found(base: str, name: str, rid: str) -> str | None:
    status, body = _get(base + "/v1/lookup?q=" + urllib.request.quote(name), rid)
    assert status == 200
    return body["matches"][0]["entry"]["id"] if body["matches"] else None


def test_a_write_through_one_replica_reaches_the_other_within_two_seconds(tmp_path, postgres_url):
    env = {"GLOSSARY_DB": postgres_url, "GLOSSARY_POLL_SECONDS": "0.2"}
    first = Server(tmp_path, workers=1, **env)  # creates the store from the seeds
    second = Server(tmp_path, workers=1, **env)  # finds it made
    try:
        token = _token(postgres_url)
        for server in (first, second):
            assert _found(server.base, "Zhou Enlai", "before") is None
            assert _found(server.base, "Hu Jintao", "before") is None
        for writer, reader, seed in ((first, second, ZHOU), (second, first, HU)):
            _post(writer.base, token, seed)
            acknowledged = time.monotonic()
            time.sleep(max(0.0, acknowledged + 2.0 - time.monotonic()))
            for n in range(5):
                assert _found(reader.base, seed["names"]["en"], f"after-{n}") == seed["id"]
        versions = {_get(s.base + "/v1/lookup?q=Hu%20Jintao", "v")[1]["data_version"] for s in (first, second)}
        assert len(versions) == 1  # one store, one version, answered by both
        assert token not in first.output() + second.output()
    finally:
        assert first.stop() == 0
        assert second.stop() == 0


OPEN = """
import sys
from glossary.store import open_store
store = open_store(sys.argv[1], sys.argv[2])
print(store.store_id(), store.data_version())
"""


def test_replicas_starting_together_create_the_store_once(postgres_url):
    procs = [subprocess.Popen([sys.executable, "-c", OPEN, postgres_url, str(MINI.parent / "mini.yaml")],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env={**os.environ}) for _ in range(3)]
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        outputs.append(out.split())
    assert len({tuple(o) for o in outputs}) == 1 and outputs[0][1] == "1"  # one store id, one creation


@pytest.mark.parametrize("url", ["postgresql://nobody@127.0.0.1:1/none"], ids=["no-server"])
def test_a_store_that_cannot_be_reached_stops_the_start_with_a_clear_message(tmp_path, url):
    done = subprocess.run([sys.executable, "-m", "glossary", "token", "create", "x", "--role", "editor",
                           "--db", url], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "cannot reach the store at postgresql://nobody@127.0.0.1:1/none" in done.stderr, done.stderr[-2000:]
    assert "Traceback" not in done.stderr


def test_a_write_while_the_database_is_unreachable_is_a_503_problem_and_reads_go_on(postgres_url):
    from service import create_app

    app = create_app({"GLOSSARY_SEEDS": str(MINI), "GLOSSARY_DB": postgres_url, "TESTING": True})
    token = app.extensions["store"].create_token("desk", "editor")
    app.extensions["store"].url = "postgresql://nobody@127.0.0.1:1/none"  # the server goes away
    client = app.test_client()
    response = client.post("/v1/entries", json=ZHOU, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 503 and response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["type"].endswith("/store-unavailable") and "cannot reach the store" in body["detail"]
    assert client.get("/v1/lookup?q=Xi%20Jinping").status_code == 200  # served from the replica's snapshot


def test_compose_runs_three_replicas_on_postgres_behind_nginx():
    import yaml

    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert services["glossary"]["deploy"]["replicas"] == 3
    assert services["glossary"]["environment"]["GLOSSARY_DB"].startswith("postgresql://")
    assert services["glossary"]["build"]["context"] == "."
    assert services["postgres"]["image"] == "${POSTGRES_IMAGE:-postgres:16-bookworm}"  # Docker Hub's unless told
    assert services["nginx"]["depends_on"]["glossary"]["condition"] == "service_healthy"
    mount = services["nginx"]["volumes"][0].split(":")
    assert (ROOT / mount[0]).exists() and mount[1] == "/etc/nginx/nginx.conf"
    assert "server glossary:8000" in (ROOT / mount[0]).read_text()  # the compose service's name and port


def test_the_nginx_config_is_valid(tmp_path):
    """deploy/nginx.conf as the load test runs it (its upstream on loopback), checked by nginx itself."""
    import shutil

    if not shutil.which("nginx"):
        pytest.skip("no nginx (apt-get install nginx)")
    from bench.replicas import nginx_config

    conf = tmp_path / "nginx.conf"
    conf.write_text(nginx_config([8001, 8002, 8003], 8080))
    done = subprocess.run(["nginx", "-t", "-p", str(tmp_path), "-c", str(conf), "-g", f"pid {tmp_path}/nginx.pid;"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert conf.read_text().count("server 127.0.0.1:800") == 3


def test_the_poll_keeps_one_connection_and_opens_a_new_one_when_it_is_dropped(postgres_url):
    import psycopg

    from glossary.store import open_store

    store = open_store(postgres_url, MINI)
    assert store.data_version() == 1
    first = store._poll[1]
    backend = first.info.backend_pid
    for _ in range(5):
        assert store.data_version() == 1
    assert store._poll[1] is first  # the same connection, not one per poll
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (backend,))  # the server drops it
    assert store.data_version() == 1  # answered on a new connection
    assert store._poll[1].info.backend_pid != backend
