"""The glossary store in PostgreSQL (psycopg 3): the same interface as :class:`~glossary.store.SQLiteStore`,
for several service replicas on one database.

Chosen by ``GLOSSARY_DB=postgresql://user:password@host:port/dbname`` (:func:`glossary.store.open_store`); the
first start creates the tables and fills them from ``seeds/``, as the SQLite store does (two replicas starting
at once: one creates, the other waits for it and uses what it made).

Every replica polls :meth:`PostgresStore.data_version` (service/refresh.py) and reads only the rows changed
since its snapshot, exactly as with SQLite: a write through any replica reaches every replica's index
within the polling interval. Writes take the ``data_version`` row's lock (``SELECT ... FOR UPDATE``) first,
so they commit one after another with versions in commit order, and a reader that has seen version N has
seen every row stamped N or below. Reads that need the version and the rows to agree run in one REPEATABLE
READ transaction.

A connection is opened per operation, like the SQLite store: nothing to share across a server's fork, and
reads are off the request path (each replica serves from its in-memory snapshot). The one exception is the
poll: :meth:`PostgresStore.data_version` is asked five times a second by every worker, and a new connection
costs a server process (about 11 ms here), so the poll keeps one connection per process, opened after the
fork, and opens a new one if the server dropped it.
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
import uuid
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from typing import Any

from glossary.store import (
    ROLES,
    TOKEN_PREFIX,
    Change,
    Revision,
    StoreConflict,
    StoredEntry,
    StoreUnavailable,
    _json,
    _stamp,
    _stored,
    now,
    token_hash,
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS glossary_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS glossary_files (name TEXT PRIMARY KEY, header TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS glossary_entries (
    id TEXT PRIMARY KEY,
    file TEXT NOT NULL,
    position INTEGER NOT NULL,
    revision INTEGER NOT NULL,
    retired BOOLEAN NOT NULL DEFAULT FALSE,
    seed TEXT NOT NULL,
    record TEXT NOT NULL,
    lead TEXT NOT NULL DEFAULT '',
    body TEXT,
    changed BIGINT NOT NULL,
    created BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS glossary_entries_changed ON glossary_entries (changed);
CREATE TABLE IF NOT EXISTS glossary_revisions (
    entry_id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    action TEXT NOT NULL,
    author TEXT NOT NULL,
    at TEXT NOT NULL,
    seed TEXT NOT NULL,
    PRIMARY KEY (entry_id, revision)
);
CREATE TABLE IF NOT EXISTS glossary_tokens (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    created TEXT NOT NULL,
    revoked TEXT
);
"""
# The tables carry a prefix: the store can share a database (and its default schema) with other things.
# Columns as in glossary.store.SCHEMA, whose comments say what each holds.

_ENTRY = "SELECT id, file, position, revision, retired, seed, record FROM glossary_entries WHERE id = %s"
# A fixed key for the advisory lock that makes creating the store from seeds happen once.
_CREATE_LOCK = 0x6A6367  # "jcg"


def is_url(target) -> bool:
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


