"""Derived variants: the spellings a machine can make from an entry's curated names.

Curators type one form of each name; this module adds the rest (other Han forms, pinyin and Hepburn
spellings, kana forms, both name orders, surnames as short forms). Curated data always wins: a derived
spelling equal to a curated one is dropped, and derivations start from curated readings, never from a
library's guess where a curated reading exists. Every derived variant says ``origin="derived"``, what it
was made from and how.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import lru_cache

import opencc

from glossary.keys import is_han, is_kana
from glossary.model import Entry, Variant
from glossary.romanize.chinese import guess_syllables, parse_pinyin, pinyin_spellings
from glossary.romanize.japanese import (
    add_macrons,
    hepburn_spellings,
    kana_to_hepburn,
    to_hiragana,
    to_katakana,
)

PINYIN = "zh-Latn-pinyin"
HEPBURN = "ja-Latn-hepburn"
WADE_GILES = "zh-Latn-wadegile"


@lru_cache(maxsize=8)
def _cc(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def convert_han(text: str, config: str) -> str:
    """OpenCC conversion ('s2t', 't2s', 't2jp', 'jp2t', 's2tw') of a Han string; 'jp2t+t2s' chains steps."""
    for step in config.split("+"):
        text = _cc(step).convert(text)
        if step.startswith("s2"):
            # OpenCC reads 个中 as 箇中 ("therein") even across a word boundary (一个|中国 -> 一箇中國);
            # no name means "therein", and Taiwan and Hong Kong write 一個中國.
            text = text.replace("箇中", "個中")
    return text


# Surnames that traditional script writes as simplified script does: OpenCC converts them as the words
# they also are (范 "model" -> 範, 于 -> 於, 余 -> 餘, 后 -> 後, 党 -> 黨, 云 -> 雲), which no one writes for 范丽青.
KEPT_SURNAMES = frozenset("范于余后党云")


def convert_name(entry: Entry, text: str, config: str) -> str:
    """:func:`convert_han` for a name of ``entry``: a person's kept surname (:data:`KEPT_SURNAMES`) stays."""
    if (entry.type == "person" and text[:1] in KEPT_SURNAMES and config.startswith("s2t")
            and entry.family_name.get("zh-Hans", "").startswith(text[0])):
        return text[0] + convert_han(text[1:], config)
    return convert_han(text, config)


def curated_variants(entry: Entry) -> list[Variant]:
    """The entry's preferred names (kind "name") followed by its curated variants.

    A name listed in the entry's ``needs_context`` (a name that is also a common word: 万里, 汪洋) is
    not standalone: in running text it counts only after a full mention.
    """
    words = set(entry.details.get("needs_context", ()))
    names = [Variant(name=v, lang=tag, kind="name", standalone=v not in words) for tag, v in entry.names.items()]
    variants = [v._replace(standalone=False) if v.name in words else v for v in entry.variants]
    return names + variants


def derive_variants(entry: Entry) -> list[Variant]:
    """Every derived variant of ``entry``, without duplicates of curated names or of each other.

    One kind of duplicate is kept: a person's surname as a short form when a curated variant of the same name
    counts only before its own context (習 before 氏, マルコス before 大統領). The curated one stands alone there;
    the derived one is the short form that counts elsewhere once the text gives evidence (マルコス氏 after
    マルコス大統領, 習国家主席 and the text's date)."""
    curated = curated_variants(entry)
    seen = {v.name for v in curated}
    in_context = {v.name for v in curated if v.context} if entry.type == "person" else set()
    out: list[Variant] = []
    for v in _derive(entry, curated):
        if v.name and (v.name not in seen or (v.name in in_context and v.method.startswith("family-name"))):
            seen.add(v.name)
            in_context.discard(v.name)
            out.append(v)
    return out


def all_variants(entry: Entry) -> list[Variant]:
    return curated_variants(entry) + derive_variants(entry)


def _derived(name: str, lang: str, kind: str, source: str, method: str, **kw) -> Variant:
    return Variant(name=name, lang=lang, kind=kind, origin="derived", derived_from=source, method=method, **kw)


