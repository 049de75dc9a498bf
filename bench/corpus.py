"""Our own benchmark corpus and an enlarged glossary, generated from a fixed seed (no downloaded text).

The sentences are templates written for this project, filled with names from the glossary, so the
corpus has the density of mentions news text has (a few per sentence) and the traps the normaliser must
handle (possessives, hyphen compounds, words that contain names).
"""

from __future__ import annotations

import random

from glossary import Entry, Glossary
from glossary.model import Variant

EN_TEMPLATES = [
    "{a} met {b} on Tuesday to discuss trade, and officials from {c} said the talks were frank.",
    "In a statement, {a}'s office said relations with {b} had improved since the summit in {c}.",
    "Analysts in {c} said the {a}-{b} meeting was unlikely to settle the dispute over fishing rights.",
    "The spokesman declined to comment on reports that {a} would visit {b} before the end of the year.",
    "Shipping through the region rose by four percent, according to data published by {c} on Monday.",
    "Observers noted that {a} and {b} had not met in person for more than two years.",
    "The exhibition on Xinjiang textiles and Lima ceramics drew visitors from across the region.",
    "BEIJING -- Officials from {a} and {b} agreed to resume dialogue, a person familiar with the talks said.",
]
ZH_TEMPLATES = [
    "{a}与{b}举行会谈，双方就{c}问题交换了意见。",
    "据报道，{a}将于下月访问{b}，并出席在{c}举行的论坛。",
    "专家表示，{a}和{b}之间的经贸合作仍有很大潜力。",
    "发言人在记者会上说，中方对此表示关切，希望有关各方保持克制。",
]
JA_TEMPLATES = [
    "{a}は{b}と会談し、{c}をめぐる問題について意見を交わした。",
    "関係者によると、{a}は来月{b}を訪問する予定だという。",
    "専門家は{a}と{b}の経済協力にはまだ大きな可能性があると指摘した。",
    "政府は記者会見で、日中関係の安定が重要だと強調した。",
]


def names_by_lang(glossary: Glossary) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {"en": [], "zh": [], "ja": []}
    for e in glossary.entries.values():
        if "en" in e.names:
            out["en"].append(e.names["en"])
        if "zh-Hans" in e.names:
            out["zh"].append(e.names["zh-Hans"])
        if "ja" in e.names:
            out["ja"].append(e.names["ja"])
    return out


def make_corpus(glossary: Glossary, lang: str, chars: int, seed: int = 7) -> str:
    """About ``chars`` characters of text in 'en', 'zh', 'ja' or 'mixed', reproducible from ``seed``."""
    rng = random.Random(seed)
    names = names_by_lang(glossary)
    templates = {"en": EN_TEMPLATES, "zh": ZH_TEMPLATES, "ja": JA_TEMPLATES}
    parts: list[str] = []
    size = 0
    while size < chars:
        which = rng.choice(["en", "zh", "ja"]) if lang == "mixed" else lang
        pool = names[which]
        sentence = rng.choice(templates[which]).format(a=rng.choice(pool), b=rng.choice(pool), c=rng.choice(pool))
        parts.append(sentence)
        size += len(sentence) + 1
    return " ".join(parts)


_SYLLABLES = ["ka", "ta", "mi", "ro", "shi", "no", "ya", "su", "ke", "hi", "ma", "ru", "zen", "ling", "hua",
              "guo", "wei", "tai", "kai", "bo", "den", "lu", "mo", "ri", "sa", "to", "yo", "chi", "fu", "gen"]
_HAN = "山田川林森本村井中原小大高石松竹梅花海天地明光春秋冬夏雪風雲雷金銀玉華文武德仁義智信"


