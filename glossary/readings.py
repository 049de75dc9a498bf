"""Readings of a name: the curated ones when the name is in the glossary, a marked guess otherwise."""

from __future__ import annotations

from glossary.derive import HEPBURN, PINYIN
from glossary.index import Glossary
from glossary.romanize import detect_lang, romanize
from glossary.romanize.chinese import parse_pinyin, pinyin_spellings
from glossary.romanize.japanese import hepburn_spellings, to_katakana

TRUSTED_METHODS = ("exact", "normalized")


def readings(glossary: Glossary, text: str, lang: str = "auto") -> dict:
    """Romanise ``text``; if it is exactly a name of one entry, answer with that entry's curated readings.

    The answer always says ``reading_is_guess``: false only when every reading is curated (or the text
    is kana, which has one reading).
    """
    chosen = detect_lang(text) if lang == "auto" else lang
    guess = {**romanize(text, chosen), "entry_id": None}
    matches = [m for m in glossary.lookup(text, limit=2) if m.method in TRUSTED_METHODS]
    if len(matches) != 1 or matches[0].variant.kind == "short":
        return guess
    entry = matches[0].entry
    if chosen == "zh" and (words := parse_pinyin(entry.names.get(PINYIN, ""))):
        spell = pinyin_spellings(words)
        return {**guess, "entry_id": entry.id, "reading_is_guess": False, "pinyin": spell["marked"],
                "pinyin_numbers": spell["numbered-spaced"], "pinyin_plain": spell["plain"],
                "wade_giles": spell["wade-giles"]}
    if chosen == "ja" and entry.names.get("ja-Hira"):
        kana = entry.names["ja-Hira"]
        hepburn = entry.names.get(HEPBURN)
        out = {**guess, "entry_id": entry.id, "hiragana": kana, "katakana": to_katakana(kana)}
        if hepburn:
            out.update(hepburn=hepburn, hepburn_plain=hepburn_spellings(hepburn)["plain"], reading_is_guess=False)
        return out
    return guess
