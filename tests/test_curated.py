"""The curated glossary in seeds/: it loads, passes every check, and covers what the reports name."""

import pytest

from glossary.checks import (
    check_name_readings,
    check_onyomi_readings,
    jmnedict_readings,
    kanjidic_onyomi,
    missing_native,
    reads_as_onyomi,
    report,
    run_checks,
)

SAME_ENTRY = [
    # the "done when" rows, then every entity of shared/seed-entities.md as the reports write it
    ("Abe Shinzō", "abe-shinzo"), ("Shinzou Abe", "abe-shinzo"), ("安倍晋三", "abe-shinzo"),
    ("あべしんぞう", "abe-shinzo"), ("Shinzō Abe", "abe-shinzo"),
    ("Diaoyu Islands", "senkaku-islands"), ("Diaoyutai", "senkaku-islands"), ("尖閣諸島", "senkaku-islands"),
    ("钓鱼岛", "senkaku-islands"), ("釣魚臺列嶼", "senkaku-islands"),
    ("Hsi Chin-p'ing", "xi-jinping"), ("xi2 jin4 ping2", "xi-jinping"), ("習近平", "xi-jinping"),
    ("Shū Kinpei", "xi-jinping"), ("Xí Jìnpíng", "xi-jinping"), ("Xi", "xi-jinping"),
    ("Kishida Fumio", "kishida-fumio"), ("岸田文雄", "kishida-fumio"), ("きしだ ふみお", "kishida-fumio"),
    ("Àntián Wénxióng", "kishida-fumio"), ("Kishda Fumio", "kishida-fumio"),
    ("Qin Gang", "qin-gang"), ("Wang Yi", "wang-yi"), ("Yoshimasa Hayashi", "hayashi-yoshimasa"),
    ("Yang Jiechi", "yang-jiechi"), ("Takeo Akiba", "akiba-takeo"), ("Shigeru Kitamura", "kitamura-shigeru"),
    ("Tomoo Kitamura", "kitamura-tomoo"), ("Chen Min'er", "chen-miner"), ("Li Xiaolin", "li-xiaolin"),
    ("Fumihiro Koba", "koba-fumihiro"), ("Yutaka Yokoi", "yokoi-yutaka"), ("Wang Zhanqi", "wang-zhanqi"),
    ("Zhu Dan", "zhu-dan"), ("Cheng Yonghua", "cheng-yonghua"), ("Shi Yinhong", "shi-yinhong"),
    ("Joe Biden", "biden-joe"), ("Nancy Pelosi", "pelosi-nancy"), ("Yoon Suk Yeol", "yoon-suk-yeol"),
    ("Yoon Suk-yeol", "yoon-suk-yeol"), ("Taro Kono", "kono-taro"), ("Kōno Tarō", "kono-taro"),
    ("China", "china"), ("Japan", "japan"), ("U.S.", "united-states"), ("US", "united-states"),
    ("South Korea", "south-korea"), ("Taiwan", "taiwan"), ("Taipei", "taipei"), ("BEIJING", "beijing"),
    ("Tokyo", "tokyo"), ("Seoul", "seoul"), ("Senkaku Islands", "senkaku-islands"),
    ("East China Sea", "east-china-sea"), ("Taiwan Strait", "taiwan-strait"),
    ("Tiananmen Square", "tiananmen-square"), ("Guizhou Province", "guizhou"), ("Zhejiang Province", "zhejiang"),
    ("Hangzhou", "hangzhou"), ("Hiroshima", "hiroshima"), ("Fukushima", "fukushima-prefecture"),
    ("Fukushima Daiichi nuclear power plant", "fukushima-daiichi-nuclear-power-plant"),
    ("Okinawa", "okinawa-prefecture"), ("Ishigaki", "ishigaki"), ("Miyako Island", "miyako-island"),
    ("Cambodia", "cambodia"), ("Lima", "lima"), ("Peru", "peru"), ("Washington", "washington-dc"),
    ("Kyodo News", "kyodo-news"), ("NHK", "nhk"), ("The Yomiuri Shimbun", "yomiuri-shimbun"),
    ("Nikkei", "nikkei"), ("Nikkei Asian Review", "nikkei-asia"), ("Reuters", "reuters"),
    ("China Central Television", "cctv"), ("CCTV", "cctv"), ("Chinese Communist Party", "chinese-communist-party"),
    ("Communist Party", "chinese-communist-party"), ("Politburo", "politburo"),
    ("Central Committee", "ccp-central-committee"),
    ("National Congress of the Chinese Communist Party", "ccp-national-congress"),
    ("China-Japan Friendship Association", "china-japan-friendship-association"),
    ("Chinese People's Association for Friendship with Foreign Countries", "cpaffc"),
    ("National Security Secretariat", "national-security-secretariat"),
    ("Japanese Foreign Ministry", "ministry-of-foreign-affairs-japan"),
    ("Chinese Foreign Ministry", "ministry-of-foreign-affairs-china"),
    ("Ministry of Internal Affairs and Communications", "ministry-of-internal-affairs-and-communications"),
    ("Council of Local Authorities for International Relations", "clair"),
    ("Ministry of National Defense", "ministry-of-national-defense-china"),
    ("Self-Defense Forces", "japan-self-defense-forces"), ("SDF", "japan-self-defense-forces"),
    ("China Coast Guard", "china-coast-guard"),
    ("Japanese Chamber of Commerce and Industry in China", "japanese-chamber-of-commerce-and-industry-in-china"),
    ("Sumitomo Corp.", "sumitomo-corporation"), ("Astellas Pharma Inc.", "astellas-pharma"),
    ("Renmin University of China", "renmin-university-of-china"),
    ("U.S. House of Representatives", "us-house-of-representatives"),
    ("Japan-China Joint Communique", "japan-china-joint-communique-1972"),
    ("Peace and Friendship Treaty", "treaty-of-peace-and-friendship-1978"),
    ("Treaty of Peace and Friendship between Japan and China", "treaty-of-peace-and-friendship-1978"),
    ("Regional Comprehensive Economic Partnership", "rcep"), ("RCEP", "rcep"), ("G7", "group-of-seven"),
    ("Group of Seven", "group-of-seven"), ("G20", "group-of-20"), ("APEC", "apec"),
    ("Beijing Winter Olympics", "beijing-2022-winter-olympics"),
    ("Mao Tse-tung", "mao-zedong"), ("Chou En-lai", "zhou-enlai"), ("Peking", "beijing"),
    ("Kweichow", "guizhou"), ("Tsai Ing-wen", "tsai-ing-wen"), ("William Lai", "lai-ching-te"),
    ("バイデン", "biden-joe"), ("拜登", "biden-joe"),
]