def _derive(entry: Entry, curated: list[Variant]) -> Iterator[Variant]:
    yield from _han_forms(entry, curated)
    yield from _pinyin_forms(entry)
    yield from _japanese_forms(entry)
    if entry.type == "person":
        yield from _name_orders(entry)
        yield from _surnames(entry)
    if entry.type == "place":
        yield from _administrative_forms(entry)
    if entry.type != "person":
        yield from _english_rewrites(curated, "british-spelling", _british)
        yield from _english_rewrites(curated, "title-case-acronym", _title_case, case_sensitive=True)
    if entry.type == "organization":
        yield from _english_rewrites(curated, "corporate-abbreviation", _corporate)
    if entry.type == "organization" and entry.details.get("subtype") in ("consulate-general", "embassy"):
        yield from _mission_short_forms(entry)


# How news names a sending country in a mission's short name (日本总领事馆, 中國大使館, "the Japanese Embassy").
_SENDER_NAMES = {"JP": {"zh-Hans": ("日本",), "zh-Hant": ("日本",), "ja": ("日本",), "en": ("Japanese ",)},
                 "CN": {"zh-Hans": ("中国",), "zh-Hant": ("中國",), "ja": ("中国",), "en": ("Chinese ",)},
                 "KR": {"zh-Hans": ("韩国",), "zh-Hant": ("韓國", "南韓"), "ja": ("韓国",), "en": ("South Korean ",)},
                 "US": {"zh-Hans": ("美国",), "zh-Hant": ("美國",), "ja": ("米国",), "en": ("US ", "U.S. ")}}
_MISSION_WORDS = {"consulate-general": {"zh-Hans": ("总领事馆", "总领馆"), "zh-Hant": ("總領事館", "總領館"),
                                        "ja": ("総領事館",), "en": ("Consulate-General", "Consulate General")},
                  "embassy": {"zh-Hans": ("大使馆", "使馆"), "zh-Hant": ("大使館", "使館"), "ja": ("大使館",),
                              "en": ("Embassy",)}}


def _mission_short_forms(entry: Entry) -> Iterator[Variant]:
    """日本总领事馆 for each of Japan's consulates-general: a later, shorter mention of a mission the text named in
    full (日本驻上海总领事馆 ... 日本总领事馆). Every mission of the country shares it, so it needs that full mention
    (not standalone)."""
    codes = entry.countries
    if len(codes) != 1 or codes[0] not in _SENDER_NAMES:
        return
    for lang, words in _MISSION_WORDS[entry.details["subtype"]].items():
        for country in _SENDER_NAMES[codes[0]][lang]:
            for word in words:
                yield _derived(country + word, lang, "short", entry.id, "mission-short-form", standalone=False)


# American spellings in official English names and the British ones other outlets print: "Japan National Tourism
# Organisation", "Ministry of Defence", "Centre".
_BRITISH = (("ization", "isation"), ("izations", "isations"), ("Defense", "Defence"), ("Center", "Centre"))


def _english_rewrites(curated: list[Variant], method: str, rewrite: Callable[[str], Iterator[str]],
                      case_sensitive: bool | None = None) -> Iterator[Variant]:
    """Each curated English name rewritten as news also prints it (each new spelling once, none already curated),
    standing and matching as the name it comes from does."""
    have = {v.name for v in curated if v.lang == "en"}
    for v in curated:
        if v.lang != "en" or not v.name.isascii():
            continue
        for name in rewrite(v.name):
            if name != v.name and name not in have:
                have.add(name)
                yield _derived(name, "en", _as_variant_kind(v.kind), v.name, method, standalone=v.standalone,
                               context=v.context, in_text=v.in_text,
                               case_sensitive=v.case_sensitive if case_sensitive is None else case_sensitive)


def _british(name: str) -> Iterator[str]:
    """The British spelling of a name written in American spelling."""
    for american, british in _BRITISH:
        name = re.sub(rf"(?<=[a-z]){american}\b" if american[0].islower() else rf"\b{american}\b", british, name)
    yield name


