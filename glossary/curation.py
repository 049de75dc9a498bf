"""Changing the glossary while it serves: validate a change against a snapshot, compile it, store it.

:func:`validate_change` is the one validation of an entry, whoever writes it: the seed loader (its schema
and reference checks are the same functions), ``make check`` (its per-entry checks are the same
functions) and every write through the API. :class:`Curator` turns the API's operations (create,
replace, merge-patch, retire, revert, a batch of them) into store changes, all or nothing.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from glossary.checks import ENTRY_CHECKS
from glossary.compiled import Compiled, compile_entry, to_record
from glossary.index import Glossary
from glossary.model import Entry
from glossary.seeds import Problem, reference_problems, validate_entries
from glossary.store import Change, SQLiteStore, StoreConflict, StoredEntry

WRITE_SOURCE = "api"


class InvalidChange(ValueError):
    """The change fails validation; ``problems`` says where and why, field by field."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems[:5]))

    def by_field(self) -> dict[str, list[str]]:
        """{"entries.0.names": ["every entry needs..."]}-style messages (the 422 problem's ``errors``)."""
        out: dict[str, list[str]] = {}
        for p in self.problems:
            out.setdefault(p.field or "_entry", []).append(p.message)
        return out


@dataclass(frozen=True)
class Checked:
    entry: Entry
    compiled: Compiled


def entry_checks(entry: Entry) -> list[Problem]:
    """The per-entry checks of ``make check`` fast enough for every write: curated readings and Han forms."""
    return [p for check in ENTRY_CHECKS for p in check([entry])]


def validate_change(snapshot: Glossary, seed: dict, pending: Mapping[str, Checked | None] | None = None,
                    source: str = WRITE_SOURCE) -> Checked:
    """Validate one entry (as a seed file holds it) against ``snapshot`` with ``pending`` changes of the same
    batch applied (id -> the checked new entry, or None for a retirement). Raises :class:`InvalidChange`.

    Checks: the entry schema; references (``see_also``, ``ambiguous_with``) name live entries; curated
    readings agree with pypinyin/pykakasi and OpenCC (or carry an override); and a name key shared with
    another entry is declared ``ambiguous_with`` on both sides.
    """
    pending = pending or {}
    entries, problems = validate_entries(source, [seed])
    if problems:
        raise InvalidChange(problems)
    entry = entries[0]
    # The ids it refers to that are live with the batch applied (not a set of every id: a write to a
    # million-variant glossary would build one of 190,000 each time).
    refs = set(entry.details.get("see_also", ())) | {r for v in entry.variants for r in v.ambiguous_with}
    live = {r for r in refs if (pending[r] is not None if r in pending else r == entry.id or r in snapshot.entries)}
    problems = reference_problems([entry], live)
    problems += entry_checks(entry)
    compiled = compile_entry(entry)
    problems += _shared_names(snapshot, entry, compiled, pending)
    if problems:
        raise InvalidChange(problems)
    return Checked(entry, compiled)


def _shared_names(snapshot: Glossary, entry: Entry, compiled: Compiled,
                  pending: Mapping[str, Checked | None]) -> list[Problem]:
    """A name key of ``entry`` that another live entry has too must be declared ambiguous on both sides
    (derived family names used as short forms are exempt, as in ``make check``)."""
    mine: dict[str, set[str]] = {}
    for v, key in compiled:
        if key and not (v.method or "").startswith("family-name"):
            mine.setdefault(key, set()).update(v.ambiguous_with)
    others_by_key: dict[str, dict[str, set[str]]] = {}
    for key in mine:
        for iv in snapshot.with_key(key):
            if iv.entry_id == entry.id or iv.entry_id in pending or (iv.variant.method or "").startswith("family-name"):
                continue
            others_by_key.setdefault(key, {}).setdefault(iv.entry_id, set()).update(iv.variant.ambiguous_with)
    for other_id, checked in pending.items():
        if checked is None or other_id == entry.id:
            continue
        for v, key in checked.compiled:
            if key in mine and not (v.method or "").startswith("family-name"):
                others_by_key.setdefault(key, {}).setdefault(other_id, set()).update(v.ambiguous_with)
    problems = []
    for key, owners in others_by_key.items():
        undeclared = sorted(set(owners) - mine[key])
        if undeclared:
            problems.append(Problem(entry.source or WRITE_SOURCE, entry.id, "variants",
                                    f"the name key {key!r} is also a name of {', '.join(undeclared)}: declare "
                                    "ambiguous_with on the variant (and on theirs, in the same batch)"))
        one_sided = sorted(o for o, declared in owners.items() if entry.id not in declared and o not in undeclared)
        if one_sided:
            problems.append(Problem(entry.source or WRITE_SOURCE, entry.id, "variants",
                                    f"the name key {key!r} is shared with {', '.join(one_sided)}, whose variant "
                                    f"does not declare ambiguous_with {entry.id!r}: change both in one batch"))
    return problems


