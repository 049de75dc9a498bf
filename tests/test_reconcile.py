"""The reconciliation API, every kind of reply validated against the official W3C JSON Schemas."""

import json
from pathlib import Path

import pytest
from jsonschema import Draft7Validator
from referencing import Registry, Resource

# Copied from the W3C reconciliation-api/specs repository (see fixtures/reconciliation-schemas/README.md):
# the tests read nothing outside the project, so none skips in a fresh clone.
SCHEMAS = Path(__file__).resolve().parent / "fixtures" / "reconciliation-schemas"


def _registry(version: str) -> tuple[Registry, dict]:
    """Every schema of one version folder, keyed by its $id (trailing '#' stripped), as the README says."""
    docs = {}
    resources = []
    for f in sorted((SCHEMAS / version).glob("*.json")):
        doc = json.loads(f.read_text(encoding="utf-8"))
        docs[f.name] = doc
        resources.append((doc["$id"].rstrip("#"), Resource.from_contents(doc, default_specification=_draft7())))
    return Registry().with_resources(resources), docs


def _draft7():
    from referencing.jsonschema import DRAFT7

    return DRAFT7


def validate(version: str, schema_file: str, instance) -> None:
    registry, docs = _registry(version)
    Draft7Validator(docs[schema_file], registry=registry).validate(instance)


@pytest.fixture(scope="module")
def rc():
    from service import create_app

    return create_app({"TESTING": True}).test_client()  # the curated glossary, as OpenRefine would see it


def _jsonp(response, callback="cb"):
    text = response.get_data(as_text=True)
    assert response.mimetype == "application/javascript"
    assert text.startswith(callback + "(") and text.endswith(");")
    return json.loads(text[len(callback) + 1 : -2])


QUERIES = {"q0": {"query": "Kishida Fumio"}, "q1": {"query": "岸田文雄", "type": "person"},
           "q2": {"query": "Diaoyutai", "limit": 3},
           "q3": {"query": "Kitamura", "properties": [{"pid": "role", "v": "National Security Secretariat"}]},
           "q4": {"query": "asdfghjkl"}}


def test_our_test_queries_are_valid_batches():
    validate("0.2", "reconciliation-query-batch.json", QUERIES)


@pytest.mark.parametrize("how", ["get", "post", "jsonp"])
def test_manifest(rc, how):
    if how == "get":
        body = rc.get("/v1/reconcile").get_json()
    elif how == "post":
        body = rc.post("/v1/reconcile").get_json()
    else:
        body = _jsonp(rc.get("/v1/reconcile?callback=cb"))
    validate("0.2", "manifest.json", body)
    assert {t["id"] for t in body["defaultTypes"]} >= {"person", "place", "organization", "event"}


@pytest.mark.parametrize("how", ["get", "post", "jsonp"])
def test_query_batch(rc, how):
    payload = json.dumps(QUERIES)
    if how == "get":
        body = rc.get("/v1/reconcile", query_string={"queries": payload}).get_json()
    elif how == "post":
        body = rc.post("/v1/reconcile", data={"queries": payload}).get_json()
    else:
        body = _jsonp(rc.post("/v1/reconcile", data={"queries": payload, "callback": "cb"}))
    validate("0.2", "reconciliation-result-batch.json", body)
    assert body["q0"]["result"][0]["id"] == "kishida-fumio" and body["q0"]["result"][0]["match"] is True
    assert body["q1"]["result"][0]["id"] == "kishida-fumio"
    assert body["q2"]["result"][0]["id"] == "senkaku-islands"
    assert body["q4"]["result"] == []
    kitamura = body["q3"]["result"]
    # the role property breaks the tie, but a surname alone is never a certain match
    assert kitamura[0]["id"] == "kitamura-shigeru" and not any(c["match"] for c in kitamura)


def test_match_only_when_unambiguous(rc):
    body = rc.post("/v1/reconcile", data={"queries": json.dumps({"a": {"query": "Kitamura"}})}).get_json()
    assert {c["id"] for c in body["a"]["result"]} == {"kitamura-shigeru", "kitamura-tomoo"}
    assert not any(c["match"] for c in body["a"]["result"])


def test_scores_sort_as_lookup_does(rc):
    from glossary import default_glossary

    for q in ["Kitamura", "钓鱼岛", "Kishda Fumio", "Hiroshima", "Li"]:
        body = rc.get("/v1/reconcile", query_string={"queries": json.dumps({"x": {"query": q, "limit": 5}})}).get_json()
        ours = [c["id"] for c in body["x"]["result"]]
        assert ours == [m.entry.id for m in default_glossary().lookup(q, limit=5)]
        scores = [c["score"] for c in body["x"]["result"]]
        assert scores == sorted(scores, reverse=True)


def test_type_filter(rc):
    body = rc.get("/v1/reconcile", query_string={"queries": json.dumps({"x": {"query": "Hiroshima", "type": "event"}})})
    assert body.get_json()["x"]["result"] == []


@pytest.mark.parametrize("kind, schema", [("entity", "suggest-entities-response.json"),
                                          ("type", "suggest-types-response.json"),
                                          ("property", "suggest-properties-response.json")])
@pytest.mark.parametrize("jsonp", [False, True])
def test_suggest(rc, kind, schema, jsonp):
    prefix = {"entity": "kishi", "type": "pe", "property": "na"}[kind]
    url = f"/v1/reconcile/suggest/{kind}?prefix={prefix}" + ("&callback=cb" if jsonp else "")
    response = rc.get(url)
    body = _jsonp(response) if jsonp else response.get_json()
    validate("0.2", schema, body)
    assert body["result"]


