"""The current glossary snapshot of a process, swapped in one assignment.

A :class:`~glossary.index.Glossary` is immutable and owns everything built from its data (index, key
index, text matcher, cached entry JSON, caches). A :class:`SnapshotHolder` holds the one that serves now.
To change the data, build a new snapshot off the request path, :meth:`~glossary.index.Glossary.prepare` it, then
:meth:`SnapshotHolder.swap` it in: readers that took the old one keep it, whole, until they are done
(the service takes it once per request), and it is freed when the last of them lets go.
"""

from __future__ import annotations

import gc
import threading
from _thread import allocate_lock
from contextlib import contextmanager

from glossary.index import Glossary

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


class StoreSnapshots:
    """Snapshots of a store: a full load once, then, at each new data version, only the entries changed since.

    A refresh builds the next snapshot from the current one (:meth:`Glossary.updated`): unchanged entries
    stay the same objects with the same index rows, so the new snapshot's text matcher redoes only the
    changed entries too. A refreshed snapshot is the one a full load of the same data would give (entries
    in the store's order: created, file, position). The version a snapshot reports is
    ``<store id>-<data version>``.
    """

    def __init__(self, store):
        self.store = store
        self.store_id = store.store_id()
        self.version = 0
        self.current: Glossary | None = None
        self._lock = threading.Lock()

    def load(self) -> Glossary:
        from glossary.compiled import from_record

        with self._lock, gc_paused():
            version, rows = self.store.live_records(0, decode=from_record)
            entries, compiled = [], {}
            for _id, _retired, (entry, variants, _place) in rows:
                entries.append(entry)
                compiled[entry.id] = variants
            del rows
            self.version = version
            self.current = Glossary(entries, version=f"{self.store_id}-{version}", compiled=compiled)
            return self.current

    def refresh(self) -> Glossary | None:
        """A new snapshot if the store has moved on since the last one, else None."""
        from glossary.compiled import from_record

        with self._lock:
            # The poll itself (every few tenths of a second, and slow when the store is) runs with the
            # collector on: only a build pauses it.
            if self.current is None or self.store.data_version() == self.version:
                return None
            with gc_paused():
                version, rows = self.store.live_records(self.version, decode=from_record)
                changed = []
                for entry_id, retired, decoded in rows:
                    if retired:
                        changed.append(((0, "", 0), entry_id, None))
                    else:
                        entry, variants, place = decoded
                        changed.append((place, entry_id, (entry, variants)))
                changed.sort(key=lambda row: row[0])  # new entries go last, in the store's order
                self.version = version
                self.current = self.current.updated({entry_id: change for _place, entry_id, change in changed},
                                                    version=f"{self.store_id}-{version}")
                return self.current
