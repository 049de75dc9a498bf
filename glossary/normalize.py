"""Text normalisation: find every mention of a glossary entry in a text, resolve it, rewrite it.

How it works:

1. The text is mapped character by character to a *scan form* (lower case, no diacritics, one Han form,
   hiragana for katakana, one space for every separator). The map never changes the length, so offsets
   in the scan form are offsets in the input.
2. Two Aho-Corasick automata (pyahocorasick) hold the scan forms of every variant, curated and derived:
   one for Latin names, scanned over a copy of the text in which every non-word character is a space
   and every key begins with a space (so a hit starts on a word boundary by construction), and one for
   Han and kana names, scanned over the scan form itself (Chinese and Japanese have no spaces).
3. Each hit is kept only if it passes the guards of its script:
   Latin names need word boundaries on both sides (a hyphen, space or apostrophe is a boundary, a letter
   is not: "Xi's" and "Abe-Xi" match, "Xinjiang" and "Abel" do not); a capitalised name needs a capital
   in the text ("china" is porcelain); an all-capital abbreviation must match exactly ("US", never "us").
   Han and kana names need no boundaries, but a single Han character matches only where the entry allows
   it and only before one of its context strings (習 in 習氏).
4. Longest match wins and mentions never overlap ("East China Sea" is one mention, not "China"): the
   automata report leftmost-longest matches (pyahocorasick's ``iter_long``, in C), so the many shorter
   names inside a longer one ("Kishida" in "Fumio Kishida") cost nothing. The price: a longest match
   rejected by a guard hides a shorter one starting at the same place (rare; e.g. a lower-case
   multi-word name).
5. Each mention is resolved: a standalone name to its entry; a short form ("Kishida", 岸田) to the entry
   whose full name appeared earlier in the text; a name shared by several entries goes to the one the
   text named earlier, else to the curators' ``preferred`` reading ("default", with the others listed
   as candidates), else it is reported as ambiguous with its candidates and left unchanged.
6. The text is rewritten with each resolved mention's canonical name in the target language (or
   annotated, or left alone when only the mentions are wanted).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field
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


@dataclass(slots=True)
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

    def as_dict(self) -> dict:
        return {f: getattr(self, f) for f in self.__slots__}


@dataclass
class NormalizeResult:
    text: str
    mentions: list[Mention]

    def as_dict(self) -> dict:
        return {"text": self.text, "mentions": [m.as_dict() for m in self.mentions]}


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
    # Non-ASCII separators and apostrophes become their ASCII forms; ASCII punctuation stays as it is
    # (the Latin pass treats it as a word boundary anyway), so ASCII text needs only str.lower().
    for c in _SEPARATORS:
        if ord(c) >= 0x80:
            table[ord(c)] = 0x20
    for c in _APOSTROPHES:
        if ord(c) >= 0x80:
            table[ord(c)] = 0x27
    return table


class _CharMap(dict):
    """A str.translate table that fills itself: each character is worked out once, then looked up."""

    def __init__(self, base: dict, rule):
        super().__init__(base)
        self.rule = rule

    def __missing__(self, code: int):
        value = self[code] = self.rule(chr(code))
        return value


def _scan_rule(c: str) -> str:
    low = c.lower()
    if len(low) != 1:  # a few characters grow when lowered (İ): keep them
        return c
    folded = scan_table().get(ord(low))
    return chr(folded) if folded is not None else low


@lru_cache(maxsize=1)
def _scan_map() -> _CharMap:
    return _CharMap(scan_table(), _scan_rule)


def scan_form(text: str) -> str:
    """The scan form of ``text`` (same length): lower() for ASCII, the scan table for the rest."""
    if text.isascii():
        return text.lower()
    return text.translate(_scan_map())


# In the Latin pass every character that is not a letter or digit of an alphabetic script becomes a
# space, and each Latin pattern is stored with a space on both sides: a hit then starts and ends on a
# word boundary by construction, and no time is spent on "xi" inside "taxi".
_NON_WORD_RE = re.compile(r"[^a-z0-9\u00df-\u024f\u0370-\u052f]")
_WORD_CHAR_RE = re.compile(r"[a-z0-9\u00df-\u024f\u0370-\u052f]")
_CJK_CLASS = "\u3005\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\uff66-\uff9f"
_CJK_RE = re.compile(f"[{_CJK_CLASS}]")
# Stretches of Han/kana text (gaps of up to 12 other characters bridged): the Han/kana automaton has
# thousands of first characters and looks each text character up among them, so it is only run where
# such text is; a window reaches 12 characters back and 6 on for names such as G20杭州峰会, ワシントンD.C.
_CJK_RUN_RE = re.compile(f"[{_CJK_CLASS}]+(?:[^{_CJK_CLASS}]{{1,12}}[{_CJK_CLASS}]+)*")
_RUN_BEFORE, _RUN_AFTER = 12, 6


# The same map for ASCII text, as a byte table: bytes.translate is many times faster than a regex.
_ASCII_NON_WORD = bytes(c if chr(c).isascii() and (chr(c).isdigit() or "a" <= chr(c) <= "z") else 0x20
                        for c in range(256))


def _word_form(scanned: str) -> str:
    """Every non-word character of the scan form replaced by a space (same length)."""
    if scanned.isascii():
        return scanned.encode("ascii").translate(_ASCII_NON_WORD).decode("ascii")
    return scanned.translate(_WORD_MAP)


_WORD_MAP = _CharMap({c: _ASCII_NON_WORD[c] for c in range(128)},
                     lambda c: c if _NON_WORD_RE.match(c) is None else " ")


def _is_cjk_form(form: str) -> bool:
    return bool(_CJK_RE.search(form))


def latin_key(form: str) -> str:
    """A Latin pattern's key: non-word characters become single spaces, and one space goes in front."""
    return " " + " ".join(_NON_WORD_RE.sub(" ", form).split())


