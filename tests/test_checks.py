"""Data checks: each check catches the fault it exists for, and passes clean data."""

import pytest

from glossary import build_glossary
from glossary.checks import check_family_name, check_hepburn, check_pinyin, check_traditional, report, run_checks
from glossary.seeds import parse_file


def entries(yaml_text: str):
    found, problems = parse_file("t.yaml", yaml_text.encode())
    assert not problems, problems
    return found


BASE = "- id: x\n  type: person\n  description: test person\n  names:\n"

FAULTS = [
    pytest.param(check_pinyin, "    en: Zeng\n    zh-Hans: 曾\n    zh-Latn-pinyin: Zēng\n", True, id="pinyin-surname-needs-override"),
    pytest.param(check_pinyin, "    en: Xi\n    zh-Hans: 习近平\n    zh-Latn-pinyin: Xí Jìnpíng\n", False, id="pinyin-agrees"),
    pytest.param(check_pinyin, "    en: Xi\n    zh-Hans: 习近平\n    zh-Latn-pinyin: Xī Jìnpíng\n", True, id="pinyin-wrong-tone"),
    pytest.param(check_pinyin, "    en: Xi\n    zh-Hans: 习近平\n    zh-Latn-pinyin: Shinzo\n", True, id="pinyin-not-pinyin"),
    pytest.param(check_pinyin, "    en: Zeng\n    zh-Hans: 曾\n    zh-Latn-pinyin: Zēng\n  overrides:\n"
                 "    zh-Latn-pinyin: surname reading\n", False, id="pinyin-override"),
    pytest.param(check_traditional, "    en: T\n    zh-Hans: 台湾\n    zh-Hant: 臺灣\n", False, id="hant-s2t"),
    pytest.param(check_traditional, "    en: F\n    zh-Hans: 峰\n    zh-Hant: 峰\n", False, id="hant-s2tw"),  # s2t: 峯
    pytest.param(check_traditional, "    en: T\n    zh-Hans: 台湾\n    zh-Hant: 台灣\n", True, id="hant-tai-needs-override"),
    pytest.param(check_traditional, "    en: T\n    zh-Hans: 台湾\n    zh-Hant: 台灣\n  overrides:\n"
                 "    zh-Hant: common Taiwanese form\n", False, id="hant-override"),
    pytest.param(check_traditional, "    en: T\n    zh-Hans: 台湾\n    zh-Hant: 台湾\n", True, id="hant-not-converted"),
    # A surname that traditional script writes as simplified does (范, not OpenCC's 範 "model").
    pytest.param(check_traditional, "    en: Fan\n    zh-Hans: 范丽青\n    zh-Hant: 范麗青\n  family_name: {zh-Hans: 范}\n",
                 False, id="hant-kept-surname"),
    pytest.param(check_traditional, "    en: Fan\n    zh-Hans: 范丽青\n    zh-Hant: 範麗青\n  family_name: {zh-Hans: 范}\n",
                 True, id="hant-surname-converted-as-a-word"),
    pytest.param(check_traditional, "    en: Yu\n    zh-Hans: 于\n  family_name: {zh-Hans: 于, zh-Hant: 於}\n",
                 True, id="family-name-converted-as-a-word"),
    pytest.param(check_hepburn, "    en: K\n    ja-Hira: こうの たろう\n    ja-Latn-hepburn: Kōno Tarō\n", False, id="hepburn-ok"),
    # An English given name taken for the family name: the other romanisations start with the last word.
    pytest.param(check_family_name, "    en: Donald Tsang\n    yue-Latn: Tsang Yam-kuen\n  family_name: {en: Donald}\n",
                 True, id="family-name-is-the-given-name"),
    pytest.param(check_family_name, "    en: Jack Ma\n    zh-Latn-pinyin: Mǎ Yún\n  family_name: {en: Jack}\n",
                 True, id="family-name-is-the-given-name-pinyin"),
    pytest.param(check_family_name, "    en: Donald Tsang\n    yue-Latn: Tsang Yam-kuen\n  family_name: {en: Tsang}\n",
                 False, id="family-name-last"),
    pytest.param(check_family_name, "    en: Xi Jinping\n    zh-Latn-pinyin: Xí Jìnpíng\n  family_name: {en: Xi}\n",
                 False, id="family-name-first-in-chinese-order"),
    pytest.param(check_hepburn, "    en: K\n    ja-Hira: こうの たろう\n    ja-Latn-hepburn: Kawano Taro\n", True, id="hepburn-wrong"),
]


@pytest.mark.parametrize("check, names, faulty", FAULTS)
def test_check(check, names, faulty):
    assert bool(check(entries(BASE + names))) is faulty


def test_undeclared_shared_variant_is_reported():
    g = build_glossary(entries(
        "- {id: a, type: place, description: first place, names: {en: Okinawa}}\n"
        "- {id: b, type: place, description: second place, names: {en: Okinawa Island}, "
        "variants: [{name: Okinawa, lang: en, kind: short}]}\n"))
    problems = run_checks(g)
    assert {p.entry_id for p in problems} == {"a", "b"}


def test_declared_ambiguity_passes(mini):
    assert run_checks(mini) == []


def test_unknown_reference_is_reported():
    g = build_glossary(entries("- {id: a, type: place, description: a place, names: {en: A}, see_also: [nope]}\n"))
    assert [p.field for p in run_checks(g)] == ["see_also"]


def test_report_counts(mini):
    r = report(mini)
    assert r["entries"] == len(mini.entries)
    assert r["by_type"]["person"] == 5
    assert "kitamura-tomoo" in r["unverified_entries"]
    assert "kitamura-tomoo" not in r["missing_native_name"]  # marked unverified, so not missing
