"""The README says what the service does: its score table and claims are run against the curated glossary."""

import re
from pathlib import Path

import pytest

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _score_rows() -> list[tuple[str, str, float, float]]:
    """(method, example, low, high) for every example of the score table."""
    rows = []
    for method, scores, examples in re.findall(r"^\| (\w+) \| [^|]+ \| ([\d.–/ ]+) \| (.+) \|$", README, re.M):
        for score, example in zip(scores.split(" / "), examples.split(" / "), strict=True):
            low, _, high = score.strip().partition("–")
            rows.append((method, example.strip().strip("`"), float(low), float(high or low)))
    return rows


def test_the_table_has_an_example_per_row():
    assert len(_score_rows()) == 7


@pytest.mark.parametrize("method, example, low, high", _score_rows())
def test_score_table(curated, method, example, low, high):
    """#12 item 20: the table said "Xi Jin Ping" was a compact match (it is an exact one)."""
    top = curated.lookup(example, limit=1)[0]
    assert top.method == method and low <= top.score <= high, (top.method, top.score)


def test_short_forms_and_abbreviations(curated):
    assert "A context-only short form (`Kishida`) scores 0.8 of these (0.776)" in README
    assert round(curated.lookup("Kishida", limit=1)[0].score, 3) == 0.776
    assert "`US` is the United States, `us` finds nothing" in README
    assert curated.lookup("US", limit=1)[0].entry.id == "united-states"
    assert curated.lookup("us") == []