_CORPORATE = (("Company", "Co"), ("Corporation", "Corp"), ("Limited", "Ltd"), ("Incorporated", "Inc"))


def _corporate(name: str) -> Iterator[str]:
    """A company's name as wires print it: "Co", "Corp", "Ltd", "Inc", with and without the full stop
    ("Taiwan Semiconductor Manufacturing Co", "Tokyo Electric Power Co. Holdings")."""
    if any(f" {word}" in name for word, _ in _CORPORATE):
        for stop in (".", ""):
            short = name
            for word, abbreviation in _CORPORATE:
                short = re.sub(rf"(?<= ){word}\b", abbreviation + stop, short)
            yield short


def _title_case(name: str) -> Iterator[str]:
    """An acronym of four letters or more as British house styles print it (APEC: Apec, ASEAN: Asean, as the
    South China Morning Post and the Financial Times do). Not shorter ones: "US" is no "Us"."""
    if name.isalpha() and name.isupper() and len(name) >= 4:
        yield name.capitalize()


# CJK Extension A: characters outside everyday Chinese and Japanese print.
_RARE_HAN_LO, _RARE_HAN_HI = 0x3400, 0x4DBF


def _han_forms(entry: Entry, curated: list[Variant]) -> Iterator[Variant]:
    """Simplified, traditional and Japanese kanji forms of every curated Han name (OpenCC)."""
    for v in curated:
        if v.lang not in ("zh-Hans", "zh-Hant", "ja") or not any(is_han(c) for c in v.name):
            continue
        if v.lang == "ja" and any(is_kana(c) for c in v.name):
            continue  # a Japanese name with kana has no Chinese spelling to derive (アメリカ合衆国 -> アメリカ合众国)
        if v.lang == "zh-Hans":
            targets = (("zh-Hant", "s2t"), ("zh-Hant", "s2tw"))
        elif v.lang == "zh-Hant":
            targets = (("zh-Hans", "t2s"), ("ja", "t2jp"))
        else:  # Japanese kanji: traditional and simplified forms
            targets = (("zh-Hant", "jp2t"), ("zh-Hans", "jp2t+t2s"))
        for lang, config in targets:
            if v.kind == "name" and lang in entry.names:
                continue  # a curated preferred name in that script exists and wins
            text = convert_name(entry, v.name, config)
            if any(_RARE_HAN_LO <= ord(c) <= _RARE_HAN_HI for c in text if c not in v.name):
                continue  # OpenCC reached for a rare variant character nobody prints (樫 -> 㭴)
            if text != v.name:
                yield _derived(text, lang, _as_variant_kind(v.kind), v.name, f"opencc-{config}",
                               standalone=v.standalone, context=v.context, in_text=v.in_text)


def _as_variant_kind(kind: str) -> str:
    return "alias" if kind == "name" else kind


def _pinyin_words(entry: Entry):
    """Syllables of the entry's Mandarin reading: curated pinyin if any, else pypinyin's guess."""
    curated = entry.names.get(PINYIN)
    if curated:
        words = parse_pinyin(curated)
        if words:
            return words, curated, "pinyin"
    hans = entry.names.get("zh-Hans")
    countries = entry.details.get("country") or []
    # Guess only for Chinese names: a transcription such as 约瑟夫·拜登 has no useful pinyin spelling.
    if not hans or entry.type not in ("person", "place") or len(hans) > 6 or "·" in hans:
        return None, None, None
    if not set(countries) & {"CN", "TW", "HK", "MO"}:
        return None, None, None
    syllables = guess_syllables(hans)
    if len(syllables) != sum(is_han(c) for c in hans) or not syllables:
        return None, None, None
    family = entry.family_name.get("zh-Hans")
    if entry.type == "person" and family and hans.startswith(family):
        n = len(family)
        return [syllables[:n], syllables[n:]], hans, "pypinyin-guess"
    return [syllables], hans, "pypinyin-guess"


