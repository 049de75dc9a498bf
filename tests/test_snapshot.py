"""One snapshot per request, swapped atomically: answers during repeated swaps each come wholly from one version."""

from __future__ import annotations

import gc
import threading
import time
import weakref
from dataclasses import replace

import pytest

from glossary import Entry, build_glossary, load_glossary
from glossary.snapshot import SnapshotHolder
from tests.conftest import FIXTURES

ZEBRA = Entry(id="quixotic-zebra", type="other", description="only version B has it [B]",
              names={"en": "Quixotic Zebra"})


def _versions():
    """Version A: the mini glossary. Version B: every description marked, plus one more entry."""
    base = list(load_glossary(FIXTURES / "mini.yaml").entries.values())
    a = build_glossary(base, version="A")
    b = build_glossary([replace(e, description=e.description + " [B]") for e in base] + [ZEBRA], version="B")
    return a, b


def test_snapshot_owns_what_it_builds():
    a, b = _versions()
    assert a.matcher() is a.matcher() and a.matcher() is not b.matcher()
    assert a.built("part", object) is a.built("part", object) is not b.built("part", object)
    assert a.memo("t", 1, lambda: "x") == "x" and a.memo("t", 1, lambda: "y") == "x"
    assert b.memo("t", 1, lambda: "y") == "y"  # another snapshot, another cache


def test_holder_swaps_and_returns_the_old_one():
    a, b = _versions()
    holder = SnapshotHolder(a)
    assert holder.current is a
    assert holder.swap(b) is a and holder.current is b


def test_a_replaced_snapshot_goes_with_its_last_reference():
    # No reference cycle between a snapshot and what it built (matcher, entry JSON): the service freezes its
    # snapshots out of the cyclic collector, which would never free a replaced one held in a cycle.
    from service.serialize import entry_json

    a, b = _versions()
    holder = SnapshotHolder(a)
    entry_json(a)(next(iter(a.entries.values())), "all")
    a.memo("t", 1, lambda: "x")
    gone = weakref.ref(a)
    del a
    collecting = gc.isenabled()
    gc.disable()
    try:
        holder.swap(b)
        assert gone() is None
    finally:
        if collecting:
            gc.enable()


@pytest.fixture(scope="module")
def swapping_app():
    from service import create_app

    a, b = _versions()
    app = create_app({"GLOSSARY": a, "TESTING": True})
    return app, a, b


QUERIES = ["Xi Jinping", "Kishida", "Quixotic Zebra", "Senkaku Islands", "China", "Beijing", "Taiwan", "Japan"]


def _check_answer(kind: str, response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    version = body["data_version"]
    assert response.headers["X-Data-Version"] == version
    marked = version == "B"
    if kind == "lookup":
        results = body["results"]
        descriptions = [m["entry"]["description"] for r in results for m in r["matches"]]
        assert descriptions and all(d.endswith(" [B]") == marked for d in descriptions), (version, descriptions)
        zebra = [m["entry"]["id"] for m in results[2]["matches"]]
        assert (zebra == ["quixotic-zebra"]) == marked, (version, zebra)
    else:
        ids = {m.get("entry_id") for r in body["results"] for m in r["mentions"]}
        assert ("quixotic-zebra" in ids) == marked, (version, ids)
        assert "xi-jinping" in ids
    return version


def test_answers_during_repeated_swaps_come_from_one_version(swapping_app):
    app, a, b = swapping_app
    holder = app.extensions["snapshots"]
    stop = threading.Event()
    errors: list[BaseException] = []
    seen: dict[str, int] = {"A": 0, "B": 0}
    swaps = [0]

    def swapper():
        while not stop.is_set():
            holder.swap(b if holder.current is a else a)
            swaps[0] += 1

    def reader(n: int):
        client = app.test_client()
        try:
            for i in range(n):
                if i % 2:
                    r = client.post("/v1/lookup", json={"queries": [{"q": q} for q in QUERIES]})
                    seen[_check_answer("lookup", r)] += 1
                else:
                    texts = ["Xi Jinping met Quixotic Zebra in Beijing. " * 3] * 4
                    r = client.post("/v1/normalize", json={"texts": texts, "mode": "mentions"})
                    seen[_check_answer("normalize", r)] += 1
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    swap_thread = threading.Thread(target=swapper)
    readers = [threading.Thread(target=reader, args=(300,)) for _ in range(8)]
    swap_thread.start()
    for t in readers:
        t.start()
    for t in readers:
        t.join()
    stop.set()
    swap_thread.join()
    assert not errors, errors[0]
    assert seen["A"] + seen["B"] == 2400
    assert seen["A"] and seen["B"] and swaps[0] > 100, (seen, swaps)


def test_a_build_pauses_the_collector_and_gives_it_back_as_it_was():
    import gc

    from glossary import snapshot
    from glossary.snapshot import gc_paused

    deadline = time.monotonic() + 30  # a build another test's app started in a thread of its own: let it end
    while snapshot._paused and time.monotonic() < deadline:
        time.sleep(0.05)
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():  # builds may overlap (a refresh in each of two threads): the last one out resumes
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # off before: left off
    finally:
        gc.enable()


def test_polling_the_store_leaves_the_collector_on(mini):
    """Only a build pauses the collector: a worker polls its store every few tenths of a second, and a slow
    or unreachable store must not keep the collector off meanwhile."""
    import gc

    from glossary.snapshot import StoreSnapshots

    seen = []

    class QuietStore:
        def store_id(self):
            return "quiet"

        def data_version(self):
            seen.append(gc.isenabled())
            return 0

    snapshots = StoreSnapshots(QuietStore())
    snapshots.current = mini
    assert snapshots.refresh() is None
    assert seen == [True]
