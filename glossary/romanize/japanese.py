"""Japanese romanisation: pykakasi for unknown text, curated kana and Hepburn for glossary names.

Curated readings win: an entry's ``ja-Hira`` and ``ja-Latn-hepburn`` are what its derived spellings are
made from. pykakasi is only asked about text that is in no entry, and its readings of kanji names are
guesses (a kanji name can have many readings), which every answer says.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pykakasi

from glossary.keys import fold_kana, is_han


@lru_cache(maxsize=1)
def _kakasi() -> pykakasi.kakasi:
    return pykakasi.kakasi()


def to_hiragana(text: str) -> str:
    return fold_kana(text)


def to_katakana(text: str) -> str:
    """Hiragana to katakana (ぁ-ゖ, ゝゞ); everything else is kept."""
    return text.translate(_HIRA_TO_KATA)


_HIRA_TO_KATA = {c: c + 0x60 for c in range(0x3041, 0x3097)} | {0x309D: 0x30FD, 0x309E: 0x30FE}


def add_macrons(romaji: str) -> str:
    """Unmacroned Hepburn as pykakasi writes it ('kouno', 'oosaka', 'shuukinpei') to macrons.

    A heuristic: ou and oo become ō and uu becomes ū. It is right for most names and wrong across a
    morpheme boundary (いのうえ Inoue), which is why curated Hepburn always wins over it.
    """
    s = re.sub(r"o[ou]", "ō", romaji)
    s = re.sub(r"O[ou]", "Ō", s)
    s = re.sub(r"uu", "ū", s)
    return re.sub(r"Uu", "Ū", s)


def kana_to_hepburn(kana: str) -> str:
    """Hepburn (without macrons, as pykakasi writes it) of a kana string, spaces kept."""
    return "".join(t["hepburn"] for t in convert(kana))


def hepburn_spellings(macroned: str) -> dict[str, str]:
    """Other spellings of a Hepburn name with macrons: Kōno -> Kono, Kouno, Koono, Kohno (Shū -> Shuu)."""
    styles = {"plain": ("o", "u"), "ou": ("ou", "u"), "oo": ("oo", "u"), "oh": ("oh", "u"), "uu": ("o", "uu")}
    out = {}
    for style, (long_o, long_u) in styles.items():
        s = macroned.replace("ō", long_o).replace("Ō", long_o.capitalize())
        out[style] = s.replace("ū", long_u).replace("Ū", long_u.capitalize())
    return out


# pykakasi converts the whole rest of the text at every kanji (a str.translate of text[i:]): quadratic.
# It is fed pieces of at most this many characters, cut after a character that ends a word.
CHUNK = 64
_BREAKS = re.compile(r"[\s、。，．,.!?！？「」『』（）()・…―\-]")


def chunks(text: str, size: int = CHUNK) -> list[str]:
    """Pieces of ``text`` of at most ``size`` characters, cut after punctuation or a space where there is
    one, else after kana (a particle or okurigana ends a word more often than a kanji does)."""
    out = []
    while len(text) > size:
        window = text[:size]
        cut = max((m.end() for m in _BREAKS.finditer(window)), default=0)
        if not cut:
            cut = max((i + 1 for i, c in enumerate(window) if not is_han(c)), default=size)
        out.append(text[:cut])
        text = text[cut:]
    if text:
        out.append(text)
    return out


def convert(text: str) -> list[dict]:
    """pykakasi's tokens of ``text``, in linear time (see :data:`CHUNK`)."""
    return [token for piece in chunks(text) for token in _kakasi().convert(piece)]


def romanize_japanese(text: str) -> dict:
    """Romanise unknown Japanese text with pykakasi; kanji readings are marked as guesses."""
    tokens = convert(text)
    hira = "".join(t["hira"] for t in tokens)
    hepburn = " ".join(t["hepburn"] for t in tokens if t["hepburn"].strip())
    return {
        "hiragana": hira,
        "katakana": to_katakana(hira),
        "hepburn": add_macrons(hepburn),
        "hepburn_plain": hepburn,
        "reading_is_guess": any(is_han(c) for c in text),
    }
