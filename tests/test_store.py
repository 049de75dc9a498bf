"""The stores (SQLite, and PostgreSQL on a throwaway server where one can be started): created from seeds, written
back byte for byte, imports with a report, durable on kill -9, tokens kept only as hashes, snapshots refreshed
from the rows changed. Every test that takes ``store`` runs against both."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from glossary import load_glossary
from glossary.compiled import compile_entry, to_record
from glossary.curation import export_seeds, import_seeds
from glossary.layered import Layered
from glossary.seeds import DEFAULT_SEEDS, SeedError, load_seeds
from glossary.snapshot import SavedSnapshot, StoreSnapshots
from glossary.store import Change, SQLiteStore, StoreConflict, open_store
from tests.conftest import FIXTURES

MINI = FIXTURES / "mini.yaml"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def mini_dir(tmp_path):
    d = tmp_path / "seeds"
    d.mkdir()
    shutil.copy(MINI, d / "mini.yaml")
    return d


@pytest.fixture(params=["sqlite", "postgres"])
def target(request, tmp_path):
    """Where a store lives: an SQLite file, or a new database on the test PostgreSQL server."""
    if request.param == "sqlite":
        return tmp_path / "g.db"
    return request.getfixturevalue("postgres_url")


@pytest.fixture()
def store(target, mini_dir):
    return open_store(target, mini_dir)


def _files(d: Path) -> dict[str, bytes]:
    return {f.name: f.read_bytes() for f in sorted(d.glob("*.yaml"))}


def test_a_new_store_holds_the_seed_entries(store, mini_dir):
    assert store.data_version() == 1
    assert store.integrity_check() == "ok"
    if isinstance(store, SQLiteStore):
        import sqlite3

        with sqlite3.connect(store.path) as conn:
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    from_store = StoreSnapshots(store).load()
    from_seeds = load_glossary(mini_dir)
    assert list(from_store.entries) == list(from_seeds.entries)
    assert from_store.entries == from_seeds.entries  # the same Entry values, field for field
    assert [(iv.entry_id, iv.variant, iv.key) for iv in from_store.variants] == \
        [(iv.entry_id, iv.variant, iv.key) for iv in from_seeds.variants]


def test_a_sql_ascii_database_holds_text_as_text(postgres_server, mini_dir):
    """initdb in the C locale makes SQL_ASCII databases, where psycopg hands text back as bytes unless asked
    for UTF-8: the store id read "b'…'" in every X-Data-Version, and Han names would be opaque bytes."""
    store = open_store(postgres_server.new_database(encoding="SQL_ASCII"), mini_dir)
    assert isinstance(store.store_id(), str)
    snapshot = StoreSnapshots(store).load()
    assert snapshot.version.startswith(store.store_id() + "-")
    assert snapshot.entries == load_glossary(mini_dir).entries
    assert any("\u4e00" <= ch <= "\u9fff" for e in snapshot.entries.values() for v in e.names.values() for ch in v)


def test_the_curated_seeds_round_trip_byte_for_byte(target, tmp_path):
    store = open_store(target, DEFAULT_SEEDS)
    export_seeds(store, tmp_path / "out")
    assert _files(tmp_path / "out") == _files(DEFAULT_SEEDS)


def _write(store: SQLiteStore, seed: dict, action: str = "update", **kw) -> None:
    entry = load_seeds_entry(seed, store.get(seed["id"]).file if store.get(seed["id"]) else "mini.yaml")
    store.apply([Change(action, seed["id"], seed, record=to_record(entry, compile_entry(entry)), **kw)], "test")


def load_seeds_entry(seed: dict, file: str):
    from glossary.seeds import validate_entries

    entries, problems = validate_entries(file, [seed])
    assert not problems, problems
    return entries[0]


def test_export_after_changes_keeps_every_unchanged_entry_byte_for_byte(store, mini_dir, tmp_path):
    beijing = store.get("beijing").seed
    _write(store, {**beijing, "description": "The capital city of China, Beijing."})
    store.apply([Change("retire", "east-china-sea")], "test")
    export_seeds(store, tmp_path / "out")
    original = (mini_dir / "mini.yaml").read_text(encoding="utf-8")
    exported = (tmp_path / "out" / "mini.yaml").read_text(encoding="utf-8")
    for entry_id in ("xi-jinping", "kishida-fumio", "taiwan", "china-japan-friendship-association"):
        block = _block(original, entry_id)
        assert block in exported, entry_id  # unchanged entries: the same bytes
    assert "The capital city of China, Beijing." in exported
    assert "id: east-china-sea" not in exported
    again = load_seeds(tmp_path / "out")
    assert {e.id for e in again.entries} == set(load_glossary(mini_dir).entries) - {"east-china-sea"}
    assert next(e for e in again.entries if e.id == "beijing").description.startswith("The capital city")


def _block(text: str, entry_id: str) -> str:
    start = text.index(f"- id: {entry_id}\n")
    end = text.find("\n- id: ", start + 1)
    return text[start:end if end > 0 else len(text)]


def test_import_seeds_reports_and_applies_adds_changes_and_removals(store, tmp_path):
    export_seeds(store, tmp_path / "reviewed")
    path = tmp_path / "reviewed" / "mini.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace(_block(text, "taiwan-strait"), "")  # removed
    text = text.replace("description: Capital of the People's", "description: Capital city of the People's")
    text += ("\n- id: hu-jintao\n  type: person\n  description: President of China (2003–2013).\n"
             "  names: {en: Hu Jintao, zh-Hans: 胡锦涛}\n")
    path.write_text(text, encoding="utf-8")
    assert "description: Capital city of the People's" in text, "the fixture's Beijing description changed"
    before = store.data_version()
    dry = import_seeds(store, tmp_path / "reviewed", dry_run=True)
    assert store.data_version() == before
    report = import_seeds(store, tmp_path / "reviewed")
    assert (report.added, report.changed, report.removed) == (["hu-jintao"], ["beijing"], ["taiwan-strait"])
    assert dry.lines() == report.lines()
    assert report.lines()[-1] == f"1 added, 1 changed, 1 removed, {report.unchanged} unchanged"
    assert store.get("taiwan-strait").retired and store.get("beijing").revision == 2
    assert [r.author for r in store.history("hu-jintao")] == ["import-seeds"]
    export_seeds(store, tmp_path / "again")
    assert _files(tmp_path / "again") == _files(tmp_path / "reviewed")  # the reviewed text, byte for byte


def test_import_seeds_refuses_a_retired_id_and_bad_seeds(store, tmp_path):
    export_seeds(store, tmp_path / "reviewed")
    store.apply([Change("retire", "taiwan-strait")], "test")
    with pytest.raises(SeedError, match="ids are never reused"):
        import_seeds(store, tmp_path / "reviewed")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "x.yaml").write_text("- id: Bad Id\n  type: person\n", encoding="utf-8")
    with pytest.raises(SeedError):
        import_seeds(store, tmp_path / "bad")


def test_stale_and_impossible_changes_are_refused_whole(store):
    beijing = store.get("beijing").seed
    version = store.data_version()
    with pytest.raises(StoreConflict) as stale:
        _write(store, {**beijing, "description": "Stale write here."}, expected=7)
    assert stale.value.kind == "stale"
    good = load_seeds_entry({**beijing, "description": "A good write."}, "mini.yaml")
    with pytest.raises(StoreConflict) as missing:  # the second change fails: the first is rolled back
        store.apply([Change("update", "beijing", {**beijing, "description": "A good write."},
                            record=to_record(good, compile_entry(good))),
                     Change("retire", "no-such-entry")], "test")
    assert missing.value.kind == "missing"
    assert store.data_version() == version and store.get("beijing").revision == 1


def test_snapshots_refresh_from_the_changed_rows_only(store):
    snapshots = StoreSnapshots(store)
    first = snapshots.load().prepare()
    assert snapshots.refresh() is None  # nothing new
    beijing = store.get("beijing").seed
    _write(store, {**beijing, "names": {**beijing["names"], "en": "Quixotic Capital"}})
    store.apply([Change("retire", "east-china-sea")], "test")
    _write(store, {"id": "aa-new", "type": "place", "description": "A new place.", "names": {"en": "Quixotic Sea"}},
           action="create", file="mini.yaml")
    second = snapshots.refresh()
    full = StoreSnapshots(store).load()
    assert second.version == full.version == f"{store.store_id()}-4"
    assert list(second.entries)[-1] == "aa-new"  # new entries last, as a full load orders them
    assert second.entries == full.entries and "east-china-sea" not in second.entries
    assert [(iv.entry_id, iv.key) for iv in second.variants] == [(iv.entry_id, iv.key) for iv in full.variants]
    assert second.lookup("Quixotic Capital")[0].entry.id == "beijing" and not first.lookup("Quixotic Capital")
    assert second.entries["taiwan"] is first.entries["taiwan"]  # unchanged entries are reused
    second.prepare(previous=first)
    assert second.matcher().parts["taiwan"] is first.matcher().parts["taiwan"]
    # the refreshed snapshot is the one a full load gives: every index row and every matcher key, in order
    assert second.variants == full.variants  # (entry id, variant, key) in the same positions
    for table in ("_by_text", "_by_key", "_by_compact", "_by_entry"):  # so positions mean the same rows
        assert getattr(second, table) == getattr(full, table), table
    assert second._keys.keys == full._keys.keys  # the key index (fuzzy, ?q=, suggest) and id-order arrays
    assert second._ids_sorted == full._ids_sorted
    for array in ("_types", "_key_entries", "_key_offsets"):
        assert (getattr(second, array) == getattr(full, array)).all(), array
    assert [e.id for e in second.list_entries(q="quixotic")] == ["aa-new", "beijing"]
    assert "east-china-sea" not in {e.id for e in second.list_entries(q="east china")}
    assert _patterns(second.matcher().by_key) == _patterns(full.matcher().by_key)
    from glossary.normalize import normalize_text

    text = "Quixotic Capital and 北京 and the East China Sea; 钓鱼岛 and Xi Jinping met Kishida."
    assert normalize_text(second, text).as_dict() == normalize_text(full, text).as_dict()


def _same_snapshot(a, b) -> None:
    """Two snapshots of the same data answer the same: entries, index rows, tables and normalised text."""
    from glossary.normalize import normalize_text

    assert a.version == b.version and a.entries == b.entries and a.variants == b.variants
    for table in ("_by_text", "_by_key", "_by_compact", "_by_entry"):
        assert getattr(a, table) == getattr(b, table), table
    assert a._keys.keys == b._keys.keys and a._ids_sorted == b._ids_sorted
    assert a.matcher().by_key == b.matcher().by_key  # every pattern, field for field, in order
    text = "Quixotic Capital and 北京 and the East China Sea; 钓鱼岛 and Xi Jinping met Kishida."
    assert normalize_text(a, text).as_dict() == normalize_text(b, text).as_dict()


def _saved_version(path: Path, at_least: int, timeout: float = 60) -> int:
    """The data version in the saved snapshot's header, once the child writing it aside has renamed it in."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            with open(path, "rb") as fh:
                fh.readline()
                version = json.loads(fh.readline())["version"]
            if version >= at_least:
                return version
        time.sleep(0.05)
    raise AssertionError(f"{path} was not written")


