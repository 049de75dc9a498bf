"""The glossary store: curated entries, every revision of each, and the API tokens, in one database.

SQLite (the standard library's ``sqlite3``) is the embedded default: ``instance/glossary.db``, or the file
``GLOSSARY_DB`` names, created from ``seeds/`` on first start (:func:`open_store`). WAL journal, full
sync, one transaction per write: a write acknowledged to a client is on disk and survives ``kill -9``.

PostgreSQL (:class:`glossary.pgstore.PostgresStore`, psycopg 3) when ``GLOSSARY_DB`` is a ``postgresql://``
URL: several service replicas on one database.

The interface a store offers (what :class:`~glossary.pgstore.PostgresStore` implements to stand in for
:class:`SQLiteStore`; everything above it, from :mod:`glossary.curation` to the HTTP API, uses only these):

=====================================  ===============================================================
``data_version() -> int``              a number that grows with every committed write (cheap: polled)
``store_id() -> str``                  a random id fixed when the store was created
``live_records(since=0, decode)``      ``(data_version, [(id, retired, record)])`` of entries changed
                                       after ``since`` (all live entries when 0); ``record`` is the JSON
                                       of :func:`glossary.compiled.to_record`, or ``decode(JSON)`` as
                                       each row is read
``get(id) -> StoredEntry | None``      the current row of one entry, retired ones too
``history(id) -> list[Revision]``      every revision of an entry, oldest first
``apply(changes, author)``             a list of :class:`Change` in ONE transaction, all or nothing;
                                       raises :class:`StoreConflict`; returns the new rows
``files()``                           seed file headers and the (lead, body) text of entries (export;
                                       ``apply(..., texts=...)`` sets them on import)
``create_token``, ``revoke_token``,    API tokens: only a SHA-256 hash of each is stored
``find_token``
=====================================  ===============================================================

Versions: each committed write takes the next data version and stamps it on the entries it touched,
so a reader at version N asks only for the rows changed after N (:class:`StoreSnapshots` does).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import os
import secrets
import sqlite3
import uuid
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (name TEXT PRIMARY KEY, header TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries (
    id TEXT PRIMARY KEY,
    file TEXT NOT NULL,
    position INTEGER NOT NULL,
    revision INTEGER NOT NULL,
    retired INTEGER NOT NULL DEFAULT 0,
    seed TEXT NOT NULL,         -- the entry as a seed file holds it (JSON): what the API takes and history diffs
    record TEXT NOT NULL,       -- the compiled entry with every variant and key (glossary.compiled)
    lead TEXT NOT NULL DEFAULT '',  -- comments and blank lines before it in its seed file
    body TEXT,                  -- its YAML as imported; NULL once changed (export writes it afresh)
    changed INTEGER NOT NULL,   -- the data version that last changed it
    created INTEGER NOT NULL    -- the data version that created it (entries are ordered by it, file, position)
);
CREATE INDEX IF NOT EXISTS entries_changed ON entries (changed);
CREATE TABLE IF NOT EXISTS revisions (
    entry_id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    action TEXT NOT NULL,       -- create, update, retire, revert, import
    author TEXT NOT NULL,
    at TEXT NOT NULL,           -- UTC, ISO 8601
    seed TEXT NOT NULL,         -- the entry as it was after this revision (JSON)
    PRIMARY KEY (entry_id, revision)
);
CREATE TABLE IF NOT EXISTS tokens (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,  -- SHA-256 of the token; the token itself is never stored
    created TEXT NOT NULL,
    revoked TEXT
);
"""

ROLES = ("editor", "admin")
TOKEN_PREFIX = "jcg_"


class StoreConflict(Exception):
    """A change that the store's current state refuses: ``kind`` is exists, missing, retired or stale."""

    def __init__(self, kind: str, entry_id: str, message: str):
        self.kind, self.entry_id = kind, entry_id
        super().__init__(message)


class StoreUnavailable(Exception):
    """The store cannot be reached (a PostgreSQL server that is down or refuses the connection)."""


@dataclass(frozen=True)
class Change:
    """One change to one entry. ``expected`` is the revision the writer saw (None: do not check)."""

    action: str  # create, update, retire, revert
    entry_id: str
    seed: dict | None = None
    record: str | None = None
    file: str | None = None  # create: the seed file it joins
    expected: int | None = None


@dataclass(frozen=True)
class StoredEntry:
    id: str
    file: str
    position: int
    revision: int
    retired: bool
    seed: dict
    record: str