# -- the matcher ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    entry_id: str
    variant: Variant
    latin: bool
    capitalised: bool
    exact_case: bool
    tail: str  # trailing punctuation of the name ("U.S."), taken into the mention when the text has it


class TextMatcher:
    """Two automata over the scan forms of every variant: one for Latin names, one for Han/kana names."""

    def __init__(self, glossary: Glossary):
        self.glossary = glossary
        by_key: dict[tuple[bool, str], list[Pattern]] = {}
        for iv in glossary.variants:
            v = iv.variant
            form = scan_form(v.name)
            if not _usable(form, v):
                continue
            latin = not _is_cjk_form(form)
            key = latin_key(form) if latin else form
            if latin and len(key.strip()) < 2:
                continue
            first = next((c for c in v.name if c.isalpha()), "")
            tail = v.name[len(v.name.rstrip(".,;:!?'’")) :] if latin else ""
            pattern = Pattern(iv.entry_id, v, latin, first.isupper(), v.case_sensitive, tail)
            by_key.setdefault((latin, key), []).append(pattern)
            if not latin and " " in key:
                # Han and kana names are printed with and without their separators (ジョー・バイデン,
                # ジョーバイデン; あべ しんぞう, あべしんぞう): scan for both.
                by_key.setdefault((False, key.replace(" ", "")), []).append(pattern)
        self.latin = ahocorasick.Automaton()
        self.cjk = ahocorasick.Automaton()
        for (latin, key), found in by_key.items():
            patterns = tuple(_dedupe(found))
            (self.latin if latin else self.cjk).add_word(key, (len(key), patterns, *_fast_path(patterns)))
        self.size = len(by_key)
        self.canonical: dict[tuple[str, str], dict[str, str]] = {}  # (target, order) -> id -> name
        for automaton in (self.latin, self.cjk):
            if len(automaton):
                automaton.make_automaton()

    def find(self, text: str) -> list[tuple[int, int, tuple[Pattern, ...], str | None]]:
        """Non-overlapping hits (start, end, patterns, single), longest first at each place, in text order.

        ``single`` is the entry id when every pattern of the hit is a standalone name of one entry.
        """
        if not self.size or not text:
            return []
        scanned = scan_form(text)
        latin_hits: list = []
        cjk_hits: list = []
        if len(self.latin) and (scanned.isascii() or _WORD_CHAR_RE.search(scanned)):
            padded = " " + _word_form(scanned) + " "
            hits = latin_hits
            # Leftmost-longest, non-overlapping, in C. padded[i] is text[i - 1]; a key starts with the
            # space before its first word, and the character after it must be a space too.
            for end_index, (length, patterns, capital, single) in self.latin.iter_long(padded):
                if padded[end_index + 1] != " ":
                    continue  # "Abe" in "Abel"
                start = end_index - length + 1
                end = start + length - 1
                if capital is not None:  # fast path: only the capital-letter rule applies
                    if not capital or text[start].isupper():
                        hits.append((start, end, patterns, single))
                    continue
                kept = []
                for p in patterns:
                    stop = end + len(p.tail) if p.tail and text.startswith(p.tail, end) else end
                    if _passes_latin(p, text, start, stop):
                        kept.append((stop, p))
                if kept:
                    stop = max(k[0] for k in kept)
                    chosen = tuple(p for k, p in kept if k == stop)
                    hits.append((start, stop, chosen, _fast_path(chosen)[1]))
        if len(self.cjk) and _CJK_RE.search(scanned):
            hits = cjk_hits
            windows, done = [], 0
            for run in _CJK_RUN_RE.finditer(scanned):
                lo = max(done, run.start() - _RUN_BEFORE)
                done = min(len(scanned), run.end() + _RUN_AFTER)
                windows.append((lo, done))
            found = (item for lo, hi in windows for item in self.cjk.iter_long(scanned, lo, hi))
            for end_index, (length, patterns, plain, single) in found:
                start, end = end_index - length + 1, end_index + 1
                if plain is not None:  # no context strings to check (capitalisation means nothing here)
                    hits.append((start, end, patterns, single))
                    continue
                kept = tuple(p for p in patterns if not p.variant.context
                             or text.startswith(p.variant.context, end))
                if kept:
                    hits.append((start, end, kept, single if len(kept) == len(patterns) else _fast_path(kept)[1]))
        if not cjk_hits or not latin_hits:
            return latin_hits or cjk_hits  # each pass is already in order and free of overlaps
        merged = sorted(latin_hits + cjk_hits, key=lambda h: (h[0], h[0] - h[1]))
        chosen = []
        last_end = -1
        for hit in merged:
            if hit[0] >= last_end:
                chosen.append(hit)
                last_end = hit[1]
        return chosen


