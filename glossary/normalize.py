"""Text normalisation: find every mention of a glossary entry in a text, resolve it, rewrite it.

How it works, in one pass over the text:

1. The text is mapped character by character to a *scan form* (lower case, no diacritics, one Han form,
   hiragana for katakana, one space for every separator). The map never changes the length, so offsets
   in the scan form are offsets in the input.
2. One Aho-Corasick automaton (pyahocorasick) holds the scan form of every variant, curated and derived,
   and reports every place any of them occurs.
3. Each hit is kept only if it passes the guards of its script:
   Latin names need word boundaries on both sides (a hyphen, space or apostrophe is a boundary, a letter
   is not: "Xi's" and "Abe-Xi" match, "Xinjiang" and "Abel" do not); a capitalised name needs a capital
   in the text ("china" is porcelain); an all-capital abbreviation must match exactly ("US", never "us").
   Han and kana names need no boundaries, but a single Han character matches only where the entry allows
   it and only before one of its context strings (習 in 習氏).
4. Longest match wins and mentions never overlap ("East China Sea" is one mention, not "China").
5. Each mention is resolved: a standalone name to its entry; a short form ("Kishida", 岸田) to the entry
   whose full name appeared earlier in the text; a name shared by several entries goes to the one the
   text named earlier, else to the curators' ``preferred`` reading ("default", with the others listed
   as candidates), else it is reported as ambiguous with its candidates and left unchanged.
6. The text is rewritten with each resolved mention's canonical name in the target language (or
   annotated, or left alone when only the mentions are wanted).
"""

from __future__ import annotations

import bisect
import unicodedata
from dataclasses import asdict, dataclass, field
from functools import lru_cache

import ahocorasick

from glossary.derive import convert_han
from glossary.index import Glossary
from glossary.keys import _han_fold_table, is_han
from glossary.model import Entry, Variant

TARGETS = ("en", "zh-Hans", "zh-Hant", "ja")
MODES = ("rewrite", "annotate", "mentions")
NAME_ORDERS = ("given-family", "family-given")
# People whose English names put the given name first in most English-language media.
GIVEN_FIRST_COUNTRIES = ("JP", "KR")


@dataclass
class Mention:
    start: int
    end: int
    surface: str
    entry_id: str | None
    canonical: str | None
    resolution: str  # "direct" | "context" | "default" | "ambiguous"
    matched: str  # the variant that matched
    variant_kind: str
    variant_origin: str
    candidates: list[str] = field(default_factory=list)
    start_utf16: int | None = None
    end_utf16: int | None = None


@dataclass
class NormalizeResult:
    text: str
    mentions: list[Mention]

    def as_dict(self) -> dict:
        return {"text": self.text, "mentions": [asdict(m) for m in self.mentions]}


# -- scan form ------------------------------------------------------------------------------------

_SEPARATORS = " \t\n\r\f\v\u00a0\u2000\u2001\u2002\u2003\u2009\u200a\u3000-‐‑‒–—―−－_・·•‧･"
_APOSTROPHES = "'’‘`ʼ＇"


@lru_cache(maxsize=1)
def scan_table() -> dict[int, int]:
    """The one-to-one character map that makes the scan form (see module docstring, step 1)."""
    table: dict[int, int] = {}
    for cp in list(range(0x20, 0x2FF)) + list(range(0x370, 0x530)) + list(range(0x1E00, 0x1F00)):
        c = chr(cp)
        base = unicodedata.normalize("NFD", c)[0].lower()
        if len(base) == 1 and base != c:
            table[cp] = ord(base)
    for cp in range(0xFF01, 0xFF5F):  # full-width ASCII
        table[cp] = ord(chr(cp - 0xFEE0).lower())
    for cp in range(0xFF66, 0xFF9E):  # half-width katakana -> hiragana
        full = unicodedata.normalize("NFKC", chr(cp))
        if len(full) == 1:
            table[cp] = ord(full) - 0x60 if 0x30A1 <= ord(full) <= 0x30F6 else ord(full)
    for cp in range(0x30A1, 0x30F7):  # katakana -> hiragana
        table[cp] = cp - 0x60
    for cp, folded in _han_fold_table().items():
        table[cp] = ord(folded)
    for c in _SEPARATORS:
        table[ord(c)] = 0x20
    for c in _APOSTROPHES:
        table[ord(c)] = 0x27
    return table


def scan_form(text: str) -> str:
    return text.translate(scan_table())


def _is_word_char(c: str) -> bool:
    """A character that glues onto a Latin name: a letter or digit of an alphabetic script."""
    return c.isalnum() and ord(c) < 0x2E80


