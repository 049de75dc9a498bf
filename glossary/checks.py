"""Quality checks of the curated data, beyond what the schema validates.

Each check returns :class:`~glossary.seeds.Problem` rows. ``run_checks`` is what ``make check``,
``python -m glossary check`` and the test suite run; the report counts entries per type and language
and lists entries missing a field their type should have.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import cache

from glossary.derive import HEPBURN, KEPT_SURNAMES, PINYIN, convert_name
from glossary.index import Glossary
from glossary.keys import compact_key, fold_kana, is_han, name_key
from glossary.model import MEDIA_SUBTYPES, MISSION_SUBTYPES, Entry
from glossary.romanize.chinese import guess_syllables, parse_pinyin
from glossary.romanize.japanese import kana_to_hepburn
from glossary.seeds import Problem, reference_problems


def run_checks(glossary: Glossary, dictionaries: bool = False) -> list[Problem]:
    """Every check; with ``dictionaries``, also readings against JMnedict and KANJIDIC (jamdict-data)."""
    entries = list(glossary.entries.values())
    problems: list[Problem] = []
    for check in (*ENTRY_CHECKS, check_references):
        problems.extend(check(entries))
    problems.extend(check_shared_variants(glossary))
    if dictionaries:
        names, onyomi = jmnedict_readings(), kanjidic_onyomi()
        if names is None or onyomi is None:
            problems.append(Problem("-", None, None, "jamdict and jamdict-data are not installed"))
        else:
            problems.extend(check_name_readings(entries, names))
            problems.extend(check_onyomi_readings(entries, onyomi))
    return problems


def _p(entry: Entry, field: str, message: str) -> Problem:
    return Problem(entry.source or "?", entry.id, field, message)


def check_pinyin(entries: Iterable[Entry]) -> list[Problem]:
    """Curated pinyin must read the zh-Hans name as pypinyin does, or carry an override with a reason."""
    out = []
    for e in entries:
        pinyin, hans = e.names.get(PINYIN), e.names.get("zh-Hans")
        if not pinyin:
            continue
        words = parse_pinyin(pinyin)
        if words is None:
            out.append(_p(e, f"names.{PINYIN}", f"{pinyin!r} is not pinyin with tone marks"))
            continue
        if not hans or PINYIN in e.overrides:
            continue
        curated = [(s.letters, s.tone) for w in words for s in w]
        guessed = [(s.letters, s.tone) for s in guess_syllables(hans)]
        if len(guessed) != sum(is_han(c) for c in hans):
            continue  # pypinyin cannot read every character; nothing to compare with
        if curated != guessed:
            said = " ".join(f"{a}{t or ''}" for a, t in guessed)
            out.append(_p(e, f"names.{PINYIN}",
                          f"{pinyin!r} differs from pypinyin's reading of {hans} ({said}); "
                          f"fix it or add overrides.{PINYIN} with the reason"))
    return out


def check_traditional(entries: Iterable[Entry]) -> list[Problem]:
    """Curated zh-Hant must be OpenCC's s2t or s2tw conversion of zh-Hans, or carry an override."""
    out = []
    for e in entries:
        hans, hant = e.names.get("zh-Hans"), e.names.get("zh-Hant")
        if not hans or not hant or "zh-Hant" in e.overrides:
            continue
        allowed = {convert_name(e, hans, "s2t"), convert_name(e, hans, "s2tw")}
        if hant not in allowed:
            out.append(_p(e, "names.zh-Hant", f"{hant!r} is not OpenCC's conversion of {hans!r} "
                                              f"({' or '.join(sorted(allowed))}); fix it or add overrides.zh-Hant"))
    for e in entries:
        family = e.family_name.get("zh-Hans", "")
        if e.type == "person" and family[:1] in KEPT_SURNAMES:
            for lang in ("zh-Hant", "ja"):
                written = e.family_name.get(lang)
                if written and written[0] != family[0] and lang not in e.overrides:
                    out.append(_p(e, f"family_name.{lang}", f"the surname {family[0]} is written {family[0]} in "
                                                             f"{lang} too, not {written[0]}"))
    return out


