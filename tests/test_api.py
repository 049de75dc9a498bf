"""The v1 API over the test glossary: contract (openapi.yaml), happy paths, and hostile input."""

import json
import re

import pytest

from service.openapi import generate
from tests.openapi_contract import SPEC_PATH, assert_matches_spec

PROBLEM_KEYS = {"type", "title", "status", "detail", "instance", "request_id"}


def test_committed_openapi_is_generated_from_the_code():
    assert SPEC_PATH.read_text(encoding="utf-8") == generate(), "run `make openapi` and commit openapi.yaml"


def test_openapi_document_is_valid():
    import yaml
    from openapi_spec_validator import validate

    validate(yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8")))


OK = [
    # method, path, body
    ("get", "/v1/health", None),
    ("get", "/v1/lookup?q=Abe%20Shinz%C5%8D", None),
    ("get", "/v1/lookup?q=Kitamura&type=person&limit=3&variants=curated", None),
    ("get", "/v1/lookup?q=asdfghjkl", None),
    ("post", "/v1/lookup", {"queries": [{"q": "钓鱼岛"}, {"q": "Hsi Chin-p'ing", "limit": 1}], "variants": "none"}),
    ("post", "/v1/normalize", {"texts": ["Xi Jinping met Fumio Kishida. Kishida said so."], "target": "zh-Hans"}),
    ("post", "/v1/normalize", {"texts": ["Kitamura said 🇯🇵 x"], "mode": "mentions", "offsets": "utf16"}),
    ("get", "/v1/entries?type=person&page=1&per_page=2", None),
    ("get", "/v1/entries?q=kishida", None),
    ("get", "/v1/entries/senkaku-islands", None),
    ("post", "/v1/romanize", {"text": "习近平", "lang": "zh"}),
    ("post", "/v1/romanize", {"text": "とうきょう"}),
]


@pytest.mark.parametrize("method, path, body", OK)
def test_answers_match_the_contract(client, method, path, body):
    response = getattr(client, method)(path, json=body) if body is not None else getattr(client, method)(path)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert_matches_spec(path, method, response)


def test_health(client):
    body = client.get("/v1/health").get_json()
    assert body["status"] == "ok" and body["entries"] == 14 and body["variants"] > body["entries"]
    assert len(body["data_version"]) == 12


def test_entry_roles_keep_their_dates(client):
    body = client.get("/v1/entries/xi-jinping").get_json()
    assert body["roles"][0]["from"] == "2012-11"


def test_lookup_answer(client):
    body = client.get("/v1/lookup", query_string={"q": "Shinzou Abe"}).get_json()
    top = body["matches"][0]
    assert body["query"] == "Shinzou Abe"
    assert top["entry"]["id"] == "abe-shinzo" and top["matched"] == "Shinzou Abe"
    assert top["method"] == "exact" and 0 < top["score"] <= 1
    derived = [v for v in top["entry"]["variants"] if v["origin"] == "derived"]
    assert derived and all(v["method"] for v in derived)


def test_batch_lookup_keeps_order(client):
    queries = [{"q": q} for q in ("Diaoyutai", "nothing-like-this", "安倍晋三")]
    results = client.post("/v1/lookup", json={"queries": queries}).get_json()["results"]
    assert [r["query"] for r in results] == ["Diaoyutai", "nothing-like-this", "安倍晋三"]
    assert [bool(r["matches"]) for r in results] == [True, False, True]


def test_normalize_answer(client):
    text = "Shinzō Abe met Xi in BEIJING."
    body = client.post("/v1/normalize", json={"texts": [text], "target": "ja"}).get_json()
    result = body["results"][0]
    assert result["text"] == "安倍晋三 met 習近平 in 北京."
    for m in result["mentions"]:
        assert text[m["start"] : m["end"]] == m["surface"]


def test_request_id_is_echoed(client):
    response = client.get("/v1/health", headers={"X-Request-ID": "abc-123"})
    assert response.headers["X-Request-ID"] == "abc-123"


@pytest.mark.parametrize("given", ["a b", "x" * 65, "a\tb", "ü"])
def test_request_ids_admit_no_spaces(client, given):
    """#12 item 15: a caller's request id is logged and echoed: only a plain token is kept."""
    response = client.get("/v1/health", headers={"X-Request-ID": given})
    assert response.headers["X-Request-ID"] != given and len(response.headers["X-Request-ID"]) == 32


@pytest.mark.parametrize("method, path, body, status, versioned", [
    ("GET", "/v1/lookup?q=Xi", None, 200, True),
    ("GET", "/v1/lookup?q=Xi&limit=abc", None, 422, False),
    ("GET", "/v1/nope", None, 404, False),
    ("POST", "/v1/normalize", "not json", 415, False),
    ("POST", "/v1/normalize", {"texts": ["Xi Jinping"]}, 200, True),
    ("GET", "/", None, 200, True),
    ("GET", "/docs", None, 200, False),
    ("GET", "/openapi.json", None, 200, False),
    ("GET", "/static/site.css", None, 200, False),
])
def test_every_answer_gets_the_common_headers(client, method, path, body, status, versioned):
    """One response hook (service/__init__.py) for every answer, errors and HTML pages included."""
    response = client.open(path, method=method, **({"json": body} if isinstance(body, dict) else {"data": body}))
    assert response.status_code == status
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])
    assert re.fullmatch(r"app;dur=\d+\.\d", response.headers["Server-Timing"])
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert ("X-Data-Version" in response.headers) is versioned
    assert ("Content-Security-Policy" in response.headers) is (response.mimetype == "text/html")
    for name in ("X-Request-ID", "Server-Timing", "X-Content-Type-Options", "X-Data-Version", "Content-Security-Policy"):
        assert len(response.headers.getlist(name)) <= 1, name  # the hook adds them: nothing else may set them


