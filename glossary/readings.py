"""Readings of a name: the curated ones when the name is in the glossary, a dictionary's reading when the
name is in the reference layer (JMnedict, CC-CEDICT), a marked guess otherwise."""

from __future__ import annotations

import re

from glossary.derive import HEPBURN, PINYIN
from glossary.index import Glossary
from glossary.romanize import detect_lang, romanize
from glossary.romanize.chinese import Syllable, parse_pinyin, pinyin_spellings
from glossary.romanize.japanese import add_macrons, hepburn_spellings, kana_to_hepburn, to_hiragana, to_katakana

TRUSTED_METHODS = ("exact", "normalized")
MAX_REFERENCE_READINGS = 20
GUESSERS = {"ja": "pykakasi", "zh": "pypinyin"}


def readings(glossary: Glossary, text: str, lang: str = "auto", reference=None) -> dict:
    """Romanise ``text``; if it is exactly a name of one entry, answer with that entry's curated readings.

    Else (no entry has the text as a name, or the entry has no curated reading in that language: 東京 is
    only a short form of 東京都), with a :class:`~glossary.reference.ReferenceLayer`, a name the
    dictionary of its language knows as a whole (JMnedict for 'ja', CC-CEDICT for 'zh') gets the
    dictionary's reading, its other readings and its attribution instead of a guess.

    ``source`` says where the reading comes from: glossary, jmnedict, cc-cedict, or the guesser
    (pykakasi, pypinyin). ``reading_is_guess`` is false only when every reading is curated, the text is
    kana (one reading), or the dictionary knows exactly one reading of the name.
    """
    chosen = detect_lang(text) if lang == "auto" else lang
    guess = {**romanize(text, chosen), "entry_id": None, "source": GUESSERS[chosen]}
    matches = [m for m in glossary.lookup(text, limit=2) if m.method in TRUSTED_METHODS]
    if len(matches) != 1 or matches[0].variant.kind == "short":
        return _from_reference(reference, text, chosen, guess) or guess
    entry = matches[0].entry
    curated = {**guess, "entry_id": entry.id, "source": "glossary"}
    if chosen == "zh" and (words := parse_pinyin(entry.names.get(PINYIN, ""))):
        spell = pinyin_spellings(words)
        return {**curated, "reading_is_guess": False, "pinyin": spell["marked"],
                "pinyin_numbers": spell["numbered-spaced"], "pinyin_plain": spell["plain"],
                "wade_giles": spell["wade-giles"]}
    if chosen == "ja" and entry.names.get("ja-Hira"):
        kana = entry.names["ja-Hira"]
        hepburn = entry.names.get(HEPBURN)
        out = {**curated, "hiragana": kana, "katakana": to_katakana(kana)}
        if hepburn:
            out.update(hepburn=hepburn, hepburn_plain=hepburn_spellings(hepburn)["plain"], reading_is_guess=False)
        return out
    return _from_reference(reference, text, chosen, guess) or guess


# -- the reference layer -----------------------------------------------------------------------------------


def _from_reference(reference, text: str, lang: str, guess: dict) -> dict | None:
    """The guess replaced by the reading of a dictionary that knows ``text`` as a name, or None."""
    if reference is None:
        return None
    from glossary.reference import CEDICT, JMNEDICT, SOURCES

    source = JMNEDICT if lang == "ja" else CEDICT
    names = reference.names(text, source)
    options = reference_readings(names, guess)
    if not options:
        return None
    best = options[0]
    out = {**guess, **best["fields"], "source": source, "attribution": SOURCES[source]["attribution"],
           "reading_is_guess": len(options) > 1,
           "readings": [{k: v for k, v in o.items() if k != "fields"} for o in options[:MAX_REFERENCE_READINGS]]}
    return out


def reference_readings(names, guess: dict | None = None) -> list[dict]:
    """The distinct readings of a dictionary's names, each with its romanisation, name types and gloss.

    Ranked: the reading the guesser also gives first (the dictionary confirms it), then readings of
    entries with more name types (田中 as surname, given name and place before a surname only), then
    unclassified names, then the dictionary's order.
    """
    merged: dict[str, dict] = {}
    for n in names:
        fields = _japanese_fields(n.reading) if n.lang == "ja" else _chinese_fields(n.reading)
        if fields is None:
            continue
        key = fields["hiragana"] if n.lang == "ja" else fields["pinyin_numbers"]
        if key in merged:
            o = merged[key]
            o["types"] = list(dict.fromkeys(o["types"] + list(n.types)))
            if n.gloss not in o["gloss"].split("; "):
                o["gloss"] = f"{o['gloss']}; {n.gloss}" if o["gloss"] else n.gloss
            continue
        romanized = fields["hepburn"] if n.lang == "ja" else fields["pinyin_plain"]
        reading = fields["hiragana"] if n.lang == "ja" else fields["pinyin"]
        merged[key] = {"reading": reading, "romanized": romanized, "types": list(n.types), "gloss": n.gloss,
                       "fields": fields, "_order": len(merged)}
    guessed = _guess_key(guess)

    def rank(o: dict) -> tuple:
        key = o["fields"].get("hiragana") or o["fields"]["pinyin_numbers"].lower()
        core = [t for t in o["types"] if t != "unclass"]
        return (key != guessed, not core, -len(core), o["_order"])

    out = sorted(merged.values(), key=rank)
    for o in out:
        del o["_order"]
    return out


