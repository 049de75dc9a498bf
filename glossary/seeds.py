"""Load the curated glossary from YAML files, all or nothing.

Every entry of every file is validated before anything is returned; one bad entry rejects the load
with a message that names the file, the entry id and the field. YAML is read with the base loader
(every scalar a string), so ``NO`` stays Norway's code and ``1972`` stays text until a schema says
otherwise.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import yaml
from marshmallow import ValidationError

from glossary.model import Entry
from glossary.schemas import EntrySchema

DEFAULT_SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the seed data: where it is and what it is."""

    file: str
    entry_id: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file + (f": entry {self.entry_id!r}" if self.entry_id else "")
        return f"{where}{f': field {self.field!r}' if self.field else ''}: {self.message}"


class SeedError(ValueError):
    """The seed data is invalid; ``problems`` lists every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        head = "\n".join(str(p) for p in problems[:20])
        more = f"\n... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{len(problems)} problem(s) in the seed data:\n{head}{more}")


@dataclass(frozen=True)
class SeedSet:
    entries: tuple[Entry, ...]
    files: tuple[str, ...]
    version: str  # sha256 of the files' bytes, first 12 hex digits


def seed_files(path: Path | str = DEFAULT_SEEDS) -> list[Path]:
    p = Path(path)
    if p.is_file():
        return [p]
    return sorted(f for f in p.glob("*.yaml") if f.is_file())


def load_seeds(path: Path | str = DEFAULT_SEEDS) -> SeedSet:
    """Load and validate every ``*.yaml`` in ``path`` (or one file). Raises :class:`SeedError`."""
    if not Path(path).exists():
        raise SeedError([Problem(str(path), None, None, "no such seed directory or file")])
    files = seed_files(path)
    if not files:
        raise SeedError([Problem(str(path), None, None, "no *.yaml seed files in this directory")])
    digest = hashlib.sha256()
    entries: list[Entry] = []
    problems: list[Problem] = []
    for f in files:
        raw = f.read_bytes()
        digest.update(f.name.encode() + b"\0" + raw)
        found, errs = parse_file(f.name, raw)
        entries.extend(found)
        problems.extend(errs)
    problems.extend(duplicate_ids(entries))
    if not problems:
        problems.extend(reference_problems(entries))
    if problems:
        raise SeedError(problems)
    return SeedSet(tuple(entries), tuple(f.name for f in files), digest.hexdigest()[:12])


def parse_file(name: str, raw: bytes) -> tuple[list[Entry], list[Problem]]:
    """Parse one seed file's bytes; returns the valid entries and the problems found."""
    try:
        data = yaml.load(raw.decode("utf-8"), Loader=yaml.BaseLoader)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        return [], [Problem(name, None, None, f"not valid YAML/UTF-8: {exc}")]
    if data is None:
        return [], []
    if not isinstance(data, list):
        return [], [Problem(name, None, None, "a seed file must be a YAML list of entries")]
    return validate_entries(name, data)


def validate_entries(name: str, items: Iterable[object]) -> tuple[list[Entry], list[Problem]]:
    schema = EntrySchema()
    entries: list[Entry] = []
    problems: list[Problem] = []
    for n, item in enumerate(items, 1):
        entry_id = item.get("id") if isinstance(item, dict) else None
        label = entry_id or f"#{n}"
        if not isinstance(item, dict):
            problems.append(Problem(name, label, None, "an entry must be a mapping"))
            continue
        try:
            entries.append(replace(schema.load(item), source=name))
        except ValidationError as exc:
            problems.extend(Problem(name, label, path, msg) for path, msg in _flatten(exc.messages))
    return entries, problems


def duplicate_ids(entries: Iterable[Entry]) -> list[Problem]:
    seen: dict[str, str] = {}
    problems = []
    for e in entries:
        if e.id in seen:
            problems.append(Problem(e.source or "?", e.id, "id", f"duplicate id (first in {seen[e.id]})"))
        else:
            seen[e.id] = e.source or "?"
    return problems


def reference_problems(entries: Iterable[Entry], ids: set[str] | None = None) -> list[Problem]:
    """see_also and ambiguous_with must name entries that exist: among ``entries``, or in ``ids`` when given
    (the loader, `check` and every write run it)."""
    entries = list(entries)
    if ids is None:
        ids = {e.id for e in entries}
    out = []
    for e in entries:
        for ref in e.details.get("see_also", ()):
            if ref not in ids:
                out.append(Problem(e.source or "?", e.id, "see_also", f"unknown entry id {ref!r}"))
        for v in e.variants:
            for ref in v.ambiguous_with:
                if ref not in ids:
                    out.append(Problem(e.source or "?", e.id, "variants",
                                       f"{v.name!r}: ambiguous_with names unknown id {ref!r}"))
    return out


def _flatten(messages, prefix: str = "") -> Iterable[tuple[str, str]]:
    """marshmallow's nested error dict -> ('variants.2.kind', 'Must be one of: ...') pairs."""
    if isinstance(messages, dict):
        for key, value in messages.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            yield from _flatten(value, path)
    elif isinstance(messages, list):
        if all(isinstance(m, str) for m in messages):
            yield prefix or None, "; ".join(messages)
        else:
            for value in messages:
                yield from _flatten(value, prefix)
    else:
        yield prefix or None, str(messages)