def test_coroutine_functions_are_still_told_apart(app):
    """The app remembers that a function is not a coroutine function (Flask asked on every request), per
    function: a view's bound method, new with each request, does not grow what it remembers."""

    def plain():
        return 1

    async def coroutine():
        return 2

    class View:
        def get(self):
            return 3

    assert app.ensure_sync(plain) is plain
    remembered = len(app._sync)
    for _ in range(5):
        bound = View().get
        assert app.ensure_sync(bound) is bound
    assert len(app._sync) == remembered + 1
    try:
        wrapped = app.ensure_sync(coroutine)
    except RuntimeError as exc:  # Flask runs a coroutine view only with its "async" extra (asgiref)
        assert "async" in str(exc)
    else:
        assert wrapped is not coroutine and wrapped() == 2


@pytest.mark.parametrize("path", ["/v1/health", "/v1/lookup?q=Xi", "/v1/nope", "/openapi.json", "/docs"])
def test_nosniff_everywhere(client, path):
    assert client.get(path).headers["X-Content-Type-Options"] == "nosniff"


def test_error_bodies_truncate_echoed_input(client):
    response = client.get("/v1/entries/" + "x" * 5000)
    assert response.status_code == 404 and len(response.get_data()) < 1000


HOSTILE = [
    # name, method, path, kwargs, expected status
    ("malformed-json", "post", "/v1/lookup", {"data": "{not json", "content_type": "application/json"}, 400),
    ("json-array-body", "post", "/v1/lookup", {"json": [1, 2]}, 400),
    ("deeply-nested", "post", "/v1/normalize", {"data": "[" * 100_000 + "]" * 100_000,
                                                "content_type": "application/json"}, 400),
    ("nested-objects", "post", "/v1/lookup", {"data": '{"a":' * 50_000 + "1" + "}" * 50_000,
                                              "content_type": "application/json"}, 400),
    ("wrong-content-type", "post", "/v1/normalize", {"data": "texts=a", "content_type": "text/plain"}, 415),
    ("form-body", "post", "/v1/lookup", {"data": {"q": "x"}}, 415),
    ("no-body", "post", "/v1/normalize", {}, 415),
    ("texts-not-list", "post", "/v1/normalize", {"json": {"texts": "abc"}}, 422),
    ("texts-wrong-item-type", "post", "/v1/normalize", {"json": {"texts": [1, None]}}, 422),
    ("unknown-target", "post", "/v1/normalize", {"json": {"texts": ["a"], "target": "fr"}}, 422),
    ("unknown-mode", "post", "/v1/normalize", {"json": {"texts": ["a"], "mode": "shout"}}, 422),
    ("unknown-field", "post", "/v1/normalize", {"json": {"texts": ["a"], "colour": "red"}}, 422),
    ("lone-surrogate", "post", "/v1/normalize", {"data": '{"texts": ["x\\ud800y"]}',
                                                 "content_type": "application/json"}, 422),
    ("nul", "post", "/v1/normalize", {"json": {"texts": ["a\u0000b"]}}, 422),
    ("nul-in-query", "get", "/v1/lookup?q=a%00b", {}, 422),
    ("lone-surrogate-lookup", "post", "/v1/lookup", {"data": '{"queries": [{"q": "\\udfff"}]}',
                                                     "content_type": "application/json"}, 422),
    ("empty-query", "get", "/v1/lookup?q=", {}, 422),
    ("missing-query", "get", "/v1/lookup", {}, 422),
    ("negative-limit", "get", "/v1/lookup?q=x&limit=-1", {}, 422),
    ("huge-limit", "get", "/v1/lookup?q=x&limit=100000000000000000000", {}, 422),
    ("limit-not-a-number", "get", "/v1/lookup?q=x&limit=many", {}, 422),
    ("unknown-type", "get", "/v1/lookup?q=x&type=planet", {}, 422),
    ("query-100k-chars", "get", "/v1/lookup?q=" + "a" * 100_000, {}, 414),
    ("batch-query-100k-chars", "post", "/v1/lookup", {"json": {"queries": [{"q": "a" * 100_000}]}}, 413),
    ("million-item-batch", "post", "/v1/lookup", {"json": {"queries": [{"q": "x"}] * 1_000_000}}, 413),
    ("too-many-queries", "post", "/v1/lookup", {"json": {"queries": [{"q": "x"}] * 1001}}, 413),
    ("too-many-texts", "post", "/v1/normalize", {"json": {"texts": ["x"] * 1001}}, 413),
    ("text-too-long", "post", "/v1/normalize", {"json": {"texts": ["x" * 1_000_001]}}, 413),
    ("queries-missing", "post", "/v1/lookup", {"json": {}}, 422),
    ("queries-empty-item", "post", "/v1/lookup", {"json": {"queries": [{}]}}, 422),
    ("page-zero", "get", "/v1/entries?page=0", {}, 422),
    ("per-page-huge", "get", "/v1/entries?per_page=100000", {}, 422),
    ("unknown-entry", "get", "/v1/entries/no-such-entry", {}, 404),
    ("unknown-path", "get", "/v2/lookup", {}, 404),
    ("wrong-method", "delete", "/v1/lookup", {}, 405),
    ("put-entries", "put", "/v1/entries", {"json": {}}, 405),
    ("romanize-unknown-lang", "post", "/v1/romanize", {"json": {"text": "x", "lang": "ko"}}, 422),
    ("romanize-too-long", "post", "/v1/romanize", {"json": {"text": "字" * 10_001}}, 413),
    # #12 item 2: a lone surrogate as a key is echoed back by marshmallow's "unknown field" message
    ("surrogate-key-normalize", "post", "/v1/normalize", {"data": '{"texts":["x"],"\\udc00":1}', "content_type": "application/json"}, 400),
    ("surrogate-key-lookup", "post", "/v1/lookup", {"data": '{"queries":[{"q":"x","\\udc00":1}]}', "content_type": "application/json"}, 400),
    ("surrogate-key-romanize", "post", "/v1/romanize", {"data": '{"text":"x","\\ud800\\udc00\\udc00":1}', "content_type": "application/json"}, 400),
    ("json-33-levels", "post", "/v1/lookup", {"data": '{"queries":' + "[" * 33 + "]" * 33 + "}", "content_type": "application/json"}, 400),
    ("many-unknown-fields", "post", "/v1/normalize", {"json": {"texts": ["x"], **{f"f{i}" * 50: 1 for i in range(5000)}}}, 422),
]