def check_hepburn(entries: Iterable[Entry]) -> list[Problem]:
    """Curated Hepburn must spell the kana reading (as pykakasi romanises it), up to long-vowel style."""
    out = []
    for e in entries:
        hepburn, kana = e.names.get(HEPBURN), e.names.get("ja-Hira")
        if not hepburn or not kana or HEPBURN in e.overrides:
            continue
        expected = kana_to_hepburn(kana)
        if _joined_key(hepburn) != _joined_key(expected):
            out.append(_p(e, f"names.{HEPBURN}",
                          f"{hepburn!r} does not spell the reading {kana!r} (pykakasi: {expected!r})"))
    return out


def _plain(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c)).casefold()


def check_family_name(entries: Iterable[Entry]) -> list[Problem]:
    """An English family name must not be a Western given name: "Donald Tsang" is Tsang, as the entry's other
    romanisations (Tsang Yam-kuen, Mǎ Yún for Jack Ma) show by starting with the English name's last word."""
    out = []
    for e in entries:
        family, words = e.family_name.get("en"), e.names.get("en", "").split()
        if not family or len(words) < 2 or _plain(family) != _plain(words[0]):
            continue
        full = [v.replace("-", " ").split() for tag, v in e.names.items() if "-Latn" in tag]
        if any(len(v) > 1 and _plain(v[0]) == _plain(words[-1]) for v in full):  # a full name, not one word
            out.append(_p(e, "family_name.en", f"{family!r} is the given name in {e.names['en']!r}; "
                                               f"the other romanisations start with {words[-1]!r}"))
    return out


# The checks of one entry on its own, fast enough for every write (glossary.curation.validate_change runs them).
ENTRY_CHECKS = (check_pinyin, check_traditional, check_hepburn, check_family_name)


def _joined_key(romaji: str) -> str:
    """Key of the words run together, so that word division (which kana does not show) is ignored."""
    return name_key(compact_key(romaji))


# The loader runs it too: a glossary with a dangling reference is never served.
check_references = reference_problems


def check_shared_variants(glossary: Glossary) -> list[Problem]:
    """A name key that leads to two entries must be declared ambiguous (``ambiguous_with``) on both.

    Derived family names used as short forms are exempt: many people share a surname, and the text
    normaliser only uses those after the full name; so are a country's missions' derived short names (日本总领事馆),
    for the same reason.
    """
    by_key: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for iv in glossary.variants:
        if iv.variant.method and iv.variant.method.startswith(("family-name", "mission-short-form")):
            continue
        by_key[iv.key][iv.entry_id].append(iv.variant)
    out = []
    for key, owners in by_key.items():
        if len(owners) < 2:
            continue
        ids = set(owners)
        for entry_id, variants in owners.items():
            declared = {ref for v in variants for ref in v.ambiguous_with}
            missing = ids - {entry_id} - declared
            if missing:
                e = glossary.entries[entry_id]
                names = sorted({v.name for v in variants})
                out.append(_p(e, "variants", f"{' / '.join(names)} (key {key!r}) is also a name of "
                                             f"{', '.join(sorted(missing))}; declare ambiguous_with or fix"))
    return out


# -- report ---------------------------------------------------------------------------------------

EXPECTED_FIELDS = {
    # (type, country) -> fields an entry of that kind should have, unless marked unverified
    ("person", "JP"): ("ja", "ja-Hira", HEPBURN, "zh-Hans"),
    ("person", "CN"): ("zh-Hans", "zh-Hant", PINYIN),
    ("person", "TW"): ("zh-Hant",),
    ("person", "KR"): ("ko",),
    ("place", "JP"): ("ja", "ja-Hira", HEPBURN, "zh-Hans"),
    ("place", "CN"): ("zh-Hans", "zh-Hant", PINYIN, "ja"),
    ("place", "TW"): ("zh-Hant", PINYIN),
}
NATIVE = {"JP": "ja", "CN": "zh-Hans", "TW": "zh-Hant", "KR": "ko", "HK": "zh-Hant", "MO": "zh-Hant"}


def missing_fields(e: Entry) -> list[str]:
    unverified = {u["field"] for u in e.details.get("unverified", ())}
    countries = e.details.get("country") or []
    if len(countries) != 1:
        return []
    wanted = EXPECTED_FIELDS.get((e.type, countries[0]), ())
    return [f for f in wanted if f not in e.names and f not in unverified]


def missing_native(e: Entry) -> bool:
    """A person or place of a CJK country without its native name, not marked unverified."""
    countries = e.details.get("country") or []
    if e.type not in ("person", "place") or len(countries) != 1 or countries[0] not in NATIVE:
        return False
    tag = NATIVE[countries[0]]
    unverified = {u["field"] for u in e.details.get("unverified", ())}
    has = tag in e.names or (tag == "zh-Hant" and "zh-Hans" in e.names)
    return not has and tag not in unverified


