"""A deadline for every request: work that runs past it stops and answers 503 (problem details).

The server cannot interrupt a running request (no worker class can stop Python code safely), so the
views check the deadline between units of work: each query of a batch, each text, each reconciliation
query. Each unit is bounded by the input limits, so a request stops at most one unit past its deadline
instead of running on for a client that has long gone.
"""

from __future__ import annotations

import time

from flask import current_app, g

from service.errors import DeadlineExceeded


def start_deadline(request_globals, config) -> None:
    """Start the request's clock (the app's request hook: ``flask.g`` and the app's config, passed in)."""
    request_globals.deadline = time.monotonic() + config["MAX_REQUEST_MS"] / 1000


def check_deadline() -> None:
    deadline = g.get("deadline")
    if deadline is not None and time.monotonic() > deadline:
        ms = current_app.config["MAX_REQUEST_MS"]
        raise DeadlineExceeded(f"the request took longer than its deadline of {ms} ms and was stopped; send "
                               "less work per request (configure GLOSSARY_MAX_REQUEST_MS)")
