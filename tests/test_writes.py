"""Writes over the HTTP API: tokens and roles, ETags, validation, history, revert, batch, concurrency; each test
against the SQLite store and the PostgreSQL one (on the tests' throwaway server; skipped where none starts)."""

from __future__ import annotations

import logging
import threading

import pytest

from tests.conftest import FIXTURES
from tests.openapi_contract import assert_matches_spec

HU = {"id": "hu-jintao", "type": "person", "description": "President of China (2003–2013).",
      "names": {"en": "Hu Jintao", "zh-Hans": "胡锦涛", "zh-Hant": "胡錦濤", "zh-Latn-pinyin": "Hú Jǐntāo"},
      "family_name": {"en": "Hu", "zh-Hans": "胡"}, "country": "CN"}


@pytest.fixture(params=["sqlite", "postgres"])
def app(request, tmp_path):
    from service import create_app

    db = str(tmp_path / "g.db") if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    return create_app({"GLOSSARY_SEEDS": str(FIXTURES / "mini.yaml"), "GLOSSARY_DB": db,
                       "TESTING": True, "GLOSSARY_REFRESH_ON_WRITE": True})


@pytest.fixture()
def admin(app):
    return {"Authorization": "Bearer " + app.extensions["store"].create_token("root", "admin")}


def _create(client, headers, entry=HU):
    response = client.post("/v1/entries", json=entry, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response


def test_create_answers_201_with_location_and_etag_and_lookups_see_it(client, editor):
    response = _create(client, editor)
    assert response.headers["Location"] == "/v1/entries/hu-jintao"
    assert response.headers["ETag"]
    assert_matches_spec("/v1/entries", "post", response)
    body = response.get_json()
    assert body["revision"] == 1 and body["source"] == "mini.yaml"
    assert any(v["origin"] == "derived" for v in body["variants"])  # derived when written
    found = client.get("/v1/lookup", query_string={"q": "Hu Jintao"}).get_json()
    assert found["matches"][0]["entry"]["id"] == "hu-jintao"
    text = client.post("/v1/normalize", json={"texts": ["胡锦涛会见了习近平。"], "target": "en"}).get_json()
    assert "Hu Jintao" in text["results"][0]["text"]
    got = client.get("/v1/entries/hu-jintao")
    assert got.headers["ETag"] == response.headers["ETag"]
    assert_matches_spec("/v1/entries/hu-jintao", "get", got)


AUTH_CASES = [
    pytest.param({}, 401, id="no-token"),
    pytest.param({"Authorization": "Bearer jcg_not-a-token"}, 401, id="bad-token"),
    pytest.param({"Authorization": "Basic YWxpY2U6eA=="}, 401, id="not-bearer"),
    pytest.param({"Authorization": "Bearer "}, 401, id="empty-token"),
]


@pytest.mark.parametrize("headers, status", AUTH_CASES)
def test_writes_need_a_valid_token(client, headers, status):
    response = client.post("/v1/entries", json=HU, headers=headers)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_only_an_admin_retires_or_reverts(client, editor, admin):
    etag = _create(client, editor).headers["ETag"]
    assert client.delete("/v1/entries/hu-jintao", headers={**editor, "If-Match": etag}).status_code == 403
    assert client.post("/v1/entries/hu-jintao/revert", json={"revision": 1}, headers=editor).status_code == 403
    batch = {"operations": [{"op": "retire", "id": "hu-jintao"}]}
    assert client.post("/v1/entries:batch", json=batch, headers=editor).status_code == 403
    assert client.delete("/v1/entries/hu-jintao", headers={**admin, "If-Match": etag}).status_code == 204


def test_a_revoked_token_is_refused(app, client):
    store = app.extensions["store"]
    token = store.create_token("bob", "editor")
    store.revoke_token("bob")
    assert client.post("/v1/entries", json=HU, headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_a_token_is_never_logged(app, client, editor, caplog):
    caplog.set_level(logging.DEBUG)
    client.post("/v1/entries", json=HU, headers=editor)
    client.post("/v1/entries", json=HU, headers={"Authorization": "Bearer jcg_wrong"})
    secret = editor["Authorization"].split()[1]
    assert all(secret not in r.getMessage() and "jcg_wrong" not in r.getMessage() for r in caplog.records)


INVALID = [
    # (entry, field the 422 names, a word of its message)
    pytest.param({**HU, "id": "Hu Jintao"}, "id", "slug", id="bad-id"),
    pytest.param({k: v for k, v in HU.items() if k != "names"}, "names", "Missing", id="no-names"),
    pytest.param({**HU, "names": {"zh-Hans": "胡锦涛"}}, "names", "English", id="no-english-name"),
    pytest.param({**HU, "born": "1942-13-21"}, "born", "date", id="impossible-date"),
    pytest.param({**HU, "see_also": ["no-such-entry"]}, "see_also", "unknown entry id", id="dangling-reference"),
    pytest.param({**HU, "names": {**HU["names"], "zh-Latn-pinyin": "Hú Jǐntáo"}}, "names.zh-Latn-pinyin",
                 "pypinyin", id="wrong-pinyin"),
    pytest.param({**HU, "variants": [{"name": "Beijing", "lang": "en", "kind": "alias"}]}, "variants",
                 "beijing", id="undeclared-shared-name"),
    pytest.param({**HU, "colour": "red"}, "colour", "Unknown", id="unknown-field"),
]


@pytest.mark.parametrize("entry, field, word", INVALID)
def test_an_invalid_entry_is_a_422_with_field_messages(client, editor, entry, field, word):
    response = client.post("/v1/entries", json=entry, headers=editor)
    assert response.status_code == 422, response.get_json()
    problem = response.get_json()
    assert problem["type"].endswith("/validation-error")
    assert word in " ".join(problem["errors"][field]), problem["errors"]
    assert client.get("/v1/entries/hu-jintao").status_code == 404  # nothing written


def test_put_and_patch_need_if_match_and_a_fresh_etag(client, editor):
    etag = _create(client, editor).headers["ETag"]
    changed = {**HU, "description": "General Secretary of the CCP (2002–2012)."}
    assert client.put("/v1/entries/hu-jintao", json=changed, headers=editor).status_code == 428
    response = client.put("/v1/entries/hu-jintao", json=changed, headers={**editor, "If-Match": etag})
    assert response.status_code == 200 and response.get_json()["revision"] == 2
    assert_matches_spec("/v1/entries/hu-jintao", "put", response)
    stale = client.put("/v1/entries/hu-jintao", json=HU, headers={**editor, "If-Match": etag})
    assert stale.status_code == 412 and stale.get_json()["type"].endswith("/precondition-failed")
    fresh = response.headers["ETag"]
    patched = client.patch("/v1/entries/hu-jintao", json={"country": None, "born": "1942-12-21"},
                           headers={**editor, "If-Match": fresh, "Content-Type": "application/merge-patch+json"})
    assert patched.status_code == 200, patched.get_json()
    body = patched.get_json()
    assert body["born"] == "1942-12-21" and "country" not in body and body["revision"] == 3
    assert body["description"] == "General Secretary of the CCP (2002–2012)."  # untouched by the patch
    renamed = client.put("/v1/entries/hu-jintao", json={**HU, "id": "hu-2"},
                         headers={**editor, "If-Match": patched.headers["ETag"]})
    assert renamed.status_code == 422 and "id" in renamed.get_json()["errors"]


def test_lookup_answers_never_serve_an_entry_as_it_was_before_a_write(client, editor):
    # Lookup answers reuse each entry's JSON (service/serialize.py): the cache belongs to the snapshot, so
    # the snapshot a write swaps in must answer the entry as written, in every variants choice.
    etag = _create(client, editor).headers["ETag"]
    for variants in ("all", "curated", "none"):  # fill the cache of the current snapshot
        before = client.get("/v1/lookup", query_string={"q": "Hu Jintao", "variants": variants}).get_json()
        assert before["matches"][0]["entry"]["description"] == HU["description"]
    changed = {**HU, "description": "General Secretary of the CCP (2002–2012).",
               "names": {**HU["names"], "en": "Hu Jin-tao"}}
    written = client.put("/v1/entries/hu-jintao", json=changed, headers={**editor, "If-Match": etag})
    assert written.status_code == 200
    for variants in ("all", "curated", "none"):
        for q in ("Hu Jintao", "Hu Jin-tao", "胡锦涛"):
            after = client.get("/v1/lookup", query_string={"q": q, "variants": variants})
            entry = after.get_json()["matches"][0]["entry"]
            assert entry["description"] == changed["description"] and entry["revision"] == 2, (q, variants)
            assert entry["names"]["en"] == "Hu Jin-tao"
            assert after.get_json()["data_version"] == after.headers["X-Data-Version"]
        batch = client.post("/v1/lookup", json={"queries": [{"q": "Hu Jin-tao"}], "variants": variants}).get_json()
        assert batch["results"][0]["matches"][0]["entry"]["revision"] == 2


def test_retire_keeps_history_and_never_reuses_the_id(client, editor, admin):
    etag = _create(client, editor).headers["ETag"]
    assert client.delete("/v1/entries/hu-jintao", headers=admin).status_code == 428
    assert client.delete("/v1/entries/hu-jintao", headers={**admin, "If-Match": etag}).status_code == 204
    assert not client.get("/v1/lookup", query_string={"q": "Hu Jintao"}).get_json()["matches"]
    gone = client.get("/v1/entries/hu-jintao")
    assert gone.status_code == 410 and gone.mimetype == "application/problem+json"
    history = client.get("/v1/entries/hu-jintao/history").get_json()
    assert history["retired"] and [r["action"] for r in history["revisions"]] == ["create", "retire"]
    again = client.post("/v1/entries", json=HU, headers=editor)
    assert again.status_code == 409 and "never reused" in again.get_json()["detail"]


def test_an_entry_others_refer_to_cannot_be_retired_alone(client, admin):
    refs = client.get("/v1/entries/kitamura-shigeru").get_json()  # declares a shared name with kitamura-tomoo
    target = next(v["ambiguous_with"][0] for v in refs["variants"] if v["ambiguous_with"])
    etag = client.get(f"/v1/entries/{target}").headers["ETag"]
    response = client.delete(f"/v1/entries/{target}", headers={**admin, "If-Match": etag})
    assert response.status_code == 422 and "refers to it" in response.get_data(as_text=True)


def test_history_diffs_old_revisions_and_revert(client, editor, admin):
    etag = _create(client, editor).headers["ETag"]
    etag = client.patch("/v1/entries/hu-jintao", json={"description": "Paramount leader of China, 2002–2012."},
                        headers={**editor, "If-Match": etag}).headers["ETag"]
    history = client.get("/v1/entries/hu-jintao/history")
    assert_matches_spec("/v1/entries/hu-jintao/history", "get", history)
    revisions = history.get_json()["revisions"]
    assert [(r["revision"], r["action"], r["author"]) for r in revisions] == [(1, "create", "alice"),
                                                                              (2, "update", "alice")]
    assert revisions[1]["changes"] == [{"field": "description", "before": HU["description"],
                                        "after": "Paramount leader of China, 2002–2012."}]
    old = client.get("/v1/entries/hu-jintao", query_string={"revision": 1})
    assert old.status_code == 200 and old.get_json()["description"] == HU["description"]
    assert client.get("/v1/entries/hu-jintao", query_string={"revision": 9}).status_code == 404
    reverted = client.post("/v1/entries/hu-jintao/revert", json={"revision": 1}, headers={**admin, "If-Match": etag})
    assert reverted.status_code == 200, reverted.get_json()
    assert reverted.get_json()["revision"] == 3 and reverted.get_json()["description"] == HU["description"]
    last = client.get("/v1/entries/hu-jintao/history").get_json()["revisions"][-1]
    assert (last["action"], last["author"]) == ("revert", "root")
    stale = client.post("/v1/entries/hu-jintao/revert", json={"revision": 2}, headers={**admin, "If-Match": etag})
    assert stale.status_code == 412


def test_a_batch_is_all_or_nothing(app, client, editor):
    store = app.extensions["store"]
    version = store.data_version()
    bad = {"operations": [{"op": "create", "entry": HU},
                          {"op": "patch", "id": "beijing", "patch": {"born": "not a date"}}]}
    response = client.post("/v1/entries:batch", json=bad, headers=editor)
    assert response.status_code == 422 and "1.born" in response.get_json()["errors"]
    assert store.data_version() == version and store.get("hu-jintao") is None
    stale = {"operations": [{"op": "create", "entry": HU},
                            {"op": "patch", "id": "beijing", "patch": {"note": "x"}, "revision": 5}]}
    assert client.post("/v1/entries:batch", json=stale, headers=editor).status_code == 412
    assert store.get("hu-jintao") is None
    good = {"operations": [{"op": "create", "entry": HU},
                           {"op": "patch", "id": "beijing", "patch": {"see_also": ["hu-jintao"]}, "revision": 1}]}
    response = client.post("/v1/entries:batch", json=good, headers=editor)
    assert response.status_code == 200, response.get_json()
    assert_matches_spec("/v1/entries:batch", "post", response)
    assert response.get_json()["results"] == [{"id": "hu-jintao", "revision": 1, "retired": False},
                                              {"id": "beijing", "revision": 2, "retired": False}]
    assert store.data_version() == version + 1  # one transaction
    assert client.get("/v1/entries/beijing").get_json()["see_also"] == ["hu-jintao"]


BAD_BODIES = [
    pytest.param("post", "/v1/entries", "not json", "text/plain", 415, id="not-json"),
    pytest.param("post", "/v1/entries", "[1, 2]", "application/json", 400, id="not-an-object"),
    pytest.param("post", "/v1/entries:batch", '{"operations": []}', "application/json", 422, id="empty-batch"),
    pytest.param("post", "/v1/entries:batch", '{"operations": [{"op": "retire"}]}', "application/json", 422,
                 id="batch-item-without-id"),
    pytest.param("post", "/v1/entries", '{"id": "a-b", "type": "other", "description": "x\\ud800y", '
                 '"names": {"en": "A"}}', "application/json", 400, id="lone-surrogate"),
    pytest.param("patch", "/v1/entries/beijing", "{}", "text/plain", 415, id="patch-not-json"),
]


@pytest.mark.parametrize("method, path, body, mimetype, status", BAD_BODIES)
def test_bad_write_bodies_are_4xx_problems(client, editor, method, path, body, mimetype, status):
    response = getattr(client, method)(path, data=body, headers={**editor, "Content-Type": mimetype})
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"


def test_a_service_without_a_store_refuses_writes():
    from service import create_app

    client = create_app({"GLOSSARY_SEEDS": str(FIXTURES / "mini.yaml"), "TESTING": True}).test_client()
    response = client.post("/v1/entries", json=HU, headers={"Authorization": "Bearer x"})
    assert response.status_code == 405 and "GLOSSARY_DB" in response.get_json()["detail"]


def test_two_editors_with_the_same_etag_one_wins(app, client, editor):
    store = app.extensions["store"]
    bob = {"Authorization": "Bearer " + store.create_token("bob", "editor")}
    etag = client.get("/v1/entries/beijing").headers["ETag"]
    barrier = threading.Barrier(2)
    results = {}

    def edit(name, headers, text):
        c = app.test_client()
        barrier.wait()
        results[name] = c.patch("/v1/entries/beijing", json={"note": text},
                                headers={**headers, "If-Match": etag}).status_code

    threads = [threading.Thread(target=edit, args=("alice", editor, "Alice's note.")),
               threading.Thread(target=edit, args=("bob", bob, "Bob's note."))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results.values()) == [200, 412], results
    winner = next(n for n, s in results.items() if s == 200)
    history = store.history("beijing")
    assert [r.author for r in history[1:]] == [winner]  # nothing lost, nothing written twice
    assert history[-1].seed["note"] == ("Alice's note." if winner == "alice" else "Bob's note.")


def test_eight_writers_and_eight_readers(app, editor):
    """Writers create different entries while readers look up; every answer is consistent with its data
    version, and every write is there afterwards."""
    errors: list[BaseException] = []
    written: list[str] = []

    def writer(w: int):
        c = app.test_client()
        try:
            for n in range(6):
                entry = {"id": f"writer-{w}-{n}", "type": "other", "description": f"entry {n} of writer {w}",
                         "names": {"en": f"Zyx Writer {w} Number {n}"}}
                r = c.post("/v1/entries", json=entry, headers=editor)
                assert r.status_code == 201, r.get_json()
                written.append(entry["id"])
        except BaseException as exc:
            errors.append(exc)

    def reader():
        c = app.test_client()
        try:
            for _ in range(40):
                r = c.post("/v1/lookup", json={"queries": [{"q": "Xi Jinping"}, {"q": "Zyx Writer 0 Number 0"}]})
                assert r.status_code == 200
                body = r.get_json()
                assert body["data_version"] == r.headers["X-Data-Version"]
                assert body["results"][0]["matches"][0]["entry"]["id"] == "xi-jinping"
                page = c.get("/v1/entries", query_string={"per_page": 100}).get_json()
                assert page["total"] == len(page["items"]) >= 14
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(8)]
    threads += [threading.Thread(target=reader) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[0]
    assert len(written) == 48
    app.extensions["refresher"].refresh_now()
    client = app.test_client()
    for entry_id in written:
        assert client.get(f"/v1/entries/{entry_id}").status_code == 200, entry_id
    assert client.get("/v1/lookup", query_string={"q": "Zyx Writer 7 Number 5"}).get_json()["matches"]
