"""name_key: one table of rows per normalisation step, then properties over any string."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from glossary.keys import compact_key, fold_han, fold_kana, name_key

STEPS = [
    # 1. NFKC and width folding
    pytest.param("Ｘｉ　Ｊｉｎｐｉｎｇ", "xi jinping", id="nfkc-fullwidth-latin"),
    pytest.param("ｷｼﾀﾞ", "きしだ", id="nfkc-halfwidth-katakana"),
    pytest.param("㍻", "平成", id="nfkc-compat-square"),
    # 2. case folding
    pytest.param("XI JINPING", "xi jinping", id="case-upper"),
    pytest.param("Straße", "strasse", id="casefold-eszett"),
    # 3. tone marks and macrons
    pytest.param("Xí Jìnpíng", "xi jinping", id="marks-pinyin-tones"),
    pytest.param("Lǚ Xùn", "lu xun", id="marks-pinyin-u-umlaut"),
    pytest.param("Shinzō Abe", "shinzo abe", id="marks-macron"),
    pytest.param("が", "が", id="marks-kana-voicing-kept"),
    # 4. apostrophes
    pytest.param("Hsi Chin-p'ing", "hsi chin ping", id="apostrophe-straight"),
    pytest.param("Hsi Chin-p’ing", "hsi chin ping", id="apostrophe-curly"),
    pytest.param("Chen Min'er", "chen miner", id="apostrophe-inside-word"),
    # 5. hyphens, dots, spaces
    pytest.param("Ma Ying-jeou", "ma ying jeo", id="hyphen"),  # and ou -> o, step 8
    pytest.param("Lai Ching–te", "lai ching te", id="en-dash"),
    pytest.param("  Xi \t Jinping \n", "xi jinping", id="whitespace-runs"),
    pytest.param("ジョー・バイデン", "じょーばいでん", id="katakana-middle-dot"),
    pytest.param("约瑟夫·拜登", "约瑟夫拜登", id="chinese-middle-dot"),
    pytest.param("岸田 文雄", "岸田文雄", id="space-between-han-dropped"),
    pytest.param("U.S.", "u s", id="full-stops"),
    # 6. Han folding: simplified / traditional / Japanese
    pytest.param("習近平", "习近平", id="han-traditional"),
    pytest.param("釣魚臺", "钓鱼台", id="han-traditional-2"),
    pytest.param("広島", "广岛", id="han-japanese-shinjitai"),
    pytest.param("廣島", "广岛", id="han-kyujitai"),
    pytest.param("沢", "泽", id="han-japanese-sawa"),
    # 7. katakana -> hiragana
    pytest.param("キシダ", "きしだ", id="kana-katakana"),
    pytest.param("ヽヾ", "ゝゞ", id="kana-iteration-marks"),
    # 8. Japanese long vowels
    pytest.param("Kōno", "kono", id="long-o-macron"),
    pytest.param("Kouno", "kono", id="long-o-ou"),
    pytest.param("Koono", "kono", id="long-o-oo"),
    pytest.param("Kohno", "kono", id="long-o-oh"),
    pytest.param("Shū", "shu", id="long-u-macron"),
    pytest.param("Shuu", "shu", id="long-u-uu"),
    pytest.param("Ōsaka", "osaka", id="long-o-initial-capital"),
    pytest.param("Kohoku", "kohoku", id="oh-before-vowel-is-a-syllable"),
    pytest.param("Ryoutou Hantou", "ryoto hanto", id="long-o-before-h-syllable"),
    pytest.param("Ohno", "ono", id="oh-before-consonant"),
]


@pytest.mark.parametrize("raw, key", STEPS)
def test_each_step(raw, key):
    assert name_key(raw) == key


SAME_NAME = [
    ("Shinzō Abe", "SHINZOU ABE"),
    ("Abe Shinzō", "Abe Shinzou"),
    ("習近平", "习近平"),
    ("キシダ フミオ", "きしだふみお"),
    ("Kōno Tarō", "Kohno Taroh"),
]


@pytest.mark.parametrize("a, b", SAME_NAME)
def test_same_name_same_key(a, b):
    assert name_key(a) == name_key(b)


def test_different_names_stay_apart():
    assert name_key("Wang Yi") != name_key("Wang Yang")
    assert name_key("が") != name_key("か")


def test_compact_key_drops_spaces():
    assert compact_key("Xi Jin Ping") == compact_key("XiJinping") == "xijinping"


def test_fold_helpers_keep_length():
    text = "習近平とキシダ"
    assert len(fold_han(text)) == len(text) and len(fold_kana(text)) == len(text)


def test_rejects_non_strings():
    with pytest.raises(TypeError):
        name_key(None)  # type: ignore[arg-type]


@given(st.text())
def test_never_raises_and_is_idempotent(s):
    k = name_key(s)
    assert name_key(k) == k


@given(st.text(alphabet=st.characters(min_codepoint=0x3040, max_codepoint=0x9FFF)))
def test_idempotent_on_cjk(s):
    assert name_key(name_key(s)) == name_key(s)


@given(st.text(alphabet="aeiouōūOUhnkstAEIO '-·・"))
def test_idempotent_on_romaji(s):
    assert name_key(name_key(s)) == name_key(s)