def test_a_start_reads_the_saved_snapshot_and_catches_up(store, tmp_path, monkeypatch):
    saved = SavedSnapshot(tmp_path / "g.snapshot")
    first = StoreSnapshots(store, saved=saved).load()  # no file yet: built, then written aside
    assert _saved_version(saved.path, 1) == store.data_version()
    # The next start reads it and builds nothing.
    monkeypatch.setattr(StoreSnapshots, "_full", lambda self: pytest.fail("built afresh"))
    again = StoreSnapshots(store, saved=saved).load()
    assert "matcher" in again._built  # prepared from the saved patterns
    _same_snapshot(again, first)
    # A write after the file was saved: the next start reads it, catches up with the rows changed since
    # (as a refresh does) and saves again; the answer is what a full build of the store gives.
    beijing = store.get("beijing").seed
    _write(store, {**beijing, "names": {**beijing["names"], "en": "Quixotic Capital"}})
    store.apply([Change("retire", "east-china-sea")], "test")
    caught = StoreSnapshots(store, saved=saved).load()
    monkeypatch.undo()
    _same_snapshot(caught, StoreSnapshots(store).load().prepare())
    assert caught.lookup("Quixotic Capital")[0].entry.id == "beijing" and "east-china-sea" not in caught.entries
    assert _saved_version(saved.path, store.data_version()) == store.data_version()
    _same_snapshot(StoreSnapshots(store, saved=saved).load(), caught)


