"""Romanisation and derived spellings: tables of names and what each derivation must give."""

import pytest

from glossary.derive import convert_han
from glossary.romanize import romanize
from glossary.romanize.chinese import parse_pinyin, pinyin_spellings, split_tone, to_marked
from glossary.romanize.japanese import add_macrons, hepburn_spellings, kana_to_hepburn, to_katakana

PINYIN = [
    # curated pinyin -> style -> expected
    ("Xí Jìnpíng", "numbered", "Xi2 Jin4ping2"),
    ("Xí Jìnpíng", "numbered-spaced", "xi2 jin4 ping2"),
    ("Xí Jìnpíng", "plain", "Xi Jinping"),
    ("Xí Jìnpíng", "plain-spaced", "Xi Jin Ping"),
    ("Xí Jìnpíng", "plain-joined", "Xijinping"),
    ("Xí Jìnpíng", "plain-hyphenated", "Xi Jin-ping"),
    ("Xí Jìnpíng", "wade-giles", "Hsi Chin-p'ing"),
    ("Máo Zédōng", "wade-giles", "Mao Tse-tung"),
    ("Zhōu Ēnlái", "wade-giles", "Chou En-lai"),
    ("Zēng Qìnghóng", "plain", "Zeng Qinghong"),  # curated surname reading kept (pypinyin says céng)
    ("Shàn Xióngxìn", "numbered", "Shan4 Xiong2xin4"),  # 单 as a surname
    ("Xī'ān", "marked", "Xī'ān"),  # apostrophe before a vowel-initial syllable
    ("Lǚ Xùn", "numbered", "Lv3 Xun4"),
    ("Lǚ Xùn", "wade-giles", "Lü Hsün"),
    ("Shànghǎi", "wade-giles", "Shang-hai"),  # pypinyin alone says 'shang-hei'
    ("Nǚ", "wade-giles", "Nü"),
    ("Qítèng Tiěfū", "wade-giles", "Ch'i-t'eng T'ieh-fu"),  # pypinyin alone says t'oeh
    ("Huò Shuō", "wade-giles", "Huo Shuo"),  # pypinyin alone says ho, sho
]


@pytest.mark.parametrize("curated, style, expected", PINYIN)
def test_pinyin_spellings(curated, style, expected):
    assert pinyin_spellings(parse_pinyin(curated))[style] == expected


@pytest.mark.parametrize("text", ["Shinzo Abe", "hello world", "Xí 123"])
def test_not_pinyin(text):
    assert parse_pinyin(text) is None


@pytest.mark.parametrize("syllable, letters, tone", [("jìn", "jin", 4), ("lǘ", "lü", 2), ("ma", "ma", 0)])
def test_split_tone(syllable, letters, tone):
    assert split_tone(syllable) == (letters, tone)


@pytest.mark.parametrize("letters, tone, marked", [("hao", 3, "hǎo"), ("gou", 4, "gòu"), ("gui", 4, "guì"),
                                                    ("liu", 2, "liú"), ("lü", 4, "lǜ")])
def test_tone_mark_placement(letters, tone, marked):
    assert to_marked(letters, tone) == marked


HEPBURN = [
    ("Kōno Tarō", "plain", "Kono Taro"),
    ("Kōno Tarō", "ou", "Kouno Tarou"),
    ("Kōno Tarō", "oo", "Koono Taroo"),
    ("Kōno Tarō", "oh", "Kohno Taroh"),
    ("Shū Kinpei", "uu", "Shuu Kinpei"),
    ("Ōhira Masayoshi", "oh", "Ohhira Masayoshi"),
]


@pytest.mark.parametrize("macroned, style, expected", HEPBURN)
def test_hepburn_spellings(macroned, style, expected):
    assert hepburn_spellings(macroned)[style] == expected


@pytest.mark.parametrize("kana, romaji", [("きしだ ふみお", "kishida fumio"), ("しゅうきんぺい", "shuukinpei"),
                                          ("キシダ", "kishida")])
def test_kana_to_hepburn(kana, romaji):
    assert kana_to_hepburn(kana) == romaji


@pytest.mark.parametrize("plain, macroned", [("kouno", "kōno"), ("oosaka", "ōsaka"), ("shuukinpei", "shūkinpei")])
def test_add_macrons(plain, macroned):
    assert add_macrons(plain) == macroned


def test_katakana():
    assert to_katakana("きしだ ふみお") == "キシダ フミオ"


def test_romanize_chinese_marks_guess():
    r = romanize("习近平", "zh")
    assert r["pinyin"] == "xí jìn píng" and r["pinyin_numbers"] == "xi2 jin4 ping2"
    assert r["reading_is_guess"] is True


def test_romanize_japanese_kanji_is_guess_kana_is_not():
    assert romanize("岸田文雄", "ja")["reading_is_guess"] is True
    kana = romanize("きしだ", "auto")
    assert kana["lang"] == "ja" and kana["reading_is_guess"] is False and kana["hepburn"] == "kishida"


def test_romanize_unknown_language():
    with pytest.raises(ValueError):
        romanize("x", "ko")


def _seconds(fn, *args) -> float:
    import time

    best = float("inf")
    for _ in range(2):
        started = time.perf_counter()
        fn(*args)
        best = min(best, time.perf_counter() - started)
    return best


def test_japanese_romanisation_is_linear():
    """#12 item 6: pykakasi re-translated the whole rest of the text at every kanji (10,000 x 岸: 6 s)."""
    romanize("岸", "ja")  # load the dictionaries
    short, long = _seconds(romanize, "岸" * 2500, "ja"), _seconds(romanize, "岸" * 10_000, "ja")
    assert long < 8 * short + 0.05, (short, long)  # quadratic would be 16x
    assert long < 2


def test_chunks_cut_at_word_ends_and_keep_every_character():
    from glossary.romanize.japanese import CHUNK, chunks

    text = "東京都に住んでいる岸田文雄さんは、" * 40 + "岸" * 200
    pieces = chunks(text)
    assert "".join(pieces) == text and all(len(p) <= CHUNK for p in pieces)
    assert all(p.endswith(("、", "は", "岸")) for p in pieces[:-1])
    sentence = "岸田文雄さんは東京都に住んでいる。"
    assert romanize(sentence * 10, "ja")["hepburn"] == " ".join([romanize(sentence, "ja")["hepburn"]] * 10)


@pytest.mark.parametrize("simplified, traditional", [
    ("一个中国原则", "一個中國原則"),  # OpenCC alone: 一箇中國 (个中 read as 箇中 "therein" across the word boundary)
    ("钓鱼岛", "釣魚島"),
    ("个旧", "箇舊"),  # Gejiu's own name keeps 箇
])
def test_traditional_conversion_of_names(simplified, traditional):
    assert convert_han(simplified, "s2t") == traditional
