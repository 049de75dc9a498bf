"""The Japan–China glossary core: entries, name keys, romanisation, index, lookup, text normalisation.

Typical use::

    from glossary import load_glossary
    g = load_glossary()                 # the curated seeds/, validated and indexed
    g.lookup("Abe Shinzō")[0].entry.id   # 'abe-shinzo'

This package never imports Flask; ``service/`` is a thin HTTP layer over it.
"""

from __future__ import annotations

from pathlib import Path

from glossary.index import MIN_SCORE, Glossary, Match
from glossary.keys import name_key
from glossary.model import Entry, Variant
from glossary.romanize import romanize
from glossary.seeds import DEFAULT_SEEDS, SeedError, load_seeds

__all__ = [
    "DEFAULT_SEEDS",
    "MIN_SCORE",
    "Entry",
    "Glossary",
    "Match",
    "SeedError",
    "Variant",
    "build_glossary",
    "load_glossary",
    "name_key",
    "romanize",
]

__version__ = "0.1.0"


def load_glossary(path: Path | str = DEFAULT_SEEDS) -> Glossary:
    """Validate and index the seed files at ``path``; raises :class:`SeedError` if any is bad."""
    seeds = load_seeds(path)
    return Glossary(seeds.entries, version=seeds.version)


def build_glossary(entries, version: str = "unversioned") -> Glossary:
    """Index any iterable of :class:`Entry` (tests, other stores)."""
    return Glossary(entries, version=version)