def retire_problems(snapshot: Glossary, entry_id: str, pending: Mapping[str, Checked | None]) -> list[Problem]:
    """Live entries must not point at a retired one (``see_also``, ``ambiguous_with``)."""
    out = []
    for other in snapshot.entries.values():
        if other.id == entry_id or other.id in pending:
            continue
        refs = set(other.details.get("see_also", ())) | {r for v in other.variants for r in v.ambiguous_with}
        if entry_id in refs:
            out.append(Problem(other.source or WRITE_SOURCE, entry_id, "id",
                               f"{other.id} refers to it (see_also or ambiguous_with): change that entry in the "
                               "same batch"))
    for other_id, checked in pending.items():
        if checked is not None and entry_id in (set(checked.entry.details.get("see_also", ())) |
                                                {r for v in checked.entry.variants for r in v.ambiguous_with}):
            out.append(Problem(WRITE_SOURCE, entry_id, "id", f"{other_id} refers to it"))
    return out


def merge_patch(target, patch):
    """RFC 7396 JSON Merge Patch: ``patch``'s members replace ``target``'s, null removes one, objects merge."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


@dataclass(frozen=True)
class Operation:
    """One change asked for: op is create, replace, patch, retire or revert; ``expected`` the revision the
    client saw (from its If-Match, or a batch item's ``revision``)."""

    op: str
    entry_id: str | None = None
    entry: dict | None = None
    patch: dict | None = None
    revision: int | None = None  # revert: the revision to restore
    expected: int | None = None


class Curator:
    """The write operations over a store, validated against the snapshot ``snapshot()`` returns."""

    def __init__(self, store: SQLiteStore, snapshot: Callable[[], Glossary]):
        self.store = store
        self.snapshot = snapshot

    def apply(self, operations: list[Operation], author: str) -> list[StoredEntry]:
        """Validate every operation (a batch sees its own earlier changes), then store all in one
        transaction. Raises :class:`InvalidChange` (with every problem, item by item, for a batch) or
        :class:`~glossary.store.StoreConflict`."""
        snapshot = self.snapshot()
        pending: dict[str, Checked | None] = {}
        changes: list[Change] = []
        problems: list[Problem] = []
        many = len(operations) > 1
        for n, op in enumerate(operations):
            try:
                change, checked = self._change(snapshot, op, pending)
            except InvalidChange as exc:
                problems.extend(replace(p, field=f"{n}.{p.field or 'entry'}" if many else p.field)
                                for p in exc.problems)
                continue
            if change.entry_id in pending:
                problems.append(Problem(WRITE_SOURCE, change.entry_id, f"{n}.id" if many else "id",
                                        "changed twice in one batch"))
                continue
            pending[change.entry_id] = checked
            changes.append(change)
        if problems:
            raise InvalidChange(problems)
        return self.store.apply(changes, author)

    def _change(self, snapshot: Glossary, op: Operation, pending) -> tuple[Change, Checked | None]:
        if op.op == "create":
            seed = op.entry or {}
            entry_id = seed.get("id") if isinstance(seed.get("id"), str) else None
            if entry_id and (entry_id in snapshot.entries or self._known(entry_id)):
                raise StoreConflict("exists", entry_id, f"an entry with id {entry_id!r} exists" + (
                    " (retired: ids are never reused)" if self._retired(entry_id) else ""))
            file = self._file_for(snapshot, seed)
            checked = validate_change(snapshot, seed, pending, source=file)
            return self._compiled(Change("create", checked.entry.id, seed, file=file), checked), checked
        stored = self._current(op.entry_id)
        expected = op.expected
        if op.op == "retire":
            problems = retire_problems(snapshot, stored.id, pending)
            if problems:
                raise InvalidChange(problems)
            return Change("retire", stored.id, expected=expected), None
        if op.op == "replace":
            seed = dict(op.entry or {})
        elif op.op == "patch":
            seed = merge_patch(stored.seed, op.patch or {})
        elif op.op == "revert":
            old = next((r for r in self.store.history(stored.id) if r.revision == op.revision), None)
            if old is None:
                raise InvalidChange([Problem(WRITE_SOURCE, stored.id, "revision",
                                             f"entry {stored.id!r} has no revision {op.revision}")])
            seed = old.seed
        else:  # pragma: no cover - the API's schemas allow only the five
            raise ValueError(op.op)
        if seed.get("id", stored.id) != stored.id:
            raise InvalidChange([Problem(WRITE_SOURCE, stored.id, "id",
                                         f"the id cannot change (it is {stored.id!r}); create a new entry instead")])
        seed = {"id": stored.id, **seed}
        checked = validate_change(snapshot, seed, pending, source=stored.file)
        action = "revert" if op.op == "revert" else "update"
        return self._compiled(Change(action, stored.id, seed, expected=expected), checked), checked

    def _compiled(self, change: Change, checked: Checked) -> Change:
        return replace(change, record=to_record(checked.entry, checked.compiled))

    def _current(self, entry_id: str | None) -> StoredEntry:
        stored = self.store.get(entry_id or "")
        if stored is None:
            raise StoreConflict("missing", entry_id or "", f"no entry with id {entry_id!r}")
        if stored.retired:
            raise StoreConflict("retired", stored.id, f"entry {stored.id!r} is retired")
        return stored

    def _known(self, entry_id: str) -> bool:
        return self.store.get(entry_id) is not None

    def _retired(self, entry_id: str) -> bool:
        stored = self.store.get(entry_id)
        return stored is not None and stored.retired

    @staticmethod
    def _file_for(snapshot: Glossary, seed: dict) -> str:
        """A new entry joins the seed file that holds most entries of its type (api.yaml if none does)."""
        counts = Counter(e.source for e in snapshot.entries.values() if e.type == seed.get("type") and e.source)
        return min(counts, key=lambda f: (-counts[f], f)) if counts else "api.yaml"


def field_diff(before: dict | None, after: dict | None) -> list[dict]:
    """The fields a revision changed: [{"field", "before", "after"}] (absent values left out)."""
    before, after = before or {}, after or {}
    out = []
    for key in list(before) + [k for k in after if k not in before]:
        if before.get(key) != after.get(key):
            item = {"field": key}
            if key in before:
                item["before"] = before[key]
            if key in after:
                item["after"] = after[key]
            out.append(item)
    return out


# -- seed files in and out ------------------------------------------------------------------------


def export_seeds(store: SQLiteStore, directory) -> list[str]:
    """Write the store as seed files into ``directory``: an entry nobody changed since it was imported is
    written byte for byte as it was read; a changed or new one in the seed files' block style; a retired
    one is left out (the comments before it stay). Returns the file names written."""
    from pathlib import Path

    from glossary.seedfiles import dump_entry, join_file

    headers, rows = store.files()
    parts: dict[str, list[tuple[str, str]]] = {name: [] for name in headers}
    for file, _id, retired, seed, lead, body in rows:
        parts.setdefault(file, []).append((lead, "" if retired else body if body is not None else dump_entry(seed)))
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    for name, items in parts.items():
        (out / name).write_text(join_file(headers.get(name, ""), items), encoding="utf-8")
    return sorted(parts)


@dataclass
class ImportReport:
    added: list[str]
    changed: list[str]
    removed: list[str]
    unchanged: int

    def lines(self) -> list[str]:
        return ([f"add     {i}" for i in self.added] + [f"change  {i}" for i in self.changed]
                + [f"remove  {i}" for i in self.removed]
                + [f"{len(self.added)} added, {len(self.changed)} changed, {len(self.removed)} removed, "
                   f"{self.unchanged} unchanged"])


def import_seeds(store: SQLiteStore, path, author: str = "import-seeds", dry_run: bool = False) -> ImportReport:
    """Bring reviewed seed files into the store, in one transaction: entries new in the files are added,
    entries whose data differs are changed (a new revision each), live entries missing from the files are
    retired. The seeds are validated as the loader validates them first (raises SeedError); a retired id
    in the files is refused (ids are never reused)."""
    import json as _json

    from glossary.seeds import Problem, SeedError
    from glossary.store import compile_seeds

    headers, rows = compile_seeds(path)
    known = store.ids()
    reused = [seed["id"] for _f, _p, seed, _r, _l, _b in rows if known.get(seed["id"])]
    if reused:
        raise SeedError([Problem(f, seed["id"], "id", "this id was retired: ids are never reused")
                         for f, _p, seed, _r, _l, _b in rows if seed["id"] in reused])
    stored_rows = store.files()[1]
    current = {i: s for _f, i, retired, s, _l, _b in stored_rows if not retired}
    file_of = {i: f for f, i, _r, _s, _l, _b in stored_rows}
    changes, added, changed = [], [], []
    for file, _position, seed, record, _lead, _body in rows:
        entry_id = seed["id"]
        if entry_id not in current:
            changes.append(Change("create", entry_id, seed, record=record, file=file))
            added.append(entry_id)
        elif _json.dumps(current[entry_id], sort_keys=True) != _json.dumps(seed, sort_keys=True):
            changes.append(Change("update", entry_id, seed, record=record))
            changed.append(entry_id)
    in_files = {seed["id"] for _f, _p, seed, _r, _l, _b in rows}
    removed = sorted(set(current) - in_files)
    changes += [Change("retire", i) for i in removed]
    report = ImportReport(added, changed, removed, len(rows) - len(added) - len(changed))
    if not dry_run:
        texts = {seed["id"]: (file, position, lead, body) for file, position, seed, _r, lead, body in rows}
        texts.update({i: (file_of[i], 0, "", None) for i in removed})  # gone from the reviewed text, comments too
        store.apply(changes, author, texts=(headers, texts))
    return report
