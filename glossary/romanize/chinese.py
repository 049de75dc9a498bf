"""Mandarin romanisation: pypinyin for unknown text, curated pinyin for glossary names.

Curated readings always win: a curated ``zh-Latn-pinyin`` such as "Zēng Guófān" is split into syllables
here and every other spelling (tone numbers, toneless, Wade-Giles) is made from those syllables, so
pypinyin's guess for a surname or heteronym never leaks into a curated entry.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from pypinyin import Style, lazy_pinyin
from pypinyin.pinyin_dict import pinyin_dict
from pypinyin.style import convert as convert_style

from glossary.keys import is_han

_TONE_MARKS = {"\u0304": 1, "\u0301": 2, "\u030c": 3, "\u0300": 4}


@dataclass(frozen=True)
class Syllable:
    """One pinyin syllable: its toneless letters (ü kept) and its tone (0 = neutral or unknown)."""

    letters: str
    tone: int

    @property
    def marked(self) -> str:
        return to_marked(self.letters, self.tone)

    @property
    def numbered(self) -> str:
        return f"{self.letters.replace('ü', 'v')}{self.tone or ''}"

    @property
    def plain(self) -> str:
        return self.letters.replace("ü", "u")


@lru_cache(maxsize=1)
def syllable_inventory() -> frozenset[str]:
    """Every toneless syllable pypinyin's dictionary knows (with ü), for splitting curated pinyin."""
    found = set()
    for readings in pinyin_dict.values():
        for reading in readings.split(","):
            letters, _tone = split_tone(reading)
            if letters.isalpha():
                found.add(letters)
    return frozenset(found)


def split_tone(syllable: str) -> tuple[str, int]:
    """'jìn' -> ('jin', 4); 'lǘ' -> ('lü', 2); 'ma' -> ('ma', 0)."""
    tone = 0
    out = []
    for ch in unicodedata.normalize("NFD", syllable.lower()):
        if ch in _TONE_MARKS:
            tone = _TONE_MARKS[ch]
        else:
            out.append(ch)
    return unicodedata.normalize("NFC", "".join(out)), tone


def to_marked(letters: str, tone: int) -> str:
    """Put the tone mark on the right vowel (a, e, or the o of ou, else the last vowel)."""
    if not tone:
        return letters
    mark = {1: "\u0304", 2: "\u0301", 3: "\u030c", 4: "\u0300"}[tone]
    lower = letters
    if "a" in lower:
        pos = lower.index("a")
    elif "e" in lower:
        pos = lower.index("e")
    elif "ou" in lower:
        pos = lower.index("o")
    else:
        vowels = [i for i, c in enumerate(lower) if c in "aeiouü"]
        if not vowels:
            return letters
        pos = vowels[-1]
    return unicodedata.normalize("NFC", letters[: pos + 1] + mark + letters[pos + 1 :])


def split_word(word: str) -> list[Syllable] | None:
    """Split one pinyin word ('Jìnpíng', "Xī'ān") into syllables; None if it is not pinyin."""
    inventory = syllable_inventory()
    pieces: list[Syllable] = []
    for chunk in re.split(r"['’]", word):
        letters_with_tones = unicodedata.normalize("NFD", chunk.lower())
        # Keep each letter's tone: the mark follows its vowel in NFD.
        letters: list[str] = []
        tones: list[int] = []
        for ch in letters_with_tones:
            if ch in _TONE_MARKS and tones:
                tones[-1] = _TONE_MARKS[ch]
            elif ch == "\u0308" and letters:  # diaeresis: u + ̈ -> ü
                letters[-1] = "ü"
            else:
                letters.append(ch)
                tones.append(0)
        plain = "".join(letters)
        split = _segment(plain, inventory)
        if split is None:
            return None
        pos = 0
        for piece in split:
            tone = max(tones[pos : pos + len(piece)], default=0)
            pieces.append(Syllable(piece, tone))
            pos += len(piece)
    return pieces


@lru_cache(maxsize=4096)
def _segment(plain: str, inventory: frozenset[str], first: bool = True) -> tuple[str, ...] | None:
    """Split toneless letters into pinyin syllables, preferring fewer, longer syllables.

    Pinyin orthography: a later syllable never starts with a, o or e (that needs an apostrophe,
    Xī'ān), so Gǔnèi is gǔ-nèi, not gǔn-èi.
    """
    if not plain:
        return ()
    best: tuple[str, ...] | None = None
    if not first and plain[0] in "aoe":
        return None
    for end in range(min(6, len(plain)), 0, -1):
        head = plain[:end]
        if head in inventory:
            rest = _segment(plain[end:], inventory, False)
            if rest is not None and (best is None or len(rest) + 1 < len(best)):
                best = (head, *rest)
    return best


