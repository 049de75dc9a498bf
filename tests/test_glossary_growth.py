"""The glossary real news needs (issue 11): its size, its classes, derivation that invents nothing, and the
facts an audit corrected. Each row names what it guards."""

import pytest

from glossary.checks import class_report
from glossary.normalize import normalize_text


def test_at_least_2500_entries(curated):
    assert len(curated.entries) >= 2500


def test_complete_lists_are_complete(curated):
    lists = class_report(list(curated.entries.values()))["complete_lists"]
    assert {name: row["missing"] for name, row in lists.items() if row["missing"]} == {}


def test_every_class_has_entries(curated):
    classes = class_report(list(curated.entries.values()))["classes"]
    assert all(row["entries"] > 0 for row in classes.values()), classes


def _derived(curated, lang_prefix):
    return [(iv.entry_id, iv.variant.name) for iv in curated.variants
            if iv.variant.origin == "derived" and iv.variant.lang.startswith(lang_prefix)]


def test_no_chinese_forms_derived_from_japanese_names_with_kana(curated):
    # アメリカ合众国, 对华二十一カ条要求: nobody writes a mix of kana and simplified characters
    assert [v for v in _derived(curated, "zh") if any(0x3040 <= ord(c) <= 0x30FF for c in v[1])] == []


def test_no_rare_characters_derived(curated):
    # OpenCC turns 樫 into 㭴 (Extension A), which no paper prints
    assert [v for v in _derived(curated, "") if any(0x3400 <= ord(c) <= 0x4DBF for c in v[1])] == []


AUDIT_FIXES = [
    # (entry, check, why)
    ("xinjiang", lambda e: e.names["ja-Hira"] == "しんきょうういぐるじちく", "ウイグル, not ウィグル"),
    ("sengoku-yoshito", lambda e: any(r["role"] == "Chief Cabinet Secretary" and str(r["from"]) == "2010-06-08"
                                      for r in e.details["roles"]), "Chief Cabinet Secretary from 2010-06-08"),
    ("sonoda-sunao", lambda e: any(str(r.get("from", "")).startswith("1981") for r in e.details["roles"]),
     "second term as foreign minister in 1981"),
    ("komeito", lambda e: "2025" in e.description, "the coalition with the LDP ended in 2025"),
    ("mainland-affairs-council", lambda e: any(v.name == "行政院大陸委員會" and v.kind == "former" for v in e.variants),
     "行政院大陸委員會 is the pre-2018 name"),
]


@pytest.mark.parametrize("entry_id, check, why", AUDIT_FIXES, ids=[r[0] for r in AUDIT_FIXES])
def test_audit_fixes(curated, entry_id, check, why):
    assert check(curated.entries[entry_id]), why


@pytest.mark.parametrize("text, expected", [
    ("上海松江的工厂", [("上海", "shanghai"), ("松江", "songjiang")]),  # Chinese text: Songjiang
    ("島根県の松江で会議", [("島根県", "shimane-prefecture"), ("松江", "matsue")]),  # Japanese text: Matsue
])
def test_songjiang_and_matsue(curated, text, expected):
    found = normalize_text(curated, text, mode="mentions").mentions
    assert [(m.surface, m.entry_id) for m in found] == expected
