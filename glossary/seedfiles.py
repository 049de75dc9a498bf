"""Seed files cut into their entries' text, so that writing a store back as seed files gives the same bytes
for every entry nobody changed.

A seed file is a header (comments before the first entry) and then, for each entry, its *lead* (the
blank lines and column-0 comments just before it: section titles such as ``# ---- Treaties ----``) and
its *body* (the YAML from its ``- id:`` line to the next lead). Joining header, leads and bodies gives
the file back byte for byte; an entry changed since is written by :func:`dump_entry` under its lead.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml


@dataclass(frozen=True)
class Block:
    entry_id: str
    lead: str
    body: str
    seed: dict  # the entry as the YAML base loader reads it (every scalar a string)


def split_file(text: str) -> tuple[str, list[Block]]:
    """(header, blocks) of one seed file; raises ValueError when the cut does not give back the entries."""
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.startswith("- ")]
    leads = []
    for k, start in enumerate(starts):
        floor = starts[k - 1] + 1 if k else 0
        lead = start
        while lead > floor and (not lines[lead - 1].strip() or lines[lead - 1].startswith("#")):
            lead -= 1
        leads.append(lead)
    header = "".join(lines[: leads[0]] if starts else lines)
    blocks = []
    for k, start in enumerate(starts):
        end = leads[k + 1] if k + 1 < len(starts) else len(lines)
        body = "".join(lines[start:end])
        items = yaml.load(body, Loader=yaml.BaseLoader)
        if not isinstance(items, list) or len(items) != 1 or not isinstance(items[0], dict):
            raise ValueError(f"line {start + 1}: cannot cut the entry out of the file")
        blocks.append(Block(str(items[0].get("id", "")), "".join(lines[leads[k]:start]), body, items[0]))
    return header, blocks


def dump_entry(seed: dict) -> str:
    """The YAML body of a changed or new entry, in the seed files' block style."""
    return yaml.safe_dump([seed], allow_unicode=True, sort_keys=False, width=110, default_flow_style=False)


def join_file(header: str, parts: list[tuple[str, str]]) -> str:
    """A seed file from its header and its entries' (lead, body)."""
    return header + "".join(lead + body for lead, body in parts)
