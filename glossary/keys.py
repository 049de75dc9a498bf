"""Name keys: the one normaliser that turns any string into a matching key.

Two strings that a reader would call "the same name" (Shinzō Abe / SHINZOU ABE, 習近平 / 习近平 / 習近平,
キシダ / きしだ) get the same key. Every index, lookup and check in the package goes through
:func:`name_key`, so the folding rules live here and nowhere else.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

# Characters treated as separators inside names.
_APOSTROPHES = "'’‘`ʼʻ′＇"
_HYPHENS = "-‐‑‒–—―−﹣－_/"
_DOTS = "・·•‧∙⋅･."
_SEPARATOR_RE = re.compile(rf"[\s{re.escape(_HYPHENS + _DOTS)}]+")
_APOSTROPHE_RE = re.compile(f"[{re.escape(_APOSTROPHES)}]")
# Latin long vowels as Japanese romanisations spell them: ō/ou/oo/oh -> o; ū/uu -> u. The h of "oh"
# marks length only before a consonant or at the end (Kohno); before a vowel it is a syllable (Kohoku).
_LONG_VOWEL_RE = re.compile(r"o(?:u|o|h(?![aeiouy]))|uu")
# Latin combining marks only (tone marks, macrons, umlauts). Kana voicing marks are kept: が is not か.
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
    return table


def fold_han(text: str) -> str:
    """Fold simplified, traditional and Japanese forms of Han characters to one (simplified) form."""
    return text.translate(_han_fold_table())


def fold_kana(text: str) -> str:
    """Katakana to hiragana (ァ-ヶ and the iteration marks ヽヾ); ー and other characters are kept."""
    return text.translate(_KATA_TO_HIRA)


_KATA_TO_HIRA = {c: c - 0x60 for c in range(0x30A1, 0x30F7)} | {0x30FD: 0x309D, 0x30FE: 0x309E}


def fold_long_vowels(s: str) -> str:
    """ou, oo, oh (before a consonant) -> o and uu -> u, repeated until none is left (so idempotent)."""
    while True:
        folded = _LONG_VOWEL_RE.sub(lambda m: m.group(0)[0], s)
        if folded == s:
            return s
        s = folded


def name_key(text: str) -> str:
    """Return the matching key of ``text``. Never raises on any ``str``; ``name_key(name_key(s)) == name_key(s)``.

    Steps, in order:

    1. Unicode NFKC: compatibility forms, full-width Latin (Ｘｉ) and half-width katakana (ｷｼﾀﾞ)
       become ordinary characters (width folding).
    2. Case folding (``str.casefold``: XI, Xi, xi; ß -> ss).
    3. Latin combining marks removed: tone marks and macrons (Xí Jìnpíng, Shinzō, Lǚ -> lu).
    4. Apostrophes removed (Hsi Chin-p'ing, Min'er, Shin'ichi, curly and straight alike).
    5. Hyphens, middle dots (・·), full stops, underscores, slashes and runs of white space become one
       space; a space between two Han or kana characters is dropped (岸田 文雄, ジョー・バイデン).
    6. Han characters folded: simplified, traditional and Japanese kanji forms become one form
       (習/习, 釣/钓, 広/廣/广).
    7. Katakana folded to hiragana (キシダ -> きしだ).
    8. Japanese long vowels in Latin folded: ō, ou, oo, oh -> o; ū, uu -> u (Kōno, Kouno, Kohno, Kono);
       the h of oh only before a consonant or at the end (Kohoku keeps its h).
    """
    if not isinstance(text, str):
        raise TypeError(f"name_key expects str, not {type(text).__name__}")
    s = unicodedata.normalize("NFKC", text)
    s = s.casefold()
    s = unicodedata.normalize("NFD", s)
    s = _LATIN_MARKS_RE.sub("", s)
    s = unicodedata.normalize("NFC", s)
    s = _APOSTROPHE_RE.sub("", s)
    s = _SEPARATOR_RE.sub(" ", s).strip()
    s = _CJK_GAP_RE.sub("", s)
    s = fold_han(s)
    s = fold_kana(s)
    s = fold_long_vowels(s)
    # Dropping a separator can bring a kana next to a detached voicing mark (う ゛): compose again.
    return unicodedata.normalize("NFC", s)


def compact_key(text: str) -> str:
    """The key with every space removed: 'Xi Jin Ping', 'Xi Jinping' and 'XiJinping' meet here."""
    return name_key(text).replace(" ", "")


def is_han(ch: str) -> bool:
    """True for a CJK unified ideograph (including extension A and compatibility ideographs)."""
    o = ord(ch)
    return any(lo <= o <= hi for lo, hi in _HAN_RANGES)


def is_kana(ch: str) -> bool:
    o = ord(ch)
    return 0x3040 <= o <= 0x30FF or 0x31F0 <= o <= 0x31FF or 0xFF66 <= o <= 0xFF9F
