"""Text normalisation over the curated glossary: tables of our own sentences with the mentions expected.

Each row: a text, then the mentions as (surface, entry id or None for ambiguous) in order. Rows exist for
every behaviour the issue names; the comment says which.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glossary.normalize import normalize_text

ENGLISH = [
    # longest match wins; mentions never overlap
    ("The China-Japan Friendship Association met.", [("China-Japan Friendship Association",
                                                      "china-japan-friendship-association")]),
    ("Ships sailed the East China Sea.", [("East China Sea", "east-china-sea")]),
    ("Tension rose in the Taiwan Strait.", [("Taiwan Strait", "taiwan-strait")]),
    # whole words only
    ("Xinjiang officials visited Lima.", [("Xinjiang", "xinjiang"), ("Lima", "lima")]),
    ("Abel and Lionel disagreed.", []),
    ("Shinzo Abe spoke; Abel did not.", [("Shinzo Abe", "abe-shinzo")]),
    # possessives (straight and curly apostrophe) and hyphen compounds
    ("Xi's visit and China’s response.", [("Xi", "xi-jinping"), ("China", "china")]),
    ("Shinzo Abe and Xi Jinping held the Abe-Xi meeting.", [("Shinzo Abe", "abe-shinzo"),
                                                            ("Xi Jinping", "xi-jinping"), ("Abe", "abe-shinzo"),
                                                            ("Xi", "xi-jinping")]),
    ("Tokyo-Seoul ties improved.", [("Tokyo", "tokyo"), ("Seoul", "seoul")]),
    # datelines in capitals
    ("BEIJING -- The talks ended.", [("BEIJING", "beijing")]),
    ("TOKYO (Kyodo) -- Officials said.", [("TOKYO", "tokyo"), ("Kyodo", "kyodo-news")]),
    # case carries meaning for acronyms; "us" is a pronoun; "china" is porcelain
    ("Let us ask the US about fine china.", [("US", "united-states")]),
    ("The U.S. and the SDF trained.", [("U.S.", "united-states"), ("SDF", "japan-self-defense-forces")]),
    # diacritics and macrons optional
    ("Shinzō Abe met Shinzo Abe's aides.", [("Shinzō Abe", "abe-shinzo"), ("Shinzo Abe", "abe-shinzo")]),
    ("Kōno Tarō and Kono Taro", [("Kōno Tarō", "kono-taro"), ("Kono Taro", "kono-taro")]),
    # short forms in context
    ("Fumio Kishida arrived. Kishida said the talks went well.", [("Fumio Kishida", "kishida-fumio"),
                                                                   ("Kishida", "kishida-fumio")]),
    ("Kishida said the talks went well.", []),  # no full name before: not resolved, not guessed
    ("Yoshimasa Hayashi met Wang Yi; Hayashi thanked Wang.", [("Yoshimasa Hayashi", "hayashi-yoshimasa"),
                                                              ("Wang Yi", "wang-yi"),
                                                              ("Hayashi", "hayashi-yoshimasa"), ("Wang", "wang-yi")]),
    ("Shi Yinhong spoke. Professor Shi added a point.", [("Shi Yinhong", "shi-yinhong"),
                                                         ("Professor Shi", "shi-yinhong")]),
    ("Chen Min'er visited Guizhou, and Chen praised it.", [("Chen Min'er", "chen-miner"), ("Guizhou", "guizhou"),
                                                           ("Chen", "chen-miner")]),
    # a standalone short form resolves without context
    ("Xi spoke first.", [("Xi", "xi-jinping")]),
    # two people share the surname and the text does not say which: ambiguous, unchanged
    ("Kitamura said the talks went well.", [("Kitamura", None)]),
    ("Shigeru Kitamura spoke, then Kitamura left.", [("Shigeru Kitamura", "kitamura-shigeru"),
                                                     ("Kitamura", "kitamura-shigeru")]),
    ("Shigeru Kitamura met Tomoo Kitamura. Kitamura said so.", [("Shigeru Kitamura", "kitamura-shigeru"),
                                                                ("Tomoo Kitamura", "kitamura-tomoo"),
                                                                ("Kitamura", None)]),
    # other romanisations
    ("Mao Tse-tung met Chou En-lai in Peking.", [("Mao Tse-tung", "mao-zedong"), ("Chou En-lai", "zhou-enlai"),
                                                 ("Peking", "beijing")]),
    ("Hsi Chin-p'ing, xi2 jin4 ping2", [("Hsi Chin-p'ing", "xi-jinping"), ("xi2 jin4 ping2", "xi-jinping")]),
]

CHINESE = [
    ("习近平会见岸田文雄。", [("习近平", "xi-jinping"), ("岸田文雄", "kishida-fumio")]),
    ("習近平會見岸田文雄。", [("習近平", "xi-jinping"), ("岸田文雄", "kishida-fumio")]),
    ("中方对华政策和日中关系", []),  # 中方, 对华, 日中 are not mentions of anything
    ("钓鱼岛问题", [("钓鱼岛", "senkaku-islands")]),
    ("东海油气田", [("东海", "east-china-sea")]),
    ("万里长城很长", [("万里长城", "great-wall")]),  # the Great Wall, not 万里 (Wan Li; also a common word)
    ("习主席访问台湾海峡", [("习", "xi-jinping"), ("台湾海峡", "taiwan-strait")]),  # 习 only before 主席
    ("习惯很好", []),  # a single Han character never stands alone
    ("中日友好协会成立", [("中日友好协会", "china-japan-friendship-association")]),
    # names that begin or end with Latin letters or digits, at the edges of the Han/kana windows
    ("他说G20杭州峰会很成功", [("G20杭州峰会", "g20-hangzhou-summit-2016")]),
    ("1989年政治风波以后", [("1989年政治风波", "tiananmen-square-protests-1989")]),
]

JAPANESE = [
    ("岸田文雄首相は習近平国家主席と会談した。", [("岸田文雄", "kishida-fumio"), ("習近平", "xi-jinping")]),
    ("岸田文雄首相は会見した。岸田氏は述べた。", [("岸田文雄", "kishida-fumio"), ("岸田", "kishida-fumio")]),
    ("習氏は述べた。", [("習", "xi-jinping")]),  # 習 allowed only before 氏
    ("学習は大事だ。", []),
    ("尖閣諸島と東シナ海", [("尖閣諸島", "senkaku-islands"), ("東シナ海", "east-china-sea")]),
    ("ジョー・バイデン大統領", [("ジョー・バイデン", "biden-joe")]),
    ("ジョーバイデン大統領", [("ジョーバイデン", "biden-joe")]),  # printed without the middle dot
    ("石川氏が述べた。", []),  # a prefecture name before 氏 is a surname
    ("日中関係について", []),
    ("ワシントンD.C.で会談", [("ワシントンD.C.", "washington-dc")]),
    ("AP通信によると", [("AP通信", "associated-press")]),
]


def _pairs(result):
    return [(m.surface, m.entry_id) for m in result.mentions]


@pytest.mark.parametrize("text, expected", ENGLISH + CHINESE + JAPANESE)
def test_mentions(curated, text, expected):
    result = normalize_text(curated, text, mode="mentions")
    assert _pairs(result) == expected
    for m in result.mentions:
        assert text[m.start : m.end] == m.surface


def test_ambiguous_mention_lists_candidates_and_is_not_rewritten(curated):
    result = normalize_text(curated, "Kitamura said so.", target="en")
    (m,) = result.mentions
    assert m.resolution == "ambiguous" and set(m.candidates) >= {"kitamura-shigeru", "kitamura-tomoo"}
    assert result.text == "Kitamura said so."


REWRITES = [
    # text, target, name order, expected rewrite
    ("BEIJING -- Xi met Fumio Kishida.", "en", "given-family", "Beijing -- Xi Jinping met Fumio Kishida."),
    ("BEIJING -- Xi met Fumio Kishida.", "en", "family-given", "Beijing -- Xi Jinping met Kishida Fumio."),
    ("Kishida Fumio met Xi.", "en", "given-family", "Fumio Kishida met Xi Jinping."),
    ("Shinzo Abe visited the Diaoyu Islands.", "ja", "given-family", "安倍晋三 visited the 尖閣諸島."),
    ("Shinzo Abe visited the Diaoyu Islands.", "zh-Hans", "given-family", "安倍晋三 visited the 钓鱼岛及其附属岛屿."),
    ("Fumio Kishida arrived. Kishida spoke.", "zh-Hant", "given-family", "岸田文雄 arrived. 岸田 spoke."),
    ("岸田文雄首相と習近平主席", "en", "given-family", "Fumio Kishida首相とXi Jinping主席"),
    ("Yoon Suk-yeol met Fumio Kishida.", "en", "family-given", "Yoon Suk Yeol met Kishida Fumio."),
    ("岸田文雄首相が述べた。岸田氏は", "en", "family-given", "Kishida Fumio首相が述べた。Kishida氏は"),
]


@pytest.mark.parametrize("text, target, order, expected", REWRITES)
def test_rewrites(curated, text, target, order, expected):
    assert normalize_text(curated, text, target=target, name_order=order).text == expected


def test_annotate_mode_keeps_the_text(curated):
    out = normalize_text(curated, "Peking and Beijing", target="en", mode="annotate").text
    assert out == "Peking [Beijing] and Beijing"


def test_utf16_offsets(curated):
    text = "😀 Xi met 𠀋 Kishida Fumio"
    result = normalize_text(curated, text, mode="mentions", utf16=True)
    encoded = text.encode("utf-16-le")
    for m in result.mentions:
        assert encoded[m.start_utf16 * 2 : m.end_utf16 * 2].decode("utf-16-le") == m.surface


JUNK = [
    "<div class=\"nav\"><a href=\"/china\">china</a> | <a href=\"/japan\">japan</a></div>",
    "{{ template | china }} {% if japan %}",
    "🇨🇳🇯🇵🤝 ‏שלום עולם‎ مرحبا بالعالم",
    "\u202echina\u202c and \u200bjapan\u200b",
    "a" * 1_000_000,
    "中" * 1_000_000,
    "\u0301\u0301\u0301" * 1000,
]


@pytest.mark.parametrize("text", JUNK, ids=lambda t: repr(t[:20]))
def test_junk_never_crashes_and_gives_no_mentions(curated, text):
    result = normalize_text(curated, text, mode="mentions")
    assert result.mentions == [] and result.text == text


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_offsets_index_the_input(curated, text):
    result = normalize_text(curated, text, target="ja")
    last_end = 0
    for m in result.mentions:
        assert 0 <= m.start < m.end <= len(text) and m.start >= last_end
        assert text[m.start : m.end] == m.surface
        last_end = m.end


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["Xi Jinping", "Kishida", "Fumio Kishida", " met ", "東シナ海", "。", "China's",
                                 "Kitamura", "-", "Abe", "Shinzō Abe", "中日友好协会"]), max_size=12))
def test_mixed_fragments_keep_offsets(curated, parts):
    text = "".join(parts)
    for m in normalize_text(curated, text, mode="mentions").mentions:
        assert text[m.start : m.end] == m.surface


def test_unknown_options_raise():
    from glossary import build_glossary

    g = build_glossary([])
    for kwargs in ({"target": "fr"}, {"mode": "x"}, {"name_order": "x"}):
        with pytest.raises(ValueError):
            normalize_text(g, "x", **kwargs)


# -- the fused Latin pass chooses what the general pass chooses -----------------------------------------

# Words around names, with the traps of English news: possessives, hyphen compounds, titles, lower case.
FILLER = ["said", "the", "and", "met", "President", "Prime Minister", "Mr", "Foreign Minister", "in", "'s", "-",
          ",", ".", "U.S.", "talks", "an", "Li", "Xi", "Kishida", "Professor", "Premier", "(", ")", "\n", "state"]


@pytest.fixture(scope="module")
def latin_names(curated):
    names = sorted({v.name for e in curated.entries.values() for v in e.variants
                    if v.name.isascii() and len(v.name) > 1})
    return names + [n.lower() for n in names[::7]] + [n.upper() for n in names[::11]]


@given(data=st.data())
@settings(max_examples=300, deadline=None)
def test_fused_latin_pass_equals_the_general_pass(curated, latin_names, data):
    """Text with no Han or kana takes the fused scan-and-choose path; forcing the general path (every
    candidate listed, sorted, then chosen) must give the same mentions."""
    from glossary import normalize as n

    words = data.draw(st.lists(st.one_of(st.sampled_from(latin_names), st.sampled_from(FILLER)), max_size=30))
    text = " ".join(words)
    matcher = n.matcher_for(curated)
    scanned = n.scan_form(text)

    def general() -> list:
        doc = n._Document(text, scanned, {}, {}, [], False, None, {})
        choice = n._Choice(doc, matcher, ("en", "given-family"))
        n._first_pass(choice, matcher.find(text, scanned))
        return n._what_the_text_says(curated, text, choice.finish(), "en", "given-family")

    fused = n._mentions(matcher, curated, text, scanned, "en", "given-family", None)
    assert fused == general()