# -- the matcher ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    entry_id: str
    variant: Variant
    latin: bool
    capitalised: bool
    exact_case: bool


class TextMatcher:
    """An automaton over the scan forms of all variants of a glossary, built once per glossary."""

    def __init__(self, glossary: Glossary):
        self.glossary = glossary
        by_form: dict[str, list[Pattern]] = {}
        for iv in glossary.variants:
            v = iv.variant
            form = scan_form(v.name)
            if not _usable(form, v):
                continue
            latin = not any(is_han(c) or ord(c) >= 0x2E80 for c in form)
            first = next((c for c in v.name if c.isalpha()), "")
            pattern = Pattern(iv.entry_id, v, latin, first.isupper(), v.case_sensitive)
            by_form.setdefault(form, []).append(pattern)
        self.automaton = ahocorasick.Automaton()
        for form, patterns in by_form.items():
            self.automaton.add_word(form, (len(form), tuple(_dedupe(patterns))))
        self.size = len(by_form)
        if self.size:
            self.automaton.make_automaton()

    def find(self, text: str) -> list[tuple[int, int, tuple[Pattern, ...]]]:
        """Non-overlapping hits (start, end, patterns), longest first at each place, in text order."""
        if not self.size or not text:
            return []
        scanned = scan_form(text)
        n = len(text)
        hits = []
        for end_index, (length, patterns) in self.automaton.iter(scanned):
            start, end = end_index - length + 1, end_index + 1
            kept = tuple(p for p in patterns if _passes(p, text, start, end, n))
            if kept:
                hits.append((start, end, kept))
        hits.sort(key=lambda h: (h[0], h[0] - h[1]))
        chosen = []
        last_end = -1
        for hit in hits:
            if hit[0] >= last_end:
                chosen.append(hit)
                last_end = hit[1]
        return chosen


def _usable(form: str, v: Variant) -> bool:
    """Patterns too weak to scan for: empty, one Latin letter, or one Han character without context."""
    stripped = form.strip()
    if len(stripped) != len(form) or not stripped:
        return False
    if len(form) == 1:
        return is_han(form) and bool(v.context)
    return True


def _dedupe(patterns: list[Pattern]) -> list[Pattern]:
    seen, out = set(), []
    for p in patterns:
        k = (p.entry_id, p.variant.kind, p.variant.standalone, p.exact_case, p.variant.context)
        if k not in seen:
            seen.add(k)
            out.append(p)
    return out


def _passes(p: Pattern, text: str, start: int, end: int, n: int) -> bool:
    if p.latin:
        if start > 0 and _is_word_char(text[start - 1]):
            return False
        if end < n and _is_word_char(text[end]):
            return False
        if p.exact_case and text[start:end] != p.variant.name:
            return False
        if p.capitalised and not text[start].isupper():
            return False
    if p.variant.context:
        return any(text.startswith(c, end) for c in p.variant.context)
    return True


@lru_cache(maxsize=8)
def matcher_for(glossary: Glossary) -> TextMatcher:
    return TextMatcher(glossary)


# -- resolution and rewriting ---------------------------------------------------------------------


def normalize_text(
    glossary: Glossary,
    text: str,
    target: str = "en",
    mode: str = "rewrite",
    name_order: str = "given-family",
    utf16: bool = False,
) -> NormalizeResult:
    """Find, resolve and (by ``mode``) rewrite every mention in ``text``; see the module docstring."""
    if target not in TARGETS:
        raise ValueError(f"unknown target {target!r}; use one of {', '.join(TARGETS)}")
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; use one of {', '.join(MODES)}")
    if name_order not in NAME_ORDERS:
        raise ValueError(f"unknown name order {name_order!r}; use one of {', '.join(NAME_ORDERS)}")
    mentions: list[Mention] = []
    seen: list[str] = []  # entries fully mentioned so far, most recent last
    for start, end, patterns in matcher_for(glossary).find(text):
        mention = _resolve(glossary, text, start, end, patterns, seen, target, name_order)
        if mention is None:
            continue
        mentions.append(mention)
        if mention.entry_id and mention.entry_id not in seen[-1:]:
            seen.append(mention.entry_id)
    if utf16:
        _add_utf16_offsets(text, mentions)
    return NormalizeResult(_render(text, mentions, mode), mentions)


# A place name right before one of these is a person's surname (石川氏, 千葉さん), not the place.
PERSON_SUFFIXES = ("氏", "さん", "様", "さま", "君", "首相", "外相", "議員", "教授", "先生", "女士", "总理", "總理")


