"""gunicorn's access log, with what a request sends cut to a readable length."""

from __future__ import annotations

from gunicorn.glogging import Logger

MAX_LOGGED_CHARS = 300


def _cut(value):
    if isinstance(value, str) and len(value) > MAX_LOGGED_CHARS:
        return value[:MAX_LOGGED_CHARS] + f"…(+{len(value) - MAX_LOGGED_CHARS})"
    return value


class AccessLogger(Logger):
    """A 20 MB request line used to be written whole to the log; now every atom is cut."""

    def atoms(self, resp, req, environ, request_time):
        return {k: _cut(v) for k, v in super().atoms(resp, req, environ, request_time).items()}