@pytest.mark.parametrize("name, method, path, kwargs, status", HOSTILE, ids=[row[0] for row in HOSTILE])
def test_hostile_input_gets_a_4xx_problem(client, name, method, path, kwargs, status):
    before = client.get("/v1/health").get_json()
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/problem+json"
    body = json.loads(response.get_data(as_text=True))
    assert PROBLEM_KEYS <= body.keys() and body["status"] == status and body["detail"]
    assert len(response.get_data()) < 10_000  # echoed input is truncated
    if status in (413, 414) and "limit" in body:
        assert body["limit"]["actual"] > body["limit"]["max"]
    if path.startswith("/v1/") and method in ("get", "post") and status != 404:
        assert_matches_spec(path, method, response)
    # the service keeps serving the same data
    assert client.get("/v1/health").get_json() == before


def test_validation_problem_lists_fields(client):
    body = client.post("/v1/normalize", json={"texts": ["a"], "target": "fr", "mode": "x"}).get_json()
    assert set(body["errors"]) == {"target", "mode"}


def test_limits_are_configurable():
    from service import create_app
    from tests.conftest import FIXTURES

    app = create_app({"GLOSSARY_SEEDS": str(FIXTURES / "mini.yaml"), "MAX_TEXTS": 2})
    response = app.test_client().post("/v1/normalize", json={"texts": ["a", "b", "c"]})
    assert response.status_code == 413
    assert response.get_json()["limit"] == {"name": "MAX_TEXTS", "max": 2, "actual": 3}


