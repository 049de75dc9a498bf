"""Turn core objects into the plain dicts the response schemas dump. No logic beyond selection."""

from __future__ import annotations

from glossary.index import Glossary, Match
from glossary.model import Entry, Variant


def entry_dict(glossary: Glossary, entry: Entry, variants: str = "all") -> dict:
    return variants_dict(entry, glossary.variants_of(entry.id) if variants != "none" else [], variants)


def variants_dict(entry: Entry, every: list[Variant], variants: str = "all") -> dict:
    """The entry with ``every`` variant of it, or only the curated ones, or none."""
    chosen = [] if variants == "none" else [v for v in every if variants == "all" or v.origin == "curated"]
    return {
        "id": entry.id,
        "type": entry.type,
        "description": entry.description,
        "names": entry.names,
        "variants": [v.__dict__ for v in chosen],  # read-only here; asdict() would deep-copy each
        "family_name": entry.family_name,
        "overrides": entry.overrides,
        "source": entry.source,
        "revision": entry.revision,
        **entry.details,
    }


def match_dict(glossary: Glossary, m: Match, variants: str = "all") -> dict:
    return {"entry": entry_dict(glossary, m.entry, variants), "score": m.score, "matched": m.matched,
            "method": m.method, "ambiguous": m.ambiguous}
