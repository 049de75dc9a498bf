"""Name keys: the one normaliser that turns any string into a matching key.

Two strings that a reader would call "the same name" (Shinzō Abe / SHINZOU ABE, 習近平 / 习近平 / 習近平,
キシダ / きしだ) get the same key. Every index, lookup, check and text scan in the package goes through
this module, so the folding rules live here and nowhere else.

The rules come in two layers:

* :func:`scan_fold` folds one character at a time and never changes a string's length, so the text
  scanner (:mod:`glossary.normalize`) can run it over whole documents and keep every offset;
* :func:`name_key` is ``scan_fold`` plus the steps that change length (dropping apostrophes and
  zero-width characters, collapsing separators, folding Japanese long vowels).

What the scan cannot fold because it changes length, :func:`scan_spellings` spells out instead: the
text scanner adds a pattern for each spelling of a name (Kōno: Kono, Kouno, Kohno, Koono; Shin'ichi:
Shinichi), so running text finds every name that lookup finds (a property test checks the two agree).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from functools import cache, lru_cache

import opencc

# Characters treated as separators inside names.
APOSTROPHES = "'’‘`ʼʻ′＇"
HYPHENS = "-‐‑‒–—―−﹣－_/"
DOTS = "・·•‧∙⋅･."
# Characters a reader does not see: zero-width space/joiners, word joiner, BOM, soft hyphen, and variation
# selectors (U+FE00-FE0F, and the ideographic ones, U+E0100-E01EF, that Japanese text puts after 辻 or 葛 for the
# glyph a name is printed with): the name is the same.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad" + "".join(map(chr, range(0xFE00, 0xFE10))) + \
    "".join(map(chr, range(0xE0100, 0xE01F0)))
_SEPARATOR_RE = re.compile(rf"[\s{re.escape(HYPHENS + DOTS)}]+")
_APOSTROPHE_RE = re.compile(f"[{re.escape(APOSTROPHES)}]")
_INVISIBLE_RE = re.compile(f"[{INVISIBLE}]")
# Latin long vowels as Japanese romanisations spell them: ō/ou/oo/oh -> o; ū/uu -> u. The h of "oh"
# marks length only before a consonant or at the end (Kohno); before a vowel it is a syllable (Kohoku).
# One pass over runs ("ouu", "ohh") is linear and gives what folding until nothing changes would.
_LONG_VOWEL_RE = re.compile(r"o(?:u|o|h(?![aeiouy]))+|uu+")
# Combining marks (tone marks, macrons, umlauts) on Latin, Greek and Cyrillic letters. Kana voicing
# marks are kept: が is not か.
_LATIN_MARKS_RE = re.compile("[\u0300-\u036f]")
# A separator between two characters that are not Latin letters or digits is dropped, because
# Chinese and Japanese names are written both with and without 「・」 or spaces (ジョー・バイデン).
_CJK = "\u3005\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_GAP_RE = re.compile(f"(?<=[{_CJK}]) (?=[{_CJK}])")

_HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))


@lru_cache(maxsize=1)
def _han_fold_table() -> dict[int, str]:
    """Map every Han character to one representative: Japanese kanji -> traditional -> simplified.

    Built once from OpenCC's character tables (jp2t then t2s), one character at a time so that no
    phrase rule changes a string's length. Only single-character results are kept.
    """
    chars = [chr(c) for lo, hi in _HAN_RANGES for c in range(lo, hi + 1)]
    joined = "\n".join(chars)
    jp2t = opencc.OpenCC("jp2t").convert(joined)
    t2s = opencc.OpenCC("t2s").convert(jp2t).split("\n")
    table: dict[int, str] = {}
    if len(t2s) != len(chars):  # pragma: no cover - OpenCC never merges lines
        return table
    for original, folded in zip(chars, t2s, strict=True):
        if len(folded) == 1 and folded != original:
            table[ord(original)] = folded
    # Follow chains (a character whose form is itself folded further) so that folding twice changes nothing.
    for code, folded in table.items():
        seen = {code}
        while ord(folded) in table and ord(folded) not in seen:
            seen.add(ord(folded))
            folded = table[ord(folded)]
        table[code] = folded
    return table


def fold_han(text: str) -> str:
    """Fold simplified, traditional and Japanese forms of Han characters to one (simplified) form."""
    return text.translate(_han_fold_table())


def fold_kana(text: str) -> str:
    """Katakana to hiragana (ァ-ヶ and the iteration marks ヽヾ); ー and other characters are kept."""
    return text.translate(_KATA_TO_HIRA)


_KATA_TO_HIRA = {c: c - 0x60 for c in range(0x30A1, 0x30F7)} | {0x30FD: 0x309D, 0x30FE: 0x309E}


def fold_long_vowels(s: str) -> str:
    """ou, oo, oh (before a consonant) -> o and uu -> u, runs included (so idempotent); linear time."""
    return _LONG_VOWEL_RE.sub(lambda m: m.group(0)[0], s)


# -- the length-preserving layer ------------------------------------------------------------------


def _fold_char(c: str) -> str:
    """The scan fold of one character (always one character): see :func:`scan_fold`."""
    k = unicodedata.normalize("NFKC", c)
    if len(k) != 1:
        k = c
    low = k.lower()
    if len(low) == 1:
        k = low
    if k in APOSTROPHES:
        return "'"
    if k.isspace() or (k in HYPHENS + DOTS and not k.isascii()):
        return " "
    bare = _LATIN_MARKS_RE.sub("", unicodedata.normalize("NFD", k))
    if len(bare) == 1:
        k = bare
    return _KATA_TO_HIRA_CHARS.get(k) or _han_fold_table().get(ord(k), k)


_KATA_TO_HIRA_CHARS = {chr(a): chr(b) for a, b in _KATA_TO_HIRA.items()}


class _FoldTable(dict):
    """A ``str.translate`` table that fills itself: each character is folded once, then looked up."""

    def __missing__(self, code: int) -> str:
        value = self[code] = _fold_char(chr(code))
        return value


_FOLD = _FoldTable()


def scan_fold(text: str) -> str:
    """Fold ``text`` one character at a time; the result has exactly ``len(text)`` characters.

    Per character: NFKC where it gives one character (full-width Ｘｉ, half-width ｷｼﾀﾞ), lower case where
    that gives one character, Latin/Greek/Cyrillic combining marks removed (Xí, Shinzō), every
    apostrophe -> ``'``, non-ASCII white space, hyphens and middle dots -> space (ASCII punctuation is
    kept: a text scan treats it as a word boundary anyway), Han characters to one form (習/习),
    katakana to hiragana. ASCII text only needs ``str.lower``.
    """
    if text.isascii():
        return text.lower()
    if len(text.encode("utf-8")) - len(text) > len(text) // 4:  # mostly non-ASCII: fold every character
        return text.translate(_FOLD)
    # Mostly ASCII (English with a few accented names): the ASCII characters through a byte table, and
    # only the runs of other characters through the folding table, which is many times slower per character.
    ascii_folded = text.encode("utf-8").translate(_ascii_fold_bytes()).decode("utf-8")
    return _NON_ASCII_RUN_RE.sub(_fold_run, ascii_folded)


_NON_ASCII_RUN_RE = re.compile(r"[^\x00-\x7f]+")


def _fold_run(match: re.Match) -> str:
    return match.group().translate(_FOLD)


@cache
def _ascii_fold_bytes() -> bytes:
    """The fold of every ASCII character as a byte table (UTF-8 bytes of other characters pass unchanged)."""
    return bytes(ord(_fold_char(chr(c))) for c in range(128)) + bytes(range(128, 256))


# -- the key --------------------------------------------------------------------------------------


def name_key(text: str) -> str:
    """Return the matching key of ``text``. Never raises on any ``str``; ``name_key(name_key(s)) == name_key(s)``.

    Steps, in order:

    1. Unicode NFKC: compatibility forms, full-width Latin (Ｘｉ) and half-width katakana (ｷｼﾀﾞ)
       become ordinary characters (width folding).
    2. :func:`scan_fold`, the per-character layer: lower case, Latin combining marks removed (Xí
       Jìnpíng, Shinzō, Lǚ -> lu), Han characters folded to one form (習/习, 釣/钓, 広/廣/广),
       katakana folded to hiragana (キシダ -> きしだ).
    3. Case folding (``str.casefold``: ß -> ss) and any combining mark left after it removed.
    4. Apostrophes (Hsi Chin-p'ing, Min'er, Shin'ichi) and invisible characters (zero-width space
       and joiners, soft hyphen) removed.
    5. Hyphens, middle dots (・·), full stops, underscores, slashes and runs of white space become one
       space; a space between two Han or kana characters is dropped (岸田 文雄, ジョー・バイデン).
    6. Japanese long vowels in Latin folded: ō, ou, oo, oh -> o; ū, uu -> u (Kōno, Kouno, Kohno, Kono);
       the h of oh only before a consonant or at the end (Kohoku keeps its h).
    """
    if not isinstance(text, str):
        raise TypeError(f"name_key expects str, not {type(text).__name__}")
    s = scan_fold(unicodedata.normalize("NFKC", text))
    s = s.casefold()
    if not s.isascii():
        s = unicodedata.normalize("NFC", _LATIN_MARKS_RE.sub("", unicodedata.normalize("NFD", s)))
    s = _APOSTROPHE_RE.sub("", s)
    s = _INVISIBLE_RE.sub("", s)
    s = _SEPARATOR_RE.sub(" ", s).strip()
    s = _CJK_GAP_RE.sub("", s)
    s = fold_long_vowels(s)
    # Dropping a separator can bring a kana next to a detached voicing mark (う ゛): compose again.
    return unicodedata.normalize("NFC", s)


def compact_key(text: str) -> str:
    """The key with every space removed: 'Xi Jin Ping', 'Xi Jinping' and 'XiJinping' meet here."""
    return name_key(text).replace(" ", "")


# -- spellings the scan cannot fold ---------------------------------------------------------------

# A long vowel as a Japanese romanisation may print it, and every spelling of it.
_LONG_O = ("o", "ou", "oo", "oh")
_LONG_SITE_RE = re.compile(r"[ōôŌÔ]|[oO](?:[uUoO]|[hH](?![aeiouyAEIOUY]))|[ūûŪÛ]|[uU][uU]")
MAX_SPELLINGS = 64


def scan_spellings(name: str) -> list[str]:
    """The spellings of ``name`` a text may print that :func:`scan_fold` does not bring together.

    The scan keeps every character, so it cannot fold a long vowel (Kōno, Kouno, Kohno, Koono) or drop
    an apostrophe (Shin'ichi, Shinichi). This lists the name's spellings with each long vowel written
    each way and with and without apostrophes; all of them have the name's key. Capped at
    ``MAX_SPELLINGS`` (a name with many long vowels gets the systematic spellings only).
    """
    forms = {name}
    if any(c in APOSTROPHES for c in name):
        forms.add(_APOSTROPHE_RE.sub("", name))
    if ". " in name:  # "No. 1" is also printed "No 1"
        forms |= {f.replace(". ", " ") for f in forms}
    out: list[str] = []
    for form in forms:
        parts = _LONG_SITE_RE.split(form)
        sites = _LONG_SITE_RE.findall(form)
        if not sites:
            out.append(form)
            continue
        key = name_key(form)
        choices = [_LONG_O if s[0] in "ōôŌÔoO" else ("u", "uu") for s in sites]
        combos = itertools.islice(itertools.product(*choices), MAX_SPELLINGS)
        for combo in combos:
            spelled = [parts[0]]
            for site, choice, rest in zip(sites, combo, parts[1:], strict=True):
                spelled.append(choice.upper() if site[0].isupper() and len(choice) == 1 else
                               (choice[0].upper() + choice[1:] if site[0].isupper() else choice))
                spelled.append(rest)
            spelling = "".join(spelled)
            if name_key(spelling) == key:  # an "oh" before a vowel would read differently
                out.append(spelling)
        for uniform in _LONG_O:  # the systematic spellings, even past the cap
            spelled = _LONG_SITE_RE.sub(lambda m, u=uniform: _spell(m.group(0), u), form)
            if name_key(spelled) == key:
                out.append(spelled)
    return list(dict.fromkeys(out))


def _spell(site: str, o_spelling: str) -> str:
    choice = o_spelling if site[0] in "ōôŌÔoO" else ("uu" if o_spelling != "o" else "u")
    return choice[0].upper() + choice[1:] if site[0].isupper() else choice


def is_han(ch: str) -> bool:
    """True for a CJK unified ideograph (including extension A and compatibility ideographs)."""
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF  # _HAN_RANGES, unrolled


def is_kana(ch: str) -> bool:
    o = ord(ch)
    return 0x3040 <= o <= 0x30FF or 0x31F0 <= o <= 0x31FF or 0xFF66 <= o <= 0xFF9F
