"""Loading seeds: all or nothing, with messages naming file, entry and field."""

import pytest

from glossary import SeedError, load_glossary
from glossary.seeds import load_seeds, parse_file
from tests.conftest import FIXTURES


def test_bad_file_is_rejected_whole_with_located_messages():
    with pytest.raises(SeedError) as info:
        load_seeds(FIXTURES / "bad" / "broken.yaml")
    text = str(info.value)
    problems = {(p.entry_id, p.field) for p in info.value.problems}
    assert ("Bad_Id", "id") in problems
    assert ("wrong-type", "type") in problems
    assert ("bad-variant", "variants.0.kind") in problems
    assert ("bad-lang", "names.chinese.key") in problems
    assert ("good-entry", "id") in problems  # the duplicate
    assert "broken.yaml" in text


ROWS = [
    pytest.param(b"- id: x\n  type: place\n", "description", id="missing-description"),
    pytest.param(b"- id: x\n  type: place\n  description: no english\n  names: {ja: x}\n", "names", id="no-en"),
    pytest.param(b"- id: x\n  type: place\n  description: typo field\n  names: {en: X}\n  nmes: {}\n",
                 "nmes", id="unknown-field"),
    pytest.param(b"- id: x\n  type: person\n  description: bad date\n  names: {en: X}\n  born: 1950-13\n",
                 "born", id="bad-date"),
    pytest.param(b"- id: x\n  type: person\n  description: bad family\n  names: {en: Ab Cd}\n"
                 b"  family_name: {en: Zz}\n", "family_name", id="family-not-in-name"),
    pytest.param(b"- id: x\n  type: place\n  description: bad country\n  names: {en: X}\n  country: Japan\n",
                 "country", id="country-not-iso"),
]


@pytest.mark.parametrize("raw, field", ROWS)
def test_field_errors(raw, field):
    entries, problems = parse_file("t.yaml", raw)
    assert not entries
    assert field in [p.field for p in problems]
    assert problems[0].entry_id == "x" and problems[0].file == "t.yaml"


@pytest.mark.parametrize("raw", [b"{a: 1}", b"- [unclosed", b"\xff\xfe", b"- just a string"])
def test_malformed_files(raw):
    entries, problems = parse_file("t.yaml", raw)
    assert not entries and problems


def test_yaml_scalars_stay_strings():
    raw = b"- id: norway\n  type: place\n  description: YAML 1.1 would read NO as false\n  names: {en: 'NO'}\n" \
          b"  country: NO\n  variants: [{name: NO, lang: en, kind: abbreviation}]\n"
    entries, problems = parse_file("t.yaml", raw)
    assert not problems
    assert entries[0].details["country"] == ["NO"]
    assert entries[0].variants[0].name == "NO"


def test_version_is_a_content_hash(tmp_path):
    (tmp_path / "a.yaml").write_bytes((FIXTURES / "mini.yaml").read_bytes())
    v1 = load_glossary(tmp_path).version
    (tmp_path / "a.yaml").write_bytes((FIXTURES / "mini.yaml").read_bytes() + b"\n# changed\n")
    assert load_glossary(tmp_path).version != v1


def test_empty_directory_is_an_error(tmp_path):
    with pytest.raises(SeedError):
        load_seeds(tmp_path)


def test_a_dangling_see_also_stops_the_load(tmp_path):
    """#12 item 19: the loader runs the same reference check as `check`: a see_also to nothing is not served."""
    from tests.conftest import FIXTURES

    text = (FIXTURES / "mini.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("  country: CN\n", "  country: CN\n  see_also: [no-such-entry]\n", 1), encoding="utf-8")
    with pytest.raises(SeedError, match="see_also.*unknown entry id 'no-such-entry'"):
        load_seeds(bad)


def test_a_missing_seed_directory_is_named_as_missing(tmp_path):
    with pytest.raises(SeedError, match="no such seed directory or file"):
        load_seeds(tmp_path / "nope")
    with pytest.raises(SeedError, match="no \\*.yaml seed files in this directory"):
        load_seeds(tmp_path)