def _same_answers(a, b) -> None:
    """A layered snapshot and a full build of the same data answer the same (their tables differ)."""
    from glossary.normalize import normalize_text

    assert a.version == b.version and list(a.entries) == list(b.entries) and a.stats() == b.stats()
    for q in ("Quixotic Capital", "Quixotic Capitol", "Beijing", "East China Sea", "Kishida", "钓鱼岛", "aa"):
        assert a.lookup(q) == b.lookup(q), q
        assert [e.id for e in a.list_entries(q=q)] == [e.id for e in b.list_entries(q=q)], q
    text = "Quixotic Capital and 北京 and the East China Sea; 钓鱼岛 and Xi Jinping met Kishida in the Quixotic Sea."
    assert normalize_text(a, text).as_dict() == normalize_text(b, text).as_dict()


def test_a_large_snapshot_takes_writes_as_a_layer_and_compacts_once(store, tmp_path):
    # layer_from=0: the mini glossary counts as large (the service layers when its master refreshes).
    saved = SavedSnapshot(tmp_path / "g.snapshot")
    snapshots = StoreSnapshots(store, saved=saved, layer_from=0)
    base = snapshots.load()
    assert _saved_version(saved.path, 1) == store.data_version()
    beijing = store.get("beijing").seed
    _write(store, {**beijing, "names": {**beijing["names"], "en": "Quixotic Capital"}})
    first = snapshots.refresh()
    assert isinstance(first, Layered) and first.base is base
    store.apply([Change("retire", "east-china-sea")], "test")
    _write(store, {"id": "aa-new", "type": "place", "description": "A new place.", "names": {"en": "Quixotic Sea"}},
           action="create", file="mini.yaml")
    second = snapshots.refresh()  # one layer over the same base, with every change since it
    assert isinstance(second, Layered) and second.base is base and set(second.changes) == \
        {"beijing", "east-china-sea", "aa-new"}
    _same_answers(second, StoreSnapshots(store).load())
    compact = snapshots.compact()
    assert not isinstance(compact, Layered) and snapshots.current is compact and snapshots.compact() is None
    _same_snapshot(compact, StoreSnapshots(store).load().prepare())
    assert compact.entries["taiwan"] is base.entries["taiwan"]  # unchanged entries are reused
    assert snapshots.save_if_behind()  # as the service stops
    assert _saved_version(saved.path, store.data_version()) == store.data_version()
    # A start whose file is behind catches up as a layer (saved again as the service stops, once compacted).
    _write(store, {**store.get("beijing").seed, "description": "Written after the file."})
    again = StoreSnapshots(store, saved=saved, layer_from=0)
    caught = again.load()
    assert isinstance(caught, Layered) and again.loaded_from == "saved, caught up"
    _same_answers(caught, StoreSnapshots(store).load())
    assert not again.save_if_behind()  # a stop leaves a layer to the next start to catch up
    again.compact()
    assert again.save_if_behind() and not isinstance(again.current, Layered)
    assert _saved_version(saved.path, store.data_version()) == store.data_version()