# The classes of entry that real Japan–China reporting needs (issue 11), by type and subtype.
CLASSES: dict[str, tuple[str, tuple[str, ...]]] = {
    "diplomatic missions and offices": ("organization", MISSION_SUBTYPES),
    "treaties, agreements, laws and formulas": ("agreement", ()),
    "policy formulas": ("other", ("formula",)),
    "meetings and summits": ("event", ("recurring-meeting", "summit", "legislative-session", "advisory-session",
                                       "party-congress", "party-plenum")),
    "government bodies below ministry level": ("organization", ("agency", "ministry-department", "ministry-bureau",
                                                                "ministry-division", "coast-guard", "party-committee",
                                                                "party-organ", "commission", "regulator")),
    "people": ("person", ()),
    "places": ("place", ()),
    "media": ("organization", MEDIA_SUBTYPES),
    "titles": ("other", ("title",)),
}
# Classes with a complete list, and how many members that list has.
COMPLETE_LISTS: dict[str, tuple[tuple[str, ...], str | None, int]] = {
    "Japanese prefectures": (("prefecture", "metropolis"), "JP", 47),
    "Tokyo's special wards": (("special-ward",), "JP", 23),
    "PRC provincial-level divisions": (("province", "autonomous-region", "municipality"), "CN", 31),
    "CPC provincial committees": (("party-committee",), "CN", 31),
    "Japan Coast Guard regional headquarters (jcg-region-*)": (("coast-guard",), "JP", 11),
    "Chinese consulates-general in Japan and Japanese ones in China": (("consulate-general",), None, 12),
    "CPC national congresses": (("party-congress",), None, 20),
}


def _in_class(e: Entry, type_: str, subtypes: tuple[str, ...]) -> bool:
    return e.type == type_ and (not subtypes or e.details.get("subtype") in subtypes)


def class_report(entries: list[Entry]) -> dict:
    """Per class: how many entries, how many miss an expected name or reading, which complete lists fall short."""
    classes = {}
    for name, (type_, subtypes) in CLASSES.items():
        members = [e for e in entries if _in_class(e, type_, subtypes)]
        classes[name] = {
            "entries": len(members),
            "missing_fields": sum(1 for e in members if missing_fields(e)),
            "with_unverified_fields": sum(1 for e in members if e.details.get("unverified")),
        }
    lists = {}
    for name, (subtypes, country, expected) in COMPLETE_LISTS.items():
        prefix = name.partition("(")[2].rstrip("*)") if name.endswith("*)") else ""
        found = sum(1 for e in entries if e.details.get("subtype") in subtypes and e.id.startswith(prefix)
                    and (country is None or country in (e.details.get("country") or [])))
        lists[name] = {"expected": expected, "found": found, "missing": max(0, expected - found)}
    return {"classes": classes, "complete_lists": lists}


def report(glossary: Glossary) -> dict:
    entries = list(glossary.entries.values())
    langs = Counter(tag for e in entries for tag in e.names)
    missing = {e.id: m for e in entries if (m := missing_fields(e))}
    return {
        "entries": len(entries),
        **class_report(entries),
        "by_type": dict(Counter(e.type for e in entries).most_common()),
        "by_file": dict(Counter(e.source for e in entries).most_common()),
        "names_by_language": dict(langs.most_common()),
        "variants": glossary.stats(),
        "unverified_entries": sorted(e.id for e in entries if e.details.get("unverified")),
        "missing_native_name": sorted(e.id for e in entries if missing_native(e)),
        "missing_fields": missing,
    }


# -- Japanese personal names against a name dictionary (JMnedict) -------------------------------------


def jmnedict_readings():
    """A function kanji -> set of kana readings from JMnedict (jamdict-data), or None if not installed."""
    try:
        from jamdict import Jamdict
    except ImportError:
        return None
    jam = Jamdict()

    def readings(kanji: str) -> set[str]:
        found = set()
        for name in jam.lookup(kanji, lookup_chars=False).names:
            if any(k.text == kanji for k in name.kanji_forms):
                found.update(k.text for k in name.kana_forms)
        return found

    return readings