class PostgresStore:
    """The store in one PostgreSQL database (``url``: a libpq connection URI)."""

    def __init__(self, url: str):
        import psycopg  # imported here: the SQLite store does not need the driver installed

        self._psycopg = psycopg
        self.url = url
        self._poll: tuple[int, object] | None = None  # (pid, connection) for data_version

    def __repr__(self) -> str:
        return f"PostgresStore({_redacted(self.url)!r})"

    # -- connections and transactions ---------------------------------------------------------------

    def _connect(self):
        try:
            # client_encoding: a database created SQL_ASCII (initdb in the C locale does that) would give text
            # back as bytes (the store id read "b'1f0c…'") and take CJK names as opaque bytes; asking for UTF-8
            # makes it hand back what was written, as a UTF-8 database does.
            return self._psycopg.connect(self.url, autocommit=True, connect_timeout=10,
                                         application_name="jcglossary", client_encoding="utf8")
        except self._psycopg.OperationalError as exc:
            reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
            raise StoreUnavailable(f"cannot reach the store at {_redacted(self.url)}: {reason}") from None

    @contextmanager
    def _read(self, consistent: bool = False):
        """A connection; ``consistent``: one REPEATABLE READ read-only transaction (one view of the data)."""
        with self._connect() as conn:
            if not consistent:
                yield conn
                return
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                yield conn
            finally:
                conn.execute("COMMIT")

    @contextmanager
    def _write(self):
        """One transaction, all or nothing; the caller takes the locks it needs."""
        with self._connect() as conn:
            conn.execute("BEGIN")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def exists(self) -> bool:
        with self._read() as conn:
            if conn.execute("SELECT to_regclass('glossary_meta')").fetchone()[0] is None:
                return False
            return conn.execute("SELECT 1 FROM glossary_meta WHERE key = 'data_version'").fetchone() is not None

    def create(self, files: dict[str, str], entries: Iterable[tuple[str, int, dict, str, str, str]],
               author: str = "seeds") -> None:
        """A new store: seed file headers, and (file, position, seed, record, lead, body) for each entry."""
        stamp = now()
        with self._write() as conn:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_CREATE_LOCK,))
            conn.execute(SCHEMA)
            if conn.execute("SELECT 1 FROM glossary_meta WHERE key = 'data_version'").fetchone():
                raise StoreConflict("exists", "", f"{_redacted(self.url)} already holds a glossary store")
            with conn.cursor() as cur:
                cur.executemany("INSERT INTO glossary_files VALUES (%s, %s)", list(files.items()))
                rows, revisions = [], []
                for file, position, seed, record, lead, body in entries:
                    text = _json(seed)
                    rows.append((seed["id"], file, position, text, record, lead, body))
                    revisions.append((seed["id"], author, stamp, text))
                cur.executemany("INSERT INTO glossary_entries VALUES (%s, %s, %s, 1, FALSE, %s, %s, %s, %s, 1, 1)",
                                rows)
                cur.executemany("INSERT INTO glossary_revisions VALUES (%s, 1, 'import', %s, %s, %s)", revisions)
                cur.executemany("INSERT INTO glossary_meta VALUES (%s, %s)",
                                [("data_version", "1"), ("store_id", uuid.uuid4().hex[:8]), ("schema", "1")])

    def create_once(self, compile_rows) -> None:
        """Create the store from ``compile_rows()`` unless it exists or another replica creates it meanwhile
        (that one's work is kept; this one waits for it on the advisory lock)."""
        if self.exists():
            return
        rows = compile_rows()
        try:
            self.create(*rows)
        except StoreConflict:
            pass  # another replica created it between our check and our lock

    # -- reading -------------------------------------------------------------------------------------

    def data_version(self) -> int:
        """The data version, on this process's polling connection (a new one after a fork or a dropped one)."""
        for attempt in (1, 2):
            poll = self._poll
            if poll is None or poll[0] != os.getpid() or poll[1].closed:
                poll = self._poll = (os.getpid(), self._connect())
            try:
                return int(poll[1].execute("SELECT value FROM glossary_meta WHERE key = 'data_version'")
                           .fetchone()[0])
            except self._psycopg.OperationalError:
                self._poll = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def store_id(self) -> str:
        with self._read() as conn:
            return conn.execute("SELECT value FROM glossary_meta WHERE key = 'store_id'").fetchone()[0]

    def live_records(self, since: int = 0, decode: Callable[[str], Any] | None = None) -> tuple[int, list]:
        """(data version, [(id, retired, record)]) of the entries changed after ``since`` (every live entry,
        in order (created, file, position), when 0), the version and the rows from one view of the data.
        ``decode``: applied to each record as its row is read (the record text is then never all in memory
        at once)."""
        with self._read(consistent=True) as conn:
            version = int(conn.execute("SELECT value FROM glossary_meta WHERE key = 'data_version'").fetchone()[0])
            if since:
                rows = conn.execute("SELECT id, retired, record FROM glossary_entries WHERE changed > %s",
                                    (since,))
            else:
                rows = conn.execute("SELECT id, retired, record FROM glossary_entries WHERE NOT retired "
                                    "ORDER BY created, file COLLATE \"C\", position")
            out = [(i, bool(r), decode(rec) if decode is not None else rec) for i, r, rec in rows]
        return version, out

    def get(self, entry_id: str) -> StoredEntry | None:
        with self._read() as conn:
            row = conn.execute(_ENTRY, (entry_id,)).fetchone()
        return _stored(row) if row else None

    def history(self, entry_id: str) -> list[Revision]:
        with self._read() as conn:
            rows = conn.execute("SELECT entry_id, revision, action, author, at, seed FROM glossary_revisions "
                                "WHERE entry_id = %s ORDER BY revision", (entry_id,)).fetchall()
        return [Revision(*r[:5], json.loads(r[5])) for r in rows]

    def ids(self) -> dict[str, bool]:
        """Every id the store has ever had, with whether it is retired."""
        with self._read() as conn:
            return {i: bool(r) for i, r in conn.execute("SELECT id, retired FROM glossary_entries")}

    def files(self) -> tuple[dict[str, str], list[tuple[str, str, bool, dict, str, str | None]]]:
        """Seed file headers, and (file, id, retired, seed, lead, body) of every entry in file order."""
        with self._read(consistent=True) as conn:
            headers = dict(conn.execute('SELECT name, header FROM glossary_files ORDER BY name COLLATE "C"'))
            rows = conn.execute('SELECT file, id, retired, seed, lead, body FROM glossary_entries '
                                'ORDER BY file COLLATE "C", position').fetchall()
        return headers, [(f, i, bool(r), json.loads(s), lead, body) for f, i, r, s, lead, body in rows]

    # -- writing ------------------------------------------------------------------------------------

    def apply(self, changes: list[Change], author: str,
              texts: tuple[dict[str, str], dict[str, tuple[str, int, str, str | None]]] | None = None
              ) -> list[StoredEntry]:
        """Every change in one transaction (all or nothing); one new data version for all of them.
        ``texts``: seed file headers and each entry's (file, position, lead, body), set in the same
        transaction (import-seeds)."""
        stamp = now()
        with self._write() as conn:
            # The version row's lock: one writer at a time, versions committed in order.
            version = int(conn.execute("SELECT value FROM glossary_meta WHERE key = 'data_version' FOR UPDATE")
                          .fetchone()[0]) + 1
            touched = []
            for c in changes:
                row = conn.execute("SELECT revision, retired FROM glossary_entries WHERE id = %s",
                                   (c.entry_id,)).fetchone()
                if c.action == "create":
                    if row is not None:
                        raise StoreConflict("exists", c.entry_id, f"an entry with id {c.entry_id!r} exists" + (
                            " (retired: ids are never reused)" if row[1] else ""))
                    position = conn.execute("SELECT COALESCE(MAX(position), 0) + 1 FROM glossary_entries "
                                            "WHERE file = %s", (c.file,)).fetchone()[0]
                    conn.execute("INSERT INTO glossary_files VALUES (%s, '') ON CONFLICT (name) DO NOTHING",
                                 (c.file,))
                    conn.execute("INSERT INTO glossary_entries VALUES (%s, %s, %s, 1, FALSE, %s, %s, E'\\n', NULL, "
                                 "%s, %s)",
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
                        conn.execute("UPDATE glossary_entries SET revision = %s, retired = TRUE, changed = %s "
                                     "WHERE id = %s", (revision, version, c.entry_id))
                    else:
                        position = conn.execute("SELECT position FROM glossary_entries WHERE id = %s",
                                                (c.entry_id,)).fetchone()[0]
                        conn.execute("UPDATE glossary_entries SET revision = %s, seed = %s, record = %s, "
                                     "body = NULL, changed = %s WHERE id = %s",
                                     (revision, _json(c.seed),
                                      _stamp(c.record, position=position, revision=revision), version,
                                      c.entry_id))
                seed = c.seed if c.seed is not None else json.loads(
                    conn.execute("SELECT seed FROM glossary_entries WHERE id = %s", (c.entry_id,)).fetchone()[0])
                conn.execute("INSERT INTO glossary_revisions VALUES (%s, %s, %s, %s, %s, %s)",
                             (c.entry_id, revision, c.action, author, stamp, _json(seed)))
                touched.append(c.entry_id)
            conn.execute("UPDATE glossary_meta SET value = %s WHERE key = 'data_version'", (str(version),))
            if texts is not None:
                self._set_files(conn, *texts)
            rows = [conn.execute(_ENTRY, (i,)).fetchone() for i in touched]
        return [_stored(r) for r in rows]

    @staticmethod
    def _set_files(conn, headers: dict[str, str], texts: dict[str, tuple[str, int, str, str | None]]) -> None:
        for name, header in headers.items():
            conn.execute("INSERT INTO glossary_files VALUES (%s, %s) ON CONFLICT (name) DO UPDATE SET header = %s",
                         (name, header, header))
        for entry_id, (file, position, lead, body) in texts.items():
            record = conn.execute("SELECT record FROM glossary_entries WHERE id = %s", (entry_id,)).fetchone()
            conn.execute("UPDATE glossary_entries SET file = %s, position = %s, lead = %s, body = %s, record = %s "
                         "WHERE id = %s",
                         (file, position, lead, body, _stamp(record[0], position=position, source=file), entry_id))

    # -- tokens --------------------------------------------------------------------------------------

    def create_token(self, name: str, role: str) -> str:
        """A new token for ``name`` (returned once; only its hash is kept). Raises StoreConflict if the
        name has a token that is not revoked."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self._write() as conn:
            conn.execute("LOCK TABLE glossary_tokens IN SHARE ROW EXCLUSIVE MODE")  # one token writer at a time
            row = conn.execute("SELECT revoked FROM glossary_tokens WHERE name = %s", (name,)).fetchone()
            if row is not None and row[0] is None:
                raise StoreConflict("exists", name, f"{name!r} has a token; revoke it first")
            conn.execute("INSERT INTO glossary_tokens VALUES (%s, %s, %s, %s, NULL) ON CONFLICT (name) DO UPDATE "
                         "SET role = EXCLUDED.role, hash = EXCLUDED.hash, created = EXCLUDED.created, revoked = NULL",
                         (name, role, token_hash(token), now()))
        return token

    def revoke_token(self, name: str) -> bool:
        with self._write() as conn:
            cur = conn.execute("UPDATE glossary_tokens SET revoked = %s WHERE name = %s AND revoked IS NULL",
                               (now(), name))
            return cur.rowcount == 1

    def find_token(self, token: str) -> tuple[str, str] | None:
        """(name, role) of the live token ``token``: its hash compared with every live one in constant time."""
        wanted = token_hash(token)
        with self._read() as conn:
            rows = conn.execute("SELECT name, role, hash FROM glossary_tokens WHERE revoked IS NULL").fetchall()
        found = None
        for name, role, stored in rows:
            if hmac.compare_digest(stored, wanted):
                found = (name, role)
        return found

    def integrity_check(self) -> str:
        """"ok" when every entry has its revisions and the version covers every stamp (PostgreSQL keeps
        its own pages consistent; this checks the store's own invariants)."""
        with self._read(consistent=True) as conn:
            version = int(conn.execute("SELECT value FROM glossary_meta WHERE key = 'data_version'").fetchone()[0])
            bad = conn.execute(
                "SELECT count(*) FROM glossary_entries e WHERE e.changed > %s OR e.revision <> "
                "(SELECT max(revision) FROM glossary_revisions r WHERE r.entry_id = e.id)", (version,)).fetchone()[0]
        return "ok" if bad == 0 else f"{bad} entries disagree with their revisions or the data version"


def _redacted(url: str) -> str:
    """The URL without its password (for messages and logs)."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))
