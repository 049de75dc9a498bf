"""Lookup answers remembered per snapshot (service/answers.py): the same bytes as a fresh answer, never older
than the data, never for a query that failed, and within their memory bound."""

from __future__ import annotations

import pytest

from service.answers import AnswerCache
from tests.conftest import FIXTURES

HU = {"id": "hu-jintao", "type": "person", "description": "President of China (2003–2013).",
      "names": {"en": "Hu Jintao", "zh-Hans": "胡锦涛"}, "country": "CN"}


def _app(tmp_path, **config):
    from service import create_app

    return create_app({"GLOSSARY_SEEDS": str(FIXTURES / "mini.yaml"), "GLOSSARY_DB": str(tmp_path / "g.db"),
                       "TESTING": True, "GLOSSARY_REFRESH_ON_WRITE": True, **config})


def _editor(app) -> dict:
    return {"Authorization": "Bearer " + app.extensions["store"].create_token("alice", "editor")}


QUERIES = [{"q": "Xi Jinping"}, {"q": "习近平", "variants": "curated"}, {"q": "Kishda Fumio"},
           {"q": "Senkaku", "limit": "1"}, {"q": "nobody at all"}, {"q": "Beijing", "type": "place"}]


@pytest.mark.parametrize("query", QUERIES, ids=[q["q"] for q in QUERIES])
def test_a_remembered_answer_is_the_answer_the_service_gives_without_the_cache(tmp_path, query):
    cached = _app(tmp_path / "a").test_client()
    plain = _app(tmp_path / "b", GLOSSARY_ANSWER_CACHE_BYTES=0).test_client()
    first, second = (cached.get("/v1/lookup", query_string=query) for _ in range(2))
    fresh = plain.get("/v1/lookup", query_string=query)
    assert first.status_code == second.status_code == fresh.status_code == 200
    assert first.data == second.data  # the very bytes
    assert second.headers["X-Data-Version"] == first.headers["X-Data-Version"] == second.get_json()["data_version"]
    answer, expected = second.get_json(), fresh.get_json()
    del answer["data_version"], expected["data_version"]  # each app's own store
    assert answer == expected
    answers = cached.application.extensions["answers"]
    assert (answers.hits, answers.misses) == (1, 1)
    assert plain.application.extensions["answers"] is None


def test_a_write_is_seen_at_once_by_a_query_answered_before_it(tmp_path):
    app = _app(tmp_path)
    client = app.test_client()
    assert client.get("/v1/lookup", query_string={"q": "Hu Jintao"}).get_json()["matches"] == []
    assert client.get("/v1/lookup", query_string={"q": "Hu Jintao"}).get_json()["matches"] == []
    assert client.post("/v1/entries", json=HU, headers=_editor(app)).status_code == 201
    found = client.get("/v1/lookup", query_string={"q": "Hu Jintao"}).get_json()
    assert [m["entry"]["id"] for m in found["matches"]][:1] == ["hu-jintao"]


@pytest.mark.parametrize("query", [{"q": ""}, {"q": "Xi", "limit": "0"}, {"q": "Xi", "variants": "some"},
                                   {"q": "Xi", "type": "planet"}, {"q": "x" * 5000}])
def test_a_query_that_fails_fails_every_time(tmp_path, query):
    client = _app(tmp_path).test_client()
    codes = {client.get("/v1/lookup", query_string=query).status_code for _ in range(3)}
    assert len(codes) == 1 and 400 <= codes.pop() < 500
    assert len(client.application.extensions["answers"]) == 0


def test_reference_answers_are_not_kept(tmp_path):
    client = _app(tmp_path).test_client()
    for _ in range(2):
        assert client.get("/v1/lookup", query_string={"q": "Xi Jinping", "reference": "true"}).status_code == 200
    assert len(client.application.extensions["answers"]) == 0


def test_the_cache_keeps_to_its_bound_and_drops_the_least_recently_used_first():
    snapshot = type("Snapshot", (), {})()  # any object that can be weakly referenced
    cache = AnswerCache(max_bytes=8_000)
    for n in range(100):
        cache.put(snapshot, f"q{n}", b"x" * 500) if cache.get(snapshot, f"q{n}") is None else None
        cache.get(snapshot, "q0")  # used again and again: stays
    assert cache._bytes <= 8_000
    assert cache.get(snapshot, "q0") is not None and cache.get(snapshot, "q1") is None
    cache.put(snapshot, "big", b"x" * 2_000)  # more than an eighth of the bound: not kept
    assert cache.get(snapshot, "big") is None
    other = type("Snapshot", (), {})()
    assert cache.get(other, "q0") is None and len(cache) == 0  # a new snapshot starts empty