def test_bad_seeds_stop_the_service_from_starting():
    from glossary import SeedError
    from service import create_app
    from tests.conftest import FIXTURES

    with pytest.raises(SeedError):
        create_app({"GLOSSARY_SEEDS": str(FIXTURES / "bad")})


def test_normalize_bounds_the_mentions_of_a_request():
    """#12 item 7: 習氏 repeated made a 129 MB answer; the mentions per request are bounded, and the error says so."""
    from service import create_app
    from tests.conftest import FIXTURES

    app = create_app({"GLOSSARY_SEEDS": str(FIXTURES / "mini.yaml"), "MAX_MENTIONS": 1000, "MAX_ANSWER_BYTES": 50_000})
    client = app.test_client()
    response = client.post("/v1/normalize", json={"texts": ["習近平氏。習氏" * 300, "習近平氏。習氏" * 300]})
    assert response.status_code == 413 and response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["limit"] == {"name": "MAX_MENTIONS", "max": 1000, "actual": 1200}
    assert "GLOSSARY_MAX_MENTIONS" in body["detail"] and "fewer or shorter texts" in body["detail"]
    response = client.post("/v1/normalize", json={"texts": ["習近平氏。習氏" * 100] * 4})
    assert response.status_code == 413 and response.get_json()["limit"]["name"] == "MAX_ANSWER_BYTES"
    assert client.post("/v1/normalize", json={"texts": ["習近平氏。習氏" * 100]}).status_code == 200


def test_mentions_leave_out_null_fields(client):
    """#12 item 7: a 1 MB batch answered 6.6 MB, much of it nulls."""
    body = client.post("/v1/normalize", json={"texts": ["Xi Jinping met Kitamura."]}).get_json()
    mentions = body["results"][0]["mentions"]
    assert mentions and all(None not in m.values() for m in mentions)
    assert all("start_utf16" not in m for m in mentions)
    ambiguous = [m for m in mentions if m["resolution"] == "ambiguous"]
    assert ambiguous and "entry_id" not in ambiguous[0] and len(ambiguous[0]["candidates"]) == 2
    utf16 = client.post("/v1/normalize", json={"texts": ["🇯🇵 Xi"], "offsets": "utf16"}).get_json()
    assert utf16["results"][0]["mentions"][0]["start_utf16"] == 5


def test_limit_errors_name_the_environment_variable(client):
    """#12 item 19: errors named MAX_QUERY_CHARS; the variable to set is GLOSSARY_MAX_QUERY_CHARS."""
    body = client.get("/v1/lookup", query_string={"q": "x" * 501}).get_json()
    assert "GLOSSARY_MAX_QUERY_CHARS" in body["detail"]


def test_a_setting_that_is_not_a_number_is_named(monkeypatch):
    from service import create_app
    from service.limits import ConfigError
    from tests.conftest import FIXTURES

    monkeypatch.setenv("GLOSSARY_MAX_LIMIT", "fifty")
    with pytest.raises(ConfigError, match="GLOSSARY_MAX_LIMIT must be a positive whole number .*'fifty'"):
        create_app({"GLOSSARY_SEEDS": str(FIXTURES / "mini.yaml")})


def test_cors_headers_go_to_browsers_only(client):
    """A browser (which sends Origin) gets the CORS headers; other clients are spared the work."""
    browser = client.get("/v1/lookup?q=Xi%20Jinping", headers={"Origin": "https://tool.example"})
    assert browser.headers["Access-Control-Allow-Origin"] in ("*", "https://tool.example")
    assert "X-Request-ID" in browser.headers["Access-Control-Expose-Headers"]
    script = client.get("/v1/lookup?q=Xi%20Jinping")
    assert "Access-Control-Allow-Origin" not in script.headers
    assert script.get_json() == browser.get_json()
