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
def rc(curated):
    from service import create_app

    # the curated glossary, as OpenRefine would see it (served as given: no store)
    return create_app({"TESTING": True, "GLOSSARY": curated}).test_client()


def _jsonp(response, callback="cb"):
    text = response.get_data(as_text=True)
    assert response.mimetype == "application/javascript"
    assert text.startswith("/**/" + callback + "(") and text.endswith(");")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    return json.loads(text[len(callback) + 5 : -2])


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
    assert {c["id"] for c in body["a"]["result"]} >= {"kitamura-shigeru", "kitamura-tomoo"}
    assert not any(c["match"] for c in body["a"]["result"])


def test_scores_sort_as_lookup_does(rc, curated):
    for q in ["Kitamura", "钓鱼岛", "Kishda Fumio", "Hiroshima", "Li"]:
        body = rc.get("/v1/reconcile", query_string={"queries": json.dumps({"x": {"query": q, "limit": 5}})}).get_json()
        ours = [c["id"] for c in body["x"]["result"]]
        assert ours == [m.entry.id for m in curated.lookup(q, limit=5)]
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
    assert rc.get(view.replace("http://127.0.0.1:8000", "")).get_json()["id"] == "xi-jinping"


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
    ("post", "/v1/reconcile/draft/match", 415),  # no body: the draft takes JSON, like the v1 API
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


# -- #12 items 1-3, 5, 9: hostile reconciliation requests get a 4xx problem, never a 500 ---------------------