@dataclass(frozen=True)
class Revision:
    entry_id: str
    revision: int
    action: str
    author: str
    at: str
    seed: dict


def now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class SQLiteStore:
    """The store in one SQLite file. A connection is opened per operation, so it is safe across threads,
    greenlets and a server's fork."""

    def __init__(self, path: Path | str):
        self.path = Path(path)

    # -- connections and transactions ---------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA busy_timeout = 30000")
        conn.execute("PRAGMA synchronous = FULL")
        return conn

    @contextmanager
    def _read(self):
        conn = self._connect()
        try:
            yield conn
        finally:
            conn.close()

    @contextmanager
    def _write(self):
        """One transaction, taken with the write lock at once (BEGIN IMMEDIATE): all or nothing."""
        conn = self._connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            conn.close()

    def exists(self) -> bool:
        if not self.path.exists():
            return False
        with self._read() as conn:
            return conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone() is not None

    def create(self, files: dict[str, str], entries: Iterable[tuple[str, int, dict, str, str, str]],
               author: str = "seeds") -> None:
        """A new store: seed file headers, and (file, position, seed, record, lead, body) for each entry."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._read() as conn:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.executescript(SCHEMA)
        stamp = now()
        with self._write() as conn:
            if conn.execute("SELECT 1 FROM meta WHERE key = 'data_version'").fetchone():
                raise StoreConflict("exists", "", f"{self.path} already holds a glossary store")
            conn.executemany("INSERT INTO files VALUES (?, ?)", files.items())
            for file, position, seed, record, lead, body in entries:
                text = _json(seed)
                conn.execute("INSERT INTO entries VALUES (?, ?, ?, 1, 0, ?, ?, ?, ?, 1, 1)",
                             (seed["id"], file, position, text, record, lead, body))
                conn.execute("INSERT INTO revisions VALUES (?, 1, 'import', ?, ?, ?)",
                             (seed["id"], author, stamp, text))
            conn.executemany("INSERT INTO meta VALUES (?, ?)",
                             [("data_version", "1"), ("store_id", uuid.uuid4().hex[:8]), ("schema", "1")])

    # -- reading -------------------------------------------------------------------------------------

    def data_version(self) -> int:
        with self._read() as conn:
            return int(conn.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()[0])

    def store_id(self) -> str:
        with self._read() as conn:
            return conn.execute("SELECT value FROM meta WHERE key = 'store_id'").fetchone()[0]

    def live_records(self, since: int = 0, decode: Callable[[str], Any] | None = None) -> tuple[int, list]:
        """(data version, [(id, retired, record)]) of the entries changed after ``since``, in one read
        transaction so that the version and the rows agree; ``since=0``: every live entry, in order
        (created, file, position). ``decode``: applied to each record as its row is read (the record text
        is then never all in memory at once: 340 MB at a million variants)."""
        with self._read() as conn:
            conn.execute("BEGIN")
            version = int(conn.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()[0])
            if since:
                rows = conn.execute("SELECT id, retired, record FROM entries WHERE changed > ?", (since,))
            else:
                rows = conn.execute("SELECT id, retired, record FROM entries WHERE retired = 0 "
                                    "ORDER BY created, file, position")
            out = [(i, bool(r), decode(rec) if decode is not None else rec) for i, r, rec in rows]
            conn.execute("COMMIT")
        return version, out

    def get(self, entry_id: str) -> StoredEntry | None:
        with self._read() as conn:
            row = conn.execute("SELECT id, file, position, revision, retired, seed, record FROM entries "
                               "WHERE id = ?", (entry_id,)).fetchone()
        return _stored(row) if row else None

    def history(self, entry_id: str) -> list[Revision]:
        with self._read() as conn:
            rows = conn.execute("SELECT entry_id, revision, action, author, at, seed FROM revisions "
                                "WHERE entry_id = ? ORDER BY revision", (entry_id,)).fetchall()
        return [Revision(*r[:5], json.loads(r[5])) for r in rows]

    def ids(self) -> dict[str, bool]:
        """Every id the store has ever had, with whether it is retired."""
        with self._read() as conn:
            return {i: bool(r) for i, r in conn.execute("SELECT id, retired FROM entries")}

    def files(self) -> tuple[dict[str, str], list[tuple[str, str, bool, dict, str, str | None]]]:
        """Seed file headers, and (file, id, retired, seed, lead, body) of every entry in file order."""
        with self._read() as conn:
            conn.execute("BEGIN")
            headers = dict(conn.execute("SELECT name, header FROM files ORDER BY name"))
            rows = conn.execute("SELECT file, id, retired, seed, lead, body FROM entries ORDER BY file, position")
            out = [(f, i, bool(r), json.loads(s), lead, body) for f, i, r, s, lead, body in rows]
            conn.execute("COMMIT")
        return headers, out

    # -- writing ------------------------------------------------------------------------------------

    def apply(self, changes: list[Change], author: str,
              texts: tuple[dict[str, str], dict[str, tuple[str, int, str, str | None]]] | None = None
              ) -> list[StoredEntry]:
        """Every change in one transaction (all or nothing); one new data version for all of them.
        ``texts``: seed file headers and each entry's (file, position, lead, body), set in the same
        transaction (import-seeds)."""
        stamp = now()
        with self._write() as conn:
            version = int(conn.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()[0]) + 1
            touched = []
            for c in changes:
                row = conn.execute("SELECT revision, retired FROM entries WHERE id = ?", (c.entry_id,)).fetchone()
                if c.action == "create":
                    if row is not None:
                        raise StoreConflict("exists", c.entry_id, f"an entry with id {c.entry_id!r} exists" + (
                            " (retired: ids are never reused)" if row[1] else ""))
                    position = conn.execute("SELECT COALESCE(MAX(position), 0) + 1 FROM entries WHERE file = ?",
                                            (c.file,)).fetchone()[0]
                    conn.execute("INSERT OR IGNORE INTO files VALUES (?, '')", (c.file,))
                    conn.execute("INSERT INTO entries VALUES (?, ?, ?, 1, 0, ?, ?, '\n', NULL, ?, ?)",
                                 (c.entry_id, c.file, position, _json(c.seed),
                                  _stamp(c.record, position=position, revision=1, source=c.file, created=version),
                                  version, version))
                    revision = 1
                else:
                    if row is None:
                        raise StoreConflict("missing", c.entry_id, f"no entry with id {c.entry_id!r}")
                    if row[1]:
                        raise StoreConflict("retired", c.entry_id, f"entry {c.entry_id!r} is retired")
                    if c.expected is not None and row[0] != c.expected:
                        raise StoreConflict("stale", c.entry_id, f"entry {c.entry_id!r} is at revision {row[0]}, "
                                                                 f"not {c.expected}: fetch it again")
                    revision = row[0] + 1
                    if c.action == "retire":
                        conn.execute("UPDATE entries SET revision = ?, retired = 1, changed = ? WHERE id = ?",
                                     (revision, version, c.entry_id))
                    else:
                        position = conn.execute("SELECT position FROM entries WHERE id = ?",
                                                (c.entry_id,)).fetchone()[0]
                        conn.execute("UPDATE entries SET revision = ?, seed = ?, record = ?, body = NULL, "
                                     "changed = ? WHERE id = ?",
                                     (revision, _json(c.seed),
                                      _stamp(c.record, position=position, revision=revision), version,
                                      c.entry_id))
                seed = c.seed if c.seed is not None else json.loads(
                    conn.execute("SELECT seed FROM entries WHERE id = ?", (c.entry_id,)).fetchone()[0])
                conn.execute("INSERT INTO revisions VALUES (?, ?, ?, ?, ?, ?)",
                             (c.entry_id, revision, c.action, author, stamp, _json(seed)))
                touched.append(c.entry_id)
            conn.execute("UPDATE meta SET value = ? WHERE key = 'data_version'", (str(version),))
            if texts is not None:
                self._set_files(conn, *texts)
            rows = [conn.execute("SELECT id, file, position, revision, retired, seed, record FROM entries "
                                 "WHERE id = ?", (i,)).fetchone() for i in touched]
        return [_stored(r) for r in rows]

    @staticmethod
    def _set_files(conn, headers: dict[str, str], texts: dict[str, tuple[str, int, str, str | None]]) -> None:
        """Seed file headers, and (file, position, lead, body) of entries (import-seeds: the reviewed text)."""
        for name, header in headers.items():
            conn.execute("INSERT INTO files VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET header = ?",
                         (name, header, header))
        for entry_id, (file, position, lead, body) in texts.items():
            record = conn.execute("SELECT record FROM entries WHERE id = ?", (entry_id,)).fetchone()
            conn.execute("UPDATE entries SET file = ?, position = ?, lead = ?, body = ?, record = ? WHERE id = ?",
                         (file, position, lead, body, _stamp(record[0], position=position, source=file), entry_id))

    # -- tokens --------------------------------------------------------------------------------------

    def create_token(self, name: str, role: str) -> str:
        """A new token for ``name`` (returned once; only its hash is kept). Raises StoreConflict if the
        name has a token that is not revoked."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self._write() as conn:
            row = conn.execute("SELECT revoked FROM tokens WHERE name = ?", (name,)).fetchone()
            if row is not None and row[0] is None:
                raise StoreConflict("exists", name, f"{name!r} has a token; revoke it first")
            conn.execute("INSERT OR REPLACE INTO tokens VALUES (?, ?, ?, ?, NULL)",
                         (name, role, token_hash(token), now()))
        return token

    def revoke_token(self, name: str) -> bool:
        with self._write() as conn:
            cur = conn.execute("UPDATE tokens SET revoked = ? WHERE name = ? AND revoked IS NULL", (now(), name))
            return cur.rowcount == 1

    def find_token(self, token: str) -> tuple[str, str] | None:
        """(name, role) of the live token ``token``: its hash compared with every live one in constant time."""
        wanted = token_hash(token)
        with self._read() as conn:
            rows = conn.execute("SELECT name, role, hash FROM tokens WHERE revoked IS NULL").fetchall()
        found = None
        for name, role, stored in rows:
            if hmac.compare_digest(stored, wanted):  # every row compared: the time does not depend on which
                found = (name, role)
        return found

    def integrity_check(self) -> str:
        with self._read() as conn:
            return conn.execute("PRAGMA integrity_check").fetchone()[0]