def _guess_key(guess: dict | None) -> str | None:
    if not guess:
        return None
    if "hiragana" in guess:
        return "".join(guess["hiragana"].split())
    return guess.get("pinyin_numbers", "").lower() or None


def _japanese_fields(kana: str) -> dict:
    hira = to_hiragana(kana)
    plain = kana_to_hepburn(hira)
    plain = plain[:1].upper() + plain[1:]
    return {"hiragana": hira, "katakana": to_katakana(hira), "hepburn": add_macrons(plain), "hepburn_plain": plain}


_CEDICT_SYLLABLE = re.compile(r"([A-Za-zü:]+)([1-5])")


def _chinese_fields(pinyin: str) -> dict | None:
    """CC-CEDICT's numbered pinyin ("Xi2 Jin4 ping2") as the romanize fields; a capital starts a word
    (Xí Jìnpíng). None when a token is not a syllable (a Latin letter, a middle dot)."""
    words: list[list[Syllable]] = []
    for token in pinyin.split():
        m = _CEDICT_SYLLABLE.fullmatch(token)
        if not m:
            return None
        syllable = Syllable(m.group(1).lower().replace("u:", "ü"), int(m.group(2)) % 5)
        if token[0].isupper() or not words:
            words.append([syllable])
        else:
            words[-1].append(syllable)
    spell = pinyin_spellings(words)
    return {"pinyin": spell["marked"], "pinyin_numbers": spell["numbered-spaced"],
            "pinyin_plain": spell["plain"], "wade_giles": spell["wade-giles"]}


# JMnedict's name types for each glossary entry type a lookup may filter by (CC-CEDICT does not type names).
TYPES_FOR_ENTRY_TYPE = {"person": {"surname", "given", "fem", "masc", "person"}, "place": {"place", "station"},
                        "organization": {"organization", "company"}}


def reference_lookup(reference, query: str, matches, type: str | None = None, limit: int = 5) -> list[dict]:
    """Reference results for a lookup: the dictionaries' readings of ``query`` as a whole written form,
    only when no glossary entry has it as a name (``matches`` holds at most fuzzy guesses and context-only
    short forms: 田中 is the short form of several curated Tanakas, and a surname in its own right).

    They are never ranked with the entries: the caller answers them in a field of their own. With
    ``type``, JMnedict names of other types are left out (and, for types JMnedict has no names of, all
    of them); CC-CEDICT's names carry no type and are kept.
    """
    if reference is None or any(m.method != "fuzzy" and not _context_only(m) for m in matches):
        return []
    from glossary.reference import SOURCE_LANG, SOURCES

    out = []
    by_source: dict[str, list] = {}
    for n in reference.names(query):
        by_source.setdefault(n.source, []).append(n)
    for source, names in by_source.items():
        guess = {**romanize(query, SOURCE_LANG[source])}
        for o in reference_readings(names, guess):
            if type is not None and SOURCE_LANG[source] == "ja" and not TYPES_FOR_ENTRY_TYPE.get(type, set()) & set(
                    o["types"]):
                continue
            out.append({"source": source, "attribution": SOURCES[source]["attribution"],
                        "licence": SOURCES[source]["licence"], "form": names[0].form,
                        "lang": SOURCE_LANG[source], "reading": o["reading"], "romanized": o["romanized"],
                        "types": o["types"], "gloss": o["gloss"]})
    return out[:limit]


def _context_only(m) -> bool:
    return m.variant.kind == "short" and not m.variant.standalone


def reference_mentions(reference, text: str, mentions, lexicons, utf16: bool = False) -> list[dict]:
    """Normalisation's opt-in reference names: proper nouns of ``text`` that JMnedict or CC-CEDICT knows
    and no curated mention covers (see :func:`glossary.reference.find_names`), each with its offsets in
    ``text``, its best reading (as romanize ranks them) and its source. They never rewrite the text."""
    if reference is None:
        return []
    from glossary.reference import SOURCES, find_names

    out = []
    for start, end, names in find_names(reference, text, lexicons, [(m.start, m.end) for m in mentions]):
        surface = text[start:end]
        source, lang = names[0].source, names[0].lang
        best = reference_readings(names, romanize(surface, lang))[0]
        item = {"start": start, "end": end, "surface": surface, "source": source,
                "attribution": SOURCES[source]["attribution"], "licence": SOURCES[source]["licence"],
                "form": names[0].form, "lang": lang, "reading": best["reading"], "romanized": best["romanized"],
                "types": best["types"], "gloss": best["gloss"]}
        if utf16:
            item["start_utf16"] = len(text[:start].encode("utf-16-le")) // 2
            item["end_utf16"] = item["start_utf16"] + len(surface.encode("utf-16-le")) // 2
        out.append(item)
    return out