def enlarged_glossary(base: Glossary, total_variants: int = 100_000, seed: int = 11) -> Glossary:
    """The curated entries plus generated people, so that the index holds at least ``total_variants``.

    Generated names are random syllable and character strings: plausible names that do not collide with
    real ones. Each yields five variants (English in both orders, the Han name in two scripts, the
    surname), which is measured on the first one rather than assumed.
    """
    rng = random.Random(seed)

    def person(n: int) -> Entry:
        family = "".join(rng.choice(_SYLLABLES) for _ in range(2)).capitalize()
        given = "".join(rng.choice(_SYLLABLES) for _ in range(3)).capitalize()
        han = "".join(rng.choice(_HAN) for _ in range(3))
        return Entry(
            id=f"generated-{n}", type="person", description="generated for the benchmark",
            names={"en": f"{given} {family}", "ja": han, "zh-Hans": han},
            variants=(Variant(name=f"{family} {given}", lang="en", kind="alias"),),
            family_name={"en": family}, details={"country": ["JP"]},
        )

    per_entry = len(Glossary([person(0)]).variants)
    needed = max(0, total_variants - len(base.variants))
    generated = [person(n) for n in range(1, needed // per_entry + 2)]
    return Glossary(list(base.entries.values()) + generated, version="bench-enlarged")


# -- generated people whose names look like real ones ------------------------------------------------------

# Common Chinese surnames and given-name characters (simplified); readings come from pypinyin.
_CN_SURNAMES = ("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢"
                "蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段")
_CN_GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文辉力志海鹏宇浩凯晨博宁欣怡"
             "佳嘉俊峰斌波春雪梅琳晶婷慧颖云飞鑫雷东晓光亮红梅丹阳雨晴思远德安立新")
# Japanese name parts: (kanji, hiragana, Hepburn with macrons). Family names are two parts, given names
# two parts or one of the single-part names, as most Japanese names are.
_JA_FAMILY = [("山", "やま", "yama"), ("田", "た", "ta"), ("中", "なか", "naka"), ("川", "かわ", "kawa"),
              ("木", "き", "ki"), ("本", "もと", "moto"), ("村", "むら", "mura"), ("松", "まつ", "matsu"),
              ("石", "いし", "ishi"), ("小", "こ", "ko"), ("高", "たか", "taka"), ("藤", "ふじ", "fuji"),
              ("森", "もり", "mori"), ("野", "の", "no"), ("原", "はら", "hara"), ("島", "しま", "shima"),
              ("岡", "おか", "oka"), ("西", "にし", "nishi"), ("北", "きた", "kita"), ("宮", "みや", "miya"),
              ("内", "うち", "uchi"), ("沢", "さわ", "sawa"), ("橋", "はし", "hashi"), ("浦", "うら", "ura"),
              ("長", "なが", "naga"), ("吉", "よし", "yoshi"), ("桜", "さくら", "sakura"), ("谷", "たに", "tani"),
              ("前", "まえ", "mae"), ("古", "ふる", "furu"), ("大", "おお", "ō"), ("平", "ひら", "hira")]
_JA_GIVEN = [("健", "けん", "ken"), ("太", "た", "ta"), ("一", "いち", "ichi"), ("郎", "ろう", "rō"),
             ("美", "み", "mi"), ("真", "ま", "ma"), ("由", "ゆ", "yu"), ("子", "こ", "ko"), ("和", "かず", "kazu"),
             ("正", "まさ", "masa"), ("直", "なお", "nao"), ("弘", "ひろ", "hiro"), ("明", "あき", "aki"),
             ("秀", "ひで", "hide"), ("雄", "お", "o"), ("恵", "え", "e"), ("奈", "な", "na"), ("香", "か", "ka"),
             ("智", "とも", "tomo"), ("信", "のぶ", "nobu"), ("浩", "こう", "kō"), ("裕", "ゆう", "yū"),
             ("彦", "ひこ", "hiko"), ("里", "り", "ri"), ("千", "ち", "chi"), ("夫", "お", "o"), ("優", "ゆう", "yū"),
             ("翔", "しょう", "shō"), ("陽", "よう", "yō"), ("理", "り", "ri")]
_KATA = {ord(h): ord(h) + 0x60 for h in map(chr, range(0x3041, 0x3097))}


def _plain(hepburn: str) -> str:
    return hepburn.translate(str.maketrans("ōūŌŪ", "ouOU"))


def generated_person(rng: random.Random, n: int) -> Entry:
    """A person with a Chinese or a Japanese name in the seed format: Han name, reading, English name."""
    if rng.random() < 0.5:
        from pypinyin import Style, pinyin

        family = rng.choice(_CN_SURNAMES)
        given = "".join(rng.choice(_CN_GIVEN) for _ in range(rng.choice((1, 2, 2))))
        marks = [s[0] for s in pinyin(family + given, style=Style.TONE)]
        plain = [s[0] for s in pinyin(family + given, style=Style.NORMAL)]
        return Entry(
            id=f"generated-{n}", type="person", description="generated for the benchmark (a Chinese name)",
            names={"en": f"{plain[0].capitalize()} {''.join(plain[1:]).capitalize()}", "zh-Hans": family + given,
                   "zh-Latn-pinyin": f"{marks[0].capitalize()} {''.join(marks[1:]).capitalize()}"},
            family_name={"en": plain[0].capitalize(), "zh-Hans": family}, details={"country": ["CN"]},
        )
    family = [rng.choice(_JA_FAMILY) for _ in range(2)]
    given = [rng.choice(_JA_GIVEN) for _ in range(rng.choice((1, 2, 2)))]
    f_kanji, f_kana, f_hep = ("".join(p[i] for p in family) for i in range(3))
    g_kanji, g_kana, g_hep = ("".join(p[i] for p in given) for i in range(3))
    return Entry(
        id=f"generated-{n}", type="person", description="generated for the benchmark (a Japanese name)",
        names={"en": f"{_plain(g_hep).capitalize()} {_plain(f_hep).capitalize()}", "ja": f_kanji + g_kanji,
               "ja-Hira": f"{f_kana} {g_kana}", "ja-Latn-hepburn": f"{f_hep.capitalize()} {g_hep.capitalize()}"},
        variants=(Variant(name=f"{f_kana}{g_kana}".translate(_KATA), lang="ja-Kana", kind="transcription"),),
        family_name={"en": _plain(f_hep).capitalize(), "ja": f_kanji}, details={"country": ["JP"]},
    )


def generated_glossary(base: Glossary, total_variants: int, seed: int = 11) -> Glossary:
    """The curated entries plus generated people, so that the index holds about ``total_variants``.

    Variants per generated person are measured on a sample, not assumed; the entries are built in
    process (no seed files, no loader), derived and indexed as the service would.
    """
    rng = random.Random(seed)
    sample = [generated_person(random.Random(seed + 1), -i) for i in range(1000)]
    per_entry = len(Glossary(sample).variants) / len(sample)
    needed = max(0, total_variants - len(base.variants))
    # 15 % more than the sample suggests: a 200-entry sample gave 0.85 of the target at 1M (names shared by
    # several people give fewer variants per entry in a large glossary); better over than under.
    generated = [generated_person(rng, n) for n in range(1, int(needed * 1.15 / per_entry) + 2)]
    return Glossary(list(base.entries.values()) + generated, version=f"bench-{total_variants}")
