"""Every worker answers from the store's newest data within about a second of a write.

Each worker process runs one :class:`Refresher` thread, off the request path: every ``POLL_SECONDS`` it
reads the store's data version (one small query); when it has moved on, it reads the rows changed since,
builds the new snapshot (reusing the unchanged entries and their matcher patterns), prepares it and
swaps it into the holder. Requests in flight keep the snapshot they pinned; nothing is dropped.

Under gunicorn's gevent worker the poller is a greenlet and the build runs in gevent's thread pool (a real
OS thread, which gevent stops when the worker exits): the interpreter switches between it and the event
loop every few milliseconds, so requests are served while it builds.

A large glossary is built whole in gunicorn's master instead (``GLOSSARY_REFRESH=master``; ``auto``, the
default, chooses it from :data:`MASTER_FROM_VARIANTS` variants). When every worker builds its own next
snapshot, each one's copy of the shared start-up snapshot is un-shared page by page (building the new one
writes the reference counts of the million objects the two share): at a million variants, two workers went
from 1.9 GB to 4.6 GB in all after one write, and the build took 15 s. So each worker takes a write as a
*layer* over the snapshot it shares (:mod:`glossary.layered`: the changed entries and the keys they touch,
built in milliseconds, the shared snapshot left untouched), and the master compacts: it builds the full
snapshot once, freezes it out of the collector and re-forks the workers (gunicorn's SIGHUP: new workers,
which share its pages, take over while the old ones finish their requests and stop). It saves the snapshot
file only as it stops: a child writing it after each compaction took as much memory again as the snapshot,
and a start that finds the file behind catches up as a layer in a second.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import os
import threading
import time

from glossary.snapshot import SnapshotHolder, StoreSnapshots

POLL_SECONDS = float(os.environ.get("GLOSSARY_POLL_SECONDS", "0.2"))
# The master compacts a layer once it holds as many entries as a layer may (StoreSnapshots.layer_limit, 2,000;
# more changes at once are rebuilt at once), and, only when GLOSSARY_COMPACT_SECONDS is set, that long after the
# first write in it. Each build takes the master seconds of one core and, while it runs, memory for a second
# snapshot: at a million variants the service went from 1.5-1.9 GB to up to 3.1-3.3 GB for about 20 s
# (bench/README.md), over the 2 GB it keeps to otherwise. A layer of 2,000 entries costs reads a little (a
# lookup a few microseconds, normalisation up to a fifth: bench/README.md), so by default the service compacts
# only at the limit, which a desk's editing reaches in weeks; a restart catches the layer up from the store.
_COMPACT = os.environ.get("GLOSSARY_COMPACT_SECONDS", "")
COMPACT_SECONDS = float(_COMPACT) if _COMPACT else None
MODES = ("auto", "workers", "master")
MASTER_FROM_VARIANTS = 250_000  # "auto" refreshes in the master from this many variants
log = logging.getLogger("glossary.refresh")


def _original(module: str, name: str, default):
    """The unpatched ``_thread``/``time`` function when gevent has monkey-patched threading, else ``default``."""
    try:
        from gevent import monkey
    except ImportError:  # pragma: no cover - gevent is a dependency
        return default
    return monkey.get_original(module, name) if monkey.is_module_patched("threading") else default


def trim_heap() -> None:
    """Give the pages the replaced snapshot freed back to the system before the workers are forked (glibc
    keeps freed heap memory for reuse; the forked workers would share it as resident pages of the master)."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # pragma: no cover - not glibc
        pass


def layer_from(setting: str) -> int | None:
    """From how many variants a snapshot takes writes as a layer (see above) under the ``GLOSSARY_REFRESH``
    setting: whenever the master refreshes."""
    return {"auto": MASTER_FROM_VARIANTS, "master": 0}.get(setting)


def refresh_mode(setting: str, variants: int) -> str:
    """"workers" or "master" for the ``GLOSSARY_REFRESH`` setting (one of :data:`MODES`) and a snapshot of
    ``variants`` variants."""
    if setting == "auto":
        return "master" if variants >= MASTER_FROM_VARIANTS else "workers"
    return setting


class Refresher:
    def __init__(self, holder: SnapshotHolder, snapshots: StoreSnapshots, mode: str = "workers"):
        self.holder = holder
        self.snapshots = snapshots
        self.mode = mode  # "workers": every process polls and builds; "master": see start_in_master
        self._pid: int | None = None
        self._master: int | None = None  # the pid of the gunicorn master that refreshes for its workers
        self._refork = None
        self._stopping = False
        self._layer_since: float | None = None  # in the master: when it first saw the current layer
        self._lock = threading.Lock()
        self.last_error: str | None = None

    def refresh_now(self) -> bool:
        """Swap in the store's newest data if it has changed; True if a new snapshot is in. In the master,
        also compact a layer when it is due (the workers serve the layer meanwhile) and re-fork the workers."""
        with self._lock:
            old = self.holder.current
            master = self._refork is not None
            snapshot = self.snapshots.refresh(rebuild_large=master)
            if snapshot is not None:
                # The master too: a worker it forks (a replacement for one that died) starts from the layer.
                self.holder.swap(snapshot)
            if master and self._compact_now():
                self.holder.swap(self.snapshots.compact())
            if master and self.holder.current is not old and self.holder.current.compact_base is self.holder.current:
                # In the master, a full snapshot (compacted, or rebuilt for more changes than a layer holds):
                # kept out of the workers' collections (each would write to every page of it), and workers
                # forked to share it.
                gc.freeze()
                trim_heap()
                self._refork()
                return True
            if snapshot is None:
                return False
            if not master and gc.get_freeze_count() and snapshot.compact_base is not old.compact_base:
                # The snapshot loaded at start-up was frozen out of the collector (create_app): once it is
                # replaced, give its objects back, or the parts no later snapshot shares would never be
                # freed. Not for a layer over it: the collector would walk (and write to) every page the
                # workers share.
                gc.unfreeze()
            return True

    def _compact_now(self) -> bool:
        """In the master: whether the current snapshot is a layer due for compaction (see COMPACT_SECONDS)."""
        current = self.snapshots.current
        if current is None or current.compact_base is current:
            self._layer_since = None
            return False
        if self._layer_since is None:
            self._layer_since = time.monotonic()
        return len(current.changes) >= self.snapshots.layer_limit or (
            COMPACT_SECONDS is not None and time.monotonic() - self._layer_since >= COMPACT_SECONDS)

    def start(self) -> None:
        """Start this process's poller (once per process: call it again after a fork). A worker whose master
        refreshes for it (:meth:`start_in_master`) polls too, and takes each write as a layer."""
        if self._pid == os.getpid():
            return
        if self._master is not None and self._master != os.getpid():
            self._refork = None  # a worker: never compacts, never forks
        self._pid = os.getpid()
        self._lock = _original("_thread", "allocate_lock", threading.Lock)()  # a fresh, unpatched lock per process
        threading.Thread(target=self._run, name="glossary-refresh", daemon=True).start()  # a greenlet under gevent

    def start_in_master(self, refork) -> None:
        """Poll and build in this process, gunicorn's master (its ``when_ready`` hook), and call ``refork``
        after each swap. No fork happens while a build runs: a child forked then would start with the
        build's locks taken and the collector paused."""
        self._master = os.getpid()
        self._refork = refork
        self.start()
        lock = self._lock
        os.register_at_fork(before=lock.acquire, after_in_parent=lock.release, after_in_child=lock.release)

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
