"""Writes over the API: tokens, the curator, and store errors as HTTP problems.

Reads stay open; every write needs ``Authorization: Bearer TOKEN`` (401 without one or with a bad one,
403 when the token's role may not: only admin retires or reverts). The token is compared in constant
time against stored hashes and never logged (the access log has no headers). The author recorded in an
entry's history is the token's name.
"""

from __future__ import annotations

from dataclasses import replace
from functools import wraps

from flask import current_app, g, request
from flask_smorest import abort

from glossary.compiled import compile_entry, from_record
from glossary.curation import Curator, InvalidChange, Operation, field_diff
from glossary.seeds import validate_entries
from glossary.store import SQLiteStore, StoreConflict, StoredEntry
from service.data import holder
from service.errors import check_decoded
from service.serialize import variants_dict

ADMIN_ONLY = ("retire", "revert")
CONFLICT_STATUS = {"exists": 409, "missing": 404, "retired": 410, "stale": 412}
BEARER = {"WWW-Authenticate": 'Bearer realm="glossary"'}


def store() -> SQLiteStore:
    found = current_app.extensions.get("store")
    if found is None:
        abort(405, message="this service serves seed files read-only (start it with a store: GLOSSARY_DB)")
    return found


def requires(role: str):
    """The view needs a token of ``role`` (editor: an editor or an admin); its name goes to ``g.author``."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            authenticate(role)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def authenticate(role: str) -> str:
    the_store = store()
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        abort(401, message="writes need a token: Authorization: Bearer TOKEN", headers=BEARER)
    found = the_store.find_token(token.strip())
    if found is None:
        abort(401, message="the token is not valid (unknown or revoked)",
              headers={"WWW-Authenticate": 'Bearer realm="glossary", error="invalid_token"'})
    name, has = found
    if role == "admin" and has != "admin":
        abort(403, message=f"the token {name!r} has the role {has!r}; this needs an admin token")
    g.author, g.role = name, has
    return name


def write(operations: list[Operation]) -> list[StoredEntry]:
    """Apply the operations as ``g.author``; store and validation errors become problems (409/404/410/412/422)."""
    if g.role != "admin" and any(op.op in ADMIN_ONLY for op in operations):
        abort(403, message=f"the token {g.author!r} has the role {g.role!r}; only an admin may retire or revert")
    for op in operations:
        check_decoded(op.entry or op.patch or {}, "the entry", values_too=True)
    curator = Curator(store(), lambda: holder().current)
    try:
        return curator.apply(operations, g.author)
    except InvalidChange as exc:
        abort(422, message="the entry is not valid", errors=exc.by_field())
    except StoreConflict as exc:
        abort(CONFLICT_STATUS[exc.kind], message=str(exc))


def etag_data(entry_id: str, revision: int) -> dict:
    return {"id": entry_id, "revision": revision}


def stored_dict(stored: StoredEntry, variants: str = "all") -> dict:
    """An entry as the store holds it now (the answer to a write: the snapshot may not have it yet)."""
    entry, compiled, _ = from_record(stored.record)
    return variants_dict(entry, [v for v, _ in compiled], variants)


def revision_dict(entry_id: str, revision: int, variants: str) -> dict:
    """An entry as it was at ``revision`` (its variants compiled afresh from that revision's data)."""
    old = next((r for r in store().history(entry_id) if r.revision == revision), None)
    if old is None:
        abort(404, message=f"entry {entry_id!r} has no revision {revision}")
    entries, problems = validate_entries(store().get(entry_id).file, [old.seed])
    if problems:  # pragma: no cover - every stored revision was validated when written
        abort(500, message="a stored revision no longer loads")
    entry = replace(entries[0], revision=revision)
    return variants_dict(entry, [v for v, _ in compile_entry(entry)], variants)


def history(entry_id: str) -> dict | None:
    """Every revision of an entry, oldest first, with the fields each changed (the API's and the website's
    history); None if the store has never had the entry."""
    revisions = store().history(entry_id)
    if not revisions:
        return None
    out, before = [], None
    for r in revisions:
        after = None if r.action == "retire" else r.seed
        out.append({"revision": r.revision, "action": r.action, "author": r.author, "at": r.at,
                    "changes": field_diff(before, after) if r.action != "retire" else []})
        before = after if after is not None else before
    return {"id": entry_id, "retired": revisions[-1].action == "retire", "revisions": out}


def current_revision(entry_id: str) -> int:
    """The entry's revision in the store (the ETag a write must match), 404/410 if it has none now."""
    stored = store().get(entry_id)
    if stored is None:
        abort(404, message=f"no entry with id {entry_id!r}")
    if stored.retired:
        abort(410, message=f"entry {entry_id!r} was retired at revision {stored.revision}; its history stays")
    return stored.revision


def refresh_after_write() -> None:
    """Wake nobody: the refresher polls. In tests without a running refresher, refresh at once."""
    refresher = current_app.extensions.get("refresher")
    if refresher is not None and current_app.config.get("GLOSSARY_REFRESH_ON_WRITE"):
        refresher.refresh_now()