def test_suggest_entity_finds_every_script(rc):
    for prefix in ["Kishida", "岸田", "きしだ", "Àntián"]:
        ids = [r["id"] for r in rc.get("/v1/reconcile/suggest/entity", query_string={"prefix": prefix}).get_json()["result"]]
        assert "kishida-fumio" in ids, prefix


@pytest.mark.parametrize("how", ["get", "post", "jsonp"])
def test_data_extension(rc, how):
    query = {"ids": ["kishida-fumio", "senkaku-islands", "no-such-id"],
             "properties": [{"id": p} for p in ("name_en", "name_zh-Hans", "name_zh-Hant", "name_ja", "kana",
                                                 "pinyin", "hepburn", "type", "description")]}
    validate("0.2", "data-extension-query.json", query)
    if how == "get":
        body = rc.get("/v1/reconcile", query_string={"extend": json.dumps(query)}).get_json()
    elif how == "post":
        body = rc.post("/v1/reconcile", data={"extend": json.dumps(query)}).get_json()
    else:
        body = _jsonp(rc.get("/v1/reconcile", query_string={"extend": json.dumps(query), "callback": "cb"}))
    validate("0.2", "data-extension-response.json", body)
    row = body["rows"]["kishida-fumio"]
    assert row["name_ja"] == [{"str": "岸田文雄"}] and row["kana"] == [{"str": "きしだ ふみお"}]
    assert row["pinyin"] == [{"str": "Àntián Wénxióng"}] and row["hepburn"] == [{"str": "Kishida Fumio"}]
    assert body["rows"]["no-such-id"]["name_en"] == []


def test_propose_properties(rc):
    body = rc.get("/v1/reconcile/extend/propose?type=person").get_json()
    validate("0.2", "data-extension-property-proposal.json", body)


def test_preview_and_view(rc):
    page = rc.get("/v1/reconcile/preview?id=xi-jinping").get_data(as_text=True)
    assert "習近平" in page and "习近平" in page and "Xí Jìnpíng" in page and "<script" not in page
    assert rc.get("/v1/reconcile/preview?id=nope").status_code == 404
    view = rc.get("/v1/reconcile").get_json()["view"]["url"].replace("{{id}}", "xi-jinping")
    assert rc.get(view.replace("http://localhost", "")).get_json()["id"] == "xi-jinping"


def test_cors_everywhere_including_preflight(rc):
    for path in ["/v1/reconcile", "/v1/reconcile/suggest/entity?prefix=x", "/v1/lookup?q=Xi", "/v1/health"]:
        response = rc.get(path, headers={"Origin": "https://openrefine.example"})
        assert response.headers["Access-Control-Allow-Origin"] in ("*", "https://openrefine.example")
    preflight = rc.options("/v1/reconcile", headers={"Origin": "https://openrefine.example",
                                                     "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 200 and "POST" in preflight.headers["Access-Control-Allow-Methods"]


def test_draft_match(rc):
    query = {"queries": [{"conditions": [{"matchType": "name", "propertyValue": "Abe Shinzou"}]},
                         {"type": "place", "conditions": [{"matchType": "name", "propertyValue": "钓鱼岛"}],
                          "limit": 2}]}
    validate("1.0-draft", "reconciliation-query-batch.json", query)
    body = rc.post("/v1/reconcile/draft/match", json=query).get_json()
    validate("1.0-draft", "reconciliation-result-batch.json", body)
    assert body["results"][0]["candidates"][0]["id"] == "abe-shinzo"
    assert body["results"][1]["candidates"][0]["id"] == "senkaku-islands"
    validate("1.0-draft", "manifest.json", rc.get("/v1/reconcile/draft").get_json())


BAD = [
    ("get", "/v1/reconcile?queries={not json", 400),
    ("get", "/v1/reconcile?queries=[1,2]", 400),
    ("get", '/v1/reconcile?queries={"q":{"query":""}}', 400),
    ("get", '/v1/reconcile?queries={"q":{"query":"x","limit":-1}}', 400),
    ("get", '/v1/reconcile?queries={"q":{"query":"x"}}&callback=alert(1)', 400),
    ("get", "/v1/reconcile?extend={}", 400),
    ("get", "/v1/reconcile/suggest/entity?prefix=x&limit=lots", 400),
    ("post", "/v1/reconcile/draft/match", 400),
]


@pytest.mark.parametrize("method, path, status", BAD)
def test_bad_requests_get_problems(rc, method, path, status):
    response = getattr(rc, method)(path)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json" and response.get_json()["status"] == status


def test_batch_limit(rc):
    batch = {f"q{i}": {"query": "x"} for i in range(1001)}
    response = rc.post("/v1/reconcile", data={"queries": json.dumps(batch)})
    assert response.status_code == 413 and response.get_json()["limit"]["name"] == "MAX_BATCH_QUERIES"


def test_schemas_ship_with_the_tests():
    """Item 16: the official schemas live in tests/fixtures, so no reconciliation test skips anywhere."""
    for version in ("0.2", "1.0-draft"):
        names = {f.name for f in (SCHEMAS / version).glob("*.json")}
        assert {"manifest.json", "reconciliation-query-batch.json", "reconciliation-result-batch.json"} <= names