def _pinyin_forms(entry: Entry) -> Iterator[Variant]:
    words, source, how = _pinyin_words(entry)
    if not words:
        return
    spellings = pinyin_spellings(words)
    for style, text in spellings.items():
        if style == "wade-giles":
            if WADE_GILES not in entry.names:
                yield _derived(text, WADE_GILES, "romanization", source, f"{how}-wade-giles")
            continue
        lang = PINYIN if style != "plain" else "zh-Latn"
        yield _derived(text, lang, "romanization", source, f"{how}-{style}")
    if entry.type == "person" and len(words) == 2:
        family, given = (spellings["plain"].split(" ", 1) + [""])[:2]
        if given:
            yield _derived(f"{given} {family}", "zh-Latn", "romanization", source, f"{how}-given-family")


def _japanese_forms(entry: Entry) -> Iterator[Variant]:
    kana = entry.names.get("ja-Hira")
    if kana:
        yield _derived(to_katakana(kana), "ja-Kana", "alias", kana, "kana-katakana")
    kata = entry.names.get("ja-Kana")
    if kata:
        yield _derived(to_hiragana(kata), "ja-Hira", "alias", kata, "kana-hiragana")
    macroned = entry.names.get(HEPBURN)
    how = "hepburn"
    if not macroned and kana:
        macroned = " ".join(w.capitalize() for w in add_macrons(kana_to_hepburn(kana)).split())
        how = "pykakasi-hepburn"
        yield _derived(macroned, HEPBURN, "romanization", kana, how)
    if not macroned:
        return
    forms = {"macrons": macroned, **hepburn_spellings(macroned)}
    for style, text in forms.items():
        yield _derived(text, "ja-Latn", "romanization", macroned, f"{how}-{style}")
        if entry.type == "person" and " " in text:
            family, given = text.split(" ", 1)
            yield _derived(f"{given} {family}", "ja-Latn", "romanization", macroned, f"{how}-{style}-given-family")


# English administrative words printed after a place name (Guangdong province, Okinawa Prefecture).
ADMINISTRATIVE_WORDS = {"province": "province", "prefecture": "prefecture"}


def _administrative_forms(entry: Entry) -> Iterator[Variant]:
    """'Guangdong province', 'Okinawa prefecture': the English name with its administrative word.

    Lower case, so that a text's "Province" or "province" both match (a capital is never required).
    """
    word = ADMINISTRATIVE_WORDS.get(entry.details.get("subtype", ""))
    en = entry.names.get("en")
    if word and en and not en.lower().endswith(word):
        yield _derived(f"{en} {word}", "en", "alias", en, "administrative-word")


def _name_orders(entry: Entry) -> Iterator[Variant]:
    """'Fumio Kishida' <-> 'Kishida Fumio' from the English name and the English family name."""
    en, family = entry.names.get("en"), entry.family_name.get("en")
    if not en or not family or en == family:
        return
    if en.endswith(" " + family):
        given = en[: -len(family) - 1]
        yield _derived(f"{family} {given}", "en", "alias", en, "family-given")
    elif en.startswith(family + " "):
        given = en[len(family) + 1 :]
        yield _derived(f"{given} {family}", "en", "alias", en, "given-family")


# Verbs of saying, which Chinese news puts right after a surname once the full name has been given (黎智英 … 黎表示,
# 薛剑 … 薛说): the full name must still be in the text, as for every short form.
SPEECH_VERBS = ("表示", "指出", "认为", "認為", "强调", "強調", "坦言", "回应", "回應", "透露", "称", "稱", "说", "說",
                "质疑", "質疑", "批评", "批評", "承认", "承認", "否认", "否認", "呼吁", "呼籲", "警告", "重申", "直言")
