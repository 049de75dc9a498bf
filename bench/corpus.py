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
