"""POST /v1/import/tbx over HTTP: an editor's dry run of a TBX import (the report of read_tbx; nothing changes)."""

from __future__ import annotations

import pytest

from glossary.interchange import iter_tbx
from tests.conftest import FIXTURES
from tests.openapi_contract import assert_matches_spec
from tests.test_interchange import NEW_CONCEPT

URL = "/v1/import/tbx"


@pytest.fixture()
def app(tmp_path):
    from service import create_app

    return create_app({"GLOSSARY_SEEDS": str(FIXTURES / "mini.yaml"), "GLOSSARY_DB": str(tmp_path / "g.db"),
                       "TESTING": True, "GLOSSARY_REFRESH_ON_WRITE": True, "MAX_BODY_BYTES": 200_000})


def exported(app) -> bytes:
    from service.data import holder

    with app.app_context():
        return b"".join(c if isinstance(c, bytes) else c.encode() for c in iter_tbx(holder().current))


def post(client, body: bytes, headers: dict, content_type: str = "application/x-tbx", query: str = ""):
    response = client.post(URL + query, data=body, headers=headers, content_type=content_type)
    assert_matches_spec(URL, "post", response)
    return response


@pytest.mark.parametrize("content_type", ["application/x-tbx", "application/xml"])
def test_round_trip_proposes_nothing(app, client, editor, content_type):
    response = post(client, exported(app), editor, content_type)
    assert response.status_code == 200, response.get_json()
    report = response.get_json()
    assert report["format"] == "tbx" and report["entries_read"] > 0
    assert (report["added"], report["changed"], report["removed"], report["problems"]) == (0, 0, 0, 0)
    assert report["changes"] == [] and report["unchanged"] == report["entries_read"]


def test_edits_are_reported_and_nothing_changes(app, client, editor):
    before = client.get("/v1/entries/kishida-fumio")
    body = exported(app).replace(b"<body>\n", b"<body>\n" + NEW_CONCEPT.encode(), 1)
    response = post(client, body, editor)
    assert response.status_code == 200
    report = response.get_json()
    assert report["added"] == 1
    added = next(c for c in report["changes"] if c["id"] == "li-qiang")
    assert added["action"] == "add" and "+ name zh-Hans '李强'" in added["changes"]
    assert added["proposed"]["names"]["zh-Hans"] == "李强"
    # A dry run: the entry is not created, the others keep their revision.
    assert client.get("/v1/entries/li-qiang").status_code == 404
    assert client.get("/v1/entries/kishida-fumio").headers["ETag"] == before.headers["ETag"]
    assert app.extensions["store"].history("li-qiang") == []


def test_partial_leaves_absent_entries_alone(app, client, editor):
    one = exported(app)
    start, end = one.index(b"<conceptEntry"), one.index(b"</conceptEntry>") + len(b"</conceptEntry>")
    body = one[:start] + one[start:end] + one[one.rindex(b"</conceptEntry>") + len(b"</conceptEntry>"):]
    whole = post(client, body, editor).get_json()
    assert whole["removed"] > 0 and whole["entries_read"] == 1
    assert post(client, body, editor, query="?partial=true").get_json()["removed"] == 0


# (body, content type, status, words in the detail, why)
BAD = [
    (b"<tbx><body>", "application/x-tbx", 400, "not well-formed XML", "cut short"),
    (b"", "application/x-tbx", 400, "not well-formed XML", "empty"),
    (b"<html><body/></html>", "application/xml", 400, "not a TBX file", "another XML document"),
    (b'<?xml version="1.0"?><!DOCTYPE tbx [<!ENTITY e SYSTEM "file:///etc/passwd">]><tbx><text><body>'
     b'<conceptEntry id="x"><langSec xml:lang="en"><termSec><term>&e;</term></termSec></langSec></conceptEntry>'
     b"</body></text></tbx>", "application/x-tbx", 200, None, "an external entity is never read"),
    (b"{}", "application/json", 415, "application/x-tbx", "JSON is not a TBX file"),
    (b"<tbx/>", "text/plain", 415, "application/x-tbx", "an unknown media type"),
    (b"", None, 415, "got nothing", "no body at all"),
]


@pytest.mark.parametrize("body,content_type,status,says,why", BAD, ids=[b[-1] for b in BAD])
def test_bad_files_are_clear_problems(client, editor, body, content_type, status, says, why):
    response = client.post(URL, data=body, headers=editor, content_type=content_type)
    assert response.status_code == status, response.get_json()
    if status != 200:
        assert response.mimetype == "application/problem+json"
        if says:
            assert says in response.get_json()["detail"]
    else:
        assert "passwd" not in response.get_data(as_text=True) and "root:" not in response.get_data(as_text=True)


def test_needs_an_editor_token(app, client):
    body = exported(app)
    assert post(client, body, {}).status_code == 401
    assert post(client, body, {"Authorization": "Bearer nope"}).status_code == 401
    assert post(client, b"", {}, content_type=None).status_code == 401  # the token is checked first


def test_over_max_body_bytes_is_413(app, client, editor):
    response = post(client, b"<tbx>" + b" " * 200_001 + b"</tbx>", editor)
    assert response.status_code == 413
    assert response.get_json()["limit"]["name"] == "MAX_BODY_BYTES"