@pytest.mark.parametrize("query, entry_id", SAME_ENTRY)
def test_resolves_to_the_entry(curated, query, entry_id):
    matches = curated.lookup(query)
    assert matches, f"{query!r}: no match"
    assert matches[0].entry.id == entry_id, [(m.entry.id, m.score, m.matched) for m in matches]


def test_every_check_passes(curated):
    problems = run_checks(curated)
    assert not problems, "\n".join(map(str, problems[:30]))


def test_breadth(curated):
    r = report(curated)
    assert r["entries"] >= 500
    assert {"person", "place", "organization", "event"} <= set(r["by_type"])


def test_no_person_or_place_without_its_native_name(curated):
    missing = [e.id for e in curated.entries.values() if missing_native(e)]
    assert not missing, missing


def test_all_47_prefectures_and_34_provincial_divisions(curated):
    prefectures = [e for e in curated.entries.values() if e.details.get("subtype") in ("prefecture", "metropolis")]
    assert len(prefectures) == 47, sorted(e.id for e in prefectures)
    assert all(e.names.get("ja", "").endswith(("県", "都", "道", "府")) for e in prefectures)


def test_nothing_unverified_hides_a_value(curated):
    """A field marked unverified must not also be filled in (that would be a guess served as fact)."""
    clashes = [(e.id, u["field"]) for e in curated.entries.values() for u in e.details.get("unverified", ())
               if u["field"] in e.names]
    assert not clashes, clashes


@pytest.mark.slow
def test_japanese_name_readings_against_jmnedict(curated):
    readings = jmnedict_readings()
    assert readings is not None, "jamdict and jamdict-data are test dependencies: `make test` installs them"
    problems = check_name_readings(curated.entries.values(), readings)
    assert not problems, "\n".join(map(str, problems))


@pytest.mark.slow
def test_japanese_readings_of_chinese_names_against_kanjidic(curated):
    onyomi = kanjidic_onyomi()
    assert onyomi is not None, "jamdict and jamdict-data are test dependencies: `make test` installs them"
    problems = check_onyomi_readings(curated.entries.values(), onyomi)
    assert not problems, "\n".join(map(str, problems))


@pytest.mark.slow
@pytest.mark.parametrize("kanji, kana, fits", [
    ("習近平", "しゅうきんぺい", True),   # 平 へい sounds ぺい after ん
    ("楊潔篪", "ようけつち", True),
    ("胡錦濤", "こきんとう", True),
    ("習近平", "しゅうちかひら", False),  # kun'yomi: not how Japanese media read a Chinese name
    ("王毅", "おうたけし", False),
])
def test_onyomi_fit(kanji, kana, fits):
    assert reads_as_onyomi(kanji, kana, kanjidic_onyomi()) is fits


def test_every_han_title_may_follow_a_one_character_surname(curated):
    """林外相, 習国家主席, 胡副首相: a one-character surname is scanned for only before these strings."""
    from glossary.derive import SINGLE_SURNAME_CONTEXT
    from glossary.keys import is_han

    titles = {v.name for e in curated.entries.values() if e.details.get("subtype") == "title"
              for v in curated.variants_of(e.id) if v.in_text is not False and all(is_han(c) for c in v.name)}
    assert titles and not sorted(titles - set(SINGLE_SURNAME_CONTEXT))