DEEP = "[" * 100_000 + "]" * 100_000
SURROGATE_KEY = '{"\\udc00": {"query": "x"}}'
HOSTILE = [
    # item 1: every blueprint parses JSON through the one guard
    ("draft-deeply-nested", "post", "/v1/reconcile/draft/match", {"data": DEEP, "content_type": "application/json"}, 400),
    ("draft-nested-objects", "post", "/v1/reconcile/draft/match",
     {"data": '{"a":' * 50_000 + "1" + "}" * 50_000, "content_type": "application/json"}, 400),
    ("draft-40-levels", "post", "/v1/reconcile/draft/match",
     {"data": '{"queries":' + "[" * 40 + "]" * 40 + "}", "content_type": "application/json"}, 400),
    ("queries-deeply-nested", "post", "/v1/reconcile", {"data": {"queries": '{"q":' * 5000 + "1" + "}" * 5000}}, 400),
    # item 2: lone surrogates that would be echoed back
    ("surrogate-query-key-get", "get", "/v1/reconcile", {"query_string": {"queries": SURROGATE_KEY}}, 400),
    ("surrogate-query-key-post", "post", "/v1/reconcile", {"data": {"queries": SURROGATE_KEY}}, 400),
    ("surrogate-query-key-jsonp", "get", "/v1/reconcile", {"query_string": {"queries": SURROGATE_KEY, "callback": "cb"}}, 400),
    ("surrogate-extend-id", "get", "/v1/reconcile",
     {"query_string": {"extend": '{"ids": ["\\udc00"], "properties": [{"id": "name_en"}]}'}}, 400),
    ("surrogate-property-value", "get", "/v1/reconcile",
     {"query_string": {"queries": '{"q": {"query": "x", "properties": [{"pid": "role", "v": "\\ud800"}]}}'}}, 400),
    ("surrogate-draft-key", "post", "/v1/reconcile/draft/match",
     {"data": '{"queries": [], "\\udc00": 1}', "content_type": "application/json"}, 400),
    # item 3: malformed properties
    ("pid-list", "get", "/v1/reconcile", {"query_string": {"queries": '{"q": {"query": "x", "properties": [{"pid": [1], "v": "a"}]}}'}}, 400),
    ("pid-object", "get", "/v1/reconcile", {"query_string": {"queries": '{"q": {"query": "x", "properties": [{"pid": {"a": 1}, "v": "a"}]}}'}}, 400),
    ("properties-5", "get", "/v1/reconcile", {"query_string": {"queries": '{"q": {"query": "x", "properties": 5}}'}}, 400),
    ("properties-true", "get", "/v1/reconcile", {"query_string": {"queries": '{"q": {"query": "x", "properties": true}}'}}, 400),
    ("v-nested-list", "get", "/v1/reconcile", {"query_string": {"queries": '{"q": {"query": "x", "properties": [{"pid": "born", "v": [[1]]}]}}'}}, 400),
    ("v-object-without-id", "get", "/v1/reconcile", {"query_string": {"queries": '{"q": {"query": "x", "properties": [{"pid": "country", "v": {"x": 1}}]}}'}}, 400),
    ("type-number", "get", "/v1/reconcile", {"query_string": {"queries": '{"q": {"query": "x", "type": 5}}'}}, 400),
    ("query-not-object", "get", "/v1/reconcile", {"query_string": {"queries": '{"q": 5}'}}, 400),
    ("limit-bool", "get", "/v1/reconcile", {"query_string": {"queries": '{"q": {"query": "x", "limit": true}}'}}, 400),
    ("extend-ids-numbers", "get", "/v1/reconcile", {"query_string": {"extend": '{"ids": [1], "properties": []}'}}, 400),
    ("extend-properties-strings", "get", "/v1/reconcile", {"query_string": {"extend": '{"ids": ["x"], "properties": ["name_en"]}'}}, 400),
    ("draft-propertyId-list", "post", "/v1/reconcile/draft/match",
     {"json": {"queries": [{"conditions": [{"matchType": "name", "propertyValue": "Abe"},
                                          {"matchType": "property", "propertyId": ["x"], "propertyValue": "JP"}]}]}}, 400),
    ("draft-conditions-not-list", "post", "/v1/reconcile/draft/match", {"json": {"queries": [{"conditions": 5}]}}, 400),
    ("draft-value-object", "post", "/v1/reconcile/draft/match",
     {"json": {"queries": [{"conditions": [{"matchType": "name", "propertyValue": {"name": 5}}]}]}}, 400),
    # item 5: every string has a limit, property values included
    ("property-value-150k", "post", "/v1/reconcile",
     {"data": {"queries": json.dumps({"q": {"query": "Kishida", "properties": [{"pid": "role", "v": "o" + "h" * 150_000}]}})}}, 413),
    ("too-many-property-values", "post", "/v1/reconcile",
     {"data": {"queries": json.dumps({"q": {"query": "Kishida", "properties": [{"pid": "role", "v": ["x"] * 21}]}})}}, 413),
    ("too-many-properties", "post", "/v1/reconcile",
     {"data": {"queries": json.dumps({"q": {"query": "Kishida", "properties": [{"pid": "role", "v": "x"}] * 21}})}}, 413),
    ("suggest-type-too-long", "get", "/v1/reconcile/suggest/entity", {"query_string": {"prefix": "x", "type": "t" * 201}}, 400),
    ("pid-too-long", "get", "/v1/reconcile", {"query_string": {"queries": json.dumps({"q": {"query": "x", "properties": [{"pid": "p" * 201, "v": "a"}]}})}}, 400),
    ("batch-key-too-long", "get", "/v1/reconcile", {"query_string": {"queries": json.dumps({"k" * 201: {"query": "x"}})}}, 400),
    ("extend-id-too-long", "get", "/v1/reconcile", {"query_string": {"extend": json.dumps({"ids": ["i" * 201], "properties": []})}}, 400),
    ("draft-value-too-long", "post", "/v1/reconcile/draft/match",
     {"json": {"queries": [{"conditions": [{"matchType": "name", "propertyValue": "x" * 501}]}]}}, 413),
    ("suggest-prefix-too-long", "get", "/v1/reconcile/suggest/entity", {"query_string": {"prefix": "x" * 501}}, 413),
]


