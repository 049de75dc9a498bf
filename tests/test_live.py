"""Curation while gunicorn serves: a write is answered from in every worker within 2 seconds, no request fails."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest

from service.refresh import MASTER_FROM_VARIANTS, refresh_mode
from tests.test_packaging import ROOT
from tests.test_server import Server

HU = {"id": "hu-jintao", "type": "person", "description": "President of China (2003–2013).",
      "names": {"en": "Hu Jintao", "zh-Hans": "胡锦涛"}, "family_name": {"en": "Hu", "zh-Hans": "胡"}}


def _get(url: str, rid: str) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers={"X-Request-ID": rid, "Connection": "close"})
    with urllib.request.urlopen(request, timeout=10) as r:
        return r.status, json.loads(r.read())


@pytest.mark.parametrize("setting, variants, mode", [
    ("auto", 57_000, "workers"), ("auto", MASTER_FROM_VARIANTS, "master"), ("workers", 10**6, "workers"),
    ("master", 10, "master"),
])
def test_who_refreshes(setting, variants, mode):
    assert refresh_mode(setting, variants) == mode


@pytest.mark.parametrize("mode", ["workers", "master"])
def test_a_write_reaches_every_worker_within_two_seconds(tmp_path, mode):
    # workers: each worker builds the next snapshot; master: gunicorn's master does and re-forks them.
    db = tmp_path / "glossary.db"
    saved = tmp_path / "glossary.snapshot"
    server = Server(tmp_path, workers=2, GLOSSARY_DB=str(db), GLOSSARY_POLL_SECONDS="0.2", GLOSSARY_REFRESH=mode,
                    GLOSSARY_SNAPSHOT=str(saved), GLOSSARY_COMPACT_SECONDS="1")
    failures: list[str] = []
    stop = threading.Event()

    def background():  # requests all along: none may fail while the workers refresh
        n = 0
        while not stop.is_set():
            n += 1
            try:
                status, _ = _get(server.base + "/v1/lookup?q=Xi%20Jinping", f"bg-{n}")
                if status != 200:
                    failures.append(str(status))
            except (OSError, urllib.error.URLError) as exc:
                failures.append(repr(exc))

    try:
        created = subprocess.run([sys.executable, "-m", "glossary", "token", "create", "desk", "--role", "editor",
                                  "--db", str(db)], cwd=ROOT, capture_output=True, text=True, timeout=120,
                                 env={**os.environ, "GLOSSARY_DB": str(db)})
        assert created.returncode == 0, created.stderr
        token = created.stdout.splitlines()[-1]
        assert token not in server.output()
        for n in range(20):  # every worker has served the old data
            assert not _get(server.base + "/v1/lookup?q=Hu%20Jintao", f"before-{n}")[1]["matches"]
        thread = threading.Thread(target=background)
        thread.start()
        request = urllib.request.Request(server.base + "/v1/entries", data=json.dumps(HU).encode(), method="POST",
                                         headers={"Content-Type": "application/json",
                                                  "Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request, timeout=30) as r:
            assert r.status == 201
        acknowledged = time.monotonic()
        time.sleep(max(0.0, acknowledged + 2.0 - time.monotonic()))
        answers = [_get(server.base + "/v1/lookup?q=Hu%20Jintao", f"after-{n}") for n in range(40)]
        stop.set()
        thread.join()
        assert all(status == 200 and body["matches"][0]["entry"]["id"] == "hu-jintao" for status, body in answers)
        normalized = urllib.request.Request(
            server.base + "/v1/normalize", method="POST", headers={"Content-Type": "application/json"},
            data=json.dumps({"texts": ["胡锦涛在北京。"], "target": "en"}).encode())
        with urllib.request.urlopen(normalized, timeout=10) as r:
            assert "Hu Jintao" in json.loads(r.read())["results"][0]["text"]
        time.sleep(0.5)  # the access log is written after the answer
        log = server.output()
        pids = set(re.findall(r"rid=after-\d+ dv=\S+ pid=(\S+)", log))
        # Both workers answered, all from the new data (in master mode the master may re-fork them meanwhile).
        assert len(pids) == 2 or (mode == "master" and len(pids) > 2), log[-3000:]
        if mode == "master":
            # The workers took the write as a layer; the master then builds the full snapshot and re-forks
            # them: new workers answer, from the same data.
            before = set(re.findall(r"rid=before-\d+ dv=\S+ pid=(\S+)", log))
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                status, body = _get(server.base + "/v1/lookup?q=Hu%20Jintao", "reforked")
                assert status == 200 and body["matches"][0]["entry"]["id"] == "hu-jintao"
                time.sleep(0.3)
                found = re.findall(r"rid=reforked dv=\S+ pid=(\S+)", server.output())
                if found and found[-1] not in before:
                    break
            else:
                raise AssertionError("the master did not re-fork its workers: " + server.output()[-3000:])
        assert not failures, failures[:5]
        assert token not in log
    finally:
        stop.set()
        assert server.stop() == 0
    assert "(built)" in server.output()
    # The master, which holds the newest snapshot, saves it as it stops; the next start reads it and catches
    # nothing up. Workers that refresh themselves leave the file as the start saved it: it is caught up.
    again = Server(tmp_path, workers=2, GLOSSARY_DB=str(db), GLOSSARY_REFRESH=mode, GLOSSARY_SNAPSHOT=str(saved))
    try:
        assert _get(again.base + "/v1/lookup?q=Hu%20Jintao", "again")[1]["matches"][0]["entry"]["id"] == "hu-jintao"
    finally:
        assert again.stop() == 0
    assert ("(saved)" if mode == "master" else "(saved, caught up)") in again.output(), again.output()[-3000:]


def test_the_master_holds_the_layer_its_next_workers_start_from(tmp_path):
    # A worker that gunicorn's master forks after a write (one replacing a worker that died) must start from
    # the layer, not from the snapshot before the write: its own poll sees no new data version.
    from glossary.snapshot import SnapshotHolder, StoreSnapshots
    from glossary.store import open_store
    from service.refresh import Refresher
    from tests.test_store import _write

    store = open_store(tmp_path / "g.db", ROOT / "tests" / "fixtures" / "mini.yaml")
    snapshots = StoreSnapshots(store, layer_from=0)
    refresher = Refresher(SnapshotHolder(snapshots.load()), snapshots, mode="master")
    reforks: list[int] = []
    refresher._refork = lambda: reforks.append(1)  # as start_in_master sets it, without starting a poller
    beijing = store.get("beijing").seed
    _write(store, {**beijing, "names": {**beijing["names"], "en": "Quixotic Capital"}})
    assert refresher.refresh_now() and not reforks  # a layer, not yet due for compaction
    assert refresher.holder.current.lookup("Quixotic Capital")[0].entry.id == "beijing"
    assert refresher.holder.current.compact_base is not refresher.holder.current


class _SlowStore:
    """A store whose first refresh holds the build (and its lock) until ``release`` is set."""

    def __init__(self):
        self.building, self.release, self.calls = threading.Event(), threading.Event(), 0

    current = None  # no layer to compact

    def refresh(self, rebuild_large=True):
        self.calls += 1
        if self.calls == 1:
            self.building.set()
            self.release.wait(30)
        return None

    def compact(self):
        return None


def test_the_master_does_not_fork_while_it_builds(mini):
    # A worker forked in the middle of a build would start with the build's lock taken and the collector paused.
    from glossary.snapshot import SnapshotHolder
    from service.refresh import Refresher

    store = _SlowStore()
    refresher = Refresher(SnapshotHolder(mini), store, mode="master")
    refresher.start_in_master(lambda: None)
    try:
        assert store.building.wait(30)
        threading.Timer(0.5, store.release.set).start()
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        assert store.release.is_set()  # the fork waited for the build to end
        assert os.waitpid(pid, 0)[1] == 0
    finally:
        store.release.set()
        refresher.stop()