def check_name_readings(entries: Iterable[Entry], readings) -> list[Problem]:
    """Each part of a Japanese person's kana reading must be one the dictionary knows for its kanji.

    Applies to Japanese people (country JP) with ``ja`` in kanji, ``ja-Hira`` as "family given" and
    ``family_name.ja``; Chinese names read in on'yomi are not JMnedict's business. An override on
    ``ja-Hira`` (with its reason) exempts an entry.
    """
    out = []
    for e in entries:
        ja, kana, family = e.names.get("ja"), e.names.get("ja-Hira"), e.family_name.get("ja")
        if "JP" not in (e.details.get("country") or []):
            continue
        if e.type != "person" or not ja or not kana or not family or "ja-Hira" in e.overrides:
            continue
        if not all(is_han(c) or c in "々ヶ" for c in ja) or not ja.startswith(family) or kana.count(" ") != 1:
            continue
        given = ja[len(family):]
        family_kana, given_kana = kana.split(" ")
        for part, part_kana in ((family, family_kana), (given, given_kana)):
            known = readings(part)
            if part_kana not in known:
                said = ", ".join(sorted(known)) or "no reading at all"
                out.append(_p(e, "names.ja-Hira", f"JMnedict does not read {part} as {part_kana} "
                                                  f"(it knows: {said}); fix it or add overrides.ja-Hira"))
    return out


# -- Japanese (on'yomi) readings of Chinese names against KANJIDIC ------------------------------------

_VOICED = str.maketrans("かきくけこさしすせそたちつてとはひふへほ", "がぎぐげござじずぜぞだぢづでどばびぶべぼ")
_SEMI_VOICED = str.maketrans("はひふへほ", "ぱぴぷぺぽ")


def kanjidic_onyomi():
    """A function kanji -> set of on'yomi in hiragana, from KANJIDIC (jamdict-data), or None."""
    try:
        from jamdict import Jamdict
    except ImportError:
        return None
    jam = Jamdict()

    @cache
    def onyomi(ch: str) -> frozenset[str]:
        found = set()
        for c in jam.lookup(ch, lookup_chars=True).chars:
            if c.literal == ch:
                found |= {fold_kana(r.value) for g in c.rm_groups for r in g.readings if r.r_type == "ja_on"}
        return frozenset(found)

    return onyomi


def _sound_changes(reading: str) -> set[str]:
    """A reading as it may sound inside a name: voiced (か→が), semi-voiced (へ→ぺ), or clipped (つ→っ)."""
    forms = {reading, reading[:1].translate(_VOICED) + reading[1:], reading[:1].translate(_SEMI_VOICED) + reading[1:]}
    return forms | {f[:-1] + "っ" for f in forms if len(f) > 1 and f[-1] in "つくちき"}


def reads_as_onyomi(kanji: str, kana: str, onyomi) -> bool | None:
    """Can ``kana`` be split into one on'yomi per character of ``kanji``? None if a character is unknown."""

    @cache
    def fit(i: int, j: int) -> bool:
        if i == len(kanji):
            return j == len(kana)
        return any(kana.startswith(f, j) and fit(i + 1, j + len(f))
                   for r in onyomi(kanji[i]) for f in _sound_changes(r))

    if any(not onyomi(c) for c in kanji):
        return None
    return fit(0, 0)


def check_onyomi_readings(entries: Iterable[Entry], onyomi) -> list[Problem]:
    """Japanese media read Chinese names in on'yomi (習近平 しゅう きんぺい): the kana must be one."""
    out = []
    for e in entries:
        ja, kana = e.names.get("ja"), e.names.get("ja-Hira")
        chinese = set(e.details.get("country") or []) & {"CN", "TW", "HK", "MO"}
        if e.type != "person" or not chinese or not ja or not kana or "ja-Hira" in e.overrides:
            continue
        if not all(is_han(c) for c in ja):
            continue
        fits = reads_as_onyomi(ja, fold_kana(kana).replace(" ", ""), onyomi)
        if fits is False:
            out.append(_p(e, "names.ja-Hira", f"{kana!r} is not an on'yomi reading of {ja} (KANJIDIC: "
                                              + ", ".join("/".join(sorted(onyomi(c))) for c in ja) + ")"))
        elif fits is None:
            out.append(_p(e, "names.ja-Hira", f"KANJIDIC has no on'yomi for a character of {ja}; "
                                              "add overrides.ja-Hira with the source of the reading"))
    return out
