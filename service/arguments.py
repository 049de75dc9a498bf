"""webargs' Flask parser, as the API's views use it (``@blp.arguments``), without two costs per request.

- The query string reaches marshmallow as a plain dict. webargs' proxy over werkzeug's MultiDict asked for
  every field of the schema with ``MultiDict.get``, which raises and catches a ``KeyError`` for each
  parameter the request left out: four of them on a typical ``GET /v1/lookup``.
- A JSON body is parsed once. :func:`service.errors.request_json_guard` parses and checks every JSON body
  before any view runs (``g.json_body``); webargs parsed it a second time.
"""

from __future__ import annotations

from functools import lru_cache

import marshmallow as ma
from flask import g
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

    def _raw_load_json(self, req):
        body = g.get("json_body")
        return body if body is not None else super()._raw_load_json(req)


class Blueprint(SmorestBlueprint):
    ARGUMENTS_PARSER = ArgumentsParser()
