"""The current glossary snapshot of a process, swapped in one assignment.

A :class:`~glossary.index.Glossary` is immutable and owns everything built from its data (index, text
matcher, suggest keys, caches). A :class:`SnapshotHolder` holds the one that serves now. To change the
data, build a new snapshot off the request path, :meth:`~glossary.index.Glossary.prepare` it, then
:meth:`SnapshotHolder.swap` it in: readers that took the old one keep it, whole, until they are done
(the service takes it once per request), and it is freed when the last of them lets go.
"""

from __future__ import annotations

import threading

from glossary.index import Glossary


class SnapshotHolder:
    def __init__(self, snapshot: Glossary):
        self._current = snapshot.prepare()
        self._swap_lock = threading.Lock()  # one swap at a time; readers never wait

    @property
    def current(self) -> Glossary:
        """The snapshot that serves now. Take it once and keep the reference for the whole unit of work."""
        return self._current

    def swap(self, snapshot: Glossary) -> Glossary:
        """Prepare ``snapshot`` (outside any lock readers take) and make it current; returns the old one."""
        snapshot.prepare(previous=self._current)
        with self._swap_lock:
            old, self._current = self._current, snapshot
        return old


class StoreSnapshots:
    """Snapshots of a store: a full load once, then, at each new data version, only the entries changed since.

    A refresh keeps every unchanged entry (the same objects), so the new snapshot's text matcher reuses
    the old one's work for them. The version a snapshot reports is ``<store id>-<data version>``.
    """

    def __init__(self, store):
        self.store = store
        self.store_id = store.store_id()
        self.version = 0
        self._rows: dict[str, tuple[tuple[str, int], object, list]] = {}
        self._lock = threading.Lock()

    def load(self) -> Glossary:
        with self._lock:
            version, rows = self.store.live_records(0)
            self._rows = {}
            self._take(rows)
            return self._build(version)

    def refresh(self) -> Glossary | None:
        """A new snapshot if the store has moved on since the last one, else None."""
        with self._lock:
            if self.store.data_version() == self.version:
                return None
            version, rows = self.store.live_records(self.version)
            self._take(rows)
            return self._build(version)

    def _take(self, rows) -> None:
        from glossary.compiled import from_record

        for entry_id, retired, record in rows:
            if retired:
                self._rows.pop(entry_id, None)
            else:
                entry, compiled, position = from_record(record)
                self._rows[entry_id] = ((entry.source or "", position), entry, compiled)

    def _build(self, version: int) -> Glossary:
        self.version = version
        ordered = sorted(self._rows.values(), key=lambda row: row[0])
        return Glossary([row[1] for row in ordered], version=f"{self.store_id}-{version}",
                        compiled={row[1].id: row[2] for row in ordered})