def _fast_path(patterns: tuple[Pattern, ...]) -> tuple[bool | None, str | None]:
    """What can be decided once per pattern set instead of once per hit.

    First: None when a hit needs the full Latin checks (exact case, trailing punctuation, context, mixed
    capitalisation), else whether a capital first letter is required. Second: the entry id when all the
    patterns are standalone names of one entry (the hit then resolves without looking at the text).
    """
    caps = {p.capitalised for p in patterns}
    slow = any(p.exact_case or p.tail or p.variant.context for p in patterns) or len(caps) != 1
    capital = None if slow else caps.pop()
    ids = {p.entry_id for p in patterns}
    single = ids.pop() if len(ids) == 1 and all(p.variant.standalone or p.variant.context for p in patterns) else None
    return capital, single


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
        k = (p.entry_id, p.variant.kind, p.variant.standalone, p.exact_case, p.variant.context, p.tail)
        if k not in seen:
            seen.add(k)
            out.append(p)
    return out


def _passes_latin(p: Pattern, text: str, start: int, end: int) -> bool:
    """Case rules of Latin names: acronyms exactly ("US", never "us"), capitalised names capitalised."""
    if p.exact_case:
        return text[start:end] == p.variant.name
    if p.capitalised and not text[start].isupper():
        return False
    return not p.variant.context or text.startswith(p.variant.context, end)


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
    seen: set[str] = set()  # entries mentioned so far in this text
    entries = glossary.entries
    matcher = matcher_for(glossary)
    full_names = matcher.canonical.setdefault((target, name_order), {})  # computed once per entry
    for start, end, patterns, single in matcher.find(text):
        if single is not None and patterns[0].variant.kind != "short" and not text.startswith(PERSON_SUFFIXES, end):
            # Fast path: a standalone full name of exactly one entry.
            canonical = full_names.get(single)
            if canonical is None:
                canonical = full_names[single] = canonical_name(entries[single], target, name_order)
            v = patterns[0].variant
            mentions.append(Mention(start, end, text[start:end], single, canonical,
                                    "context" if single in seen else "direct", v.name, v.kind, v.origin))
            seen.add(single)
            continue
        mention = _resolve(glossary, text, start, end, patterns, seen, target, name_order)
        if mention is None:
            continue
        mentions.append(mention)
        if mention.entry_id:
            seen.add(mention.entry_id)
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
    earlier = [p for p in patterns if p.entry_id in seen]
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
    follow_up = p.variant.kind == "short" and entry.id in seen
    canonical = canonical_name(entry, target, name_order, short=follow_up)
    return Mention(start, end, surface, entry.id, canonical, resolution, p.variant.name, p.variant.kind,
                   p.variant.origin, others)


def canonical_name(entry: Entry, target: str, name_order: str = "given-family", short: bool = False) -> str:
    """The entry's name in ``target``; a short form becomes the family name, when one is known."""
    name = entry.name(target) or entry.id
    if short and (family := family_name_in(entry, target)) and family in name:
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
            return convert_han(family, config)
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