@pytest.mark.parametrize("name, method, path, kwargs, status", HOSTILE, ids=[row[0] for row in HOSTILE])
def test_hostile_reconciliation_gets_a_4xx_problem(rc, name, method, path, kwargs, status):
    response = getattr(rc, method)(path, **kwargs)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["detail"]
    assert len(response.get_data()) < 5000  # echoed input is truncated


def test_draft_query_without_a_name_has_no_candidates(rc):
    query = {"queries": [{"conditions": [{"matchType": "property", "propertyId": "born", "propertyValue": 1954}]}]}
    assert rc.post("/v1/reconcile/draft/match", json=query).get_json() == {"results": [{"candidates": []}]}


def test_malformed_property_names_the_field(rc):
    body = rc.get("/v1/reconcile", query_string={"queries": '{"q": {"query": "x", "properties": [{"pid": [1], "v": "a"}]}}'}).get_json()
    assert body["errors"] == {"q": {"properties": {"0": {"pid": ["Not a valid string."]}}}}


def test_property_values_of_every_json_type_are_accepted(rc):
    props = [{"pid": "born", "v": 1954}, {"pid": "born", "v": 1954.0}, {"pid": "country", "v": {"id": "JP"}},
             {"pid": "country", "v": ["JP", {"id": "JP", "name": "Japan"}]}, {"pid": "lang", "v": True}]
    queries = {"q": {"query": "Abe Shinzo", "properties": props, "type": ["person"]}}
    validate("0.2", "reconciliation-query-batch.json", queries)
    body = rc.get("/v1/reconcile", query_string={"queries": json.dumps(queries)}).get_json()
    assert body["q"]["result"][0]["id"] == "abe-shinzo"
    assert {f["id"]: f["value"] for f in body["q"]["result"][0]["features"]} == {"born": True, "country": True,
                                                                                 "lang": False}


def test_a_slow_batch_stops_at_its_deadline():
    """Item 9: work past the request's deadline stops and answers 503 problem details."""
    from service import create_app
    from tests.conftest import FIXTURES

    app = create_app({"TESTING": True, "MAX_REQUEST_MS": 1, "GLOSSARY_SEEDS": str(FIXTURES / "mini.yaml")})
    client = app.test_client()
    batch = {f"q{i}": {"query": "Kishida Fumio", "properties": [{"pid": "country", "v": "Japan"}]} for i in range(1000)}
    response = client.post("/v1/reconcile", data={"queries": json.dumps(batch)})
    assert response.status_code == 503 and response.mimetype == "application/problem+json"
    assert "GLOSSARY_MAX_REQUEST_MS" in response.get_json()["detail"]
    response = client.post("/v1/lookup", json={"queries": [{"q": "Kishda Fumio"}] * 1000})
    assert response.status_code == 503
    response = client.post("/v1/normalize", json={"texts": ["Xi Jinping met Fumio Kishida. " * 300] * 100})
    assert response.status_code == 503


def test_manifest_urls_come_from_configuration_not_the_host_header():
    """#12 item 15: a forged Host header must not change the URLs OpenRefine is told to call."""
    from service import create_app
    from tests.conftest import FIXTURES

    app = create_app({"GLOSSARY_SEEDS": str(FIXTURES / "mini.yaml"), "PUBLIC_URL": "https://glossary.example.org/"})
    client = app.test_client()
    for path in ("/v1/reconcile", "/v1/reconcile/draft"):
        body = client.get(path, headers={"Host": "evil.example"}).get_data(as_text=True)
        assert "evil.example" not in body and "https://glossary.example.org/v1/entries/{{id}}" in body


def test_html_pages_have_a_content_security_policy(rc):
    for path in ("/v1/reconcile/preview?id=xi-jinping", "/docs"):
        response = rc.get(path)
        assert response.mimetype == "text/html"
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_bad_extend_beside_queries_is_not_ignored(rc):
    """schemathesis: extend was not checked when queries came with it."""
    response = rc.get("/v1/reconcile", query_string={"queries": "{}", "extend": '{"ids": [""], "properties": []}'})
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
