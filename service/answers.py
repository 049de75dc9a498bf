"""Whole answers of ``GET /v1/lookup``, remembered per glossary snapshot.

Names in news come in a long-tailed mix: a newsroom's tools ask for the same few hundred names (Xi Jinping,
Kishida, 钓鱼岛) over and over. A lookup request spent about half of the app's own work parsing its query
string through marshmallow, looking the name up and joining the answer's JSON; the same query string on the
same snapshot always gives the same bytes. So the answer is kept, keyed by the raw query string, until the
snapshot changes (a write's new snapshot starts with an empty cache: no answer can outlive its data) or the
cache is full (least recently used first, :data:`MAX_BYTES` per worker).

Only answers that were 200s are kept (a query string that failed validation is validated again each time),
and only those the view marks as depending on nothing but the snapshot (``reference=true`` answers read the
reference layer, which may still be compiling). ``GLOSSARY_ANSWER_CACHE_BYTES=0`` switches it off (the
benchmark measures both: bench/README.md).
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from functools import wraps

from flask import current_app, g, request

from service.data import holder

MAX_BYTES = 8 * 2**20  # the default of GLOSSARY_ANSWER_CACHE_BYTES: about 800 answers of every variant
CACHEABLE = "answer_cacheable"  # the view sets g.answer_cacheable = True when its answer may be kept


class AnswerCache:
    """Answer bytes by key for one snapshot at a time; least recently used out first past ``max_bytes``."""

    def __init__(self, max_bytes: int = MAX_BYTES):
        self.max_bytes = max_bytes
        self._snapshot = lambda: None  # a weak reference: the cache never keeps an old snapshot alive
        self._answers: OrderedDict[str, bytes] = OrderedDict()
        self._bytes = 0
        self.hits = self.misses = 0
        self._lock = threading.Lock()

    def get(self, snapshot, key: str) -> bytes | None:
        with self._lock:
            if self._snapshot() is not snapshot:
                self._answers.clear()
                self._bytes = 0
                self._snapshot = weakref.ref(snapshot)
            found = self._answers.get(key)
            if found is None:
                self.misses += 1
                return None
            self.hits += 1
            self._answers.move_to_end(key)
            return found

    def put(self, snapshot, key: str, body: bytes) -> None:
        with self._lock:  # (one snapshot's answer never lands in the next one's cache, whatever the worker class)
            if self._snapshot() is not snapshot or len(body) > self.max_bytes // 8 or key in self._answers:
                return
            self._answers[key] = body
            self._bytes += len(body) + len(key)
            while self._bytes > self.max_bytes:
                old_key, old = self._answers.popitem(last=False)
                self._bytes -= len(old) + len(old_key)

    def __len__(self) -> int:
        return len(self._answers)


def init_app(app, max_bytes: int = MAX_BYTES) -> None:
    app.extensions["answers"] = AnswerCache(max_bytes) if max_bytes > 0 else None


def remembered(view):
    """Answer a GET from the cache when this snapshot answered the same query string before (put it outside
    the arguments decorator, so a hit skips parsing too)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        cache = current_app.extensions.get("answers")
        if cache is None:
            return view(*args, **kwargs)
        snapshot = holder().current
        environ = request.environ
        key = f'{environ.get("PATH_INFO", "")}?{environ.get("QUERY_STRING", "")}'
        body = cache.get(snapshot, key)
        if body is not None:
            g.glossary = snapshot  # pinned, as the view would have pinned it (the answer names its version)
            return current_app.response_class(body, content_type="application/json")
        response = view(*args, **kwargs)
        if response.status_code == 200 and g.get(CACHEABLE):
            cache.put(g.glossary, key, response.get_data())  # kept only if that is still the cache's snapshot
        return response

    return wrapper
