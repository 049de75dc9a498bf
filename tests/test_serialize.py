"""Lookup answers built from cached entry JSON equal what the response schemas dump."""

import json

import pytest

from glossary.index import Glossary
from service.schemas import LookupResult
from service.serialize import entry_json, lookup_json, match_dict

QUERIES = [
    # query, variants: one row per kind of answer
    pytest.param("Shinzou Abe", "all", id="exact-all-variants"),
    pytest.param("Kitamura", "curated", id="ambiguous-curated"),
    pytest.param("Kishda Fumio", "none", id="fuzzy-no-variants"),
    pytest.param("钓鱼岛", "all", id="han"),
    pytest.param("asdfghjkl", "all", id="no-match"),
    pytest.param('"quoted" \\ name', "all", id="needs-escaping"),
]


@pytest.mark.parametrize("query, variants", QUERIES)
def test_lookup_json_equals_the_schema_dump(mini, query, variants):
    matches = mini.lookup(query)
    dumped = LookupResult().dump({"query": query, "matches": [match_dict(mini, m, variants) for m in matches]})
    # What Flask's JSON provider sent for the dump (compact, key order kept, UTF-8), character for character.
    flask_text = json.dumps(dumped, ensure_ascii=False, separators=(",", ":"))
    assert lookup_json(mini, query, matches, variants).decode() == flask_text
    assert lookup_json(mini, query, matches, variants).decode() == flask_text  # the second time from the cache


def test_reference_and_data_version_fields_equal_the_schema_dump(mini):
    matches = mini.lookup("Kitamura")
    reference = [{"source": "jmnedict", "attribution": "JMnedict (EDRDG), CC BY-SA 4.0", "licence": "CC BY-SA 4.0",
                  "form": "北村", "lang": "ja", "reading": "きたむら", "romanized": "Kitamura",
                  "types": ["surname"], "gloss": "Kitamura"}]
    for found in (reference, []):
        dumped = LookupResult().dump({"query": "Kitamura", "matches": [match_dict(mini, m, "none") for m in matches],
                                      "reference": found, "data_version": "v-1"})
        flask_text = json.dumps(dumped, ensure_ascii=False, separators=(",", ":"))
        assert lookup_json(mini, "Kitamura", matches, "none", reference=found, data_version="v-1").decode() == \
            flask_text


def test_entry_cache_is_bounded_and_per_glossary(mini):
    cache = entry_json(mini)
    assert entry_json(mini) is cache
    other = Glossary(mini.entries.values(), version="other")
    assert entry_json(other) is not cache  # each snapshot has its own: a write's new snapshot starts empty
    entries = list(mini.entries.values())
    small = type(cache)(mini, size=2)
    for e in entries[:5]:
        small(e, "all")
    assert len(small._cache) == 2