def test_more_changes_than_a_layer_holds_are_rebuilt_by_the_master_and_awaited_by_workers(store):
    worker, master = StoreSnapshots(store, layer_from=0), StoreSnapshots(store, layer_from=0)
    base = worker.load()
    master.load()
    worker.layer_limit = master.layer_limit = 2
    for n in range(3):
        _write(store, {"id": f"aa-new-{n}", "type": "place", "description": "A new place.",
                       "names": {"en": f"Quixotic Sea {n}"}}, action="create", file="mini.yaml")
    assert worker.refresh(rebuild_large=False) is None and worker.current is base  # waits for the master's
    assert worker.refresh(rebuild_large=False) is None  # and does not read the rows again meanwhile
    rebuilt = master.refresh()
    assert not isinstance(rebuilt, Layered) and master.base_version == store.data_version()
    _same_snapshot(rebuilt.prepare(), StoreSnapshots(store).load().prepare())


@pytest.mark.parametrize("damage", ["not a snapshot", "cut short", "another store", "other code"])
def test_an_unusable_saved_snapshot_costs_a_build_not_a_start(store, tmp_path, monkeypatch, damage):
    path = tmp_path / "g.snapshot"
    SavedSnapshot(path).write(StoreSnapshots(store).load().prepare(), store.store_id(), store.data_version())
    data = path.read_bytes()
    if damage == "not a snapshot":
        path.write_bytes(b"PK\x03\x04" + data[:100])
    elif damage == "cut short":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "another store":
        path.write_bytes(data.replace(store.store_id().encode(), b"another", 1))
    else:
        monkeypatch.setattr(SavedSnapshot, "_code", staticmethod(lambda: "other code"))
    built = StoreSnapshots(store, saved=SavedSnapshot(path, from_variants=10**9)).load()  # not written again
    _same_snapshot(built, StoreSnapshots(store).load().prepare())


def _patterns(by_key) -> dict:
    return {k: [(p.entry_id, p.variant, last) for p, last in rows] for k, rows in by_key.items()}