def _json(seed: dict) -> str:
    return json.dumps(seed, ensure_ascii=False, separators=(",", ":"))


def _stamp(record: str, **head) -> str:
    """The record with its entry's position and revision set as the store has them."""
    data = json.loads(record)
    data["entry"].update(head)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _stored(row) -> StoredEntry:
    return StoredEntry(row[0], row[1], row[2], row[3], bool(row[4]), json.loads(row[5]), row[6])


def default_path() -> Path | str:
    """``$GLOSSARY_DB`` (a file, or a ``postgresql://`` URL), else ``instance/glossary.db`` in the project
    directory."""
    env = os.environ.get("GLOSSARY_DB")
    if env and env.startswith(("postgresql://", "postgres://")):
        return env
    return Path(env) if env else Path(__file__).resolve().parent.parent / "instance" / "glossary.db"


def open_store(path: Path | str | None = None, seeds: Path | str | None = None):
    """The store at ``path`` (default: :func:`default_path`): a ``postgresql://`` URL opens a
    :class:`~glossary.pgstore.PostgresStore`, anything else names an SQLite file. Created from the seed
    files first if it does not exist yet. Raises :class:`~glossary.seeds.SeedError` when the seeds are bad."""
    from glossary.seeds import DEFAULT_SEEDS

    target = path or default_path()
    if isinstance(target, str) and target.startswith(("postgresql://", "postgres://")):
        from glossary.pgstore import PostgresStore

        store = PostgresStore(target)
        store.create_once(lambda: compile_seeds(seeds or DEFAULT_SEEDS))
        return store
    store = SQLiteStore(target)
    if not store.exists():
        store.create(*compile_seeds(seeds or DEFAULT_SEEDS))
    return store


def compile_seeds(path: Path | str) -> tuple[dict[str, str], list[tuple[str, int, dict, str, str, str]]]:
    """Validate the seed files at ``path`` (as the loader does) and compile every entry: the file headers
    and (file, position, seed, record, lead, body) rows :meth:`SQLiteStore.create` takes."""
    from glossary.compiled import compile_entry, to_record
    from glossary.seedfiles import split_file
    from glossary.seeds import load_seeds, seed_files

    seeds = load_seeds(path)
    by_id = {e.id: e for e in seeds.entries}
    headers, rows = {}, []
    for f in seed_files(path):
        header, blocks = split_file(f.read_text(encoding="utf-8"))
        headers[f.name] = header
        for position, block in enumerate(blocks, 1):
            entry = by_id[block.entry_id]
            rows.append((f.name, position, block.seed, to_record(entry, compile_entry(entry), position),
                         block.lead, block.body))
    return headers, rows
