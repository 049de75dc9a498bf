"""The command line: each subcommand on the test glossary (and check on a broken one)."""

import io
import json
import sys

import pytest

from glossary.cli import main
from tests.conftest import FIXTURES

MINI = str(FIXTURES / "mini.yaml")


def run(capsys, *args, stdin: str | None = None):
    if stdin is not None:
        sys.stdin = io.StringIO(stdin)
    try:
        code = main(list(args))
    finally:
        sys.stdin = sys.__stdin__
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("query, entry_id", [("Abe Shinzō", "abe-shinzo"), ("Shinzou Abe", "abe-shinzo"),
                                             ("安倍晋三", "abe-shinzo"), ("あべしんぞう", "abe-shinzo"),
                                             ("Diaoyutai", "senkaku-islands"), ("xi2 jin4 ping2", "xi-jinping")])
def test_lookup(capsys, query, entry_id):
    code, out, _ = run(capsys, "--seeds", MINI, "lookup", query, "--json")
    assert code == 0 and json.loads(out)[0]["id"] == entry_id


def test_lookup_without_match_exits_2(capsys):
    code, out, _ = run(capsys, "--seeds", MINI, "lookup", "asdfghjkl")
    assert code == 2 and "no match" in out


def test_romanize(capsys):
    code, out, _ = run(capsys, "--seeds", MINI, "romanize", "习近平", "--lang", "zh")
    assert code == 0 and json.loads(out)["pinyin"] == "xí jìn píng"


def test_variants_marks_derived(capsys):
    code, out, _ = run(capsys, "--seeds", MINI, "variants", "xi-jinping")
    assert code == 0 and "Hsi Chin-p'ing" in out and "derived" in out and "pinyin-wade-giles" in out


def test_normalize_reads_stdin(capsys):
    code, out, _ = run(capsys, "--seeds", MINI, "normalize", "--target", "ja", stdin="Xi met Fumio Kishida.")
    assert code == 0 and out == "習近平 met 岸田文雄."


def test_normalize_reads_files(capsys, tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("Kitamura said so.", encoding="utf-8")
    code, out, _ = run(capsys, "--seeds", MINI, "normalize", "--mode", "mentions", str(f))
    assert code == 0 and json.loads(out)[0]["resolution"] == "ambiguous"


def test_check_passes_clean_data_and_fails_broken(capsys):
    assert run(capsys, "check", MINI)[0] == 0
    code, _, err = run(capsys, "check", str(FIXTURES / "bad"))
    assert code == 1 and "broken.yaml" in err


@pytest.mark.slow
def test_check_with_dictionaries(capsys):
    code, _, err = run(capsys, "check", "--dictionaries")
    assert code == 0, err


def test_report(capsys):
    code, out, _ = run(capsys, "report", MINI)
    assert code == 0 and json.loads(out)["entries"] == 14
