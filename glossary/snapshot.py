"""The current glossary snapshot of a process, swapped in one assignment.

A :class:`~glossary.index.Glossary` is immutable and owns everything built from its data (index, key
index, text matcher, cached entry JSON, caches). A :class:`SnapshotHolder` holds the one that serves now.
To change the data, build a new snapshot off the request path, :meth:`~glossary.index.Glossary.prepare` it, then
:meth:`SnapshotHolder.swap` it in: readers that took the old one keep it, whole, until they are done
(the service takes it once per request), and it is freed when the last of them lets go.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import pickle
import tempfile
import threading
import time
from _thread import allocate_lock
from contextlib import contextmanager
from pathlib import Path

from glossary.index import Glossary

log = logging.getLogger("glossary.snapshot")

_paused = 0  # builds running with the collector paused
_resume = False  # whether it was on when the first of them began
_paused_lock = allocate_lock()  # a real lock even where gevent patches threading later


@contextmanager
def gc_paused():
    """The cyclic garbage collector off while a snapshot is built or prepared (switched back on when the last
    build running ends). A build allocates millions of objects that all live on, no cycle among them, and
    each collection the allocations trigger walks every object made so far: at a million variants the
    collector took half of a load's time. Nothing a build makes needs it; the cycles other threads make
    meanwhile are collected once it is back on."""
    global _paused, _resume
    with _paused_lock:
        if _paused == 0:
            _resume = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _paused_lock:
            _paused -= 1
            if _paused == 0 and _resume:
                gc.enable()


class SnapshotHolder:
    def __init__(self, snapshot: Glossary):
        # The text matcher makes millions of objects at 1M variants: 118 s with the collector, 68 s without.
        with gc_paused():
            self._current = snapshot.prepare()
        self._swap_lock = threading.Lock()  # one swap at a time; readers never wait

    @property
    def current(self) -> Glossary:
        """The snapshot that serves now. Take it once and keep the reference for the whole unit of work."""
        return self._current

    def swap(self, snapshot: Glossary) -> Glossary:
        """Prepare ``snapshot`` (outside any lock readers take) and make it current; returns the old one."""
        with gc_paused():
            snapshot.prepare(previous=self._current)
        with self._swap_lock:
            old, self._current = self._current, snapshot
        return old


class SavedSnapshot:
    """A store's prepared snapshot in one file, so that a start reads it instead of building it again.

    At a million variants a start that builds spends about 20 s reading and indexing the store's records
    and 30 s on the text matcher; reading the pickled snapshot and the matcher's patterns back and building
    the automata takes about 16 s (bench/README.md). The file says which store, data version and code it was made
    from: a file of another store or of other code is ignored (and rewritten), one of an older data version
    is caught up with the rows changed since, as a refresh is. Written whole to a temporary file and
    renamed, so a reader never sees half of one; a broken file is logged and ignored. It is a pickle, read
    only from where the service's settings put it and written readable by its owner alone: treat it as the
    store beside it (whoever can write either can change what the service says).

    ``from_variants``: write it only for a snapshot of at least this many variants (a small glossary
    builds in a second or two; its file would only be one more thing to go stale).
    """

    MAGIC = b"jcglossary-snapshot 1\n"

    def __init__(self, path: Path | str, from_variants: int = 0):
        self.path = Path(path)
        self.from_variants = from_variants
        self.writer: int | None = None  # the pid of the child writing it aside, if one was started

    @staticmethod
    def _code() -> str:
        from glossary.cache import code_digest

        return code_digest().hexdigest()[:24]

    def read(self, store_id: str) -> tuple[Glossary, int] | None:
        """(the prepared snapshot, its data version), or None when there is no usable file."""
        try:
            with open(self.path, "rb") as fh:
                if fh.readline() != self.MAGIC:
                    raise ValueError("not a saved snapshot")
                head = json.loads(fh.readline())
                if head.get("store") != store_id or head.get("code") != self._code():
                    log.info("%s: saved from another store or other code; building afresh", self.path)
                    return None
                glossary, plain = pickle.load(fh)
        except FileNotFoundError:
            return None
        except Exception as exc:  # a broken or truncated file costs a build, never a start
            log.warning("%s: unreadable (%s); building afresh", self.path, exc)
            return None
        from glossary.normalize import parts_from_plain

        glossary.matcher(parts=parts_from_plain(glossary, plain))
        return glossary, int(head["version"])

    def write(self, glossary: Glossary, store_id: str, version: int) -> None:
        """Save the prepared ``glossary`` (data version ``version`` of store ``store_id``)."""
        from glossary.normalize import plain_parts

        head = {"store": store_id, "version": version, "code": self._code(), "variants": glossary.variant_count}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=self.path.parent, prefix=self.path.name + ".",
                                         suffix=".tmp", delete=False) as tmp:
            try:
                tmp.write(self.MAGIC + json.dumps(head).encode() + b"\n")
                plain = plain_parts(glossary, glossary.matcher().parts)
                pickle.dump((glossary, plain), tmp, protocol=pickle.HIGHEST_PROTOCOL)
                tmp.flush()
                os.fsync(tmp.fileno())
            except BaseException:
                os.unlink(tmp.name)
                raise
        os.replace(tmp.name, self.path)

    def write_aside(self, glossary: Glossary, store_id: str, version: int) -> int | None:
        """Write the file from a forked child process, so that the start does not wait for it (pickling a
        million variants takes about 15 s). The child shares the parent's pages and copies those it touches:
        for those seconds it can take as much memory again as the snapshot. Returns its pid (None if the
        file is not wanted for a snapshot this small, or where there is no fork)."""
        if glossary.variant_count < self.from_variants or not hasattr(os, "fork"):
            return None
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child (the tests read the file it writes)
            status = 1
            try:
                self.write(glossary, store_id, version)
                status = 0
            except BaseException as exc:
                log.warning("%s: not saved (%s)", self.path, exc)
            finally:
                os._exit(status)
        threading.Thread(target=_reap, args=(pid,), daemon=True, name="saved-snapshot").start()
        self.writer = pid
        return pid

    def wait_for_writer(self, timeout: float = 120) -> None:
        """Wait until the child writing the file aside has finished (a stopping service: the child would
        go on alone and the next start read the older file meanwhile)."""
        deadline = time.monotonic() + timeout
        while self.writer is not None and time.monotonic() < deadline:
            try:
                os.kill(self.writer, 0)
            except ProcessLookupError:
                self.writer = None
                return
            time.sleep(0.1)


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:  # reaped already (gunicorn's master reaps every child it sees end)
        pass


class StoreSnapshots:
    """Snapshots of a store: a full load once, then, at each new data version, only the entries changed since.

    A refresh builds the next snapshot from the current one (:meth:`Glossary.updated`): unchanged entries
    stay the same objects with the same index rows, so the new snapshot's text matcher redoes only the
    changed entries too. A refreshed snapshot is the one a full load of the same data would give (entries
    in the store's order: created, file, position). The version a snapshot reports is
    ``<store id>-<data version>``. With ``layer_from``, a large snapshot is not rebuilt at each refresh: the
    rows changed since it become a layer over it (:meth:`Glossary.layered`), until :meth:`compact`.
    """

    def __init__(self, store, saved: SavedSnapshot | None = None, layer_from: int | None = None):
        self.store = store
        # A snapshot whose base has this many variants or more takes writes as a layer over it
        # (:mod:`glossary.layered`; None: never): a refresh then costs milliseconds, and :meth:`compact`
        # builds the full snapshot once, where it does no harm (gunicorn's master, service/refresh.py).
        self.layer_from = layer_from
        self.layer_limit = 2_000  # at most this many entries in a layer (see refresh)
        self.base_version = 0  # the data version of the current snapshot's compact base
        self.store_id = store.store_id()
        self.saved = saved  # the file a start reads the prepared snapshot from, and writes it to
        self.saved_version = 0  # the data version the file holds, as far as this process knows
        self.loaded_from = ""  # how load() got its snapshot: "built", "saved", "saved, caught up"
        self.version = 0
        self.current: Glossary | None = None
        self._lock = threading.Lock()

    def load(self) -> Glossary:
        """The store's newest snapshot: read from the saved file (and caught up with the rows changed since
        it was written) when there is one, else built from every row; then, if the file was missing or
        behind, it is written again aside (:meth:`SavedSnapshot.write_aside`). Prepared when ``saved``."""
        with self._lock, gc_paused():
            got = self.saved.read(self.store_id) if self.saved is not None else None
            if got is not None:
                self.current, self.version = got
                self.saved_version = self.base_version = self.version
                behind = self._caught_up() is not None
                if behind:
                    self.current.prepare(previous=got[0])
                    if self.current.compact_base is not self.current:
                        behind = False  # a layer: the file is written again as the service stops
                self.loaded_from = "saved, caught up" if self.version != self.saved_version else "saved"
            else:
                self.loaded_from = "built"
                self.current = self._full()
                behind = self.saved is not None
                if behind:
                    self.current.prepare()
            if behind and self.saved.write_aside(self.current, self.store_id, self.version) is not None:
                self.saved_version = self.version
            return self.current

    def compact(self) -> Glossary | None:
        """The current snapshot built whole if it is a layer (else None): the full build a layer saved each
        refresh, done once (seconds at a million variants), by the process that can afford it."""
        with self._lock, gc_paused():
            current = self.current
            if current is None or current.compact_base is current:
                return None
            self.current = current.updated({}, version=current.version).prepare(previous=current)
            self.base_version = self.version
            return self.current

    def save_if_behind(self) -> bool:
        """Write the saved snapshot now if the current one is newer (gunicorn's master calls this as it stops,
        once its workers are gone, when it is the one that refreshes: the next start then reads the newest
        data and catches nothing up), after any child writing it aside has finished. Not a layer: the next
        start catches it up in a second, where compacting it here would hold the stop. True if written."""
        if self.saved is not None:
            self.saved.wait_for_writer()
        with self._lock, gc_paused():
            if self.saved is None or self.current is None or self.version == self.saved_version or \
                    self.current.variant_count < self.saved.from_variants or \
                    self.current.compact_base is not self.current:
                return False
            self.saved.write(self.current.prepare(), self.store_id, self.version)
            self.saved_version = self.version
            return True

    def _full(self) -> Glossary:
        from glossary.compiled import from_record

        version, rows = self.store.live_records(0, decode=from_record)
        entries, compiled = [], {}
        for _id, _retired, (entry, variants, _place) in rows:
            entries.append(entry)
            compiled[entry.id] = variants
        del rows
        self.version = self.base_version = version
        return Glossary(entries, version=f"{self.store_id}-{version}", compiled=compiled)

    def refresh(self, rebuild_large: bool = True) -> Glossary | None:
        """A new snapshot if the store has moved on since the last one, else None. ``rebuild_large``: what to
        do when the rows changed since the base are more than a layer should hold (:attr:`layer_limit`):
        rebuild (gunicorn's master), or keep the current snapshot until one rebuilt comes (its workers: each
        layer costs every read a little per entry, and building a huge one in every worker would cost more
        than the master's one rebuild)."""
        with self._lock:
            # The poll itself (every few tenths of a second, and slow when the store is) runs with the
            # collector on: only a build pauses it.
            if self.current is None or self.store.data_version() == self.version:
                return None
            with gc_paused():
                return self._caught_up(rebuild_large)

    def _caught_up(self, rebuild_large: bool = True) -> Glossary | None:
        """The current snapshot updated with the rows changed since its version (None if none changed): a
        new layer over the same base (with every row changed since the base) when the base is large enough
        and the rows are at most :attr:`layer_limit`, else rebuilt with the changed rows (or, without
        ``rebuild_large``, None: see :meth:`refresh`)."""
        from glossary.compiled import from_record

        base = self.current.compact_base
        layer = self.layer_from is not None and base.variant_count >= self.layer_from
        version, rows = self.store.live_records(self.base_version if layer else self.version, decode=from_record)
        if version == self.version:
            return None
        changed = []
        for entry_id, retired, decoded in rows:
            if retired:
                changed.append(((0, "", 0), entry_id, None))
            else:
                entry, variants, place = decoded
                changed.append((place, entry_id, (entry, variants)))
        changed.sort(key=lambda row: row[0])  # new entries go last, in the store's order
        changes = {entry_id: change for _place, entry_id, change in changed}
        if layer and len(changes) > self.layer_limit and not rebuild_large:
            self.version = version  # not read again at each poll; the master's rebuild brings them
            return None
        self.version = version
        if layer and len(changes) <= self.layer_limit:
            self.current = base.layered(changes, version=f"{self.store_id}-{version}")
        else:  # (the rows since the base when it layers: every change since it)
            self.current = (base if layer else self.current).updated(changes, version=f"{self.store_id}-{version}")
            self.base_version = version
        return self.current
