"""The data model: an entry, its names and its variants. Immutable values, no behaviour: an entry is a frozen
dataclass, a variant a named tuple (a million of them are built at every start from a store, and a tuple is
built ten times faster than a frozen dataclass and takes less memory; change one with ``_replace``).

Entries are built by :mod:`glossary.schemas` from the curated YAML in ``seeds/`` (or from any other source
that yields the same dicts), and indexed by :mod:`glossary.index`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

ENTRY_TYPES = ("person", "place", "organization", "event", "agreement", "grouping", "other")
# Subtypes of the diplomatic missions and offices one country keeps in another (the matcher and the glossary
# report both read it).
MISSION_SUBTYPES = ("embassy", "consulate-general", "consulate", "representative-office", "mission",
                    "permanent-mission")
MEDIA_SUBTYPES = ("newspaper", "broadcaster", "news-agency", "news-website", "news-publication", "magazine")

VARIANT_KINDS = (
    "name",  # a preferred name from ``names`` (one per language tag)
    "short",
    "abbreviation",
    "alias",
    "former",
    "official",
    "romanization",
    "cross-reading",
    "transcription",
    "translation",
    "misspelling",
)

# Kinds whose variants need an earlier full mention in the same text unless marked standalone.
CONTEXT_KINDS = ("short",)


class Variant(NamedTuple):
    """One way of writing an entry's name.

    ``origin`` is "curated" (typed by a person in seeds/) or "derived" (made by the machine from a
    curated name; ``derived_from`` says which and ``method`` how, e.g. "opencc-s2t", "pinyin-numbered").
    """

    name: str
    lang: str
    kind: str
    origin: str = "curated"
    standalone: bool = True
    case_sensitive: bool = False
    used_by: tuple[str, ...] = ()
    ambiguous_with: tuple[str, ...] = ()
    preferred: bool = False  # the default reading when the name is shared (Kyoto: the city)
    context: tuple[str, ...] = ()
    in_text: bool = True  # False for a descriptive phrase: found by lookup, not tagged in running text
    derived_from: str | None = None
    method: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Entry:
    """A curated glossary entry. ``details`` holds the type-specific facts (roles, dates, country...)."""

    id: str
    type: str
    description: str
    names: dict[str, str]
    variants: tuple[Variant, ...] = ()
    family_name: dict[str, str] = field(default_factory=dict)
    overrides: dict[str, str] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    source: str | None = None  # the seed file it came from
    revision: int = 1  # 1 when created, one more at every change (a store keeps every revision)

    def name(self, lang: str) -> str | None:
        """The preferred name in ``lang``, falling back along zh-Hant/zh-Hans/ja and then English."""
        for tag in _FALLBACKS.get(lang, (lang,)) + ("en",):
            if tag in self.names:
                return self.names[tag]
        return next(iter(self.names.values()), None)

    @property
    def label(self) -> str:
        return self.name("en") or self.id

    @property
    def countries(self) -> tuple[str, ...]:
        """Its country codes, its own first (Taiwan is TW, CN); empty for none."""
        codes = self.details.get("country") or ()
        return (codes,) if isinstance(codes, str) else tuple(codes)


_FALLBACKS = {
    "zh-Hans": ("zh-Hans", "zh-Hant", "ja"),
    "zh-Hant": ("zh-Hant", "zh-Hans", "ja"),
    "ja": ("ja", "ja-Kana", "zh-Hant", "zh-Hans"),
    "en": ("en",),
}