def test_tokens_are_kept_only_as_hashes(store):
    token = store.create_token("alice", "editor")
    assert store.find_token(token) == ("alice", "editor")
    assert store.find_token(token + "x") is None and store.find_token("") is None
    with pytest.raises(StoreConflict):
        store.create_token("alice", "admin")
    assert token.encode() not in _stored_bytes(store)
    assert store.revoke_token("alice") and not store.revoke_token("alice")
    assert store.find_token(token) is None
    again = store.create_token("alice", "admin")  # a revoked name may get a new token
    assert store.find_token(again) == ("alice", "admin")


def _stored_bytes(store) -> bytes:
    """Every byte the store keeps: its files (SQLite), or a dump of its tables (PostgreSQL)."""
    if isinstance(store, SQLiteStore):
        return b"".join(f.read_bytes() for f in store.path.parent.glob(store.path.name + "*"))
    import psycopg

    out = b""
    with psycopg.connect(store.url) as conn:
        for table in ("glossary_meta", "glossary_files", "glossary_entries", "glossary_revisions", "glossary_tokens"):
            with conn.cursor().copy(f"COPY {table} TO STDOUT") as copy:
                out += b"".join(bytes(chunk) for chunk in copy)
    return out


def _where(store) -> str:
    return str(store.path) if isinstance(store, SQLiteStore) else store.url


WRITER = """
import sys
from glossary.compiled import compile_entry, to_record
from glossary.seeds import validate_entries
from glossary.store import Change, open_store
store = open_store(sys.argv[1])
n = 0
while True:
    n += 1
    seed = {"id": f"written-{n}", "type": "other", "description": f"written number {n}", "names": {"en": f"Zq {n}"}}
    entry = validate_entries("mini.yaml", [seed])[0][0]
    store.apply([Change("create", seed["id"], seed, record=to_record(entry, compile_entry(entry)),
                        file="mini.yaml")], "writer")
    print(n, flush=True)  # acknowledged: committed
"""


def test_every_acknowledged_write_survives_kill_9(store):
    proc = subprocess.Popen([sys.executable, "-c", WRITER, _where(store)], stdout=subprocess.PIPE, text=True,
                            cwd=ROOT)
    acknowledged = 0
    deadline = time.monotonic() + 120
    while acknowledged < 40 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        acknowledged = int(line)
    os.kill(proc.pid, signal.SIGKILL)  # in the middle of the stream of writes
    proc.wait()
    acknowledged = max([acknowledged] + [int(x) for x in proc.stdout.read().split()])
    assert acknowledged >= 40
    reopened = open_store(_where(store))
    assert reopened.integrity_check() == "ok"
    ids = reopened.ids()
    assert all(f"written-{n}" in ids for n in range(1, acknowledged + 1))
    snapshot = StoreSnapshots(reopened).load()
    assert snapshot.lookup(f"Zq {acknowledged}")[0].entry.id == f"written-{acknowledged}"


def test_records_carry_what_the_index_needs(mini_dir):
    from glossary.compiled import from_record

    for entry in load_glossary(mini_dir).entries.values():
        compiled = compile_entry(entry)
        again, again_compiled, place = from_record(to_record(entry, compiled, 3))
        assert (again, again_compiled, place) == (entry, compiled, (1, entry.source, 3))
        json.loads(to_record(entry, compiled))  # plain JSON


def test_concurrent_writers_each_get_their_own_version_in_commit_order(store):
    """Writers at once (threads, each with its own connections): no write lost, one data version per write,
    and a reader asking for the rows changed after version N gets exactly the writes after N."""
    import threading

    errors: list[BaseException] = []

    def writer(w: int) -> None:
        try:
            for n in range(5):
                seed = {"id": f"w{w}-{n}", "type": "other", "description": f"writer {w} number {n}",
                        "names": {"en": f"Zq {w} {n}"}}
                _write(store, seed, action="create", file="mini.yaml")
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert store.data_version() == 1 + 20
    for since in range(1, 22):
        version, rows = store.live_records(since)
        assert version == 21 and len(rows) == 21 - since, since
    ids = store.ids()
    assert all(f"w{w}-{n}" in ids for w in range(4) for n in range(5))
    positions = [store.get(f"w{w}-{n}").position for w in range(4) for n in range(5)]
    assert len(set(positions)) == 20  # each new entry its own place in its file


def test_live_records_decode_each_record_as_it_is_read(store):
    from glossary.compiled import from_record

    version, raw = store.live_records(0)
    again, decoded = store.live_records(0, decode=from_record)
    assert version == again and [i for i, _, _ in decoded] == [i for i, _, _ in raw]
    assert [d for _, _, d in decoded] == [from_record(rec) for _, _, rec in raw]
