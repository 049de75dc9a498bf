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
        snapshot.prepare()
        with self._swap_lock:
            old, self._current = self._current, snapshot
        return old
