"""The API's arguments parser (service/arguments.py) answers what webargs' own Flask parser answers."""

from __future__ import annotations

import marshmallow as ma
import pytest
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import HTTPException

from service import schemas as s
from service.arguments import ArgumentsParser

QUERY_SCHEMAS = [s.LookupArgs, s.EntriesArgs, s.EntryRevisionArgs, s.ExportArgs, s.TbxExportArgs, s.TbxImportArgs]
QUERY_STRINGS = [
    "",
    "q=Xi",
    "q=Xi&q=Li",  # a repeated parameter: the first one counts
    "q=Xi&limit=3&type=person&variants=none&reference=true",
    "q=Xi&limit=abc",
    "q=Xi&limit=0",
    "q=Xi&limit=100000",
    "q=&variants=every",
    "q=%00",
    "q=Xi&unknown=1",
    "q=Xi&reference=yes",
    "page=2&per_page=5&q=ab",
    "page=0",
    "revision=3&variants=curated",
    "version=2&variants=curated",
    "version=4",
    "partial=true",
    "partial=maybe",
    "q=%E5%B2%B8%E7%94%B0&type=",
]


def _outcome(parser, app, schema, query_string: str):
    with app.test_request_context("/v1/x?" + query_string):
        try:
            return "ok", parser.parse(schema(), location="query")
        except HTTPException as exc:
            return exc.code, getattr(exc, "data", {}).get("messages")


@pytest.mark.parametrize("schema", QUERY_SCHEMAS, ids=lambda schema: schema.__name__)
@pytest.mark.parametrize("query_string", QUERY_STRINGS)
def test_query_string_parses_as_webargs_parses_it(app, schema, query_string):
    ours = ArgumentsParser()
    webargs = _outcome(FlaskParser(), app, schema, query_string)
    assert _outcome(ours, app, schema, query_string) == webargs
    with app.test_request_context("/v1/x?" + query_string):  # the blueprint's own wrapper (a view's path)
        try:
            outcome = "ok", ours.parse_query(schema())
        except HTTPException as exc:
            outcome = exc.code, getattr(exc, "data", {}).get("messages")
    assert outcome == webargs


def test_views_with_query_arguments_take_the_lean_path(app):
    """Every documented query schema of the API goes through ``parse_query``, not webargs' wrapper."""
    from service.api import blp

    checked = 0
    for name, view in app.view_functions.items():
        if not name.startswith(blp.name + "."):
            continue
        for method in ("get", "post", "put", "patch", "delete"):
            func = getattr(getattr(view, "view_class", None), method, None)
            doc = getattr(func, "_apidoc", {}).get("arguments", {})
            if any(p["in"] == "query" for p in doc.get("parameters", ())):
                assert isinstance(getattr(func, "query_schema", None), ma.Schema), (name, method)
                checked += 1
    assert checked >= 6


@pytest.mark.parametrize("body, content_type", [
    (b'{"texts": ["Xi Jinping met Kishida."]}', "application/json"),
    (b'{"texts": []}', "application/json"),
    (b'{"texts": ["x"], "unknown": 1}', "application/json"),
    (b'{"queries": [{"q": "Xi"}, {"q": ""}]}', "application/json"),
])
def test_a_json_body_is_parsed_once_and_loads_the_same(app, body, content_type):
    """The body the request guard parsed (g.json_body) is what the schema loads: webargs does not parse it again."""
    from flask import g

    from service.errors import request_json_guard

    for schema in (s.NormalizeRequest, s.LookupBatch):
        outcomes = []
        for parser in (ArgumentsParser(), FlaskParser()):
            with app.test_request_context("/v1/normalize", method="POST", data=body, content_type=content_type):
                request_json_guard()
                assert isinstance(g.json_body, dict)
                try:
                    outcomes.append(("ok", parser.parse(schema(), location="json")))
                except HTTPException as exc:
                    outcomes.append((exc.code, getattr(exc, "data", {}).get("messages")))
        assert outcomes[0] == outcomes[1]


def test_webargs_does_not_parse_the_body_again(app, monkeypatch):
    import webargs.core

    from service.errors import request_json_guard

    def parse_again(*args, **kwargs):
        raise AssertionError("the body was parsed a second time")

    monkeypatch.setattr(webargs.core, "parse_json", parse_again)
    with app.test_request_context("/v1/normalize", method="POST", data=b'{"texts": ["x"]}',
                                  content_type="application/json"):
        request_json_guard()
        assert ArgumentsParser().parse(s.NormalizeRequest(), location="json")["texts"] == ["x"]
        with pytest.raises(AssertionError, match="second time"):
            FlaskParser().parse(s.NormalizeRequest(), location="json")
