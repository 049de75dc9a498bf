"""Every worker answers from the store's newest data within about a second of a write.

Each worker process runs one :class:`Refresher` thread, off the request path: every ``POLL_SECONDS`` it
reads the store's data version (one small query); when it has moved on, it reads the rows changed since,
builds the new snapshot (reusing the unchanged entries and their matcher patterns), prepares it and
swaps it into the holder. Requests in flight keep the snapshot they pinned; nothing is dropped.

Under gunicorn's gevent worker the poller is a greenlet and the build runs in gevent's thread pool (a real
OS thread, which gevent stops when the worker exits): the interpreter switches between it and the event
loop every few milliseconds, so requests are served while it builds.
"""

from __future__ import annotations

import gc
import logging
import os
import threading
import time

from glossary.snapshot import SnapshotHolder, StoreSnapshots

POLL_SECONDS = float(os.environ.get("GLOSSARY_POLL_SECONDS", "0.2"))
log = logging.getLogger("glossary.refresh")


def _original(module: str, name: str, default):
    """The unpatched ``_thread``/``time`` function when gevent has monkey-patched threading, else ``default``."""
    try:
        from gevent import monkey
    except ImportError:  # pragma: no cover - gevent is a dependency
        return default
    return monkey.get_original(module, name) if monkey.is_module_patched("threading") else default


class Refresher:
    def __init__(self, holder: SnapshotHolder, snapshots: StoreSnapshots):
        self.holder = holder
        self.snapshots = snapshots
        self._pid: int | None = None
        self._stopping = False
        self._lock = threading.Lock()
        self.last_error: str | None = None

    def refresh_now(self) -> bool:
        """Swap in the store's newest data if it has changed; True if a new snapshot is in."""
        with self._lock:
            snapshot = self.snapshots.refresh()
            if snapshot is None:
                return False
            self.holder.swap(snapshot)
            # The snapshot loaded at start-up was frozen out of the collector (create_app): once it is
            # replaced, give its objects back, or the parts no later snapshot shares would never be freed.
            if gc.get_freeze_count():
                gc.unfreeze()
            return True

    def start(self) -> None:
        """Start this process's poller (once per process: call it again after a fork)."""
        if self._pid == os.getpid():
            return
        self._pid = os.getpid()
        self._lock = _original("_thread", "allocate_lock", threading.Lock)()  # a fresh, unpatched lock per process
        threading.Thread(target=self._run, name="glossary-refresh", daemon=True).start()  # a greenlet under gevent

    def stop(self) -> None:
        """Ask this process's polling thread to end (gunicorn's worker_exit hook): a worker exits at once."""
        self._stopping = True

    def _run(self) -> None:
        refresh = self.refresh_now
        if _original("_thread", "allocate_lock", None) is not None:  # gevent: build in its thread pool
            from gevent import get_hub

            pool = get_hub().threadpool
            refresh = lambda: pool.apply(self.refresh_now)  # noqa: E731
        while not self._stopping:
            try:
                if refresh():
                    log.info("glossary data version %s in pid %d", self.holder.current.version, os.getpid())
                self.last_error = None
            except Exception as exc:  # the store is busy or gone for a moment: keep serving, try again
                if str(exc) != self.last_error:
                    log.warning("glossary refresh failed: %s", exc)
                self.last_error = str(exc)
            time.sleep(POLL_SECONDS)  # gevent.sleep under gevent
