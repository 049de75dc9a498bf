"""The store's record codec (glossary/compiled.py): what to_record writes, from_record gives back, in both formats."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glossary.compiled import VERSION, compile_entry, from_record, to_record
from glossary.model import Entry, Variant

BASE = Entry(id="zq-test", type="person", description="A test person.",
             names={"en": "Zq Tester", "ja": "試験太郎", "zh-Hans": "试验"}, family_name={"en": "Tester"},
             details={"country": ["JP"], "roles": [{"role": "tester", "from": "2001"}]}, source="people.yaml",
             revision=3)

# (id, compiled variants): each row exercises one part of the compact row (defaults trimmed, flags, tails).
VARIANT_ROWS = [
    pytest.param([(Variant("Zq Tester", "en", "name"), "zq tester")], id="all-defaults"),
    pytest.param([(Variant("ZQT", "en", "abbreviation", case_sensitive=True), "zqt")], id="case-sensitive"),
    pytest.param([(Variant("Tester", "en", "short", standalone=False), "tester")], id="not-standalone"),
    pytest.param([(Variant("Zq", "en", "short", preferred=True, in_text=False), "zq")], id="preferred-not-in-text"),
    pytest.param([(Variant("試験", "zh-Hant", "alias", origin="derived", derived_from="试验", method="opencc-s2t"),
                   "试验")], id="derived"),
    pytest.param([(Variant("Zq", "en", "alias", used_by=("a", "b"), ambiguous_with=("zq-other",),
                           context=("Mr",), note="a note"), "zq")], id="tuples-and-note"),
    pytest.param([(Variant("Zq", "en", "alias", note=""), "zq")], id="empty-note-kept"),
    pytest.param([(Variant("", "en", "alias"), "")], id="keyless"),
    pytest.param([], id="no-variants"),
]


@pytest.mark.parametrize("compiled", VARIANT_ROWS)
def test_round_trip(compiled):
    entry = Entry(**{**BASE.__dict__, "variants": tuple(v for v, _ in compiled)})
    again, again_compiled, place = from_record(to_record(entry, compiled, 7))
    assert (again, again_compiled, place) == (entry, compiled, (1, "people.yaml", 7))
    assert json.loads(to_record(entry, compiled))["v"] == VERSION  # plain JSON, with its format


def test_curated_variants_are_the_compiled_objects_when_equal():
    entry = Entry(**{**BASE.__dict__, "variants": (Variant("Zq T", "en", "alias"),)})
    again, compiled, _ = from_record(to_record(entry, compile_entry(entry)))
    assert again.variants[0] is next(v for v, _ in compiled if v == again.variants[0])


def test_a_curated_variant_unlike_every_compiled_one_is_written_whole():
    # derive.py makes a curated variant named in needs_context not standalone: the two differ
    curated = Variant("Zq", "en", "alias")
    entry = Entry(**{**BASE.__dict__, "variants": (curated,)})
    compiled = [(curated._replace(standalone=False), "zq")]
    record = to_record(entry, compiled)
    assert isinstance(json.loads(record)["curated"][0], list)
    assert from_record(record)[:2] == (entry, compiled)


def test_equal_strings_of_a_record_are_one_object():
    again, compiled, _ = from_record(to_record(BASE, compile_entry(BASE)))
    by_name = {v.name: v for v, _ in compiled}
    assert by_name["Zq Tester"].name is again.names["en"]
    assert again.names["ja"] is not None and by_name["試験太郎"].name is again.names["ja"]
    short = next(v for v, _ in compiled if v.method and v.method.startswith("family-name"))
    assert short.derived_from is again.names["en"]


# A record as format 1 wrote it (before "v"): stores written then must still load, unchanged.
FORMAT_1 = (
    '{"entry":{"id":"zq-old","type":"place","description":"An old record.","names":{"en":"Zq Town",'
    '"zh-Hans":"曾镇"},"family_name":{},"overrides":{},"details":{"country":["CN"]},"source":"places.yaml",'
    '"revision":2,"position":5,"created":4},'
    '"curated":[["Zq Burg","en","alias","curated",true,false,["x"],[],false,[],true,null,null,"n"]],'
    '"variants":[["Zq Town","en","name","curated",true,false,[],[],false,[],true,null,null,null,"zq town"],'
    '["Zq Burg","en","alias","curated",true,false,["x"],[],false,[],true,null,null,"n","zq burg"],'
    '["曾鎮","zh-Hant","alias","derived",true,false,[],[],false,[],true,"曾镇","opencc-s2t",null,"曾镇"]]}'
)


def test_format_1_records_still_load():
    entry, compiled, place = from_record(FORMAT_1)
    burg = Variant("Zq Burg", "en", "alias", used_by=("x",), note="n")
    assert entry == Entry(id="zq-old", type="place", description="An old record.",
                          names={"en": "Zq Town", "zh-Hans": "曾镇"}, variants=(burg,),
                          details={"country": ["CN"]}, source="places.yaml", revision=2)
    assert compiled == [(Variant("Zq Town", "en", "name"), "zq town"), (burg, "zq burg"),
                        (Variant("曾鎮", "zh-Hant", "alias", origin="derived", derived_from="曾镇",
                                 method="opencc-s2t"), "曾镇")]
    assert place == (4, "places.yaml", 5)
    assert from_record(to_record(entry, compiled, 5))[:2] == (entry, compiled)  # rewritten as format 2


def test_a_newer_format_is_refused_not_misread():
    record = json.loads(to_record(BASE, compile_entry(BASE)))
    record["v"] = VERSION + 1
    with pytest.raises(ValueError, match="newer"):
        from_record(json.dumps(record))


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
_opt = st.none() | _text
variants = st.builds(
    Variant, name=_text, lang=st.sampled_from(["en", "ja", "ja-Kana", "zh-Hans", "zh-Hant", "x-odd"]),
    kind=st.sampled_from(["name", "short", "alias", "romanization"]), origin=st.sampled_from(["curated", "derived"]),
    standalone=st.booleans(), case_sensitive=st.booleans(), used_by=st.lists(_text, max_size=2).map(tuple),
    ambiguous_with=st.lists(_text, max_size=2).map(tuple), preferred=st.booleans(),
    context=st.lists(_text, max_size=2).map(tuple), in_text=st.booleans(), derived_from=_opt, method=_opt,
    note=_opt)


@settings(max_examples=200, deadline=None)
@given(compiled=st.lists(st.tuples(variants, _text), max_size=6), curated=st.lists(variants, max_size=3),
       reuse=st.lists(st.integers(0, 5), max_size=3))
def test_round_trip_property(compiled, curated, reuse):
    own = tuple(curated) + tuple(compiled[i][0] for i in reuse if i < len(compiled))
    entry = Entry(**{**BASE.__dict__, "variants": own})
    assert from_record(to_record(entry, compiled, 2)) == (entry, compiled, (1, "people.yaml", 2))
