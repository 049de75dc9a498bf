"""The glossary snapshot a request answers from.

Views read the glossary only through :func:`glossary`: the first call in a request takes the holder's
current snapshot and pins it in ``flask.g`` (as the Flask tutorial's ``get_db`` pins a connection);
every later call in the same request returns that same snapshot, so a swap in mid-request can never
mix two versions of the data. The answer's ``X-Data-Version`` header names the version it came from (set
by the app's response hook, service/__init__.py).
"""

from __future__ import annotations

from flask import Flask, current_app, g

from glossary.index import Glossary
from glossary.snapshot import SnapshotHolder

VERSION_HEADER = "X-Data-Version"


def holder() -> SnapshotHolder:
    return current_app.extensions["snapshots"]


def glossary() -> Glossary:
    """The snapshot pinned for this request (taken from the holder on first use)."""
    ctx = g._get_current_object()
    snapshot = ctx.get("glossary")
    if snapshot is None:
        snapshot = ctx.glossary = holder().current
    return snapshot


def data_version() -> str:
    return glossary().version


def init_app(app: Flask, snapshots: SnapshotHolder) -> None:
    app.extensions["snapshots"] = snapshots