def _resolve(glossary, text, start, end, patterns, seen, target, name_order) -> Mention | None:
    """Pick the entry a hit refers to (module docstring, step 5), or None if it is no mention."""
    if text.startswith(PERSON_SUFFIXES, end):
        patterns = [p for p in patterns if glossary.entries[p.entry_id].type != "place"]
        if not patterns:
            return None
    seen_set = set(seen)
    earlier = [p for p in patterns if p.entry_id in seen_set]
    # A variant whose context string followed it (習 in 習氏, checked when scanning) stands alone.
    standalone = [p for p in patterns if p.variant.standalone or p.variant.context]
    standalone_ids = {p.entry_id for p in standalone}
    if len({p.entry_id for p in earlier}) == 1:
        # The text already named one of the candidates: "Natsuo Yamaguchi ... Yamaguchi said".
        chosen, resolution = earlier, "context"
    elif len(standalone_ids) == 1:
        chosen, resolution = standalone, "direct"
    elif len({p.entry_id for p in standalone if p.variant.preferred}) == 1:
        # Curators chose the usual reading of a shared name ("Kyoto" is the city); others are candidates.
        chosen = [p for p in standalone if p.variant.preferred]
        resolution = "default"
    elif standalone_ids:
        chosen, resolution = standalone + earlier, "ambiguous"
    elif earlier:
        chosen, resolution = earlier, "ambiguous"
    elif any(p.variant.ambiguous_with for p in patterns):
        chosen, resolution = patterns, "ambiguous"  # "Kitamura", and the text does not say which
    else:
        return None  # a surname with no full name before it: not a mention
    p = chosen[0]
    surface = text[start:end]
    others = sorted({q.entry_id for q in patterns} - {p.entry_id}) if resolution == "default" else []
    if resolution == "ambiguous":
        candidates = sorted({q.entry_id for q in chosen})
        return Mention(start, end, surface, None, None, "ambiguous", p.variant.name, p.variant.kind,
                       p.variant.origin, candidates)
    entry = glossary.entries[p.entry_id]
    # A short form after the full name reads best as the target's short form (岸田 -> Kishida);
    # a standalone short form that is the first mention ("Xi") gets the full name.
    follow_up = p.variant.kind == "short" and entry.id in seen_set
    canonical = canonical_name(entry, target, name_order, short=follow_up)
    return Mention(start, end, surface, entry.id, canonical, resolution, p.variant.name, p.variant.kind,
                   p.variant.origin, others)


def canonical_name(entry: Entry, target: str, name_order: str = "given-family", short: bool = False) -> str:
    """The entry's name in ``target``; a short form becomes the family name, when one is known."""
    name = entry.name(target) or entry.id
    if short and (family := family_name_in(entry, target)) and name.startswith(family):
        return family
    if target == "en" and entry.type == "person" and name_order == "family-given":
        countries = entry.details.get("country") or []
        family = entry.family_name.get("en")
        if family and any(c in GIVEN_FIRST_COUNTRIES for c in countries) and name.endswith(" " + family):
            name = f"{family} {name[: -len(family) - 1]}"
    return name


def family_name_in(entry: Entry, target: str) -> str | None:
    """The family name in ``target``: curated, or converted from a curated Han family name (OpenCC)."""
    if entry.family_name.get(target):
        return entry.family_name[target]
    if target not in ("zh-Hans", "zh-Hant", "ja"):
        return None
    steps = {"zh-Hans": {"zh-Hant": "t2s", "ja": "jp2t+t2s"}, "zh-Hant": {"zh-Hans": "s2t", "ja": "jp2t"},
             "ja": {"zh-Hant": "t2jp", "zh-Hans": "s2t+t2jp"}}[target]
    for source, config in steps.items():
        if family := entry.family_name.get(source):
            for step in config.split("+"):
                family = convert_han(family, step)
            return family
    return None


def _render(text: str, mentions: list[Mention], mode: str) -> str:
    if mode == "mentions":
        return text
    out, pos = [], 0
    for m in mentions:
        if m.canonical is None:
            continue
        out.append(text[pos : m.start])
        if mode == "rewrite":
            out.append(m.canonical)
        else:
            out.append(m.surface if m.surface == m.canonical else f"{m.surface} [{m.canonical}]")
        pos = m.end
    out.append(text[pos:])
    return "".join(out)


def _add_utf16_offsets(text: str, mentions: list[Mention]) -> None:
    """UTF-16 offsets for JavaScript clients: each astral character before a position counts twice."""
    astral = [i for i, c in enumerate(text) if ord(c) > 0xFFFF]
    for m in mentions:
        m.start_utf16 = m.start + bisect.bisect_left(astral, m.start)
        m.end_utf16 = m.end + bisect.bisect_left(astral, m.end)