def parse_pinyin(text: str) -> list[list[Syllable]] | None:
    """'Xí Jìnpíng' -> [[xi2], [jin4, ping2]]: words of syllables, or None if any word is not pinyin."""
    words = [w for w in re.split(r"[\s\-·]+", text.strip()) if w]
    parsed = [split_word(w) for w in words]
    if not words or any(p is None for p in parsed):
        return None
    return parsed  # type: ignore[return-value]


def guess_syllables(hanzi: str) -> list[Syllable]:
    """pypinyin's reading of Han text, one syllable per Han character (non-Han characters skipped)."""
    han = "".join(c for c in hanzi if is_han(c))
    if not han:
        return []
    out = []
    for reading in lazy_pinyin(han, style=Style.TONE3, neutral_tone_with_five=False, v_to_u=True):
        m = re.fullmatch(r"([a-zü]+)([1-5]?)", reading)
        if m:
            out.append(Syllable(m.group(1), int(m.group(2) or 0) % 5))
    return out


def pinyin_spellings(words: list[list[Syllable]]) -> dict[str, str]:
    """Every spelling users type for a name, from its syllables grouped into words."""

    def cap(s: str) -> str:
        return s[:1].upper() + s[1:]

    def glue(fmt, word: list[Syllable], syl_sep: str) -> str:
        out = ""
        for i, s in enumerate(word):
            # Pinyin writes an apostrophe before a, o, e that starts a later syllable: Xī'ān.
            sep = syl_sep or ("'" if i and s.letters[0] in "aoe" else "")
            out += (sep if i else "") + fmt(s)
        return out

    def join(fmt, word_sep: str, syl_sep: str = "") -> str:
        return word_sep.join(cap(glue(fmt, w, syl_sep)) for w in words)

    flat = [s for w in words for s in w]
    return {
        "marked": join(lambda s: s.marked, " "),
        "plain": join(lambda s: s.plain, " "),
        "numbered": join(lambda s: s.numbered, " "),
        "numbered-spaced": " ".join(s.numbered for s in flat),
        "plain-spaced": " ".join(cap(s.plain) for s in flat),
        "plain-joined": cap("".join(s.plain for s in flat)),
        "plain-hyphenated": join(lambda s: s.plain, " ", "-"),
        "wade-giles": wade_giles(words),
    }


WADE_GILES_FIXES = {"tie": "t'ieh", "chua": "ch'ua", "huo": "huo", "shuo": "shuo"}


def wade_giles_syllable(letters: str) -> str:
    """One toneless syllable in Wade-Giles, via pypinyin with two of its slips corrected.

    pypinyin 0.55 writes the final -ai as -ei after some initials (hai -> 'hei', lai -> 'lei': Shanghai
    would be 'Shang-hei', Chou En-lai 'Chou En-lei'), ü as 'v', and a few syllables wrongly
    (``WADE_GILES_FIXES``, checked against every syllable pypinyin knows).
    """
    if letters in WADE_GILES_FIXES:
        return WADE_GILES_FIXES[letters]
    wg = convert_style(letters, Style.WADEGILES, strict=True)
    if letters.endswith("ai") and wg.endswith("ei"):
        wg = wg[:-2] + "ai"
    return wg.replace("v", "ü")


def wade_giles(words: list[list[Syllable]]) -> str:
    """Wade-Giles without tone numbers, syllables of a word hyphenated: 'Hsi Chin-p'ing'."""
    out = []
    for word in words:
        syllables = []
        for s in word:
            syllables.append(wade_giles_syllable(s.letters))
        text = "-".join(syllables)
        out.append(text[:1].upper() + text[1:])
    return " ".join(out)


def romanize_chinese(text: str) -> dict:
    """Romanise unknown Chinese text with pypinyin. Readings are dictionary guesses, not verified."""
    syllables = guess_syllables(text)
    words = [[s] for s in syllables]
    return {
        "pinyin": " ".join(s.marked for s in syllables),
        "pinyin_numbers": " ".join(s.numbered for s in syllables),
        "pinyin_plain": " ".join(s.plain for s in syllables),
        "wade_giles": wade_giles(words).lower() if words else "",
    }
