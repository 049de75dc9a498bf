"""webargs' Flask parser and flask-smorest's ``arguments``, as the API's views use them, without the costs
they added to every request.

- A query string reaches marshmallow as a plain dict. webargs' proxy over werkzeug's MultiDict asked for
  every field of the schema with ``MultiDict.get``, which raises and catches a ``KeyError`` for each
  parameter the request left out: four of them on a typical ``GET /v1/lookup``.
- A query string is loaded by one wrapper of ours: the schema's ``load``, and webargs' error handler when
  it fails. flask-smorest's wrapper, webargs' wrapper and webargs' ``parse`` around that load were a tenth
  of a lookup request's instructions. The OpenAPI document is flask-smorest's, unchanged.
- A JSON body is parsed once. :func:`service.errors.request_json_guard` parses and checks every JSON body
  before any view runs (``g.json_body``); webargs parsed it a second time.

tests/test_arguments.py holds the answers (and the errors) equal to webargs' own.
"""

from __future__ import annotations

import inspect
from functools import lru_cache, wraps

import marshmallow as ma
from flask import g, request
from flask_smorest import Blueprint as SmorestBlueprint
from webargs.flaskparser import FlaskParser


@lru_cache(maxsize=256)
def _repeatable(schema: ma.Schema) -> frozenset[str]:
    """The query parameters of ``schema`` taken as lists (repeated keys), as webargs' proxy decides them."""
    return frozenset(field.data_key or name for name, field in schema.fields.items()
                     if getattr(field, "is_multiple", isinstance(field, (ma.fields.List, ma.fields.Tuple))))


class ArgumentsParser(FlaskParser):
    def load_querystring(self, req, schema):
        args, repeatable = req.args, _repeatable(schema)
        return {key: args.getlist(key) if key in repeatable else args[key] for key in args}

    def parse_query(self, schema: ma.Schema):
        """What ``parse(schema, location="query")`` answers, without the machinery around the load."""
        try:
            return schema.load(self.load_querystring(request, schema), unknown=ma.EXCLUDE)
        except ma.ValidationError as error:
            self._on_validation_error(error, request, schema, "query", error_status_code=None, error_headers=None)

    def _raw_load_json(self, req):
        body = g.get("json_body")
        return body if body is not None else super()._raw_load_json(req)


class Blueprint(SmorestBlueprint):
    ARGUMENTS_PARSER = ArgumentsParser()

    def arguments(self, schema, *, location="json", **kwargs):
        documented = super().arguments(schema, location=location, **kwargs)
        if location != "query" or not isinstance(schema, ma.Schema) or \
                set(kwargs) - {"description", "example", "examples", "required"}:
            return documented
        parse = self.ARGUMENTS_PARSER.parse_query

        def decorator(func):
            doc = documented(func)  # flask-smorest's documentation of the parameters
            if inspect.iscoroutinefunction(func):
                return doc

            @wraps(func)
            def wrapper(*args, **kw):
                return func(*args, parse(schema), **kw)

            wrapper._apidoc = doc._apidoc
            wrapper.query_schema = schema  # the lean path (tests/test_arguments.py checks every view takes it)
            return wrapper

        return decorator