# What may follow a one-character family name for it to count as that person (林外相, 習氏, 王外长, 習国家主席):
# honorifics and the titles news prints right after a surname, in Japanese, simplified and traditional script.
# A lone Han character is too common a word to scan for without such a context string. Every Han name of a
# title entry in the seeds is here (tests/test_curated.py checks), so a title the glossary knows always works.
SINGLE_SURNAME_CONTEXT = tuple(sorted(set("""
    氏 さん 先生 女士 君 教授 議員 议员
    首相 外相 防衛相 防衛大臣 総務相 総務大臣 總務大臣 总务大臣 总务相 總務相 外務大臣 外务大臣 防卫大臣 防衞大臣
    防長 防长
    総理 總理 总理 総理大臣 總理大臣 总理大臣 元総理大臣 元總理大臣 元总理大臣 内閣総理大臣 內閣總理大臣 內閣総理大臣
    内閣總理大臣 内阁总理大臣 国务院总理 國務院總理 副首相 副総理 副總理 副总理 元首相 前首相 閣揆 阁揆
    国务院副总理 國務院副總理 国務院副総理
    官房長官 官房长官 内閣官房長官 內閣官房長官 内阁官房长官 幹事長 干事长 總裁 総裁 总裁 知事 市長 市长 議長 议长
    外长 外長 外交部长 外交部長 外交部部长 外交部部長 国防部长 国防部長 國防部長 部长 部長 大臣
    主席 国家主席 國家主席 国家副主席 國家副主席 副主席 总书记 總書記 総書記 书记 書記 委员长 委員長 委员 委員
    总统 總統 総統 副总统 副總統 大統領 副大統領 行政院长 行政院長 院长 院長 立法院长 立法院長
    大使 驻日大使 駐日大使 驻华大使 駐華大使
    臨時代理大使 駐日臨時代理大使 临时代理大使 驻日临时代理大使 临时代办 臨時代辦
    總領事 总领事 総領事 報道官 报道官 发言人 發言人 副報道局長 報道局長
    教皇 教宗 罗马教皇 羅馬教皇
    局长 局長 司长 司長 秘書長 祕書長 秘书长 国务卿 國務卿 国務長官 国务委员 國務委員 国務委員 司令 司令官 司令员 司令員
    政権 政權 政府 指導部 指导层 領導層 内閣 內閣 内阁 体制 體制
    将军 將軍 上将 上將 代表 党首 黨魁 党魁 主任 处长 處長 会长 會長 会長 社长 社長 理事长 理事長 董事长 董事長
""".split()) | set(SPEECH_VERBS)))


def _surnames(entry: Entry) -> Iterator[Variant]:
    """A person's family name alone is a short form that needs the full name in the same text.

    A one-character Han family name counts only before an honorific or a title (``SINGLE_SURNAME_CONTEXT``).
    """
    for lang, family in entry.family_name.items():
        if lang in ("en", "ja", "zh-Hans", "zh-Hant", "ko", "ja-Hira") and family:
            context = SINGLE_SURNAME_CONTEXT if len(family) == 1 and is_han(family) else ()
            yield _derived(family, lang, "short", entry.names.get(lang, family), "family-name", standalone=False,
                           context=context)
        if lang == "zh-Hans" and "zh-Hant" not in entry.family_name:
            trad = convert_name(entry, family, "s2t")
            context = SINGLE_SURNAME_CONTEXT if len(trad) == 1 and is_han(trad) else ()
            yield _derived(trad, "zh-Hant", "short", family, "family-name+opencc-s2t", standalone=False,
                           context=context)
    yield from _katakana_surnames(entry)


def _katakana_surnames(entry: Entry) -> Iterator[Variant]:
    """The family name of a person's katakana name, before an honorific or a title only (チョ氏, マオ報道官): a
    katakana word that short is too often another word to scan for alone. Which word of it is the family name
    follows the English name's order (Cho Tae-yul: チョ・テヨル's first; Audrey Tang: オードリー・タン's last)."""
    family_en, en = entry.family_name.get("en"), entry.names.get("en", "")
    if not family_en or en == family_en:
        return
    first = en.startswith(family_en + " ")
    if not first and not en.endswith(" " + family_en):
        return
    spellings = [entry.names.get("ja-Kana", "")] + [v.name for v in entry.variants if v.lang in ("ja", "ja-Kana")]
    seen = set()
    for name in spellings:
        words = name.split("・")
        family = words[0] if first else words[-1]
        if len(words) > 1 and family and all(is_kana(c) for c in family) and family not in seen:
            seen.add(family)
            yield _derived(family, "ja-Kana", "short", name, "family-name-katakana", standalone=False,
                           context=SINGLE_SURNAME_CONTEXT)
