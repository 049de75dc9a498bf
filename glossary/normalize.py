"""Text normalisation: find every mention of a glossary entry in a text, resolve it, rewrite it.

How it works:

1. The text is folded by :func:`glossary.keys.scan_fold`, the per-character layer of the one name
   normaliser (lower case, no diacritics, one Han form, hiragana for katakana, one space for every
   separator). It never changes the length, so offsets in the scan form are offsets in the input.
   Invisible characters (zero-width space, soft hyphen) are taken out first and the offsets mapped
   back, as :func:`~glossary.keys.name_key` drops them too.
2. Aho-Corasick automata (ahocorasick_rs, whose scan of a whole text is one call returning a list) hold
   the scan forms of every variant, curated and derived, and of every spelling the scan cannot fold
   (:func:`~glossary.keys.scan_spellings`: Kohno for Kōno):
   one for Latin names, scanned over a copy of the text in which every non-word character is a space
   and every key begins with a space (so a hit starts on a word boundary by construction), and one for
   Han and kana names, scanned over the stretches of Han and kana text.
3. Every hit is a *candidate* only if it passes the guards of its script. Latin names need word
   boundaries on both sides, a capital where the name has one ("china" is porcelain) and the exact case
   of an abbreviation ("US", never "us"). Han and kana names must not cut a word of the text
   (:mod:`glossary.boundaries`: 日共 is not in 中日共同, 日本 is not in 日本人), a katakana name must be
   printed in katakana (タイ is not the たい of つなげたい), and a single Han character counts only before
   one of its context strings (習 in 習氏).
4. Candidates are chosen in two passes, so a rejected or weaker name never hides another:
   first the names that stand on their own (full names, standalone short forms, titles), leftmost-longest
   and never overlapping; then, in the gaps, the short forms that need the text's evidence. All of the
   text counts as evidence, not only what came before ("Kishida" in a headline, "Fumio Kishida" below).
   Titles, policy formulas and descriptive phrases (entries or variants with ``in_text: false``) take
   part in the choice but are not reported: 国务院总理 is a title, not a mention of the State Council.
5. Each chosen name is resolved: a standalone name of one entry to that entry; a short form to the
   entry the text names; a surname next to a title (岸田首相, President Xi) to the one holder of that
   office (at the text's date, when it is given); a shared name by the text's own evidence (the other
   mentions; for a state body, its owner or spokesperson named next to it, the story's dateline; the
   side the text is written from: 外交部 in simplified Chinese is the PRC's, 我外交部 in traditional Chinese
   is Taiwan's), else by the curators' ``preferred`` reading ("default", with candidates), else it is
   reported ambiguous with its candidates and left unchanged. Then the neighbours of each mention may
   change it (:meth:`_Choice.neighbours`): a place that names a ship or begins an organisation's name is
   no mention, a country before a state body says whose it is (and joins it into one name), a gloss or a
   kana reading in brackets is the name before it.
6. The text is rewritten with each resolved mention's name in the target language, in the form the
   text used: an abbreviation stays an abbreviation (CCP, 中共), a place printed without its
   administrative suffix stays without it (TOKYO -> 東京, not 東京都). Or the text is annotated, or left
   alone when only the mentions are wanted.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
import weakref
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import ahocorasick_rs

from glossary.boundaries import SHARED_BOUNDARIES, WordBoundaries
from glossary.derive import convert_han
from glossary.index import Glossary
from glossary.keys import INVISIBLE, is_han, is_kana, name_key, scan_fold, scan_spellings
from glossary.model import MEDIA_SUBTYPES, MISSION_SUBTYPES, Entry, Variant

TARGETS = ("en", "zh-Hans", "zh-Hant", "ja")
MODES = ("rewrite", "annotate", "mentions")
NAME_ORDERS = ("given-family", "family-given")
OFFSETS = ("codepoint", "utf16")  # how mention offsets count: code points, or UTF-16 code units as well
# A date as texts carry it, to the day at most (compared as text with the glossary's role dates).
DATE_PATTERN = r"^(?!0000)\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"
# People whose English names put the given name first in most English-language media.
GIVEN_FIRST_COUNTRIES = ("JP", "KR")
# An honorific after a place name makes it a surname (石川氏, 千葉さん), not the place.
HONORIFICS = ("氏", "さん", "様", "さま", "君", "先生", "女士", "教授", "議員", "议员")
# Administrative suffixes a place name is printed with or without (東京都 / 東京, 广东省 / 广东).
ADMIN_SUFFIXES = ("都", "府", "県", "县", "縣", "省", "市", "区", "區", "州")
# Head nouns that news style often prints in lower case after a name (Reuters: "the Yasukuni shrine").
GENERIC_HEADS = frozenset({
    "shrine", "temple", "island", "islands", "islets", "strait", "straits", "sea", "bay", "river", "lake",
    "mountain", "mountains", "peninsula", "canal", "bridge", "airport", "port", "harbour", "harbor", "station",
    "coast guard", "nuclear plant", "nuclear power plant", "power plant", "power station", "incident",
    "massacre", "square", "park", "palace", "dam", "prefecture", "province", "city", "county"})
ADMIN_WORDS = ("prefecture", "province", "city", "metropolis", "municipality", "county", "district", "ward")
# "the prefecture of Osaka", "the city of Kyoto", "the island of Okinawa": an administrative word before a Latin
# place name says which of the places sharing the name is meant (after it, "Osaka prefecture" is a name of its own:
# GENERIC_HEADS).
_ADMIN_OF_RE = re.compile(r"\b(prefecture|province|city|county|island) of (?:the )?$", re.I)
_ADMIN_KINDS = {"prefecture": ("prefecture",), "province": ("province", "autonomous-region"),
                "city": ("city", "capital", "special-municipality", "municipality"), "county": ("county",),
                "island": ("island",)}  # ("the southern island of Okinawa": the island, not the prefecture)


class Mention(NamedTuple):
    """One mention found in a text. A named tuple: the hot path builds thousands per megabyte."""

    start: int
    end: int
    surface: str
    entry_id: str | None
    canonical: str | None
    resolution: str  # "direct" | "context" | "title" | "side" | "default" | "reading" | "ambiguous"
    matched: str  # the variant that matched
    variant_kind: str
    variant_origin: str
    candidates: list[str] | tuple = ()  # a tuple by default: no list to build for every mention
    start_utf16: int | None = None
    end_utf16: int | None = None

    def as_dict(self) -> dict:
        out = self._asdict()
        out["candidates"] = list(self.candidates)
        return out


# Builds a Mention from all its fields at C speed (a named tuple's own constructor is Python code).
_new_mention = tuple.__new__


@dataclass
class NormalizeResult:
    text: str
    mentions: list[Mention]

    def as_dict(self) -> dict:
        return {"text": self.text, "mentions": [m.as_dict() for m in self.mentions]}

    def answer(self) -> dict:
        """The result as ``POST /v1/normalize`` and ``glossary batch`` give it: each mention without the
        fields that are null (UTF-16 offsets not asked for, no entry when the mention is ambiguous)."""
        return {"text": self.text,
                "mentions": [{k: v for k, v in m.as_dict().items() if v is not None} for m in self.mentions]}


# -- scan form ------------------------------------------------------------------------------------

scan_form = scan_fold  # the scan form of a text is the per-character layer of the name key

# In the Latin pass every character that is not a letter or digit of an alphabetic script becomes a
# space, and each Latin pattern is stored with a space on both sides: a hit then starts and ends on a
# word boundary by construction, and no time is spent on "xi" inside "taxi".
_NON_WORD_RE = re.compile(r"[^a-z0-9\u00df-\u024f\u0370-\u052f]")
_WORD_CHAR_RE = re.compile(r"[a-z0-9\u00df-\u024f\u0370-\u052f]")
_CJK_CLASS = "\u3005\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\uff66-\uff9f"
_CJK_RE = re.compile(f"[{_CJK_CLASS}]")
_HAN_DOT_RE = re.compile(r"(?<=[\u3400-\u9fff])[·・‧•](?=[\u3400-\u9fff])")  # a dot between two Han characters
# Stretches of Han/kana text (gaps of up to 12 other characters bridged): the Han/kana automaton has
# thousands of first characters and looks each text character up among them, so it is only run where
# such text is; a window reaches 12 characters back and 6 on for names such as G20杭州峰会, ワシントンD.C.
_CJK_RUN_RE = re.compile(f"[{_CJK_CLASS}]+(?:[^{_CJK_CLASS}]{{1,12}}[{_CJK_CLASS}]+)*")
_RUN_BEFORE, _RUN_AFTER = 12, 6
_INVISIBLE_RE = re.compile(f"[{INVISIBLE}]")
_KANA_RE = re.compile("[\u3040-\u30fa\u30fc-\u30ff]")  # kana, not the middle dot ・ Chinese captions use too
_KATAKANA_RE = re.compile(r"[\u30a0-\u30ff\s・ー]+")
_HIRAGANA_RE = re.compile(r"[\u3040-\u309f\s・ー]+")
_HAN_RE = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")

# The same map for ASCII text, as a byte table: bytes.translate is many times faster than a regex.
_ASCII_NON_WORD = bytes(c if chr(c).isascii() and (chr(c).isdigit() or "a" <= chr(c) <= "z") else 0x20
                        for c in range(256))


class _WordMap(dict):
    """``str.translate`` table of the word form: letters and digits stay, everything else is a space."""

    def __missing__(self, code: int) -> str:
        c = chr(code)
        value = self[code] = c if _NON_WORD_RE.match(c) is None else " "
        return value


_WORD_MAP = _WordMap({c: _ASCII_NON_WORD[c] for c in range(128)})


def _word_form(scanned: str) -> str:
    """Every non-word character of the scan form replaced by a space (same length)."""
    if scanned.isascii():
        return scanned.encode("ascii").translate(_ASCII_NON_WORD).decode("ascii")
    return scanned.translate(_WORD_MAP)


def latin_key(form: str) -> str:
    """A Latin pattern's key: its word form (as the text's is made) with one space in front.

    Every non-word character is one space, as in the text ("No. 1" has two), so the key meets the text.
    """
    return " " + _word_form(form).strip(" ")


def _script(name: str) -> str:
    """'kata' for a name written in katakana (and ー・), 'hira' for one in hiragana, else ''."""
    letters = [c for c in name if is_kana(c) and c not in "ー・"]
    if not letters or len(letters) != sum(1 for c in name if not c.isspace() and c not in "ー・"):
        return ""
    return "kata" if all(0x30A0 <= ord(c) <= 0x30FF for c in letters) else (
        "hira" if all(0x3040 <= ord(c) <= 0x309F for c in letters) else "")


# -- the matcher ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Pattern:
    entry_id: str
    variant: Variant
    latin: bool
    capitalised: bool
    exact_case: bool
    tail: str  # trailing punctuation of the name ("U.S."), taken into the mention when the text has it
    standalone: bool  # resolves without other evidence in the text
    silent: bool  # a title, formula or description: takes part in the choice, never reported
    script: str  # "kata" / "hira" for names written in kana only: the text must use the same script
    place: bool
    offices: tuple[str, ...]  # for titles: the offices they name (matched against people's roles)
    # A diplomatic mission named after the country that sends it (中国大使馆): after 驻/駐 ("stationed in")
    # the country is the host instead (美国驻中国大使馆 is the US embassy in China), so it is no mention there.
    mission: bool = False
    # A hiragana reading (ja-Hira): Japanese prints one only in brackets after the name it reads (薛剣(せつけん));
    # anywhere else the same kana are ordinary words (いき in 続けていきたい is not Iki island).
    reading: bool = False
    country: str | None = None  # a place's or organisation's country (one ISO code; None for several or none)
    # A state body (a ministry, agency, party, legislature, armed force...): 外交部 after 韩国 is South Korea's,
    # not the one the glossary holds under that name (see _of_country).
    institution: bool = False
    person: bool = False
    nation: bool = False  # a country: never a ship's name (中国舰艇 are Chinese warships)
    # A Japanese romanisation with its administrative suffix after a hyphen (Tōkyō-to, Ōsaka-fu): in English
    # text the same words with a space are the name and a preposition ("from Tokyo to Beijing").
    hyphened: bool = False
    organisation: bool = False


# A candidate: (start, end, patterns, strength). Strength orders the two passes of the choice.
STRONG, WEAK = 0, 1


class PatternSet(tuple):
    """The patterns of one key (or those left after the guards), with what the choice asks of them worked
    out once, when the matcher is built, instead of once per hit."""

    @classmethod
    def of(cls, patterns) -> PatternSet:
        ps = cls(patterns)
        ps.latin = ps[0].latin
        ps.silent = all(p.silent for p in ps)  # a title: bounds names, never reported
        ps.strength = STRONG if any(p.standalone or p.silent for p in ps) else WEAK
        ids = {p.entry_id for p in ps if p.standalone and not p.silent}
        ps.named = ids.pop() if len(ids) == 1 else None  # the entry this set names on its own
        ps.full = ps.named is not None and any(p.variant.kind != "short" for p in ps if p.entry_id == ps.named)
        ps.offices = tuple(o for p in ps if p.silent for o in p.offices)
        ps.place = all(p.place for p in ps)
        ps.any_place = any(p.place for p in ps)
        ps.institution = any(p.institution for p in ps)
        ps.organisation = not ps.latin and any(p.organisation for p in ps)  # (Han/kana: see _SUBUNIT_AFTER_RE)
        ps.neighbourly = ps.institution or ps.any_place or ps.organisation  # a neighbour may change its mention
        ps.person = all(p.person for p in ps)
        ps.short = all(p.variant.kind == "short" for p in ps)
        ps.surname = ps.latin and ps.short and all(p.person for p in ps)  # a Latin surname: see _alone
        ps.nation = all(p.nation for p in ps)
        # A short form only Chinese writes (北约/北約 for NATO): in Japanese text before a number the same
        # characters are other words (北約420km: "about 420 km north"); Japanese quotes others (国安法, 海警).
        ps.chinese_short = not ps.latin and all(
            p.variant.lang.startswith("zh") and p.variant.kind in ("short", "abbreviation") for p in ps)
        # From how many characters a Han/kana name may leave one character of a word it shares (TextMatcher.is_word).
        ps.lenient_from = 1 << 30 if ps.any_place or ps.silent else (
            3 if ps.person and ps[0].variant.kind != "short" else 4)
        first = ps[0]
        # A standalone name of exactly one entry (not a short form, whose rewrite depends on the text):
        # it becomes its mention at once, with a canonical name that depends only on the form matched.
        # Entries that stand alone here only by a Japanese spelling while Chinese spells the same characters as a
        # short form (国会: the Diet in Japanese, any parliament in Chinese): in a text with no kana they do not.
        ps.japanese_alone = frozenset(
            i for i in {p.entry_id for p in ps if p.standalone and p.variant.lang == "ja"}
            if any(p.entry_id == i and p.variant.lang.startswith("zh") and not p.standalone for p in ps)
            and not any(p.entry_id == i and p.standalone and p.variant.lang != "ja" for p in ps))
        ps.direct = first.entry_id if all(
            p.entry_id == first.entry_id and p.standalone and p.variant.kind != "short" and not p.silent
            for p in ps) else None
        ps.contexts = tuple({c for p in ps for c in p.variant.context})
        ps.variant = first.variant
        ps.mention_rest = {}  # for a direct, non-place set: (target, name order) -> its mention's fields
        # The entries it names, in order; those it names on its own. A shared surname of a large glossary
        # is a set of thousands of people: resolving a hit must not list them again each time.
        ps.ids = tuple(dict.fromkeys(p.entry_id for p in ps))
        ps.standalone_ids = tuple(dict.fromkeys(p.entry_id for p in ps if p.standalone))
        ps.preferred_ids = tuple(dict.fromkeys(p.entry_id for p in ps if p.variant.preferred and p.standalone))
        standalone, sides = set(ps.standalone_ids), {}
        for p in ps:
            for side in p.variant.used_by:
                if p.entry_id in standalone:
                    sides.setdefault(side, {})[p.entry_id] = None
        ps.by_side = {side: tuple(found) for side, found in sides.items()}  # side -> entries its variants give it
        return ps


def entry_patterns(entry: Entry, variants: list[Variant]) -> list[tuple[tuple[bool, str], Pattern, int | None]]:
    """What one entry puts into the matcher: ((latin, key), pattern, last capital) for each scanned spelling."""
    out = []
    for v in variants:
        if not _scanned(entry, v):
            continue
        made: dict[bool, Pattern] = {}  # one pattern for all the spellings of a variant
        for spelling in scan_spellings(v.name) if v.name.isascii() or not _CJK_RE.search(v.name) else _han_spellings(
                v.name):
            form = scan_form(spelling)
            if not _usable(form, v):
                continue
            latin = not _CJK_RE.search(form)
            key = latin_key(form) if latin else form
            if latin and len(key.strip()) < 2:
                continue
            pattern = made.get(latin)
            if pattern is None:
                pattern = made[latin] = _pattern(entry, v, latin)
            out.append(((latin, key), pattern, _last_capital(spelling, key) if latin else None))
            if not latin and " " in key:
                # Han and kana names are printed with and without their separators (ジョー・バイデン,
                # ジョーバイデン; あべ しんぞう, あべしんぞう): scan for both.
                out.append(((False, key.replace(" ", "")), pattern, None))
    return out


def _han_spellings(name: str) -> list[str]:
    """A Han/kana name as a text may print it: with an ASCII or full-width hyphen (東京-北京フォーラム), which the
    scan keeps, or with any other dash or a middle dot there (東京−北京, 東京・北京), which it reads as a space."""
    if "-" not in name and "－" not in name:
        return [name]
    return [name, name.replace("-", "・").replace("－", "・")]


def plain_parts(glossary: Glossary, parts: dict[str, tuple[Entry, list]]) -> tuple:
    """A matcher's :attr:`TextMatcher.parts` in a few flat arrays, to be saved with its snapshot: per entry (in
    the snapshot's order) how many patterns it has, and per pattern its variant's place among the entry's
    variants, whether it is Latin, its key and its last capital (-1: none). Unpickling a million pattern
    objects took longer than working them out again, and a million small tuples left the heap full of holes
    the forked workers would share; arrays and the key strings (which the matcher keeps) load whole."""
    counts, places, latin, last, keys = array("l"), array("l"), bytearray(), array("l"), []
    for entry_id in glossary.entries:
        patterns = parts[entry_id][1]
        place = {id(v): n for n, v in enumerate(glossary.variants_of(entry_id))}
        counts.append(len(patterns))
        for (is_latin, key), p, capital in patterns:
            places.append(place[id(p.variant)])
            latin.append(is_latin)
            last.append(-1 if capital is None else capital)
            keys.append(key)
    return counts, places, bytes(latin), last, keys


def parts_from_plain(glossary: Glossary, plain: tuple) -> dict[str, tuple[Entry, list]]:
    """The parts :func:`plain_parts` saved, made again for ``glossary`` (the snapshot they were saved with):
    one pattern per variant and script, as :func:`entry_patterns` makes them."""
    counts, places, latin, last, keys = plain
    parts, at = {}, 0
    for entry_id, count in zip(glossary.entries, counts, strict=True):
        entry, variants, made = glossary.entries[entry_id], glossary.variants_of(entry_id), {}
        patterns = []
        for k in range(at, at + count):
            n, is_latin = places[k], bool(latin[k])
            pattern = made.get((n, is_latin))
            if pattern is None:
                pattern = made[n, is_latin] = _pattern(entry, variants[n], is_latin)
            patterns.append(((is_latin, keys[k]), pattern, None if last[k] < 0 else last[k]))
        at += count
        parts[entry_id] = (entry, patterns)
    return parts


def _automaton_value(latin_and_key: tuple[bool, str], rows: list) -> tuple:
    """What the automaton holds for one key: its length, its pattern set, the fast-path decision and, for
    a Latin key, where its last capitalised word starts (when all its spellings agree)."""
    latin, key = latin_and_key
    patterns = PatternSet.of(dict.fromkeys(pattern for pattern, _last in rows))
    if not latin:
        return (len(key), patterns, _fast_path(patterns), PatternChecks(patterns, _cjk_check))
    caps = {last for _pattern, last in rows}
    # What the fused Latin pass reads for every hit, as tuple items rather than attribute look-ups.
    return (len(key), patterns, _fast_path(patterns), caps.pop() if len(caps) == 1 else None,
            patterns.direct, patterns.place, patterns.variant.kind, patterns.mention_rest)


class TextMatcher:
    """Two automata over the scan forms of every variant: one for Latin names, one for Han/kana names.

    Built once per glossary snapshot (it holds nothing but what it derives from that glossary).
    """

    @property
    def glossary(self) -> Glossary:
        """The snapshot this matcher was built for. A weak reference: the snapshot holds its matcher, and a
        replaced snapshot must go with its last reference, not wait for the cyclic collector (which never
        visits a snapshot frozen out of it, as the service's are)."""
        return self._glossary()

    def __init__(self, glossary: Glossary, boundaries: WordBoundaries | None = None,
                 previous: TextMatcher | None = None, parts: dict[str, tuple[Entry, list]] | None = None):
        """``previous``: the matcher of an earlier snapshot. Only the entries that are not the same object
        in both snapshots are worked out again, and only the keys they touch (a store's refresh after a
        write changes a few entries); the rest is shared with ``previous``, which is left as it was.
        ``parts``: the :attr:`parts` of a matcher saved with this snapshot (:class:`~glossary.snapshot.SavedSnapshot`):
        the patterns of the entries that are the same objects are taken from it, not worked out again."""
        self._glossary = weakref.ref(glossary)
        self.boundaries = boundaries or SHARED_BOUNDARIES
        earlier = previous.parts if previous is not None else (parts or {})
        self.parts: dict[str, tuple[Entry, list]] = {}
        changed: set[str] = set()
        for entry_id, entry in glossary.entries.items():
            part = earlier.get(entry_id)
            if part is None or part[0] is not entry:
                part = (entry, entry_patterns(entry, glossary.variants_of(entry_id)))
                changed.add(entry_id)
            self.parts[entry_id] = part
        if previous is None:
            # (latin, key) -> [(pattern, where its last capitalised word starts)], in entry order
            by_key: dict[tuple[bool, str], list] = {}
            for _entry, patterns in self.parts.values():
                for latin_and_key, pattern, last in patterns:
                    by_key.setdefault(latin_and_key, []).append((pattern, last))
            self.by_key = by_key
            self.values: dict[tuple[bool, str], tuple | None] = dict.fromkeys(by_key)
        else:
            gone = changed | {entry_id for entry_id in earlier if entry_id not in self.parts}
            touched: dict[tuple[bool, str], list] = {}
            for entry_id in gone:
                for latin_and_key, _pattern, _last in earlier.get(entry_id, (None, ()))[1]:
                    touched.setdefault(latin_and_key, [])
            for entry_id in changed:
                for latin_and_key, pattern, last in self.parts[entry_id][1]:
                    touched.setdefault(latin_and_key, []).append((pattern, last))
            rank = {entry_id: n for n, entry_id in enumerate(glossary.entries)}
            self.by_key, self.values = dict(previous.by_key), dict(previous.values)
            for k, added in touched.items():
                rows = [row for row in previous.by_key.get(k, ()) if row[0].entry_id not in gone] + added
                if rows:
                    rows.sort(key=lambda row: rank[row[0].entry_id])  # stable: an entry's own order
                    self.by_key[k], self.values[k] = rows, None
                else:
                    del self.by_key[k], self.values[k]
        self.latin_keys, self.latin_values, self.cjk_keys, self.cjk_values = [], [], [], []
        for (latin, key), value in self.values.items():
            if latin:
                self.latin_keys.append(key)
                self.latin_values.append(value)
            else:
                self.cjk_keys.append(key)
                self.cjk_values.append(value)
        self.latin_longest = max(map(len, self.latin_keys), default=0)
        # What a layer over this matcher (glossary/layered_matcher.py) needs of its keys, worked out here, before
        # the workers are forked: reading a million keys in each of them would un-share their pages.
        self.longest = {True: self.latin_longest, False: max(map(len, self.cjk_keys), default=0)}
        self.size = len(self.values)
        self.canonical: dict[tuple[str, str], dict[str, str]] = {}  # (target, order) -> id -> name
        # Leftmost-longest for the Latin scan; every overlapping hit for Han/kana text, whose boundaries are
        # decided afterwards. Building an automaton is most of a refresh's matcher work: one whose keys (in
        # order) are those of ``previous`` is shared with it (a write that changed no name of that script).
        same = previous is not None and self.latin_keys == previous.latin_keys
        self.latin = previous.latin if same else _automaton(self.latin_keys, ahocorasick_rs.MatchKind.LeftmostLongest)
        same = previous is not None and self.cjk_keys == previous.cjk_keys
        self.cjk = previous.cjk if same else _automaton(self.cjk_keys, ahocorasick_rs.MatchKind.Standard)

    def value(self, latin: bool, index: int) -> tuple:
        """What the automaton's key number ``index`` stands for (see :func:`_automaton_value`), worked out on its
        first hit. A text meets few of a large glossary's keys: working out all of them took 9 s of a million
        variants' 38 s build. Two threads may both work one out; either answer is the same."""
        keys, values = (self.latin_keys, self.latin_values) if latin else (self.cjk_keys, self.cjk_values)
        k = (latin, keys[index])
        value = self.values[k] = values[index] = _automaton_value(k, self.by_key[k])
        return value

    # -- candidates

    def find(self, text: str, scanned: str | None = None) -> list[tuple[int, int, tuple[Pattern, ...], int]]:
        """Every candidate (start, end, patterns, strength), in text order, longest first at each start."""
        if not self.size or not text:
            return []
        if scanned is None:
            scanned = scan_form(text)
        found: list = []
        in_order = True
        if self.latin is not None and (scanned.isascii() or _WORD_CHAR_RE.search(scanned)):
            in_order = self._find_latin(text, scanned, found)
        if self.cjk is not None and not scanned.isascii() and _CJK_RE.search(scanned):
            self._find_cjk(text, scanned, found)
            in_order = False
        if not in_order:
            found.sort(key=_candidate_order)
        return found

    def _find_latin(self, text: str, scanned: str, found: list) -> bool:
        """Latin candidates into ``found``; False when names found inside others broke the text order.

        Leftmost-longest, all hits in one call. padded[i] is text[i - 1]; a key starts with the space
        before its first word, and the character after it must be a space too. When the longest name at a
        place is rejected or needs evidence, the names that start inside it are looked up too, so that none
        is hidden ("Shi Yinhong" in "Professor Shi Yinhong").
        """
        padded = " " + _word_form(scanned) + " "
        values = self.latin_values
        in_order = True
        for index, start, end in self.latin.find_matches_as_indexes(padded):
            if padded[end] == " ":
                value = values[index] or self.value(True, index)
                _length, patterns, capital, last, _single, _place, _kind, _rest = value
                if capital is not None:  # fast path: only the capital-letter rules apply
                    if (not capital or text[start].isupper()) and (last is None or text[end - 1 - last].isupper()):
                        found.append((start, end - 1, patterns, patterns.strength))
                        if patterns.strength == STRONG:
                            continue
                else:
                    hit = self._latin_hit(text, start, end - 1, patterns, last)
                    if hit is not None:
                        found.append(hit)
                        if hit[3] == STRONG:
                            continue
            if " " not in padded[start + 1 : end - 1]:
                continue  # one word: no other name can start inside it or end sooner
            in_order = False
            found += self._inside(text, padded, start, end)
        return in_order

    def _inside(self, text: str, padded: str, start: int, end: int) -> list:
        """The names that start inside the Latin hit padded[start:end] (other than itself), in candidate order.

        Every key starts with a space, so a name inside starts at one of the hit's spaces. The leftmost-
        longest automaton gives the longest key at a place; cutting the window just short of it gives the
        next longest, and so on: every key at every place, with no second automaton to build.
        """
        values, found = self.latin_values, []
        limit = start + self.latin_longest + 2
        at = start
        while 0 <= at < end - 1:
            stop = limit
            while True:
                hits = self.latin.find_matches_as_indexes(padded[at:stop])
                if not hits or hits[0][1] != 0:
                    break
                alt_index, _zero, length = hits[0]
                alt_end = at + length
                if (at, alt_end) != (start, end) and padded[alt_end] == " ":
                    alt = values[alt_index] or self.value(True, alt_index)
                    hit = self._latin_hit(text, at, alt_end - 1, alt[1], alt[3])
                    if hit is not None:
                        found.append(hit)
                stop = alt_end - 1
            at = padded.find(" ", at + 1)
        found.sort(key=_candidate_order)
        return found

    def _latin_hit(self, text: str, start: int, end: int, patterns: PatternSet, last: int | None):
        """The slow path: exact case, trailing punctuation (U.S.), context strings, mixed capitals. Each
        distinct check of the key's patterns is made once (a shared surname of a large glossary is a pattern of
        thousands of people), and the pattern set kept for each outcome is made once per key."""
        if last is not None and not text[end - last].isupper():
            return None
        checks = patterns.__dict__.get("latin_checks")
        if checks is None:
            checks = patterns.latin_checks = PatternChecks(patterns, _latin_check)
        passed = [(stop, n) for n, p in enumerate(checks.groups)
                  for stop in [end + len(p.tail) if p.tail and text.startswith(p.tail, end) else end]
                  if _passes_latin(p, text, start, stop)]
        if not passed:
            return None
        stop = max(k[0] for k in passed)
        chosen = checks.kept(patterns, tuple(n for k, n in passed if k == stop))
        return (start, stop, chosen, chosen.strength)

    def _find_cjk(self, text: str, scanned: str, found: list) -> None:
        windows, done = [], 0
        for run in _CJK_RUN_RE.finditer(scanned):
            lo = max(done, run.start() - _RUN_BEFORE)
            done = min(len(scanned), run.end() + _RUN_AFTER)
            windows.append((lo, done))
        values = self.cjk_values
        for lo, hi in windows:
            for index, start, end in self.cjk.find_matches_as_indexes(scanned[lo:hi], overlapping=True):
                start += lo
                end += lo
                _length, patterns, plain, checks = values[index] or self.value(False, index)
                if plain:
                    found.append((start, end, patterns, patterns.strength))
                    continue
                passing = tuple(n for n, p in enumerate(checks.groups) if _passes_cjk(p, text, start, end))
                if passing:
                    kept = checks.kept(patterns, passing)
                    found.append((start, end, kept, kept.strength))
        if _HAN_DOT_RE.search(text):
            self._find_across_dots(text, scanned, found)

    def _find_across_dots(self, text: str, scanned: str, found: list) -> None:
        """Names the text writes with a middle dot between two of their characters (大阪·关西世博会 for the
        glossary's 大阪关西世博会): the text is scanned once more without such dots, and a hit that spans one is
        a candidate over the text's own characters, dot included."""
        dots = {match.start() for match in _HAN_DOT_RE.finditer(text)}
        kept_at = [n for n in range(len(scanned)) if n not in dots]  # the text's position of each character kept
        joined = "".join(scanned[n] for n in kept_at)
        spans = {(c[0], c[1]) for c in found}
        values = self.cjk_values
        for index, start, end in self.cjk.find_matches_as_indexes(joined, overlapping=True):
            start, end = kept_at[start], kept_at[end - 1] + 1
            if end - start == len(self.cjk_keys[index]) or (start, end) in spans:
                continue  # no dot inside: found already
            _length, patterns, _plain, checks = values[index] or self.value(False, index)
            passing = tuple(n for n, p in enumerate(checks.groups) if _passes_cjk(p, text, start, end))
            if passing:
                kept = checks.kept(patterns, passing)
                found.append((start, end, kept, kept.strength))

    def is_word(self, segments, text: str, start: int, end: int, patterns, title_after=lambda: False) -> bool:
        """Han/kana names must not cut a word of the text (``segments``: see :mod:`glossary.boundaries`).

        ``title_after()``: a title or honorific starts where the name ends (洪磊|報道官, 華春瑩|氏, 吴江浩|大使),
        which is a word's end whatever the segmenter read across it; so is a bureau's 局 shared with 局长
        (亚洲大洋洲局|长).
        """
        if patterns.latin:
            return True
        # A context string that follows the name (習 + 氏) is part of the word the name must fit.
        if patterns.contexts:
            end += max((len(c) for c in patterns.contexts if text.startswith(c, end)), default=0)
        # A name of several characters (four, or three for a person's) is seldom there by chance: it may leave
        # one character of a word it shares with its neighbour (林芳正|在 where jieba reads 正在).
        lenient = end - start >= patterns.lenient_from
        if end < len(text) and text[end] in _WORD_GOES_ON and not patterns.any_place and \
                text.endswith(_HAN_ORG_HEADS, start, end):
            return False  # 日本银行|业 is the Japanese banking industry, 日本航空|識別區 Japan's ADIZ
        if end < len(text) and text[end - 1] == "部" and text[end] in _PART_GOES_ON:
            return False  # 国家安全部|門 is "state-security organs", 外交部|分 no ministry
        # A title is checked at its end only: it follows what it qualifies (亚洲大洋洲局|局长, 日本|首相).
        if segments.is_word(start, end, patterns.place, check_start=not patterns.silent, lenient=lenient):
            return True
        if (title_after() and not patterns.place) or _shares_head(text, end):
            return segments.is_word(start, end, patterns.place, check_start=not patterns.silent, check_end=False,
                                    lenient=lenient)
        if patterns.institution and _country_initial(self, text[start - 1] if start else ""):
            # 日外务省, 韩外交部: a country's one-character abbreviation before a state body, which jieba reads as
            # one word with it; the body is a word there (whose it is: see _of_country).
            return segments.is_word(start, end, patterns.place, check_start=False, lenient=lenient)
        return False


def _automaton(keys: list[str], kind) -> ahocorasick_rs.AhoCorasick | None:
    """A contiguous NFA: in our measurements twice as fast to scan as the DFA and the noncontiguous NFA."""
    if not keys:
        return None
    return ahocorasick_rs.AhoCorasick(keys, matchkind=kind, implementation=ahocorasick_rs.Implementation.ContiguousNFA)


_GENERIC_LEGISLATURES = frozenset({"国会", "國會"})  # what Japanese wires gloss every foreign legislature with
_STATIONED = ("驻", "駐")  # "stationed in": 驻中国大使馆 is an embassy in China, not China's
_OPENING, _CLOSING = "(（", ")）"
_HYPHENED_RE = re.compile(r"-[a-z]{1,4}$")
# Organisations that belong to one state, whose generic names every state's own body shares (外交部, 国防部,
# Foreign Ministry, 共産党): a country right before such a name says whose it is.
INSTITUTION_SUBTYPES = frozenset({
    "ministry", "ministry-department", "ministry-bureau", "ministry-division", "agency", "government",
    "coast-guard", "military", "police", "regulator", "central-bank", "commission", "legislature", "court",
    "prosecutor", "political-party", "party-committee", "party-organ", "advisory-body", "government-department",
    "cross-strait-body", "government-bureau", "government-agency", "presidential-office", "intelligence-agency",
    "investigative-agency", "government-office"})
# What may stand between a country and its body: nothing (韩国外交部), の, 的, a possessive ("Beijing's").
_OF_COUNTRY = ("", "の", "的", "'s ", "’s ", " ", "联邦", "聯邦")  # (美國聯邦眾議院: the US federal House)


def _pattern(entry: Entry, v: Variant, latin: bool) -> Pattern:
    first = next((c for c in v.name if c.isalpha()), "")
    tail = v.name[len(v.name.rstrip(".,;:!?'’")) :] if latin else ""
    silent = not entry.details.get("in_text", True) or not v.in_text
    # A curated variant with context strings (習 before 氏) stands alone once its context follows it;
    # derived single-character surnames (林 before 外相) still need the full name in the text.
    standalone = v.standalone or bool(v.context and not (v.method or "").startswith("family-name"))
    mission = not latin and entry.details.get("subtype") in MISSION_SUBTYPES and not v.name.startswith(_STATIONED)
    countries = entry.details.get("country") or () if entry.type in ("place", "organization") else ()
    # (a country's own code comes first: Taiwan is [TW, CN]; a place with several codes names none of them)
    nation = entry.type == "place" and entry.details.get("subtype") == "country"
    country = countries if isinstance(countries, str) else countries[0] if len(countries) == 1 or (
        nation and countries) else None
    return Pattern(entry.id, v, latin, first.isupper(), v.case_sensitive, tail, standalone, silent,
                   "" if latin else _script(v.name), entry.type == "place",
                   tuple(entry.details.get("offices", ())), mission, not latin and v.lang == "ja-Hira",
                   country,
                   entry.type == "organization" and entry.details.get("subtype") in INSTITUTION_SUBTYPES,
                   entry.type == "person", nation,
                   latin and entry.type == "place" and _HYPHENED_RE.search(v.name) is not None,
                   entry.type == "organization")


def _candidate_order(c) -> tuple[int, int, int]:
    """Text order; at one start the longest first, and a name that stands alone before a short form."""
    return (c[0], c[0] - c[1], c[3])


def _last_capital(spelling: str, key: str) -> int | None:
    """For a name of several capitalised words, how far before its end the word starts that a text must
    capitalise too: the last of the name's first run of capitalised words, its head noun ("Ministry" in
    "Japan's Foreign Ministry", "Embassy" in "Japan's Embassy in Beijing", "Bank" in "Bank of Japan"). Printed
    in lower case, such a name is a description ("Japan's foreign ministry said", "Japan's embassy in
    Beijing"), and the place after "in" or "of" is capitalised either way. None for names with fewer than two
    capitalised words.
    """
    words = _word_form(scan_form(spelling))
    body = words.strip(" ")
    offset = len(words) - len(words.lstrip(" "))
    starts = [i for i, c in enumerate(body) if c != " " and (i == 0 or body[i - 1] == " ")]
    # A generic head noun may be printed in lower case ("the Yasukuni shrine", "Taiwan strait", "China coast
    # guard"): the name's own words are the ones that must be capitalised.
    # Not after an adjective ("the Philippine coast guard", "Chinese coast guard ships" describe; "Philippine
    # Coast Guard" names).
    head = next((starts[-k] for k in (3, 2, 1) if len(starts) > k and body[starts[-k]:].lower() in GENERIC_HEADS),
                len(body)) if spelling.split(" ", 1)[0] not in _ADJECTIVES else len(body)
    capitals = [i for i in starts if spelling[offset + i].isupper() and i < head]
    if len(capitals) < 2 or len(body) != len(key) - 1:
        return None
    run, at = starts.index(capitals[0]), starts.index(capitals[0]) + 1
    while at < len(starts) and (starts[at] in capitals or body[starts[at]:].startswith("s ")):
        if starts[at] in capitals:  # (the possessive's s is a word of its own here: "Japan s Foreign Ministry")
            run = at
        at += 1
    return len(body) - starts[run]


def _scanned(entry: Entry, v: Variant) -> bool:
    """Titles are scanned though never reported (they bound names and are evidence for people); policy
    formulas and descriptions (``in_text: false``) are not scanned at all, so that 台湾 in 台湾有事 is found."""
    tagged = entry.details.get("in_text", True) and v.in_text
    return tagged or entry.details.get("subtype") == "title"


def _fast_path(patterns: PatternSet) -> bool | None:
    """What can be decided once per pattern set instead of once per hit.

    Latin: None when a hit needs the full checks (exact case, trailing punctuation, context, mixed
    capitalisation or strength), else whether a capital first letter is required.
    Han/kana: True when no pattern has a context string, a script or a 驻 to check.
    """
    if not patterns[0].latin:
        return not any(p.variant.context or p.script or p.mission or p.reading for p in patterns)
    caps = {p.capitalised for p in patterns}
    slow = any(p.exact_case or p.tail or p.variant.context or p.hyphened for p in patterns) or len(caps) != 1
    if slow or len({(p.standalone, p.silent) for p in patterns}) != 1:
        return None
    return caps.pop()


def _usable(form: str, v: Variant) -> bool:
    """Patterns too weak to scan for: empty, one Latin letter, or one Han character without context."""
    stripped = form.strip()
    if len(stripped) != len(form) or not stripped:
        return False
    if len(form) == 1:
        return is_han(form) and bool(v.context)
    return True


def _passes_latin(p: Pattern, text: str, start: int, end: int) -> bool:
    """Case rules of Latin names: acronyms exactly ("US", never "us"), capitalised names capitalised."""
    if p.exact_case:  # (full-width capitals are the same capitals: ＡＰＥＣ)
        surface = text[start:end]
        return surface == p.variant.name or (not surface.isascii() and unicodedata.normalize(
            "NFKC", surface) == p.variant.name)
    if p.capitalised and not text[start].isupper():
        return False
    if p.hyphened and "-" not in text[start:end]:
        return False
    return not p.variant.context or text.startswith(p.variant.context, end)


def _passes_cjk(p: Pattern, text: str, start: int, end: int) -> bool:
    if p.variant.context and not text.startswith(p.variant.context, end):
        return False
    if p.mission and start > 0 and text[start - 1] in _STATIONED:
        return False
    if p.reading and not (0 < start and end < len(text) and text[start - 1] in _OPENING and text[end] in _CLOSING):
        return False
    if p.script:  # a name in one kana script is printed in that script
        return (_KATAKANA_RE if p.script == "kata" else _HIRAGANA_RE).fullmatch(text, start, end) is not None
    return True


def _latin_check(p: Pattern) -> tuple:
    """What :func:`_passes_latin` and the trailing punctuation ask of a pattern."""
    return p.tail, p.exact_case, p.variant.name if p.exact_case else "", p.capitalised, p.variant.context, p.hyphened


def _cjk_check(p: Pattern) -> tuple:
    """What :func:`_passes_cjk` asks of a pattern."""
    return p.variant.context, p.script, p.mission, p.reading


class PatternChecks:
    """A key's patterns grouped by the check they need, one pattern standing for each group, and the pattern
    set kept for each outcome, made once. A shared surname of a large glossary is a pattern of thousands of
    people, most needing the same checks (林 before 外相): a hit checks each group once, not each pattern."""

    __slots__ = ("groups", "group_of", "kept_sets")

    def __init__(self, patterns: PatternSet, check: Callable[[Pattern], tuple]):
        seen: dict[tuple, int] = {}
        groups: list[Pattern] = []
        group_of: list[int] = []
        for p in patterns:
            n = seen.setdefault(check(p), len(groups))
            if n == len(groups):
                groups.append(p)
            group_of.append(n)
        self.groups, self.group_of, self.kept_sets = tuple(groups), tuple(group_of), {}

    def kept(self, patterns: PatternSet, passing: tuple[int, ...]) -> PatternSet:
        """The patterns of the groups ``passing`` (group numbers, ascending): the same object each time."""
        if len(passing) == len(self.groups):
            return patterns
        kept = self.kept_sets.get(passing)
        if kept is None:
            chosen = set(passing)
            kept = self.kept_sets[passing] = PatternSet.of(
                [p for p, n in zip(patterns, self.group_of, strict=True) if n in chosen])
        return kept


def matcher_for(glossary: Glossary) -> TextMatcher:
    """The glossary's text matcher, built on first use and kept by the glossary snapshot itself."""
    return glossary.matcher()


# -- choosing and resolving -----------------------------------------------------------------------


@dataclass
class _Document:
    """What one text tells about itself: the entries it names, the titles it uses, its side."""

    text: str
    scanned: str
    named: dict[str, list[int]]  # entry id -> start offsets of its standalone mentions
    full: dict[str, int]  # entry id -> start of its first mention by a name that is not a short form
    offices: list[tuple[int, int, tuple[str, ...]]]  # titles found: (start, end, offices)
    side: str | None | bool  # False until asked for (it costs a pass over the text)
    date: str | None
    names: dict  # canonical names already worked out (shared by the matcher's texts), by entry and form


def normalize_text(
    glossary: Glossary,
    text: str,
    target: str = "en",
    mode: str = "rewrite",
    name_order: str = "given-family",
    utf16: bool = False,
    date: str | None = None,
) -> NormalizeResult:
    """Find, resolve and (by ``mode``) rewrite every mention in ``text``; see the module docstring.

    ``date`` (YYYY, YYYY-MM or YYYY-MM-DD) is when the text was written: a surname with a title
    (岸田首相) resolves to whoever held that office then.
    """
    if target not in TARGETS:
        raise ValueError(f"unknown target {target!r}; use one of {', '.join(TARGETS)}")
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; use one of {', '.join(MODES)}")
    if name_order not in NAME_ORDERS:
        raise ValueError(f"unknown name order {name_order!r}; use one of {', '.join(NAME_ORDERS)}")
    source = text
    positions = None
    if not text.isascii() and _INVISIBLE_RE.search(text):
        positions = [i for i, c in enumerate(text) if c not in INVISIBLE]
        text = "".join(text[i] for i in positions)
    matcher = matcher_for(glossary)
    scanned = scan_form(text)
    mentions = _mentions(matcher, glossary, text, scanned, target, name_order, date)
    if positions is not None:
        mentions = _map_back(mentions, positions, source)
        text = source
    if utf16:
        mentions = _add_utf16_offsets(text, mentions)
    return NormalizeResult(_render(text, mentions, mode), mentions)


def _mentions(matcher: TextMatcher, glossary: Glossary, text: str, scanned: str, target: str,
              name_order: str, date: str | None) -> list[Mention]:
    if not matcher.size or not text:
        return []
    resolved_names = matcher.canonical.setdefault((target, name_order, "resolved"), {})
    doc = _Document(text, scanned, {}, {}, [], False, date, resolved_names)
    choice = _Choice(doc, matcher, (target, name_order))
    if matcher.latin is not None and (scanned.isascii() or not _CJK_RE.search(scanned)):
        _latin_first_pass(choice)
    else:
        _first_pass(choice, matcher.find(text, scanned))
    return _what_the_text_says(glossary, text, choice.finish(), target, name_order)


def _what_the_text_says(glossary: Glossary, text: str, mentions: list[Mention], target: str,
                        name_order: str) -> list[Mention]:
    """After the choice, what the whole text says about its mentions: the company a shared name keeps, and what
    brackets define (an abbreviation, a former name, a Latin rendering)."""
    if any(m.entry_id is None and m.candidates for m in mentions):
        mentions = _by_company(glossary, text, mentions, target, name_order)
    if mentions and ("(" in text or "（" in text):
        mentions = _latin_glosses(glossary, text, _former_names(glossary, text, _defined_abbreviations(
            glossary, text, mentions)))
    if "-" in text:
        mentions = _with_cantonese_given_names(glossary, text, mentions)
    if any(m.surface.isascii() for m in mentions):
        mentions = _with_english_suffixes(glossary, text, mentions)
    if any(prefix in text for prefix in _STATIONED_IN_JAPAN):
        mentions = _with_stationed_prefix(glossary, text, mentions)
    return mentions


_STATIONED_IN_JAPAN = ("在京", "在日")  # "in Tokyo", "in Japan", as Japanese names a foreign mission


def _with_stationed_prefix(glossary: Glossary, text: str, mentions: list[Mention]) -> list[Mention]:
    """A mission with 在京 or 在日 before it is one name with it (在京中国大使館: China's embassy in Tokyo)."""
    out = []
    for m in mentions:
        if m.entry_id is not None and m.start >= 2 and text[m.start - 2 : m.start] in _STATIONED_IN_JAPAN and \
                glossary.entries[m.entry_id].details.get("subtype") in MISSION_SUBTYPES:
            m = m._replace(start=m.start - 2, surface=text[m.start - 2 : m.end])
        out.append(m)
    return out


# What English prints after a city's or a company's name as part of it: "Naha City", "Honda Motor Co.",
# "Nissan Motor Co., Ltd.", "Sony Group Corp."; and money written with a country's letters ("US$", "NT$", "HK$").
_CITY_AFTER_RE = re.compile(r" City\b")
_CLOCK_BEFORE_RE = re.compile(r"\d ?$")  # a digit right before "PM", "AM": a time of day
_LEGAL_SUFFIX_RE = re.compile(r",? (?:Co\., Ltd\.|Co\.,? ?Ltd|Co\.|Co\b|Corp\.|Corp\b|Inc\.|Inc\b|Ltd\.|Ltd\b)")
_COMPANY_SUBTYPES = frozenset({"company", "business", "airline", "carmaker", "manufacturer", "bank"})


def _with_english_suffixes(glossary: Glossary, text: str, mentions: list[Mention]) -> list[Mention]:
    """An English city's name with "City" after it, a company's with its legal suffix, is one mention; a
    country's letters before a dollar sign are money, not the country."""
    out: list[Mention] = []
    for n, m in enumerate(mentions):
        if m.entry_id is None or not m.surface.isascii():
            out.append(m)
            continue
        entry = glossary.entries[m.entry_id]
        subtype = entry.details.get("subtype")
        if entry.type == "place" and subtype == "country" and (
                text.startswith("$", m.end) or _CITY_AFTER_RE.match(text, m.end)):
            continue  # US$916,870; Mexico City, Kuwait City: another place, which the glossary lacks
        suffix = None
        if entry.type == "place" and subtype in ("city", "capital") and not m.surface.endswith(" City"):
            suffix = _CITY_AFTER_RE.match(text, m.end)
        elif entry.type == "organization" and subtype in _COMPANY_SUBTYPES:
            suffix = _LEGAL_SUFFIX_RE.match(text, m.end)
        if suffix is not None and (n + 1 == len(mentions) or mentions[n + 1].start >= suffix.end()):
            m = m._replace(end=suffix.end(), surface=text[m.start : suffix.end()])
        out.append(m)
    return out


def _with_cantonese_given_names(glossary: Glossary, text: str, mentions: list[Mention]) -> list[Mention]:
    """A person's English name with the Cantonese given name after it ("Jimmy Lai Chee-ying", as Hong Kong's
    English press writes them) is one mention, whether or not the glossary holds that long form."""
    out = []
    for n, m in enumerate(mentions):
        given = _HK_GIVEN_NAME_RE.match(text, m.end) if m.entry_id is not None and m.surface.isascii() else None
        if given is not None and glossary.entries[m.entry_id].type == "person" and (
                n + 1 == len(mentions) or mentions[n + 1].start >= given.end()):
            m = m._replace(end=given.end(), surface=text[m.start : given.end()])
        out.append(m)
    return out


# A name right before its former name in brackets: Ｘ（旧ツイッター）, X(旧Twitter), X（前稱Twitter）; and a one-letter
# name before an organisation's name in brackets (Ｘ（ツイッター）).
_LATIN_WORD = "A-Za-zＡ-Ｚａ-ｚ0-9０-９"
_LETTER_NAME_RE = re.compile(r"(?<![A-Za-zＡ-Ｚａ-ｚ])([A-Za-zＡ-Ｚａ-ｚ]) ?[(（]$")  # Ｘ（ツイッター）
_FORMERLY_RE = re.compile(
    rf"([{_LATIN_WORD}][{_LATIN_WORD}.&＆-]{{0,24}}) ?[(（](?:旧|舊|前称|前稱|原名|formerly )\s?$")


# A Latin rendering in brackets right after a person's Han name: 野田佳彦(Yoshihiko Noda).
_LATIN_GLOSS_RE = re.compile(r" ?[(（]([A-Z][A-Za-z'’.-]+(?: [A-Z][A-Za-z'’.-]+){0,3})[)）]")


def _latin_glosses(glossary: Glossary, text: str, mentions: list[Mention]) -> list[Mention]:
    """A person's name in Latin letters in brackets right after the Han name is that person, whole, whatever its
    words would match alone (a misspelt "Yoshihito" is not the Taishō emperor there)."""
    out: list[Mention] = []
    skip_to = -1
    for m in mentions:
        if m.start < skip_to:
            continue
        out.append(m)
        if m.entry_id is None or m.surface.isascii() or glossary.entries[m.entry_id].type != "person":
            continue
        gloss = _LATIN_GLOSS_RE.match(text, m.end)
        if gloss is not None:
            a, b = gloss.span(1)
            out.append(_new_mention(Mention, (a, b, text[a:b], m.entry_id, m.canonical, "reading", text[a:b],
                                              "romanization", "text", (), None, None)))
            skip_to = b
    return out


def _former_names(glossary: Glossary, text: str, mentions: list[Mention]) -> list[Mention]:
    """The Latin name a text puts before an entry's former name in brackets is that entry's present name, which the
    glossary may not list (one letter, X, is too short to scan for)."""
    out, last_end = [], 0
    for m in mentions:
        found = _FORMERLY_RE.search(text, max(last_end, m.start - 32), m.start) if m.entry_id is not None else None
        if found is None and m.entry_id is not None and glossary.entries[m.entry_id].type == "organization":
            found = _LETTER_NAME_RE.search(text, max(last_end, m.start - 3), m.start)
        if found is not None and found.end() == m.start and not (out and out[-1].end > found.start(1)):
            a, b = found.span(1)
            out.append(_new_mention(Mention, (a, b, text[a:b], m.entry_id, m.canonical, "context", text[a:b],
                                              "alias", "text", (), None, None)))
        out.append(m)
        last_end = m.end
    return out


# What joins the items of a list: 外交部、教育部、文旅部; 外交部和中國駐日本大使館; "the Diet and the Foreign Ministry".
_LIST_JOINERS = frozenset({"、", "和", "與", "与", "及", "以及", "，", ",", ", ", " and ", "や", "と", "・"})


def _by_company(glossary: Glossary, text: str, mentions: list[Mention], target: str, name_order: str) -> list[Mention]:
    """A shared body's name the text left open, resolved by the company it keeps: a body listed right next to
    bodies or people of one of its candidates' countries is that country's (外交部、教育部、文旅部 in a Chinese list;
    顧立雄、外交部次長 in a Taiwanese one). Failing that, for candidates other than the PRC's and Taiwan's bodies
    (whose texts name the other side all the time), the country the text's other mentions belong to when it
    outnumbers the others' at least two to one (眾議院 in a text about 高市早苗 and 自民黨)."""
    entries = glossary.entries
    out = list(mentions)
    for order in (range(len(out)), range(len(out) - 1, -1, -1)):  # (a resolved item helps the next, either way)
        for k in order:
            m = out[k]
            if m.entry_id is not None or not m.candidates:
                continue
            codes = set()
            for j in (k - 1, k + 1):
                if 0 <= j < len(out) and out[j].entry_id is not None:
                    between = text[out[j].end : m.start] if j < k else text[m.end : out[j].start]
                    if between in _LIST_JOINERS:
                        codes.update(entries[out[j].entry_id].countries[:1])
            fits = [c for c in m.candidates if entries[c].countries[:1] and entries[c].countries[0] in codes]
            if len(fits) == 1:
                out[k] = _resolved_as(glossary, m, fits[0], target, name_order)
    counts: dict[str, int] = {}
    for m in out:
        if m.entry_id is not None:
            code = entries[m.entry_id].countries[:1]
            if code:
                counts[code[0]] = counts.get(code[0], 0) + 1
    for k, m in enumerate(out):
        if m.entry_id is not None or not m.candidates:
            continue
        countries = {c: entries[c].countries[:1] for c in m.candidates}
        if len(countries) < 2 or not all(countries.values()) or {"CN", "TW"} <= {v[0] for v in countries.values()}:
            continue  # (one candidate left open: the text did not say enough for it either)
        ranked = sorted(((counts.get(v[0], 0), c) for c, v in countries.items()), reverse=True)
        if ranked[0][0] >= 2 and ranked[0][0] >= 2 * ranked[1][0] and ranked[0][0] != ranked[1][0]:
            out[k] = _resolved_as(glossary, m, ranked[0][1], target, name_order)
    return out


def _resolved_as(glossary: Glossary, m: Mention, entry_id: str, target: str, name_order: str) -> Mention:
    entry = glossary.entries[entry_id]
    variant = next((row.variant for row in glossary.with_key(name_key(m.surface)) if row.entry_id == entry_id), None)
    return m._replace(entry_id=entry_id, resolution="context", candidates=(),
                      canonical=canonical_name(entry, target, name_order, matched=variant, surface=m.surface))


# An abbreviation the text defines in brackets right after a name: "the Japan-Taiwan Exchange Association (JTEA)",
# 菲律賓國家海事委員會（NMC）.
_DEFINED_RE = re.compile(r" ?[(（]([A-Z][A-Z0-9&]{1,7})[)）]")


_DEFINED_TYPES = frozenset({"organization", "event", "agreement", "grouping"})  # not "Korea (KOR)", a team's code


def _defined_abbreviations(glossary: Glossary, text: str, mentions: list[Mention]) -> list[Mention]:
    """An abbreviation a text defines in brackets after a name is a mention of that name's entry there and
    wherever the text uses it after ("the JTEA office"), when the glossary holds no name it spells: reports
    coin abbreviations the glossary cannot list. Only after an organisation's, event's or agreement's name; and a
    Latin name's abbreviation must begin with its first letter (no "(AP)" photo credit after a name)."""
    added: list[Mention] = []
    starts = {m.start for m in mentions}
    for m in mentions:
        found = _DEFINED_RE.match(text, m.end) if m.entry_id is not None and \
            glossary.entries[m.entry_id].type in _DEFINED_TYPES else None
        if found is None or found.start(1) in starts:
            continue
        abbreviation = found.group(1)
        if m.surface.isascii() and m.surface[:1].upper() != abbreviation[0]:
            continue
        if any(match.score >= 0.99 for match in glossary.lookup(abbreviation, limit=3)):
            continue  # a name of an entry of its own (ASEAN, PCG): the matcher has read it as that already
        for use in re.finditer(rf"(?<![A-Za-z0-9-]){re.escape(abbreviation)}(?![A-Za-z0-9-])", text[found.start(1):]):
            a, b = found.start(1) + use.start(), found.start(1) + use.end()
            added.append(_new_mention(Mention, (a, b, abbreviation, m.entry_id, m.canonical, "context",
                                                 abbreviation, "abbreviation", "text", (), None, None)))
    if not added:
        return mentions
    taken = [(m.start, m.end) for m in mentions]
    keep = [a for a in added if not _overlapping(taken, a.start, a.end)]
    return sorted(mentions + list({(a.start, a.end): a for a in keep}.values()), key=lambda m: m.start)


class _Choice:
    """The choice of mentions among the candidates of one text.

    Pass 1 (:meth:`take`, candidate by candidate in text order): names that stand on their own,
    leftmost-longest, never overlapping; a name of exactly one entry becomes its mention right here (the
    common case, kept fast). Pass 2 (:meth:`finish`): short forms in the gaps, where the text's evidence
    resolves them, then the names that need resolving.
    """

    def __init__(self, doc: _Document, matcher: TextMatcher, order: tuple[str, str]):
        self.doc, self.matcher, self.order = doc, matcher, order
        self.glossary = matcher.glossary
        self.full_names = matcher.canonical.setdefault(order, {})  # direct place mentions, by surface
        self.chosen: list = []  # (start, end, patterns, mention or None), in text order
        self.weak: list = []  # short forms, for pass 2
        self.unresolved = False  # whether a chosen name needs resolving
        self.last_end = -1
        self.is_word: Callable | None = None  # the word-boundary test of Han/kana candidates, when there are some

    def take(self, start: int, end: int, patterns: PatternSet, strength: int) -> None:
        if strength:  # WEAK: the second pass
            self.weak.append((start, end, patterns, strength))
            return
        if start < self.last_end:
            return
        if patterns.silent and patterns.latin and _CLOCK_BEFORE_RE.search(self.doc.text, max(0, start - 6), start):
            return  # "9:55 PM" is a time, not the Prime Minister
        self.last_end = end
        single = patterns.direct
        if single is None:
            if patterns.silent and patterns.named is None:
                self.doc.offices.append((start, end, patterns.offices))
            self.chosen.append((start, end, patterns, None))
            self.unresolved = self.unresolved or not patterns.silent
            return
        surface = self.doc.text[start:end]
        rest = self.full_names.get((single, patterns.variant.kind, surface)) if patterns.place else \
            patterns.mention_rest.get(self.order)
        if rest is None:
            rest = self.direct_rest(single, patterns, surface)
        self.chosen.append((start, end, patterns, _new_mention(Mention, (start, end, surface) + rest)))

    def direct_rest(self, entry_id: str, patterns: PatternSet, surface: str) -> tuple:
        """The fields after (start, end, surface) of a direct pattern set's mention, worked out and kept.

        The rewrite depends on the entry, the kind of form (an abbreviation stays one) and, for a place, on
        whether the text printed its administrative suffix: all but the offsets and the surface are worked
        out once per pattern set (or place and surface) and target.
        """
        v = patterns.variant
        target, name_order = self.order
        canonical = canonical_name(self.glossary.entries[entry_id], target, name_order, matched=v, surface=surface)
        rest = (entry_id, canonical, "direct", v.name, v.kind, v.origin, (), None, None)
        if patterns.place:
            self.full_names[(entry_id, v.kind, surface)] = rest
        else:
            patterns.mention_rest[self.order] = rest
        return rest

    def finish(self) -> list[Mention]:
        if self.unresolved and any(c[2].surname for c in self.chosen):
            # A surname that stands alone in the glossary (Abe, Moon, Hu) still does not count inside a name it
            # does not hold ("Kaori Abe reports", "Jane Moon"), as a short form in the gaps does not (_alone).
            taken = [(c[0], c[1]) for c in self.chosen]
            self.chosen = [c for c in self.chosen if not c[2].surname or _alone(self.doc.text, c[0], c[1], taken)]
        chosen, weak, doc, glossary = self.chosen, self.weak, self.doc, self.glossary
        target, name_order = self.order
        # Neighbours that change a mention: a reading in brackets after a name (a hiragana reading is only ever
        # found in brackets), a country before a state body.
        neighbours = "(" in doc.text or "（" in doc.text or "《" in doc.text or any(
            c[2].neighbourly for c in chosen) or any(c[2].neighbourly for c in weak)
        if not (weak or self.unresolved):  # every name chosen is a mention already, or a title (never reported)
            if neighbours:
                return self.neighbours([(c[2], c[3]) for c in chosen if c[3] is not None])
            return [c[3] for c in chosen if c[3] is not None]
        _note_named(doc, chosen)  # evidence: which entries the text names on their own, and where
        # Pass 2: short forms in the gaps. A short form may also take the place of names it wholly contains
        # (日本大使館 after 在中国日本大使館: not 日本 + 大使館).
        if weak:
            taken = [(s, e) for s, e, _, _ in chosen]
            for c in weak:
                i = bisect.bisect_right(taken, (c[0], c[1]))
                if i and taken[i - 1][1] >= c[1]:
                    continue  # inside a name already chosen ("Kishida" in "Fumio Kishida")
                if not (c[2].latin or self.is_word(c)):
                    continue
                if c[2].latin and c[2].short and not c[2].institution and not _alone(
                        doc.text, c[0], c[1], taken, evidence=any(i in doc.named for i in c[2].ids)):
                    continue  # (a state body's owner before it is looked at in _resolve: "the Chinese Ministry of")
                inside = _overlapping(taken, c[0], c[1])
                if any(s < c[0] or e > c[1] for s, e in inside):
                    continue
                if _resolve(glossary, doc, c[0], c[1], c[2], target, name_order, probe=True) is None:
                    continue
                if inside:
                    chosen = [x for x in chosen if (x[0], x[1]) not in inside]
                    taken = [t for t in taken if t not in inside]
                bisect.insort(taken, (c[0], c[1]))
                chosen.append((c[0], c[1], c[2], None))
            chosen.sort(key=lambda c: c[0])
        out = []
        for start, end, patterns, mention in chosen:
            if mention is None:
                if patterns.silent:
                    continue
                mention = _resolve(glossary, doc, start, end, _reported(patterns), target, name_order)
                if mention is None:
                    continue
            out.append((patterns, mention) if neighbours else mention)
        return self.neighbours(out) if neighbours else out

    def _begins_with_place(self, name: str) -> bool:
        """Whether a Han name begins with a place's name (北京市第二中级人民法院): places in a row are split."""
        by_key = self.matcher.by_key
        return any(any(p.place for p, _ in by_key.get((False, scan_form(name[:n])), ()))
                   for n in range(2, min(len(name), 5)))

    def neighbours(self, found: list[tuple[PatternSet, Mention]]) -> list[Mention]:
        """What a mention's neighbours change: a place that names a ship or begins an organisation's name is
        no mention, a country before a state body says whose it is, a reading in brackets reads a name."""
        text = self.doc.text
        out: list[tuple[PatternSet, Mention]] = []
        ships = None  # whether the text speaks of ships at all (worked out at its first place)
        ship_named: set[str] = set()  # the names the text has used as ships' (one name, one sense, in one text)
        part_of = 0  # the end of an organisation's part the glossary does not hold: no mention inside it
        starts = {m.start for _, m in found}  # (越南外交部: a body the glossary holds follows; see _of_country)
        titled = "《" in text
        others_surnames: set[str] = set()  # place names the text has used as the surname of a person it names
        for patterns, m in found:
            if m.start < part_of:
                continue
            if titled and _inside_title(text, m.start, m.end):
                continue  # 《联合国宪章》, 《南海各方行为宣言》: part of a title the glossary does not hold
            if patterns.organisation and out and out[-1][1].end == m.start and not patterns.latin and \
                    m.entry_id is not None and \
                    self.glossary.entries[m.entry_id].details.get("subtype") in MEDIA_SUBTYPES:
                prev_patterns, prev = out[-1]
                code = _countries_of(prev_patterns, prev)[:1] if any(
                    p.nation for p in prev_patterns if p.entry_id == prev.entry_id) else ()
                if code and code[0] not in self.glossary.entries[m.entry_id].countries:
                    continue  # 北韓中央通信社: North Korea's news agency, not Taiwan's 中央通信社
            if patterns.organisation and m.end < len(text):
                part = _SUBUNIT_AFTER_RE.match(text, m.end)
                if part is not None:
                    part_of = part.end()
                    continue  # 中国社会科学院日本研究所: the institute is the name, neither CASS nor Japan
                edition = _EDITION_AFTER_RE.match(text, m.end) if m.entry_id is not None and \
                    self.glossary.entries[m.entry_id].details.get("subtype") in MEDIA_SUBTYPES else None
                if edition is not None:  # 新華網日本語版, 人民网日文版: the outlet's own edition, one name
                    m = m._replace(end=edition.end(), surface=text[m.start : edition.end()])
            if patterns.neighbourly:
                end = m.end
                after = text[end : end + 1]
                if patterns.any_place:
                    if patterns.latin and not any(p.nation for p in patterns) and (
                            m.surface in others_surnames or (
                                "JP" in _countries_of(patterns, m) and _japanese_given_name_before(text, m.start)
                                and not (out and out[-1][1].end >= m.start - 1))):
                        others_surnames.add(m.surface)
                        continue  # "Akane Yamaguchi ... Yamaguchi": a person the glossary lacks, not the prefecture
                    if not patterns.latin and _regional_chinese(patterns, m.entry_id) and \
                            _KANA_RE.search(text, max(0, m.start - 30), m.end + 30):
                        continue  # 大陸間弾道ミサイル: 大陸 is the PRC in Taiwanese usage, not in Japanese
                    if ships is None:
                        ships = any(word in text for word in _SHIP_WORDS)
                    if ships and ((m.surface in ship_named and not _ADMIN_OF_RE.search(text, max(0, m.start - 20),
                                                                                        m.start)) or
                                  _names_a_ship(self.glossary, text, patterns, m, after)):
                        # the carrier Liaoning, 空母「遼寧」, and the same name again in the text (遼寧はその後):
                        # the ship, where the glossary has it
                        ship = _ship_named(self.glossary, m.surface)
                        if ship is not None:
                            ship_named.add(m.surface)
                            target, name_order = self.order
                            out.append((patterns, m._replace(
                                entry_id=ship[0], resolution="context", candidates=(),
                                canonical=canonical_name(self.glossary.entries[ship[0]], target, name_order,
                                                         matched=ship[1], surface=m.surface))))
                        continue
                    if patterns.latin and after in ("'", "’") and patterns.nation:
                        owned = _possessive_name(self.matcher, text, m)
                        if owned is not None:  # "China's Coast Guard" is the China Coast Guard
                            entry_id, v, owned_end = owned
                            target, name_order = self.order
                            part_of = owned_end
                            out.append((patterns, m._replace(
                                end=owned_end, surface=text[m.start : owned_end], entry_id=entry_id,
                                resolution="context", matched=v.name, variant_kind=v.kind, variant_origin=v.origin,
                                candidates=(), canonical=canonical_name(self.glossary.entries[entry_id], target,
                                                                        name_order, matched=v, surface=v.name))))
                            continue
                    if (
                            after == " " and text[end + 1 : end + 2].isupper() and patterns.latin
                            and _ORG_HEAD_RE.match(text, end)) or (
                            text.endswith(_NEW_BEFORE, 0, m.start)) or (
                            not patterns.latin and not patterns.nation and after and _begins_org_name(text, end)) or (
                            not patterns.latin and after and text.startswith(_HAN_BODY_HEADS, end)
                            and not (end in starts and text.startswith("警察", end))) or (
                            not patterns.latin and after and _place_head_after(text, end, patterns.nation)) or (
                            patterns.latin and after in (" ", ",") and _LATIN_NAME_RUN_HEAD_RE.match(text, end)) or (
                            patterns.latin and _TITLE_WORDS_BEFORE_RE.search(text, max(0, m.start - 30), m.start)) or (
                            not patterns.latin and text.endswith("JR", 0, m.start)) or (
                            patterns.nation and not patterns.latin and end not in starts and
                            _TEAM_AFTER_RE.match(text, end) and _KANA_RE.search(text)) or (
                            patterns.nation and not patterns.latin and after and _MINISTRY_AFTER_RE.match(text, end)
                            and end not in starts) or (
                            not patterns.latin and after and end not in starts and _ORG_AFTER_PLACE_RE.match(
                                text, end)) or (
                            patterns.nation and not patterns.latin and after and end not in starts and (
                                _NATIONAL_BODY_AFTER_RE.match(text, end) or (
                                    _JA_MINISTRY_AFTER_RE.match(text, end) and _KANA_RE.search(text)))):
                        continue  # Taiwan News; New Mexico; 四川航空; 韩国总统府; 韩国产业部; 北朝鮮国防省
                if patterns.institution:
                    if not patterns.latin and m.surface in _GENERIC_LEGISLATURES and m.start and \
                            text[m.start - 1] in _OPENING and not (out and out[-1][1].end == m.start - 1):
                        # 立法委員（国会議員）, （国会議長に相当）: a gloss for another country's legislature (after
                        # the legislature's own name, 立法院（国会）, it is that one: see _bracketed_glosses)
                        continue
                    if not patterns.latin and after and _COMMITTEE_AFTER_RE.match(text, end) and \
                            m.entry_id is not None and \
                            self.glossary.entries[m.entry_id].details.get("subtype") in _HOUSES:
                        continue  # 衆議院予算委員会, 参议院外交防卫委员会: a committee the glossary does not hold
                    part = _PARTY_PART_RE.match(text, end) if not patterns.latin and after else None
                    if part is not None and m.entry_id is not None and \
                            self.glossary.entries[m.entry_id].details.get("subtype") == "political-party":
                        part_of = part.end()
                        continue  # 自民党外交部会: a party's division the glossary does not hold (nor its 外交部)
                    if after and after in _DIGITS and m.surface.endswith("海警") and \
                            not _DATE_AFTER_RE.match(text, end):
                        continue  # a coast guard cutter's hull number: 海警2502 (not 中國海警2024年)
                    if out and out[-1][1].end >= m.start - 3:
                        owner, m_start = out[-1], m.start
                        m = _of_country(self.matcher, text, owner, patterns, m, self.order)
                        if m is None:
                            if not patterns.latin and owner[1].end == m_start and any(
                                    p.place for p in owner[0] if p.entry_id == owner[1].entry_id) and any(
                                    self.glossary.entries[p.entry_id].details.get("subtype") in _JOINED_SUBTYPES
                                    for p in patterns if p.institution):
                                out.pop()  # 韩国警察厅, 首尔警察厅: a Korean agency, which the glossary lacks: one name
                            continue
                        prev_patterns, prev = out[-1]
                        joint = text[prev.end : m.start]
                        if (joint in _POSSESSIVES if patterns.latin else joint == "") and \
                                m.entry_id is not None and \
                                self.glossary.entries[m.entry_id].details.get("subtype") in _JOINED_SUBTYPES and \
                                (patterns.latin or not self._begins_with_place(m.surface)) and (any(
                                    p.nation for p in prev_patterns if p.entry_id == prev.entry_id) and
                                 _countries_of(prev_patterns, prev)[:1] == tuple(
                                    p.country for p in patterns if p.entry_id == m.entry_id)[:1] or
                                 _region_of(self.glossary, prev.entry_id) in
                                 self.glossary.entries[m.entry_id].countries[:1]):
                            # A country joined to its own state body is one name: 大陸海警局, 日本公明党, "Japan's
                            # Ministry of Economy, Trade and Industry" (as "Japanese Foreign Ministry" is); so is
                            # Hong Kong, Macau or Taiwan joined to its own (香港投資推廣署, 台灣外交部).
                            out[-1] = (patterns, m._replace(start=prev.start, surface=text[prev.start : m.end]))
                            continue
                    elif patterns.latin and m.entry_id is not None and m.start > 1 and text[m.start - 1] == " ":
                        code, at = _demonym_before(text, m.start)
                        if code and code in [p.country for p in patterns if p.entry_id == m.entry_id]:
                            m = m._replace(start=at, surface=text[at : m.end])  # "the Chinese Ministry of Commerce"
                    elif _abbreviated_country(self.matcher, text, m.start) not in (None, *_countries_of(patterns, m)):
                        continue  # 韩外交部: South Korea's ministry, which the glossary does not hold
            if not patterns.latin and out and out[-1][1].end == m.start and m.entry_id is not None and \
                    m.surface.startswith(_STATIONED) and \
                    self.glossary.entries[m.entry_id].details.get("subtype") in MISSION_SUBTYPES:
                prev_patterns, prev = out[-1]
                code = _region_of(self.glossary, prev.entry_id)
                if code is None and any(p.nation for p in prev_patterns if p.entry_id == prev.entry_id):
                    code = next(iter(_countries_of(prev_patterns, prev)), None)
                if code is not None and self.glossary.entries[m.entry_id].countries[:1] == (code,):
                    out[-1] = (patterns, m._replace(start=prev.start, surface=text[prev.start : m.end]))
                    continue  # 台灣駐日代表處: a country and its own mission "stationed in" Japan, one name
            out.append((patterns, m))
        if "(" in text or "（" in text:
            out = _bracketed_glosses(text, self._interrupted_names(out))
            return _bracketed_readings(text, out)
        return [m for _, m in out]

    def _interrupted_names(self, found: list[tuple[PatternSet, Mention]]) -> list[tuple[PatternSet, Mention]]:
        """A Han name the text interrupts with an abbreviation or a katakana reading in brackets (亚太经合组织(APEC)
        第三十二次领导人非正式会议, 新疆(シンチャン)ウイグル自治区): one mention of the glossary's name without the
        brackets, when it holds one that begins with the name before them and goes on with what follows them (the
        longest such). Not a Han gloss: 尖閣諸島（釣魚台）國有化 names the islands twice, then what was done to them."""
        text, glossary = self.doc.text, self.glossary
        out: list[tuple[PatternSet, Mention]] = []
        until = 0
        for patterns, m in found:
            if m.start < until:
                continue  # inside the longer name
            gloss = None if patterns.latin else _GLOSS_RE.match(text, m.end)
            if gloss is not None and _ABBREVIATION_RE.fullmatch(text, gloss.start() + 1, gloss.end() - 1):
                head, after = text[m.start : m.end], gloss.end()
                for k in range(min(_LONGEST_REST, len(text) - after), 1, -1):
                    rows = glossary.with_key(name_key(head + text[after : after + k]))
                    ids = {row.entry_id for row in rows}
                    if len(ids) == 1:
                        row = rows[0]
                        target, name_order = self.order
                        until = after + k
                        m = m._replace(end=until, surface=text[m.start : until], entry_id=row.entry_id,
                                       canonical=canonical_name(glossary.entries[row.entry_id], target, name_order,
                                                                matched=row.variant, surface=row.variant.name),
                                       resolution="context", matched=row.variant.name,
                                       variant_kind=row.variant.kind, variant_origin=row.variant.origin, candidates=())
                        break
            out.append((patterns, m))
        return out


# One-character prepositions and verbs a name follows (对岸田来说, 向岸田表示): a word jieba reads across them and
# a name's first character (对岸) does not hide a person's name.
_FUNCTION_CHARS = frozenset("对對向与與和同跟给給让讓被把从從为為替据據")
# One-character adverbs a name comes before (木原則說, 林也表示): a word jieba reads across them does not hide it.
_AFTER_NAME_CHARS = frozenset("则則也又还還便就即却卻亦并並曾")
_DATE_DIGITS = frozenset("0123456789０１２３４５６７８９〇一二三四五六七八九十")


def _first_pass(choice: _Choice, candidates: list) -> None:
    """Pass 1 over :meth:`TextMatcher.find`'s candidates (any text). A Han/kana name must be a word of the
    text, and a name whose end is the start of a title is not one (中國國務院 in 中國國務院總理: the
    country, then a title); a place name before an honorific is a surname (石川氏)."""
    doc, matcher = choice.doc, choice.matcher
    text, scanned = doc.text, doc.scanned
    word_ok: dict[tuple[int, int], bool] = {}
    segments = None

    def is_word(c) -> bool:
        nonlocal segments
        key = (c[0], c[1])
        if key not in word_ok:
            if segments is None:
                segments = matcher.boundaries.segmenter(text, scanned)
            ok = matcher.is_word(segments, text, c[0], c[1], c[2], title_after=lambda: (
                c[1] in title_starts or text.startswith(HONORIFICS, c[1]) or (
                    c[2].person and text.startswith(_LEADERS_BODIES, c[1]))))
            if ok and not c[2].latin and c[0] > 0 and text[c[0]] in "日月" and text[c[0] - 1] in _DATE_DIGITS:
                ok = False  # 3月2日共須: the day's 日, not 日共 (the Japanese Communist Party)
            if not ok and c[2].person and not c[2].latin and c[1] < len(text) and text[c[1]] in _AFTER_NAME_CHARS \
                    and segments.is_word(c[0], c[1], False, check_end=False):
                # 木原則說: jieba reads 原則 ("principle"); a person's name before 則 ("then"), 也, 又 is read
                # to its own end (a short form still needs the text's evidence to count)
                ok = True
            if not ok and c[2].person and not c[2].latin and c[0] > 0 and text[c[0] - 1] in _FUNCTION_CHARS:
                # 对|岸田来说: jieba reads 对岸 ("the opposite shore"); a person's name after a preposition is read
                # from its own start (a short form still needs the text's evidence to count)
                ok = segments.is_word(c[0], c[1], False, check_start=False)
            if not ok and c[2].place and not c[2].latin and (
                    text[c[1] - 1] in ADMIN_SUFFIXES or text.endswith("北海道", 0, c[1])) and \
                    text.startswith(("内", "內"), c[1]):
                # 東京都|内, 花蓮市|内 ("in Tokyo"): Sudachi reads 都内 as a word, but the suffix is the name's
                ok = segments.is_word(c[0], c[1], True, check_end=False)
            if not ok and c[2].place and not c[2].latin and rows:
                # Places in a row after a province or prefecture (湖南省|長沙市, which Sudachi reads 湖南/省長/沙市):
                # the edge between them is a word's edge whatever the segmenter read across it.
                after, before = c[1] in rows[0] and text[c[1] - 1] in ADMIN_SUFFIXES, c[0] in rows[1] and \
                    text[c[0] - 1] in ADMIN_SUFFIXES
                if after or before:
                    ok = segments.is_word(c[0], c[1], True, check_start=not before, check_end=not after)
            word_ok[key] = ok
        return word_ok[key]

    choice.is_word = is_word
    titles = [] if scanned.isascii() else [(c[0], c[1]) for c in candidates if c[2].silent and not c[2].latin]
    title_starts = {start for start, _ in titles}
    # Places in a row (湖南省長沙市): a title read across them (省長) does not cut the first.
    han_places = [c for c in candidates if c[2].place and not c[2].latin]
    place_starts = {c[0] for c in han_places} if titles else ()
    rows = ({c[0] for c in han_places}, {c[1] for c in han_places}) if len(han_places) > 1 else None  # see is_word
    spans = None  # the Han/kana candidates' spans, when a place name asks for them
    # Where a person's full Han name starts, and how far it goes: a place or word read across a title's end and a
    # name's start (副院長江啟臣: 長江, the Yangtze) gives way to the longer name.
    people: dict[int, int] = {}
    for c in candidates:
        if c[2].person and not c[2].latin and not c[2].short and c[1] > people.get(c[0], 0):
            people[c[0]] = c[1]
    take = choice.take
    for c in candidates:
        start, end, patterns, strength = c
        if people and not patterns.person and not patterns.silent and any(
                people.get(at, 0) > end for at in range(start + 1, end)):
            continue  # see ``people``
        if patterns.chinese_short and text[end : end + 1] in _DIGITS and _KANA_RE.search(
                text, max(0, start - 20), end + 20):
            continue  # see PatternSet.chinese_short
        if not strength:
            if start < choice.last_end:
                continue
            if not patterns.latin:
                if not is_word(c) or (titles and not patterns.silent and _title_overlaps_end(titles, start, end)
                                      and not _shares_head(text, end)
                                      and not (patterns.place and end in place_starts)):  # 湖南省|長沙市, not 省長
                    continue
                if patterns.place and text[end - 1] in _GEOGRAPHIC_SUFFIXES and segments.tail_joins_next(end):
                    if spans is None:
                        spans = {(c[0], c[1]) for c in candidates if not c[2].latin}
                    if (start, end - 1) in spans:
                        continue  # 日本海产品: the shorter name (日本) and 海产品 ("seafood") are meant
            if patterns.any_place and (text.startswith(HONORIFICS, end) or (
                    _MINISTER_AFTER_RE.match(text, end) and any(p.person for p in patterns))):
                # 石川氏; 福岡厚生労働大臣 (a minister's title after a surname the glossary holds is the person)
                patterns = _surname_reading(patterns)
                if not patterns:
                    continue
        take(start, end, patterns, strength)


def _latin_first_pass(choice: _Choice) -> None:
    """Pass 1 fused with the Latin scan, for a text with no Han or kana (most English text).

    The same candidates in the same order as :meth:`TextMatcher.find` gives (tests hold the results
    equal), without building the candidate list first: in such a text the Latin hits come in text order,
    the names inside a rejected one right after it (sorted), and no word boundary or honorific applies.
    The common case (a capitalised name of one entry) is :meth:`_Choice.take` written out inline.
    """
    matcher, doc = choice.matcher, choice.doc
    text = doc.text
    padded = " " + _word_form(doc.scanned) + " "
    values = matcher.latin_values
    chosen, full_names, order, take = choice.chosen, choice.full_names, choice.order, choice.take
    last_end = -1  # choice.last_end, kept in a local between the calls of take()
    for index, start, end in matcher.latin.find_matches_as_indexes(padded):
        if padded[end] == " ":
            value = values[index] or matcher.value(True, index)
            _length, patterns, capital, last, single, place, kind, mention_rest = value
            if capital is not None:  # fast path: only the capital-letter rules apply
                if (not capital or text[start].isupper()) and (last is None or text[end - 1 - last].isupper()):
                    stop = end - 1
                    if single is not None and start >= last_end:
                        last_end = stop
                        surface = text[start:stop]
                        rest = full_names.get((single, kind, surface)) if place else mention_rest.get(order)
                        if rest is None:
                            rest = choice.direct_rest(single, patterns, surface)
                        chosen.append((start, stop, patterns, _new_mention(Mention, (start, stop, surface) + rest)))
                        continue
                    choice.last_end = last_end
                    take(start, stop, patterns, patterns.strength)
                    last_end = choice.last_end
                    if patterns.strength == STRONG:
                        continue
            else:
                hit = matcher._latin_hit(text, start, end - 1, patterns, last)
                if hit is not None:
                    choice.last_end = last_end
                    take(*hit)
                    last_end = choice.last_end
                    if hit[3] == STRONG:
                        continue
        if " " in padded[start + 1 : end - 1]:
            choice.last_end = last_end
            for hit in matcher._inside(text, padded, start, end):
                take(*hit)
            last_end = choice.last_end
    choice.last_end = last_end


# Ships are named after places (辽宁舰, 空母「遼寧」, the carrier Liaoning, the destroyer Nanchang) and coast guard
# cutters carry the service's name and a hull number (海警2502): such a name is the ship's, not the place's.
_SHIP_WORDS = ("舰", "艦", "號", "号", "空母", "航母", "潜艇", "潛艇", "フリゲート", "arrier", "estroyer", "rigate",
               "arship", "trike group", "USS ", "HMS ", "JS ")  # (substring
# tests: a regular expression of these alternatives cost a tenth of an English text's normalisation)
_SHIP_AFTER = "舰艦號号"
_QUOTES_CLOSING = "\"”」』"
# The kind of ship before its name: 空母「遼寧」, 空母遼寧, 航母辽宁, 驱逐舰南昌; the second of a pair:
# 空母「山東」と「遼寧」.
_SHIP_KINDS = ("空母|航母|航艦|航空母艦|航空母舰|駆逐艦|驱逐舰|驅逐艦|巡洋艦|巡洋舰|護衛艦|护卫舰|強襲揚陸艦|"
               "揚陸艦|两栖攻击舰|兩棲攻擊艦|补给舰|補給艦|潜水艦|潜艇|潛艇|フリゲート")
_SHIP_BEFORE_RE = re.compile(
    rf"(?:(?:{_SHIP_KINDS}|艦艇|舰艇)[「『“\"](?:[^」』”\"]{{1,8}}[」』”\"](?:[（(][^）)]{{0,12}}[）)])?"
    rf"(?:と|、|，|和|與|与|及|や)[「『“\"])*|(?:{_SHIP_KINDS}))$")
_LATIN_SHIP_BEFORE = ("carrier ", "Carrier ", "carriers ", "destroyer ", "Destroyer ", "frigate ", "Frigate ",
                      "warship ")
# A navy's prefix before a ship's name: the place in "USS George Washington", "JS Kaga" is the ship's.
_NAVY_PREFIX_RE = re.compile(r"\b(?:USS|HMS|HMAS|HMCS|HMNZS|JS|ROKS|CNS|INS|FS) (?:[A-Z][\w'’.-]* ){0,3}$")
_LATIN_SHIP_AFTER = (" aircraft carrier", " carrier", " destroyer", " frigate", " strike group", " Aircraft Carrier")
# A carrier's name as a modifier (Chinese carriers bear provinces' names; a province is seldom "-led").
_LATIN_SHIP_GROUP = ("-based", "-led", " carrier group", " battle group", " task group", " Carrier", " flotilla")
# "Liaoning, China's older aircraft carrier, ...": a ship named in apposition.
_LATIN_SHIP_APPOSITION_RE = re.compile(
    r", (?:[\w'’-]+ ){0,5}(?:aircraft carrier|carrier|destroyer|frigate|warship)[,.;]")
# Ships bear the names of provinces and cities; "the Liaoning" is the ship: provinces take no article in English.
_SHIP_PLACE_SUBTYPES = frozenset({"province", "city", "prefecture", "capital", "municipality", "county", "town"})
# 号 / 號 after a place is a ship's name (辽宁号, 山東號昨天返港) except in these words.
_NOT_SHIP_NUMBER = frozenset({"号召", "号称", "号令", "号码", "號召", "號稱", "號令", "號碼"})
_DIGITS = "0123456789０１２３４５６７８９"
_DATE_AFTER_RE = re.compile("[0-9０-９]{1,4}[年月日]")
_WARSHIP_WORDS = frozenset("艇队隊载載长長船只隻群体體员員炮砲")  # 舰艇, 舰队, 舰载机, 舰长 ...
# Capitalised words that end an organisation's name after a place: Taiwan News, Japan Today, Japan Airlines, the
# Japan Organization for Metals and Energy Security. A name the glossary holds (The Japan Times) is taken whole
# before this applies.
_ORG_HEAD_RE = re.compile(
    r" (?:News|Times|Today|Post|Daily|Herald|Press|Journal|Airlines|Airways|Bank|University|Airport|Television|"
    r"TV|Broadcasting|Radio|Telecom|Electric|Railways?|Foundation|Institute|Association|Organi[sz]ation|"
    r"Federation|Society|Corporation|Corp\.?|Inc\.?|Holdings|Motors?|Steel|Petroleum|Museum|National Museum|"
    r"Memorial|Stock Exchange|Zoo|Stadium|Hospital|School|College|Academy|Bizwire|Wire|Dome|New District|New Area|"
    r"Cent(?:er|re)|Chamber|Exhibition|Convention|Limited|Ltd\.?)\b")


# Words that end a company's, school's or outlet's name right after a place: 四川航空 (Sichuan Airlines),
# 菲律賓新聞社, 名古屋大学. A name the glossary holds (日本航空, 中国新闻社) is taken whole before this
# applies; a country before a name of its own (日本 + 共同社) stays a mention.
_HAN_ORG_HEADS = ("航空", "控股", "集团", "集團", "有限公司", "股份", "新闻社", "新聞社", "通讯社", "通訊社", "日报",
                  "日報", "晚报", "晚報", "电视台", "電視台", "银行", "銀行", "証券", "证券", "證券", "大学", "大學",
                  "学院", "學院", "医院", "醫院", "病院", "ホールディングス", "博物馆", "博物館", "美术馆", "美術館",
                  "中级人民法院", "中級人民法院", "高级人民法院", "高級人民法院", "人民法院", "人民检察院",
                  "人民檢察院", "地方法院", "高等法院", "研究所", "研究院", "研究中心", "青年报", "青年報", "卫视",
                  "衛視", "巨蛋", "放送", "大會堂", "大会堂", "汽车集团", "汽車集團", "汽车工业", "汽車工業",
                  "航天发射场", "航天發射場", "宇宙発射場", "发射场", "發射場", "発射場", "空港", "机场", "機場")
# (北京青年报, 深圳卫视, 東京巨蛋, 北海道放送, 香港大會堂, 广州汽车集团, 文昌航天发射场: outlets, venues, companies and
# sites named after their place)


# Capitalised words after a country's possessive: "China's Coast Guard", "Japan's Self-Defense Forces".
_POSSESSIVE_RUN_RE = re.compile(r"(?:'s|’s) ([A-Z][\w-]*(?: (?:of |and |for |the )?[A-Z][\w-]*){0,5})")


def _possessive_name(matcher: TextMatcher, text: str, m: Mention) -> tuple[str, Variant, int] | None:
    """The entry that a country's name, its possessive dropped, and the capitalised words after it name ("China's
    Coast Guard" is the China Coast Guard, a name the glossary holds without the 's), with the end of the words."""
    run = _POSSESSIVE_RUN_RE.match(text, m.end)
    if run is None:
        return None
    words = run.group(1).split(" ")
    for n in range(len(words), 0, -1):
        tail = " ".join(words[:n])
        if tail.endswith((" of", " and", " for", " the")):
            continue
        found = matcher.by_key.get((True, latin_key(scan_form(f"{m.surface} {tail}"))), ())
        named = {p.entry_id: p.variant for p, _ in found if p.standalone and not p.silent}
        if len(named) == 1:
            (entry_id, v), = named.items()
            return entry_id, v, run.start(1) + len(tail)
    return None


def _inside_title(text: str, start: int, end: int) -> bool:
    """Whether [start, end) is part, not the whole, of a title in 《》 (a law, a book, a declaration the glossary
    does not hold: 《中华人民共和国领海及毗连区法》); a title the glossary holds is one name already."""
    if "《" not in text:
        return False
    opening = text.rfind("《", max(0, start - 40), start + 1)
    if opening < 0 or "》" in text[opening:start] or text.startswith(("关于", "關於"), opening + 1):
        return False  # (《关于暂停进口日本水产品的通知》: a notice described by its subject, whose names count)
    closing = text.find("》", end, end + 40)
    return closing >= 0 and "《" not in text[end:closing] and (opening + 1, closing) != (start, end)


# A port or a pavilion named after its place (八户港, 高雄港; 中国馆 at an expo); not 港人, 港元, 港澳 (Hong
# Kong), 港区.
_PORT_AFTER_RE = re.compile(r"港(?![人元币幣股澳台区區島岛府务務督資资])")
_PAVILION_AFTER_RE = re.compile(r"[馆館](?![藏])")


# A romanised Japanese given name (Akane, Shohei, Kento): syllables of Hepburn, two at least; not an English word
# that happens to be spelt so.
_JA_GIVEN_NAME_RE = re.compile(
    r"(?<![\w'’-])([A-Z](?:[kgsztdnhbpmrwjf]y?|sh|ch|ts|y)?[aiueo](?:(?:[kgsztdnhbpmrwjf]y?|sh|ch|ts|y)?[aiueo]|n(?![aiueoy]))+)"
    r" $")
_NOT_GIVEN_NAMES = frozenset({"Into", "Onto", "Some", "Home", "Fine", "Make", "Take", "Name", "Same", "Gone", "None",
                              "Done", "Note", "Rise", "Wake", "Hope", "Mine", "Made", "Nine", "Time", "Site", "Side",
                              "Wide", "Tone", "Zone", "Tune", "June", "Rome", "Hawaii", "Nagano", "Tokyo", "Osaka",
                              "Kobe", "Kyoto", "Nara", "Chiba", "Saitama", "Yokohama", "Okinawa", "Hokkaido", "Tohoku",
                              "Kyushu", "Shikoku", "Honshu", "Kansai", "Kanto", "Chubu", "Hokuriku", "Samurai"})


def _japanese_given_name_before(text: str, start: int) -> bool:
    """Whether a romanised Japanese given name comes right before ``start`` ("Akane Yamaguchi")."""
    given = _JA_GIVEN_NAME_RE.search(text, max(0, start - 20), start)
    return given is not None and given.end() == start and given.group(1) not in _NOT_GIVEN_NAMES


# A national team in Japanese sports news (韓国代表, サッカー日本代表が): not a delegation (代表団), a
# representative's office (代表部, 代表処) or a right to represent (代表権).
_TEAM_AFTER_RE = re.compile(r"代表(?![団團部処處権權者取幹理大監])")
# A tournament or games named after its country or city (马来西亚公开赛, 中國公開賽, 韓国オープン, 巴黎奧運, パリ五輪):
# where the glossary lacks that spelling of the games, the place alone would be a wrong span.
_TOURNAMENT_AFTER_RE = re.compile(r"公开赛|公開賽|大师赛|大師賽|锦标赛|錦標賽|オープン|マスターズ"
                                  r"|奥运|奧運|冬奥|冬奧|五輪|オリンピック|亚运|亞運")
# A street or a square named after a place (重慶路, 南京東路, 天安門廣場 where the glossary lacks it); not 路线/路線
# (a route), 路上 (on the way), 路径/路徑 (a path).
_STREET_AFTER_RE = re.compile(r"(?:[东東西南北中]?路|大道|街|[广廣]场|広場)(?![线線上径徑过過透演费費口])")


def _place_head_after(text: str, end: int, nation: bool) -> bool:
    """Whether a port's, pavilion's, tournament's or street's name goes on after a place's (a country's: only a
    pavilion's or a tournament's)."""
    return bool(_PAVILION_AFTER_RE.match(text, end) or _TOURNAMENT_AFTER_RE.match(text, end) or (
        not nation and (_PORT_AFTER_RE.match(text, end) or _STREET_AFTER_RE.match(text, end))))


# A place at the head of a longer capitalised name the glossary lacks, with up to three words before the name's
# head: "the China Manned Space Agency", "the Seoul Central District Court", "the Korea Open", "China Masters".
_LATIN_NAME_RUN_HEAD_RE = re.compile(
    r"(?: (?:[A-Z][\w'’-]*|of|and|for))*? (?:Agency|Court|Open|Masters|Cup|Championships?|Marathon|Grand Prix|"
    r"Administration|Commission|Bureau|Authority|Council|Index|Exchanges?|Cent(?:er|re)|Institute|University|"
    r"Hospital|Airport|Stadium|Ballpark|Gymnasium|Arena|Port|Forum|Co\.?|"
    r"Association|Federation|Tournament|Launch Vehicle|Group|Company|Corporation)\b")
# A capitalised preposition before a place inside a title-case name ("News On Japan", "Focus On China"); not at a
# sentence's start ("In Japan, ...").
_TITLE_WORDS_BEFORE_RE = re.compile(r"[A-Z][\w'’-]* (?:On|Of|In|For|About|From|With) $")


def _begins_org_name(text: str, end: int) -> bool:
    """Whether an organisation's head word follows ``end`` and ends a word there (四川航空, not 四川航空业)."""
    for head in _HAN_ORG_HEADS:
        if text.startswith(head, end):
            return text[end + len(head) : end + len(head) + 1] not in _WORD_GOES_ON
    return False


# A Japanese or Chinese minister's title (厚生労働大臣, 厚労相, 经济产业大臣), which follows a person's surname.
_MINISTER_AFTER_RE = re.compile(r"(?:前|元)?[\u4e00-\u9fff]{1,8}(?:大臣|相)(?![\u4e00-\u9fff])")
# What makes a country's or a city's name the start of the name of one of its bodies, which the development
# set takes whole (韩国总统府, 中国海关, 那霸市议会, 日本领事馆): where the glossary lacks that body, the place
# alone would be a wrong span, so it is no mention. (Not 政府: 日本政府 is 日本 modifying a word.)
_HAN_BODY_HEADS = ("总统府", "總統府", "大統領府", "大統領室", "总统办公室", "總統辦公室", "海关", "海關", "领事馆",
                   "領事館", "总领事馆", "總領事館", "使馆", "使館", "代表处", "代表處", "办事处", "辦事處", "公安局",
                   "公安厅", "公安廳",
                   "议会", "議會", "国家安保室", "國家安保室", "总统室", "總統室",
                   "国际广播电台", "國際廣播電台", "国际广播", "國際廣播",
                   "局長", "局长", "司长", "司長",  # (アジア局長: a bureau's head)
                   "地裁", "高裁", "地検", "高検", "警察", "警務處", "警务处")  # (東京地裁, 澳門警察: courts, police)
# A ministry the glossary does not hold after a country (韩国产业部, 韓國統一部): the country alone would be a wrong
# span. Not a region (中国西部, 日本东北部), a part (大部分), a unit (部队), cadres (干部) or headquarters (总部).
_MINISTRY_AFTER_RE = re.compile(
    r"(?:(?![对對在和与與的是了将將从從向把被为為及或])[\u4e00-\u9fff]){1,5}?(?<![东東西南北中全内內外各本总總干幹大局细細俱一二三四五六七八九十两兩几幾这這那每该該此])部"
    r"(?![分门門队隊落位件署长長])")  # (外交部长 is a title: 中国 + 外交部长)
# An organisation's name that begins with a place, with a word or two before its head (香港餐飲聯業協會, 寧波海事局,
# 美國海軍學會新聞, 中國大阪領事館, 日本駐港領事館, 黃海北道): where the glossary lacks it, the place alone would be a
# wrong span.
_ORG_AFTER_PLACE_RE = re.compile(
    r"(?:(?![对對在和与與的是了将將从從向把被为為及或最各多、，。])[\u4e00-\u9fff]){0,6}?"
    r"(?:协会|協會|協会|学会|學會|商会|商會|联合会|聯合會|連合会|海事局|海上保安部|新闻网|新聞網|总领事馆|總領事館|领事馆|領事館"
    r"|博物馆|博物館|美术馆|美術館|人民法院|人民检察院|人民檢察院|研究所|研究院|检察厅|檢察廳|検察庁"
    r"|地院|地裁|高裁|地検|拘置所|刑務所|看守所|選區|选区|選挙区|放送"
    r"|警察厅|警察廳|警察庁|警备队|警備隊|速滑馆|速滑館|滑冰馆|滑冰館|体育馆|體育館|体育館|游泳馆|游泳館|纪念馆|紀念館"
    r"|独立委员会|獨立委員會|调查委员会|調查委員會|(?:综合|綜合|股价|股價|加权|加權|成分|成份)[\u4e00-\u9fff]{0,3}?指[数數])"
    r"(?![议議谈談晤见見了])"  # (政協|會議, 学会了)
    r"|北道|南道"
    r"|(?:(?![对對在和与與的是了将將从從向把被为為及或最各多、，。])[\u4e00-\u9fff]){1,6}?(?:学校|學校|論壇|论坛|法院)")
# (上海日本人学校, 亚太经济合作论坛; not 日本学校, "Japanese schools")
# A national body the glossary does not hold after its country (菲律賓國家海事委員會): the country alone would be
# a wrong span; and in Japanese a ministry (北朝鮮国防省). Only where no name of its own follows the country
# (日本 + 众议院外务委员会, 中国 + 遼寧省 are places or bodies in a row).
_NATIONAL_BODY_AFTER_RE = re.compile(
    r"(?:国家|國家)(?:(?![对對在和与與的是了将將从從向把被为為及或、，。])[\u4e00-\u9fff]){0,8}?"
    r"(?:委员会|委員會|委員会|理事会|理事會)")
_JA_MINISTRY_AFTER_RE = re.compile(r"[\u4e00-\u9fff]{1,5}?(?:省(?![内內長长令])|庁(?![舎長长]))")
# A party's division or council the glossary does not hold (自民党外交部会, 自民黨外交調查會): not the party.
# Also its congress or central committee (劳动党第九次代表大会, 劳动党中央委员会). Not across a verb or a date
# (自民黨今天舉行調查會: the party, then a meeting).
_PARTY_PART_RE = re.compile(
    r"(?:(?![对對在和与與的是了将將从從向把被为為及或今昨明前后後本该該舉举召开開于於每])[\u4e00-\u9fff]){0,6}?"
    r"(?:部会|部會|調査会|調查會|调查会)"
    r"|第[〇一二三四五六七八九十百0-9０-９]+(?:次|届|屆|回)[\u4e00-\u9fff]{0,4}?(?:代表大会|代表大會|大会|大會|全会|全會)"
    r"|中央(?:委员会|委員會|委員会|政治局|军事委员会|軍事委員會)")
# A part of an organisation the glossary does not hold, named after it (中国社会科学院日本研究所, 北京大学国际关系学院):
# the whole is the name, so neither the organisation nor a place inside the part is a mention.
_OUTLET_WORD_AFTER_RE = re.compile(r" (?:newspaper|daily|paper|broadcaster|news agency|TV|television)\b")
_HK_GIVEN_NAME_RE = re.compile(r" [A-Z][a-z]{1,6}-[a-z]{1,6}\b(?!-)")
_EDITION_AFTER_RE = re.compile(r"(?:日本語|中国語|中國語|英語|日文|中文|英文|韓国語|韩文|韓文)(?:版|网|網|ニュース)"
                               r"|(?:电子|電子|网络|網絡|網路|デジタル)版")
_SUBUNIT_AFTER_RE = re.compile(
    r"(?:(?![对對在和与與的是了将將从從向把被为為及或、，。])[\u4e00-\u9fff]){0,8}?(?:研究所|研究院|研究中心|学院|學院)"
    r"|(?:(?![对對在和与與的是了将將从從向把被为為及或、，。])[\u4e00-\u9fff]){2,8}?(?:中心|センター)")
# (首相官邸危機管理中心, 危機管理センター: a centre of the organisation)
# A house's committee: its name begins with the house's (衆議院予算委員会, 参议院外交防卫委员会,
# 立法院外交及國防委員會).
_HOUSES = ("legislature", "government")  # (the Legislative Yuan is a government branch)
_COMMITTEE_AFTER_RE = re.compile(r"[^\s、。，,．.「」（）()]{0,8}?(?:委員会|委员会|委員會)")
# "New" before a place makes another place: New Mexico, NEW MEXICO, ニュー・メキシコ.
_NEW_BEFORE = ("New ", "NEW ", "ニュー・", "ニュー")


# What continues 大学, 航空, 银行 into another word: 大学生 (students), 航空业 (the airline industry), 银行界, 银行家.
_PART_GOES_ON = frozenset("門门分隊队")  # what continues a ministry's 部 into another word (部門, 部分, 部隊)
_WORD_GOES_ON = frozenset("生业業界家股母识識器")  # also 航空母舰 (aircraft carrier), 航空识别区 (ADIZ), 航空器


SHIP_SUBTYPES = frozenset({"aircraft-carrier"})


def _ship_named(glossary: Glossary, name: str) -> tuple[str, Variant] | None:
    """The one ship the glossary knows by this place's name (its short form, kept out of running text: the
    province Liaoning is the carrier only where the text says it speaks of a ship), with that variant."""

    def find():
        ships = {iv.entry_id: iv.variant for iv in glossary.with_key(name_key(name))
                 if glossary.entries[iv.entry_id].details.get("subtype") in SHIP_SUBTYPES}
        return next(iter(ships.items())) if len(ships) == 1 else None

    return glossary.memo("ships", name, find)


def _names_a_ship(glossary, text: str, patterns: PatternSet, m: Mention, after: str) -> bool:
    if patterns.latin:
        if text.startswith(_LATIN_SHIP_AFTER, m.end) or text.endswith(_LATIN_SHIP_BEFORE, max(0, m.start - 10),
                                                                      m.start):
            return True
        if after == "," and _LATIN_SHIP_APPOSITION_RE.match(text, m.end):
            return True
        if _NAVY_PREFIX_RE.search(text, max(0, m.start - 40), m.start):
            return True  # USS George Washington
        if text.startswith(_LATIN_SHIP_GROUP, m.end) and m.entry_id is not None and \
                glossary.entries[m.entry_id].details.get("subtype") == "province":
            return True  # "Shandong-based fighters", "the Liaoning-led flotilla" in a text about carriers
        return (text.endswith(("the ", "The "), 0, m.start) and not patterns.nation and m.entry_id is not None
                and glossary.entries[m.entry_id].details.get("subtype") in _SHIP_PLACE_SUBTYPES)
    following = text[m.end + 1 : m.end + 2]
    if after and after in _QUOTES_CLOSING and following and following in _SHIP_AFTER and not patterns.nation:
        return True  # "山东"舰, 「遼寧」號
    if after and after in _SHIP_AFTER and not patterns.nation:
        # 舰 and 号 also start words (舰艇 "warships", 舰队 "fleet", 号召): a ship's 舰 or 号 ends the name, or
        # comes before the kind of ship.
        if not following or not is_han(following) or following in "航空舰艦驱驅":
            return True
        if after in "舰艦" and following not in _WARSHIP_WORDS:
            return True
        if after in "号號" and after + following not in _NOT_SHIP_NUMBER:
            return True
    return m.start > 0 and not patterns.nation and _SHIP_BEFORE_RE.search(
        text, max(0, m.start - 96), m.start) is not None


# One-character abbreviations of countries that are also common words or dates (8日外交部, 增加, 依法, 比): they do
# not say whose the body after them is.
_COMMON_ABBREVIATIONS = frozenset("日中加比法北伊独米")


def _abbreviated_country(matcher: TextMatcher, text: str, start: int) -> str | None:
    """The country a one-character abbreviation right before ``start`` stands for (韩, 菲, 越, 俄), if any,
    leaving out those that are common words too (:data:`_COMMON_ABBREVIATIONS`)."""
    char = text[start - 1] if start > 0 else ""
    return None if char in _COMMON_ABBREVIATIONS else _country_initial(matcher, char)


def _country_initial(matcher: TextMatcher, char: str) -> str | None:
    """The country whose one-character abbreviation ``char`` is (日, 韩, 俄), if exactly one: looked up by its
    key (per character, once per matcher), not by going through every entry."""
    if not char or not is_han(char):
        return None
    seen = matcher.__dict__.setdefault("abbreviations", {})
    if char not in seen:
        glossary, codes = matcher.glossary, set()
        for row in glossary.with_key(name_key(char)):
            entry = glossary.entries[row.entry_id]
            if entry.type == "place" and entry.details.get("subtype") == "country" and len(row.variant.name) == 1:
                codes.add((entry.details.get("country") or [None])[0])
        seen[char] = codes.pop() if len(codes) == 1 else None
    return seen[char]


def _countries_of(patterns: PatternSet, m: Mention) -> tuple[str | None, ...]:
    ids = {m.entry_id, *m.candidates}
    return tuple(p.country for p in patterns if p.entry_id in ids)


def _of_country(matcher: TextMatcher, text: str, before: tuple[PatternSet, Mention], patterns: PatternSet,
                m: Mention, order: tuple[str, str]) -> Mention | None:
    """A state body named right after a country (韩国外交部, 中国の外交部, "Beijing's Foreign Ministry") is that
    country's: the candidate of that country when the name is shared, the body the glossary names with the
    country before it (中国の外務省: 中国外務省 is China's ministry), else no mention: the glossary holds only
    another country's body under that name (朝鲜外务省 is not Japan's ministry)."""
    prev_patterns, prev = before
    if text[prev.end : m.start] not in _OF_COUNTRY or not (prev_patterns.any_place or prev_patterns.institution):
        return m  # (a country, or a body of one: 中共國防部 is the PRC's)
    country = next((p.country for p in prev_patterns if p.entry_id == prev.entry_id and (p.place or p.institution)),
                   None)
    if country is None:
        return m
    countries = {p.entry_id: p.country for p in patterns if p.institution}
    ids = ([m.entry_id] if m.entry_id else []) + [i for i in m.candidates if i != m.entry_id]
    if not ids or any(i not in countries for i in ids) or countries.get(m.entry_id) == country:
        return m
    mine = [i for i in ids if countries[i] == country]
    p = next((q for q in patterns if mine and q.entry_id == mine[0]), None)
    if len(mine) != 1:
        joined = prev.surface + (" " if patterns.latin else "") + m.surface
        key = (True, latin_key(scan_form(joined))) if patterns.latin else (False, scan_form(joined))
        named = {q.entry_id: q for q, _last in matcher.by_key.get(key, ()) if q.institution and q.country == country}
        if len(named) != 1:
            return None  # another state's body, which the glossary does not hold
        mine, p = list(named), next(iter(named.values()))
    target, name_order = order
    canonical = canonical_name(matcher.glossary.entries[mine[0]], target, name_order, matched=p.variant,
                               surface=m.surface)
    return m._replace(entry_id=mine[0], canonical=canonical, resolution="context", candidates=())


# A kana reading in brackets right after a name: 李克強(リー・クーチャン), 薛剣(せつけん), 習近平（シーチンピン）.
_KANA_LETTERS = "\u3041-\u3096\u30a1-\u30fa"
_READING_RE = re.compile(rf"[(（][ \u3000]*([{_KANA_LETTERS}\u30fc・ ]*[{_KANA_LETTERS}\u30fc])[ \u3000]*[)）]")


def _bracketed_glosses(text: str, found: list[tuple[PatternSet, Mention]]) -> list[tuple[PatternSet, Mention]]:
    """A state body's name in brackets right after another's is a gloss of it, the same body: 外交部（外務省）
    after 台湾の is Taiwan's ministry, 立法院（国会） the Legislative Yuan, "Taiwan's Ministry of Foreign Affairs
    (MOFA)" Taiwan's; and so is the same abbreviation, unresolved, later in the text ("MOFA said")."""
    out = list(found)
    defined: dict[str, tuple[str, str | None]] = {}
    for i in range(1, len(out)):
        (prev_patterns, prev), (patterns, m) = out[i - 1], out[i]
        if m.entry_id is None and m.surface in defined:
            entry_id, canonical = defined[m.surface]
            out[i] = (patterns, m._replace(entry_id=entry_id, canonical=canonical, resolution="context",
                                           candidates=()))
            continue
        if prev_patterns.institution and patterns.institution and m.entry_id != prev.entry_id \
                and text[prev.end : m.start] in _GLOSS_OPENINGS and text[m.end : m.end + 1] in _CLOSING \
                and text[m.end : m.end + 1]:
            if prev.entry_id is None:  # a gloss of a body the text leaves unresolved is as unresolved
                out[i] = (patterns, m._replace(entry_id=None, canonical=None, resolution="ambiguous",
                                               candidates=prev.candidates))
                continue
            out[i] = (patterns, m._replace(entry_id=prev.entry_id, canonical=prev.canonical, resolution="context",
                                           candidates=()))
            defined[m.surface] = (prev.entry_id, prev.canonical)
    return out


_GLOSS_OPENINGS = ("(", "（", " (", " （")
_LONGEST_REST = 24  # how far after the brackets an interrupted name may go on (see _interrupted_names)
_ABBREVIATION_RE = re.compile(r"[A-Z][A-Za-z0-9&.\-]{1,11}|[\u30a0-\u30ff]{2,12}")  # APEC; a reading: ウイグル


def _bracketed_readings(text: str, found: list[tuple[PatternSet, Mention]]) -> list[Mention]:
    """A kana reading in brackets right after a name reads that name: it is a mention of the same entry,
    whether or not the glossary holds that reading, and whatever else the same hiragana could read (しんきょう
    after 新疆 is not 新京). A hiragana reading anywhere else is no mention (see :attr:`Pattern.reading`); a
    katakana name in brackets keeps its own entry (バイデン(アメリカ))."""
    mentions = [m for _, m in found]
    out: list[Mention] = []
    for k, (patterns, m) in enumerate(found):
        if patterns[0].reading and all(p.reading for p in patterns):
            prev = out[-1] if out else None
            bracket = _READING_RE.match(text, prev.end) if prev is not None and prev.entry_id is not None else None
            if bracket is None or bracket.span(1) != (m.start, m.end):
                continue
            if m.entry_id != prev.entry_id:
                m = m._replace(entry_id=prev.entry_id, canonical=prev.canonical, resolution="reading", candidates=())
        out.append(m)
        if m.end >= len(text) or text[m.end] not in _OPENING or m.entry_id is None or not (
                patterns.person or patterns.place):
            continue  # (日中韓首脳会談(サミット): katakana after an event or a body glosses it, it does not read it)
        bracket = _READING_RE.match(text, m.end)
        if bracket is not None and (k + 1 == len(mentions) or mentions[k + 1].start >= bracket.end()):
            a, b = bracket.span(1)
            out.append(Mention(a, b, text[a:b], m.entry_id, m.canonical, "reading", text[a:b], "reading", "text"))
    return out


# Capitalised words next to a surname that are not part of a longer name (On Monday Kishida said).
_NOT_NAMES = frozenset({
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
    "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
    "mr", "mr.", "ms", "ms.", "mrs", "mrs.", "dr", "dr.", "prof", "prof.", "sir", "madam", "and", "or", "but",
    "as", "by", "on", "in", "at", "of", "for", "with", "from", "to", "said", "says", "told", "asked",
    # titles the glossary does not list as titles (Okinawa Gov. Tamaki, Chief Executive Lee, Trade Minister X)
    "gov.", "gov", "sen.", "rep.", "gen.", "adm.", "lt.", "col.", "capt.", "pm", "fm", "president", "premier",
    "minister", "secretary", "chairman", "chairwoman", "chair", "spokesperson", "spokesman", "spokeswoman",
    "ambassador", "envoy", "consul", "governor", "mayor", "executive", "chief", "general", "leader", "emperor",
    "king", "queen", "prince", "princess", "judge", "justice", "lawmaker", "senator", "representative",
    # what follows a leader's surname ("the Takaichi Cabinet", "Ishiba Government")
    "government", "cabinet", "administration", "doctrine", "era", "line", "camp", "faction"})
# Words that start English sentences before a name ("Meanwhile Kishida said"); any other capitalised word
# there is taken for a given name ("Jane Moon reports.": a reporter, not Moon Jae-in).
_SENTENCE_WORDS = frozenset("""
    the a an but and yet so then now later meanwhile yesterday today tomorrow tonight earlier last next this that these
    those former both only even though although because under over during despite according also however still
    instead indeed separately asked speaking when while since after before if once as at in on for with by from to of
    here there why how what who where nor neither either all some many most several few each every no not
    chinese japanese taiwanese korean american british us u.s. south north east west new old young veteran
    outgoing incoming acting deputy vice then-president then-prime dear thank thanks
    regarding about concerning following amid against unlike like without beyond toward towards upon
""".split())
# Surnames that are also English words: the pronoun He at a sentence's start, the Song dynasty.
_ENGLISH_SURNAMES = frozenset({"he", "sun", "song", "han", "qin", "tang", "ming", "long", "fan", "bo", "ding", "kong"})


def _introduces_another(text: str, surname: str, start: int) -> bool:
    """Whether the text names someone with this surname in full elsewhere ("Hu Youping"), a name the glossary does
    not hold (it would have been chosen, and resolved the surname): the bare surname is then that person."""
    return any(found.start() != start for found in re.finditer(
        rf"(?<![\w-]){re.escape(surname)} [A-Z][a-z]+(?:-[a-z]+)?\b", text))


def _alone(text: str, start: int, end: int, taken: list[tuple[int, int]], evidence: bool = False) -> bool:
    """Whether a Latin surname stands on its own, not inside a longer name the glossary does not hold: a
    capitalised word right before it (Reporting by Leika Kihara) or after it (Wang Xiaoming, Han Chinese) that
    is no name or title the text was found to hold makes it part of that name, except in a headline's Title Case
    ("China Slams Takaichi Over Remarks"). An English word as a surname (He, Sun, Song) is not the surname at a
    sentence's start (unless the text named one of its people: ``evidence``) or before "dynasty"."""
    if start > 1 and text[start - 1] == " " and text[start - 2].isalpha():
        a = max(text.rfind(" ", max(0, start - 40), start - 1), text.rfind("\n", max(0, start - 40), start - 1)) + 1
        word = text[a : start - 1]
        if word[:1].isupper() and word.lower() not in _NOT_NAMES and not _overlapping(taken, a, start - 1) \
                and not (_sentence_start(text, a) and word.lower() in _SENTENCE_WORDS) and not _headline(text, start):
            return False  # (at a sentence's start, a word that starts sentences: "Later Kishida said"; not "Jane Moon")
    after = text[end + 1 : end + 2] if text[end : end + 1] == " " else ""
    if after.isupper():
        b = _WORD_END_RE.search(text, end + 1).start()
        if text[end + 1 : b].lower() not in _NOT_NAMES and not _overlapping(taken, end + 1, b) and (
                not _headline(text, start) or _GIVEN_NAME_RE.fullmatch(text, end + 1, b)):
            return False  # (a Chinese given name, "Chiang Ying-ying", even on a line in Title Case)
    word = text[start:end].lower()
    if word in _MONTHS and (_DAY_AFTER_RE.match(text, end) or _MONTH_BEFORE_RE.search(text, max(0, start - 8), start)):
        return False  # "(May 23)", "on 23 May", "in May": a month, not Theresa May
    if word in _ENGLISH_SURNAMES:  # (at a sentence's start still the surname when the text named the person)
        if (_sentence_start(text, start) and not (evidence and word != "he")) or text.startswith(
                (" dynasty", " Dynasty"), end):  # ("He said" is the pronoun whoever the text names)
            return False
    return True


_WORD_END_RE = re.compile(r"[^\w'’-]|$")
_GIVEN_NAME_RE = re.compile(r"[A-Z][a-z]+-[a-z]+")  # Ying-ying, Wan-an: a headline would print Ying-Ying
# Surnames that are also months, and what makes them a month: a day's number, or a word that dates.
_MONTHS = frozenset({"january", "february", "march", "april", "may", "june", "july", "august", "september",
                     "october", "november", "december"})
_DAY_AFTER_RE = re.compile(r",? \d{1,4}\b")
_MONTH_BEFORE_RE = re.compile(r"(?:\b\d{1,2}(?:st|nd|rd|th)?|\b(?:[Ii]n|[Ss]ince|[Uu]ntil|[Bb]y|[Ee]arly|[Ll]ate|mid-?|"
                              r"[Ll]ast|[Nn]ext|[Tt]his|[Oo]f|[Ff]rom|[Tt]hrough|[Bb]etween)) $")


def _headline(text: str, pos: int) -> bool:
    """Whether the line around ``pos`` is a headline in Title Case: most of its longer words capitalised."""
    lo, hi = text.rfind("\n", 0, pos) + 1, text.find("\n", pos)
    line = text[lo : hi if hi >= 0 else len(text)].strip()
    if line.endswith(".") or any(mark in line for mark in (". ", "; ", "(", ")")) or line.count(" ") > 20:
        return False  # a sentence, a byline (Reporting by ...; Editing by ...)
    words = [w for w in line.split() if len(w) > 3 and w[0].isalpha()]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.75 * len(words)


def _sentence_start(text: str, start: int) -> bool:
    before = text[max(0, start - 3) : start].rstrip(" \"“‘'(")
    return not before or before[-1] in ".!?\n:;—–-"


def _of_the_texts_country(glossary: Glossary, doc: _Document, entry_id: str) -> bool:
    """Whether the entry's country is the one the text names most, China aside (a Chinese text names China
    anyway): 国会 in a Chinese text on Japan (日本公明党议员…在国会质询) is the Diet, in one on Korea it is not."""
    code = glossary.entries[entry_id].countries[:1]
    counts: dict[str, int] = {}
    for i in doc.named:
        other = glossary.entries[i].countries[:1]
        if other and other[0] != "CN" and i != entry_id:
            counts[other[0]] = counts.get(other[0], 0) + len(doc.named[i])
    mine = counts.pop(code[0], 0) if code else 0
    return mine > 0 and mine > sum(counts.values())


def _party_of_named(glossary: Glossary, doc: _Document, code: tuple[str, ...]) -> bool:
    """Whether the text names a political party of the country ``code`` (its first code)."""
    return bool(code) and any(glossary.entries[i].details.get("subtype") == "political-party" and
                              glossary.entries[i].countries[:1] == code for i in doc.named)


def _note_named(doc: _Document, chosen: list) -> None:
    """Where the text names each entry on its own (its standalone mentions) and first does so in full."""
    named_at, first_full = doc.named, doc.full
    for start, _end, patterns, _mention in chosen:
        named = patterns.named
        if named is not None and named in patterns.japanese_alone and not _KANA_RE.search(doc.text):
            continue  # 國會 in a Chinese text: any parliament (see PatternSet.japanese_alone)
        if named is not None:
            named_at.setdefault(named, []).append(start)
            if patterns.full and named not in first_full:
                first_full[named] = start


# What a leader's name comes before as a title does (高市内閣, 石破政権: the Takaichi cabinet): the name's end there
# is a word's end, whatever the segmenter reads across it (市內).
_LEADERS_BODIES = ("内閣", "內閣", "内阁", "政権", "政權", "政府", "体制", "體制", "陣営", "陣營", "阵营")


# The generic last character of a place name (日本海, 洞庭湖) may instead begin the next word: 日本|海产品.
_GEOGRAPHIC_SUFFIXES = frozenset("海湖山江河岛島洋峡峽")
# A bureau, department or division whose last character starts the title of its head: 亚洲大洋洲局长 is the
# head of 亚洲大洋洲局, 亞洲司長 of 亞洲司, 立法院長 of 立法院 (the name is printed once).
_HEADS = frozenset("局司課课処处處室科院")


def _shares_head(text: str, end: int) -> bool:
    return 0 < end < len(text) and text[end - 1] in _HEADS and text[end] in "长長"


def _title_overlaps_end(titles: list[tuple[int, int]], start: int, end: int) -> bool:
    i = bisect.bisect_right(titles, (start, 1 << 62))
    while i < len(titles) and titles[i][0] < end:
        if titles[i][1] > end:
            return True
        i += 1
    return False


def _overlapping(taken: list[tuple[int, int]], start: int, end: int) -> list[tuple[int, int]]:
    """The spans of ``taken`` (sorted, never overlapping each other) that overlap [start, end)."""
    i = bisect.bisect_left(taken, (start, start))
    if i > 0 and taken[i - 1][1] > start:
        i -= 1
    found = []
    while i < len(taken) and taken[i][0] < end:
        if taken[i][1] > start:
            found.append(taken[i])
        i += 1
    return found


def _surname_reading(patterns: PatternSet) -> PatternSet | None:
    """A place name right before an honorific is a person's surname (石川氏): drop the place reading."""
    kept = [p for p in patterns if not p.place]
    return PatternSet.of(kept) if kept else None


def _side(text: str) -> str | None:
    """The side a text is written from, by its script: simplified Chinese is the PRC's, Japanese Japan's;
    traditional Chinese is Taiwan's when it uses Taiwan's own words for the PRC's forces and its own (共機,
    國軍, 我國, 擾台), and says nothing alone otherwise (Hong Kong writes it too); 我 ("our") before a name says
    it (see :func:`_by_side`)."""
    sample = text[:4000]
    if _KANA_RE.search(sample):
        return "JP"  # Japanese text: 松江 is Matsue
    han = "".join(_HAN_RE.findall(sample))
    if han and convert_han(han, "s2t") != han and convert_han(han, "t2s") == han:
        return "CN"
    if han:
        taiwan, hong_kong = _TAIWAN_USAGE_RE.search(sample), _HONG_KONG_USAGE_RE.search(sample)
        if taiwan and not hong_kong:
            return "TW"
        if hong_kong and not taiwan:
            return "CN"  # Hong Kong's 外交部 is the PRC's
    return None


# Words only Taiwan's press uses (the PRC's aircraft, Taiwan's own forces, "our country", its news agency) and
# words of Hong Kong's own government.
_TAIWAN_USAGE_RE = re.compile("共機|共艦|共軍|國軍|我國|擾台|陸委會|中央社")
_HONG_KONG_USAGE_RE = re.compile("特區政府|港府|李家超|政務司|律政司|保安局局長|香港警方")


def _dateline_country(glossary, text: str, start: int, latin: bool) -> str | None:
    """The country of the last dateline before ``start`` (a roundup has several): "TOKYO (Reuters) -" in
    English, 【北京共同】, （台北中央社）, 中央社台北1日電 in Japanese and Chinese. Hong Kong's and Macau's say
    nothing of whose a ministry is (see :func:`_country_of_place`)."""
    found = None
    for dateline in (_DATELINE_RE if latin else _HAN_DATELINE_RE).finditer(text, 0, start):
        found = dateline
    if found is None:
        return None
    return _country_of_place(glossary, next(g for g in found.groups() if g))


_HAN_DATELINE_RE = re.compile(
    r"【([^】\s]{1,8}?)(?:共同|時事)】|（([^）\s]{1,6}?)中央社）|中央社(?:記者[^\s]{1,6})?([^\s\d]{2,4})\d{1,2}日電")


# A wire story's dateline, at the start of a line near the top: "TOKYO -", "BEIJING, Nov 20 (Reuters) -",
# "TAIPEI, Taiwan (AP) —", "Tokyo, Dec. 1 (Kyodo) --". A place in capitals, or capitalised before an agency.
_DATELINE_RE = re.compile(
    r"(?:^|\n)[ \t]*(?:([A-Z][A-Z'.]+(?: [A-Z][A-Z'.]+)?)(?:,[^\n()\-–—]{1,24})?(?: \([A-Za-z .]{2,24}\))?"
    r"|([A-Z][a-z]+(?: [A-Z][a-z]+)?)(?:,[^\n()\-–—]{1,24})? \([A-Z][A-Za-z .]{1,22}\))[ \t]*(?:--?|–|—)[ \t]")


def _named_place_first(glossary, doc: _Document, ids) -> tuple[str, ...]:
    """The entries among ``ids`` whose English name begins with a place the text names ("Hong Kong National
    Security Law" where the text names Hong Kong): a short form the glossary marks as shared with another entry
    ("National Security Law") is the one of the place the text is about."""
    found = []
    for i in ids:
        words = (glossary.entries[i].names.get("en") or "").split(" ")
        if any(row.entry_id in doc.named and glossary.entries[row.entry_id].type == "place"
               for n in range(1, min(3, len(words) - 1) + 1)
               for row in glossary.with_key(name_key(" ".join(words[:n])))):
            found.append(i)
    return tuple(found)


def _by_members(glossary, doc: _Document, patterns: PatternSet, ids) -> tuple[str, ...]:
    """The organisations among ``ids`` in which a person the text names held a role (by the organisation's
    English name in the person's roles), when that leaves one. Not countries, nor places: a person's roles
    name the country of every office ("Minister for Foreign Affairs of Japan"), which says nothing here."""
    if not doc.named or patterns.any_place or patterns.person:
        return ()
    entries = glossary.entries
    names = {i: (entries[i].names.get("en") or "") for i in ids if entries[i].type == "organization"}
    if len(names) < 2 or not all(names.values()):
        return ()
    found = []
    for person in doc.named:
        entry = entries.get(person)
        if entry is None or entry.type != "person":
            continue
        roles = " | ".join(r.get("role", "") for r in entry.details.get("roles") or ())
        # The organisation itself, not one whose name ends in it: "of the Liberal Democratic Party" is no
        # role in the "Democratic Party".
        held = [i for i, name in names.items() if name in roles and re.search(
            r"(?:^|\| |of (?:the )?)" + re.escape(name) + r"\b", roles)]
        if len(held) == 1 and held[0] not in found:
            found.append(held[0])
    return tuple(found)


def _country_of_place(glossary: Glossary, name: str) -> str | None:
    """The one country of the places a name is a standalone name of (TOKYO: JP), if they agree."""
    countries = set()
    for row in glossary.with_key(name_key(name)):
        entry = glossary.entries.get(row.entry_id)
        if entry is not None and entry.type == "place" and (row.variant.standalone or row.variant.kind == "name"):
            if entry.details.get("subtype") == "special-administrative-region":
                return None
            codes = entry.details.get("country") or ()
            countries.add(codes if isinstance(codes, str) else codes[0] if codes else None)
    return countries.pop() if len(countries) == 1 else None


def _resolve(glossary, doc: _Document, start, end, patterns, target, name_order, probe=False) -> Mention | None:
    """Pick the entry a chosen name refers to (module docstring, step 5), or None if it is no mention."""
    text = doc.text
    ids, standalone_ids = patterns.ids, patterns.standalone_ids
    only_here: set[str] = set()  # entries the text names only here, by this name: no evidence for themselves
    if patterns.japanese_alone and not _KANA_RE.search(text):
        standalone_ids = tuple(i for i in standalone_ids if i not in patterns.japanese_alone or
                               _of_the_texts_country(glossary, doc, i))
    elif patterns.japanese_alone and doc.named:
        # Japanese news on Korea calls the National Assembly 国会 too: the legislature of the country the text is
        # about, where that is not Japan and the text names its parties (ソウル発, 李在明大統領, 国民の力 … 国会で;
        # not 李在明大統領と会談後、首相は国会で説明した).
        abroad = [i for i in ids if i not in patterns.japanese_alone and _of_the_texts_country(glossary, doc, i)
                  and _party_of_named(glossary, doc, glossary.entries[i].countries[:1])]
        if len(abroad) == 1 and glossary.entries[abroad[0]].type == "organization":
            standalone_ids = tuple(abroad)
            only_here = {i for i in patterns.japanese_alone if all(a == start for a in doc.named.get(i, ()))}
    if len(ids) > len(doc.named):  # (the order of ``named`` decides nothing: one, or sorted candidates)
        named = [i for i in doc.named if i in _id_set(patterns)]
    else:
        named = [i for i in ids if i in doc.named]
    if only_here:
        named = [i for i in named if i not in only_here]
    if len(named) > 1:  # a name is no evidence for itself: "Natsuo Yamaguchi ... Yamaguchi met" (not the prefecture)
        elsewhere = [i for i in named if any(at != start for at in doc.named[i])]
        if elsewhere and len(elsewhere) < len(named):
            named = elsewhere
    chosen, resolution, candidates = None, None, []
    # A state body's owner or spokesperson named next to it beats the text's other mentions (台湾外交部发表声明。
    # 外交部发言人林剑回应: the second is the PRC's).
    spoken = _whose_body(glossary, doc, start, end, patterns, dateline=False) if (
        patterns.institution and len(ids) > 1 and doc.named) else ()
    own = _own_body(doc, start, patterns) if (patterns.institution and len(ids) > 1 and doc.named
                                               and len(spoken) != 1) else ()
    admin = () if not (patterns.any_place and len(ids) > 1) else _by_admin_word(glossary, text, start, ids) \
        if patterns.latin else _stationed_in_city(glossary, text, start, ids)
    hosted = _hosted_in_named(glossary, doc, ids) if len(ids) > 1 and doc.named else ()
    if len(spoken) == 1:
        chosen, resolution = spoken[0], "context"
    elif len(hosted) == 1:
        chosen, resolution = hosted[0], "context"
    elif len(admin) == 1:
        chosen, resolution = admin[0], "context"
    elif len(own) == 1:
        chosen, resolution = own[0], "side"
    elif len(standalone_ids) == 1 and (not named or named == list(standalone_ids) or (
            _names_a_nation(patterns, standalone_ids[0]) and all(
                i == standalone_ids[0] or glossary.entries[i].type == "place" for i in named))):
        # (a country's name stays the country where the text names the island or province of the same name
        # under another name: 台灣 after 台灣省)
        chosen, resolution = standalone_ids[0], "direct"
    elif len(named) == 1:
        # The text names one of the candidates elsewhere: "Natsuo Yamaguchi ... Yamaguchi said".
        chosen, resolution = named[0], "context"
    elif len(named) > 1:
        # The text names several: a title next to this one may say which (李总理 and 李总统 after 李强 and 李在明).
        holders = _title_holders(glossary, doc, start, end, patterns)
        fitting = [i for i in named if i in holders] if holders else []
        if len(fitting) == 1:
            chosen, resolution = fitting[0], "title"
        else:
            candidates = named
    else:
        # A one-character surname (林外相) needs the full name in the text, or a title and the text's date (李总理
        # in 2024 is Li Qiang); a title alone is not enough. One that also abbreviates a country (韩总统, 韓大統領)
        # is the country's.
        single_han = end - start == 1
        if single_han and _country_initial(matcher_for(glossary), text[start]):
            return None
        holders = None if single_han and not doc.date else _title_holders(glossary, doc, start, end, patterns)
        if single_han and not holders:
            return None  # a one-character surname needs the full name in the text, or a title and the date
        if holders is None and patterns.latin and patterns.short:
            # A leader in office at the text's date is named by surname alone ("the remarks of Takaichi"): the one
            # candidate who then headed a state or government; with no date, one in office now by the data (whose
            # term has no end). (Not in Han text: 高市 is also Kaohsiung City.)
            leading = _holders(glossary, doc, patterns, _people(glossary, patterns), _HEADS_OF) if doc.date else \
                _holding(glossary, _IN_OFFICE_NOW, _people(glossary, patterns), _HEADS_OF)
            holders = leading if len(leading) == 1 else None
        if holders is not None and len(holders) == 1:
            chosen, resolution = holders[0], "title"
            if start not in doc.named.get(chosen, ()):  # 岩屋外相 ... 岩屋氏: the holder is named from here on
                doc.named.setdefault(chosen, []).append(start)
        elif holders:
            candidates = holders
        if chosen is None and len(standalone_ids) > 1:
            sided = _by_side(doc, start, patterns)
            preferred = patterns.preferred_ids
            if doc.side is False:
                doc.side = _side(doc.text)
            spelled = _spelled_as(patterns, text[start:end], doc.side == "JP") if not patterns.latin else ()
            spoken = _whose_body(glossary, doc, start, end, patterns) if patterns.institution and not \
                patterns.latin else ()
            if len(spoken) == 1:
                sided = spoken  # 外交部發言人林劍: the spokesperson's ministry
            members = _by_members(glossary, doc, patterns, standalone_ids) if not sided else ()
            if len(sided) == 1:
                chosen, resolution = sided[0], "side"
            elif len(members) == 1:
                # The text names someone who held office in one candidate: 民進党の頼清徳氏 is Taiwan's DPP,
                # 共産党の志位委員長 the JCP.
                chosen, resolution = members[0], "context"
            elif len(spelled) == 1:
                # The text's own spelling, as curated for one entry, against forms folded or derived for the
                # others: 民進黨 is Taiwan's DPP; 民進党, the Japanese party's name, folds to it.
                chosen, resolution = spelled[0], "default"
            elif len(preferred) == 1:
                # Curators chose the usual reading of a shared name ("Kyoto" is the city).
                chosen, resolution = preferred[0], "default"
            else:
                candidates = candidates or standalone_ids
        if chosen is None and not candidates and not patterns.latin and end - start >= 3 and \
                text.startswith(HONORIFICS, end) and len(people := _people(glossary, patterns)) == 1 and \
                len(ids) == 1:
            # 萩生田氏: a surname of three characters or more (rarely shared, unlike 石川) with an honorific is a
            # person's, and the glossary holds one person of that name
            chosen, resolution = people[0], "context"
        if chosen is None and not candidates and patterns.latin and _OUTLET_WORD_AFTER_RE.match(text, end):
            outlets = [i for i in ids if glossary.entries[i].details.get("subtype") in MEDIA_SUBTYPES]
            if len(outlets) == 1:  # "the Asahi newspaper": an outlet's short name with what it is after it
                chosen, resolution = outlets[0], "context"
                doc.named.setdefault(chosen, []).append(start)  # named from here on ("Asahi also reported")
        if chosen is None and not candidates and len(ids) == 1 and patterns.latin and patterns.institution and \
                text[start:end].istitle() and (_home_named(glossary, doc, ids[0]) or
                                               _of_the_texts_country(glossary, doc, ids[0])):
            # "the Legislative Council" in a text on Hong Kong; "the Diet", "the Defense Ministry" in one on Japan
            chosen, resolution = ids[0], "context"
        if chosen is None and not candidates and len(ids) == 1 and not patterns.latin and (
                (text.startswith(_STATIONED, start) and _sender_named(glossary, doc, ids[0]))
                or _after_related(glossary, text, start, ids[0]) or _bureau_with_head(glossary, doc, end, ids[0])
                or (patterns.institution and not text.endswith("政府", start, end)
                    and _home_named(glossary, doc, ids[0]))  # (not 特區政府, "the SAR government")
                or (glossary.entries[ids[0]].type == "organization" and start > 1 and
                    glossary.entries[ids[0]].countries[:1] == (_country_named_before(glossary, text, start),))):
            # 英國金融時報: an organisation's name right after its country's
            # 中国驻日本使馆和驻名古屋总领馆: a mission "stationed in" a place, its sender named in the text;
            # 自民党の外交部会と外交調査会: a body right after the one it belongs to, or a sibling
            chosen, resolution = ids[0], "context"
        if chosen is None and not candidates:
            ambiguous = any(p.variant.ambiguous_with for p in patterns)
            if not ambiguous and not (patterns.latin and patterns.institution):
                return None  # a short form the text gives no evidence for: not a mention
            members = _by_members(glossary, doc, patterns, ids) if ambiguous else ()
            sided = _whose_body(glossary, doc, start, end, patterns) if (
                patterns.latin and patterns.institution and len(members) != 1) else ()
            if len(members) == 1:
                chosen, resolution = members[0], "context"
            elif len(sided) == 1:
                # "TOKYO - The Foreign Ministry said", "China's Ministry of Commerce", "the Defense Ministry in Tokyo"
                chosen, resolution = sided[0], "side"
            elif not ambiguous:
                return None
            else:
                placed = _named_place_first(glossary, doc, ids)
                homed = [i for i in ids if _home_named(glossary, doc, i)] if len(placed) != 1 else []
                if len(placed) == 1:
                    chosen, resolution = placed[0], "context"  # "the National Security Law" in a text on Hong Kong
                elif len(homed) == 1:
                    chosen, resolution = homed[0], "context"  # 立法會 in a text on Hong Kong: LegCo, not Macao's
                else:
                    candidates = list(ids)
    p = next((q for q in patterns if q.entry_id == chosen), patterns[0])
    if probe:
        return p  # type: ignore[return-value]  # the caller only asks whether this is a mention
    surface = text[start:end]
    if chosen is not None and patterns.surname and patterns.latin and not any(
            at != start for at in doc.named.get(chosen, ())) and _introduces_another(text, surface, start):
        return None  # "Judge Lee Jin-gwan ... Lee said": the text's own Lee, not the president it does not name
    if chosen is None:
        if patterns.surname and _introduces_another(text, surface, start):
            return None  # "Hu Youping ... Hu was injured": the text's own Hu, whom the glossary does not hold
        return Mention(start, end, surface, None, None, "ambiguous", p.variant.name, p.variant.kind,
                       p.variant.origin, sorted(set(candidates)))
    entry = glossary.entries[chosen]
    others = sorted(set(ids) - {chosen}) if resolution in ("default", "side") else ()
    follow_up = p.variant.kind == "short" and doc.full.get(chosen, start) < start
    key = (chosen, follow_up, p.variant.kind, surface if entry.type == "place" else None)
    canonical = doc.names.get(key)
    if canonical is None:
        canonical = doc.names[key] = canonical_name(entry, target, name_order, short=follow_up, matched=p.variant,
                                                    surface=surface)
    return Mention(start, end, surface, entry.id, canonical, resolution, p.variant.name, p.variant.kind,
                   p.variant.origin, others)


_REGIONS = frozenset({"HK", "MO", "TW"})  # places whose own bodies' short names the texts about them print bare


def _region_of(glossary: Glossary, entry_id: str | None) -> str | None:
    """The code of Hong Kong, Macau or Taiwan when ``entry_id`` is that place itself (not a city in it), else None."""
    entry = glossary.entries.get(entry_id) if entry_id is not None else None
    if entry is None or entry.type != "place" or \
            entry.details.get("subtype") not in ("special-administrative-region", "country"):
        return None
    return next((code for code in entry.countries if code in _REGIONS), None)


def _home_named(glossary: Glossary, doc: _Document, entry_id: str) -> bool:
    """Whether the text names something of the Hong Kong, Macau or Taiwan body's own place (香港特區政府 ... 立法會;
    台灣外交部 ... 總統府): the body's short name, which only it holds, is then that body. (Not the PRC's or Japan's,
    whose names are in nearly every text of this kind.)"""
    code = glossary.entries[entry_id].countries[:1]
    if not code or code[0] not in _REGIONS:
        return False
    if code[0] == "HK" and "本港" in doc.text:
        return True  # "this port": Hong Kong's press on Hong Kong (本港教育局)
    entries = glossary.entries
    return any(code[0] in entries[i].countries for i in doc.named if i != entry_id)


def _bureau_with_head(glossary: Glossary, doc: _Document, end: int, entry_id: str) -> bool:
    """A ministry's bureau by its short name (亚洲大洋洲局, not 亚洲 + 大洋洲) where its director's title follows it
    or the text names the ministry it belongs to."""
    entry = glossary.entries[entry_id]
    if entry.details.get("subtype") != "ministry-bureau":
        return False
    return doc.text.startswith(("局长", "局長"), end) or any(
        i in doc.named for i in entry.details.get("see_also") or ())


_JOINERS = "の的と、和及與与"


def _after_related(glossary: Glossary, text: str, start: int, entry_id: str) -> bool:
    """Whether a Han/kana name right before ``start`` (with の, 的, と or 、 between) names an entry this one lists
    under ``see_also``: the body it belongs to (自民党の外交部会) or a sibling named just before it
    (外交部会と外交調査会)."""
    related = glossary.entries[entry_id].details.get("see_also") or ()
    if not related:
        return False
    at = start
    while at > 0 and text[at - 1] in _JOINERS and start - at < 2:
        at -= 1
    if at == start:
        return False
    return any(row.entry_id in related for n in range(2, min(at, 12) + 1)
               for row in glossary.with_key(name_key(text[at - n : at])))


def _mission_hosts(glossary: Glossary) -> dict[str, frozenset[str]]:
    """Each diplomatic mission's host place, read off its English name ("Consulate-General of Japan in Hong
    Kong": Hong Kong), and that place's own city or region too."""
    hosts = {}
    for entry_id, entry in glossary.entries.items():
        if entry.details.get("subtype") not in MISSION_SUBTYPES or " in " not in entry.names.get("en", ""):
            continue
        where = entry.names["en"].rsplit(" in ", 1)[1].removeprefix("the ")
        places = {row.entry_id for row in glossary.with_key(name_key(where))
                  if glossary.entries[row.entry_id].type == "place"}
        if places:
            hosts[entry_id] = frozenset(places)
    return hosts


def _hosted_in_named(glossary: Glossary, doc: _Document, ids) -> tuple[str, ...]:
    """The missions among ``ids`` whose host place the text names (日本總領事館 in a text about Hong Kong: the
    consulate-general there, not the one in Guangzhou), or a body of it when the host is Hong Kong, Macau or
    Taiwan (香港政府); only when every candidate is a mission."""
    hosts = glossary.built("mission_hosts", lambda: _mission_hosts(glossary))
    if not all(i in hosts for i in ids):
        return ()
    entries = glossary.entries
    regions = {entries[i].countries[0] for i in doc.named if entries[i].countries[:1] and
               entries[i].countries[0] in _REGIONS}  # (香港政府 names Hong Kong too)
    # A place in the host country names it too (北京の日本大使館: the embassy in China), if the text's places
    # are of one country only (not a text on Tokyo and Beijing both).
    countries = {entries[i].countries[0] for i in doc.named if entries[i].type == "place" and entries[i].countries}
    countries -= {code for i in ids for code in entries[i].countries[:1]}  # (not the sender's: 日本 in 日本大使館)
    country = countries.pop() if len(countries) == 1 else None
    return tuple(i for i in ids if hosts[i] & doc.named.keys() or
                 any(_region_of(glossary, host) in regions or (
                     country is not None and entries[host].details.get("subtype") == "country"
                     and entries[host].countries[:1] == (country,)) for host in hosts[i]))


def _stationed_in_city(glossary: Glossary, text: str, start: int, ids) -> tuple[str, ...]:
    """The cities among ``ids`` where a mission is "stationed in" the name (中国驻大阪总领事: Osaka the city,
    wherever else the text names the prefecture): consulates are in cities."""
    if start == 0 or text[start - 1] not in _STATIONED:
        return ()
    return _of_kinds(glossary, ids, _ADMIN_KINDS["city"])


def _of_kinds(glossary: Glossary, ids, kinds) -> tuple[str, ...]:
    entries = glossary.entries
    return tuple(i for i in ids if entries[i].type == "place" and entries[i].details.get("subtype") in kinds)


def _sender_named(glossary: Glossary, doc: _Document, entry_id: str) -> bool:
    """Whether the text names the country that sends a diplomatic mission (its entry's country), or another of
    its missions."""
    entries = glossary.entries
    entry = entries[entry_id]
    codes = entry.countries
    if entry.details.get("subtype") not in MISSION_SUBTYPES or len(codes) != 1:
        return False
    return any(entries[i].details.get("subtype") in _SENDERS and entries[i].countries[:1] == codes
               for i in doc.named)  # (中国 or 中国驻日本使馆: a mission of the same country)


_SENDERS = frozenset(MISSION_SUBTYPES) | {"country", "ministry"}


def _by_admin_word(glossary: Glossary, text: str, start: int, ids) -> tuple[str, ...]:
    """The places among ``ids`` of the kind an administrative word before the name names ("the prefecture of
    Osaka" is Osaka Prefecture, not the city the name alone defaults to)."""
    cue = _ADMIN_OF_RE.search(text, max(0, start - 20), start)
    if cue is None:
        return ()
    return _of_kinds(glossary, ids, _ADMIN_KINDS[cue.group(1).lower()])


def _regional_chinese(patterns: PatternSet, entry_id: str | None) -> bool:
    """Whether the entry is named here only by forms of Chinese as Taiwan, Hong Kong or Macau use it (大陸)."""
    mine = [p.variant for p in patterns if p.entry_id == entry_id and p.variant.origin == "curated"]  # (derived
    # forms, 大陆 from 大陸, follow their source)
    return bool(mine) and all(v.lang.startswith("zh") and v.used_by and set(v.used_by) <= {"TW", "HK", "MO"}
                              for v in mine)


def _names_a_nation(patterns: PatternSet, entry_id: str) -> bool:
    return any(p.nation for p in patterns if p.entry_id == entry_id)


def _spelled_as(patterns: PatternSet, surface: str, japanese: bool) -> tuple[str, ...]:
    """The entries of a shared name spelled exactly as the text does in the text's language (standalone forms):
    in Japanese text a Japanese name; in Chinese text a Chinese one, curated or converted between simplified and
    traditional script. A Japanese name converted to Chinese characters (民進党 -> 民進黨) does not count."""
    if len(patterns.standalone_ids) > 16:
        return ()
    spelled = [p for p in patterns if p.standalone and p.variant.name == surface and (
        p.variant.lang == "ja" if japanese else p.variant.lang.startswith("zh") and (
            p.variant.origin == "curated" or "jp" not in (p.variant.method or "jp")))]
    curated = tuple(dict.fromkeys(p.entry_id for p in spelled if p.variant.origin == "curated"))
    # One entry curated this very spelling, the others have it converted from the other script (經濟日報 is
    # Taiwan's paper's own name, the PRC's 经济日报 converted): the curated one. Not for state bodies, whose short
    # names Hong Kong prints in traditional script for the PRC's (國防部).
    if len(curated) == 1 and not patterns.institution:
        return curated
    return tuple(dict.fromkeys(p.entry_id for p in spelled))


def _reported(patterns: PatternSet) -> PatternSet:
    """The patterns of a set that can be mentions (titles bound names and are never reported), once per set."""
    found = patterns.__dict__.get("reported")
    if found is None:  # False: all of them (not the set itself, which would make a reference cycle)
        kept = [p for p in patterns if not p.silent]
        found = patterns.reported = False if len(kept) == len(patterns) else PatternSet.of(kept)
    return found or patterns


def _id_set(patterns: PatternSet) -> frozenset[str]:
    found = patterns.__dict__.get("id_set")
    if found is None:
        found = patterns.id_set = frozenset(patterns.ids)
    return found


def _people(glossary, patterns: PatternSet) -> list[str]:
    """The people among the entries ``patterns`` names (worked out once per pattern set)."""
    found = patterns.__dict__.get("people")
    if found is None:
        found = patterns.people = [i for i in patterns.ids if glossary.entries[i].type == "person"]
    return found


def _title_holders(glossary, doc: _Document, start: int, end: int, patterns: PatternSet) -> list[str] | None:
    """People among the entries ``patterns`` names who held an office that a title next to the name (or in
    the text) names.

    None when no title is near; a list (possibly of several) otherwise. A title right after a Han name
    (岸田首相) or right before a Latin one (President Xi) counts first. For a capitalised Latin surname,
    titles elsewhere in the text count too ("Japanese Prime Minister ... Kishida") when they leave exactly
    one person; not for a Han surname, whose characters are often part of other words (羽田 in 羽田機場).
    """
    if not doc.offices:
        return None
    people, latin = _people(glossary, patterns), patterns.latin
    if not people:
        return None
    adjacent = [o for s, e, o in doc.offices
                if s == end or e == start or doc.text[e:start] in (" ", ". ")]
    if adjacent:
        offices = {x for o in adjacent for x in o}
        if not offices:  # an honorific (Mr, 氏): it says "a person", not which office
            return list(people)
        return _holders(glossary, doc, patterns, people, offices, looking_back=True)
    offices = {x for _, _, o in doc.offices for x in o} if latin else set()
    found = _holders(glossary, doc, patterns, people, offices) if offices else []
    return found if len(found) == 1 else None


def _holders(glossary, doc: _Document, patterns: PatternSet, people: list[str], offices: set[str],
             looking_back: bool = False) -> list[str]:
    """:func:`_holding`, kept per pattern set for each offices and date: a title next to a shared surname of a
    large glossary would otherwise go through the roles of thousands of people at every hit."""
    cache = patterns.__dict__.get("holders")
    if cache is None:
        cache = patterns.holders = {}
    key = (frozenset(offices), doc.date, looking_back)
    found = cache.get(key)
    if found is None:
        if len(cache) >= 64:
            cache.clear()  # bounded (a request may give any date)
        found = _holding(glossary, doc.date, people, offices)
        if not found and doc.date and looking_back:  # (a title next to the name, not one elsewhere in the text)
            # Nobody of that name held it at the text's date: a text looking back ("岸田首相は2023年に…",
            # 岸田前首相) means the one who ever did, if only one did.
            ever = _holding(glossary, None, people, offices)
            if len(ever) > 1:  # of several, news titles the living so (福田元総理大臣 in 2023 is Yasuo, not Takeo)
                ever = [p for p in ever if not _died_before(glossary.entries[p], doc.date)]
            found = ever if len(ever) == 1 else []
        found = cache[key] = tuple(found)
    return list(found)


_IN_OFFICE_NOW = "9999-12-31"  # a date every term the data leaves open covers, and no ended one


def _died_before(entry: Entry, when: str) -> bool:
    died = entry.details.get("died")
    return bool(died) and str(died)[: len(when)] < when


def _holding(glossary, when: str | None, people: list[str], offices: set[str]) -> list[str]:
    found = []
    for person in people:
        for role in glossary.entries[person].details.get("roles") or ():
            name = role["role"].lower()
            if any(name.startswith(o.lower()) and _office_fits(o, name) for o in offices) and _held_at(role, when):
                found.append(person)
                break
    return found


# A head of state's title (大統領, 总统, President) names no president of a legislature, party or association:
# 韓大統領 is not the President of the Legislative Yuan, 金大統領 not the President of the State Affairs.
_NOT_OF_A_STATE = re.compile(r"\b(?:yuan|assembly|parliament|senate|house|diet|party|association|commission|"
                             r"committee|council|court|university|bank|federation|society|institute|foundation|"
                             r"academy|state affairs|company|corporation|group|league|club|congress)\b")


_HEADS_OF = frozenset({"Prime Minister", "President", "Premier", "General Secretary"})


def _office_fits(office: str, role: str) -> bool:
    return office != "President" or _NOT_OF_A_STATE.search(role) is None


def _held_at(role: dict, when: str | None) -> bool:
    if not when:
        return True
    begin, finish = role.get("from"), role.get("to")
    return (not begin or str(begin)[: len(when)] <= when) and (not finish or when <= str(finish) + "\uffff")


def _by_side(doc: _Document, start: int, patterns: PatternSet) -> tuple[str, ...]:
    """The candidates a side-marked variant gives to the text's side (外交部: CN in simplified text)."""
    if doc.side is False:
        doc.side = _side(doc.text)
    side = doc.side
    if start > 0 and (doc.text[start - 1] == "我" or doc.text.endswith(("我國", "我国"), 0, start)):  # "our"
        near = doc.text[max(0, start - 20) : start + 20]
        side = "TW" if convert_han(near, "t2s") != near else "CN"
    return patterns.by_side.get(side, ()) if side is not None else ()


def _own_body(doc: _Document, start: int, patterns: PatternSet) -> tuple[str, ...]:
    """In Chinese text, a bare state body is the writer's side's own, whatever other country's body of that name
    the text names too: in a PRC text 外交部 after 台湾外交部 is the PRC's, in a Taiwanese one 外交部 after
    中國外交部 Taiwan's (each writes the other's with its name before it). Not in Japanese text, which calls
    China's ministry 外務省 again after 中国外務省."""
    if patterns.latin:
        return ()
    if doc.side is False:
        doc.side = _side(doc.text)
    return _by_side(doc, start, patterns) if doc.side in ("CN", "TW") else ()


def _whose_body(glossary, doc: _Document, start: int, end: int, patterns: PatternSet,
                dateline: bool = True) -> tuple[str, ...]:
    """Whose state body a bare name of several is ("the Foreign Ministry", 外交部): the one of the country named
    right before it ("China's", "the Chinese", 中方), else of the city after it ("the Foreign Ministry in
    Beijing"), else of the person named after it as its spokesperson or minister ("Foreign Ministry spokesperson
    Lin Jian", 外交部長林佳龍), else of the story's last dateline ("TOKYO (Reuters) -", 【北京共同】)."""
    text = doc.text
    country = None
    if not patterns.latin:
        country = _HAN_SIDES.get(text[max(0, start - 2) : start])
        if country is None and start > 1 and text[start - 1] in _OPENING_QUOTES:
            country = _country_named_before(glossary, text, start - 1)  # 台“外交部”: Taiwan's "foreign ministry"
    if patterns.latin:
        owner = _OWNER_BEFORE_RE.search(text, max(0, start - 40), start)
        if owner and owner.group(2) != " ":
            country = _country_of_place(glossary, owner.group(1))  # "China's Ministry of Commerce"
        else:
            country = _demonym_before(text, start)[0]  # "the Chinese Ministry of Commerce"
    city = _IN_CITY_RE.match(text, end) if patterns.latin and country is None else None
    if city:
        country = _country_of_place(glossary, city.group(1))
    if country is None:
        # Latin: the person right after this name; Han: after any of its occurrences, when they agree (外交部今天
        # 表示，外交部長林佳龍…: the minister is Taiwan's).
        ends = [end] if patterns.latin else [_after_gloss(text, m.end())
                                             for m in re.finditer(re.escape(text[start:end]), text)][:8]
        found = {_speakers_country(glossary, doc, at, patterns.latin) for at in ends} - {None}
        country = found.pop() if len(found) == 1 else None
    if country is None and dateline:
        country = _dateline_country(glossary, text, start, patterns.latin)
    if country is None:
        return ()
    return tuple(dict.fromkeys(p.entry_id for p in patterns if p.institution and p.country == country))


_GLOSS_RE = re.compile(r"[(（][^()（）]{1,12}[)）]")


def _after_gloss(text: str, end: int) -> int:
    """Where the text goes on after a name and the gloss in brackets after it, if any: 外交部（外務省）の毛寧報道官
    (People's Daily's Japanese edition explains the ministry's name) is the ministry of the spokesperson after it."""
    gloss = _GLOSS_RE.match(text, end)
    return gloss.end() if gloss else end


_OPENING_QUOTES = "“「『‘\"'"


def _country_named_before(glossary, text: str, at: int) -> str | None:
    """The country named right before ``at`` (an opening quote, or a name): its name (台湾“外交部”, 英國金融時報) or
    its one-character abbreviation (台“外交部”, the PRC's way of writing Taiwan's so-called ministry)."""
    for n in (4, 3, 2, 1):
        if at - n < 0:
            continue
        codes = {code for row in glossary.with_key(name_key(text[at - n : at]))
                 for entry in [glossary.entries[row.entry_id]]
                 if entry.type == "place" and entry.details.get("subtype") == "country"
                 for code in entry.countries[:1]}
        if len(codes) == 1:
            return codes.pop()
    return _country_initial(matcher_for(glossary), text[at - 1])


def _demonym_before(text: str, start: int) -> tuple[str | None, int]:
    """The country a demonym right before ``start`` names ("the Chinese Ministry", "South Korean"), and where it
    starts."""
    owner = _OWNER_BEFORE_RE.search(text, max(0, start - 40), start)
    if owner is None or owner.group(2) != " ":
        return None, start
    name = owner.group(1)
    if name in _DEMONYMS:
        return _DEMONYMS[name], owner.start(1)
    word = name.rsplit(" ", 1)[-1]
    return _DEMONYMS.get(word), start - 1 - len(word)


def _speakers_country(glossary, doc: _Document, end: int, latin: bool) -> str | None:
    """The country of the person the text names right after ``end`` and a word for a spokesperson or minister."""
    speaker = (_SPEAKER_RE if latin else _HAN_SPEAKER_RE).match(doc.text, end)
    if speaker:
        at = speaker.end()
    elif not latin:  # the Japanese order: 外交部の林剣報道官
        at = end + 1 if doc.text.startswith("の", end) else end
    else:
        return None
    person = next((i for i, starts in doc.named.items() if at in starts), None)
    entry = glossary.entries.get(person) if person else None
    if entry is None or entry.type != "person":
        return None
    codes = entry.details.get("country") or ()
    return codes if isinstance(codes, str) else codes[0] if len(codes) == 1 else None


# A side named right before a body (中方外交部, 陸方國防部): one-character abbreviations + 方 ("side").
_HAN_SIDES = {"中方": "CN", "陸方": "CN", "陆方": "CN", "日方": "JP", "台方": "TW", "美方": "US", "韓方": "KR",
              "韩方": "KR"}
_HAN_SPEAKER_RE = re.compile("の?(?:新聞|新闻)?(?:發言人|发言人|報道官|报道官|副?部長|副?部长|長|长)")
_POSSESSIVES = ("'s ", "’s ")
# The bodies a country joins into one name with (the development set's convention: a ministry, agency, coast guard,
# party or embassy; not 大陸 + 政協, a legislature or a court, which are split).
_JOINED_SUBTYPES = frozenset({"ministry", "ministry-department", "ministry-bureau", "ministry-division", "agency",
                              "coast-guard", "political-party", "police", "regulator", "military", "commission",
                              "government-department", "prosecutor", "government-agency", "government-bureau",
                              "intelligence-agency", "investigative-agency", "government-office"})
# The owner right before a body's name: "China's", "Tokyo's", "The Chinese".
_OWNER_BEFORE_RE = re.compile(r"(?<![\w-])([A-Z][a-z]+(?: [A-Z][a-z]+)?)('s |’s | )$")
_DEMONYMS = {"Chinese": "CN", "Japanese": "JP", "Taiwanese": "TW", "Korean": "KR", "South Korean": "KR",
             "American": "US", "North Korean": "KP", "Philippine": "PH"}
_ADJECTIVES = frozenset(_DEMONYMS) | {"Filipino", "Vietnamese", "Russian", "Indian", "Australian",
                                     "British", "French", "German", "Malaysian", "Indonesian", "Thai"}
_IN_CITY_RE = re.compile(r" in ([A-Z][a-z]+(?: [A-Z][a-z]+)?)\b")
_SPEAKER_RE = re.compile(r"(?:'s|’s)? (?:(?:deputy|chief|senior|top|press) )?(?:spokesperson|spokeswoman|spokesman|"
                         r"official|secretary|director|director-general) ")


# -- canonical names ------------------------------------------------------------------------------


def canonical_name(entry: Entry, target: str, name_order: str = "given-family", short: bool = False,
                   matched: Variant | None = None, surface: str | None = None) -> str:
    """The entry's name in ``target``, in the form the text used.

    A short form after the full name becomes the family name (岸田 -> Kishida); an abbreviation stays an
    abbreviation when the entry has one in ``target`` (CCP -> CCP, 中共); a place printed without its
    administrative suffix loses it in the target too (TOKYO -> 東京); ``short_names`` in the data win.
    """
    name = entry.name(target) or entry.id
    if matched is not None:
        if matched.kind == "abbreviation" and (abbr := _abbreviation(entry, target)):
            return abbr
        if matched.kind in ("abbreviation", "short") or _is_short_form(entry, matched, surface):
            if (short_name := (entry.details.get("short_names") or {}).get(target)):
                return short_name
            if entry.type == "place" and surface is not None and not _has_admin_suffix(surface):
                name = _without_admin_suffix(name)
    if short and (family := family_name_in(entry, target)) and family in name:
        return family
    if target == "en" and entry.type == "person" and name_order == "family-given":
        countries = entry.details.get("country") or []
        family = entry.family_name.get("en")
        if family and any(c in GIVEN_FIRST_COUNTRIES for c in countries) and name.endswith(" " + family):
            name = f"{family} {name[: -len(family) - 1]}"
    return name


def _abbreviation(entry: Entry, target: str) -> str | None:
    """The entry's curated abbreviation in ``target`` (CCP in English, 中共 in Chinese), if any."""
    for v in entry.variants:
        if v.kind == "abbreviation" and v.lang == target and v.standalone:
            return v.name
    return None


def _is_short_form(entry: Entry, matched: Variant, surface: str | None) -> bool:
    """The text printed a place without its administrative suffix (Tokyo, TOKYO, 東京 for 東京都)."""
    return entry.type == "place" and surface is not None and not _has_admin_suffix(surface)


_ADMIN_ENDINGS = tuple({scan_form(s) for s in ADMIN_SUFFIXES}) + ADMIN_WORDS + (" to", " shi", " ken", " fu", " sheng")


def _has_admin_suffix(surface: str) -> bool:
    return scan_form(surface).rstrip(" .").replace("-", " ").endswith(_ADMIN_ENDINGS)


def _without_admin_suffix(name: str) -> str:
    if len(name) > 2 and name.endswith(ADMIN_SUFFIXES) and all(is_han(c) or is_kana(c) for c in name):
        return name[:-1]
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
    append = out.append
    for start, end, surface, _entry, canonical, *_ in mentions:
        if canonical is None:
            continue
        append(text[pos:start])
        if mode == "rewrite" or surface == canonical:
            append(canonical)
        else:
            append(f"{surface} [{canonical}]")
        pos = end
    append(text[pos:])
    return "".join(out)


def _map_back(mentions: list[Mention], positions: list[int], source: str) -> list[Mention]:
    """Offsets in the text without invisible characters -> offsets in the text as sent."""
    out = []
    for m in mentions:
        start, end = positions[m.start], positions[m.end - 1] + 1
        out.append(m._replace(start=start, end=end, surface=source[start:end]))
    return out


def _add_utf16_offsets(text: str, mentions: list[Mention]) -> list[Mention]:
    """UTF-16 offsets for JavaScript clients: each astral character before a position counts twice."""
    astral = [i for i, c in enumerate(text) if ord(c) > 0xFFFF]
    return [m._replace(start_utf16=m.start + bisect.bisect_left(astral, m.start),
                       end_utf16=m.end + bisect.bisect_left(astral, m.end)) for m in mentions]
