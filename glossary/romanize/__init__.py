"""Romanisation of Chinese and Japanese text, one module per language behind one function.

``romanize(text, lang)`` is for text that is in no glossary entry; glossary names carry curated
readings that always win (see :mod:`glossary.derive`).
"""

from __future__ import annotations

from collections.abc import Callable

from glossary.keys import is_kana
from glossary.romanize.chinese import romanize_chinese
from glossary.romanize.japanese import romanize_japanese

ROMANIZERS: dict[str, Callable[[str], dict]] = {"zh": romanize_chinese, "ja": romanize_japanese}


def detect_lang(text: str) -> str:
    """'ja' when the text has kana, else 'zh' (Han-only text is ambiguous: pass lang to be sure)."""
    return "ja" if any(is_kana(c) for c in text) else "zh"


def romanize(text: str, lang: str = "auto") -> dict:
    """Romanise ``text`` as Chinese ('zh') or Japanese ('ja'); 'auto' guesses from the script."""
    chosen = detect_lang(text) if lang == "auto" else lang
    if chosen not in ROMANIZERS:
        raise ValueError(f"unsupported language {lang!r}; use one of: auto, {', '.join(ROMANIZERS)}")
    result = ROMANIZERS[chosen](text)
    if chosen == "zh":
        # pypinyin reads each character by its commonest reading; names may be read otherwise.
        result["reading_is_guess"] = True
    return {"text": text, "lang": chosen, **result}
