"""openapi.yaml's account of the reconciliation endpoints (hand-written: the protocol passes JSON inside
form and query parameters, and answers JSONP, which flask-smorest's decorators do not describe).

Every string has a maxLength and the NUL-free pattern, every list a maxItems: what the loaders in
service/schemas.py enforce, at the default limits of service/limits.py.
"""

from __future__ import annotations

from glossary.model import ENTRY_TYPES
from service.limits import default
from service.schemas import ID_CHARS, NO_NUL

Q, V, B, L = (default(n) for n in ("MAX_QUERY_CHARS", "MAX_PROPERTY_VALUES", "MAX_BATCH_QUERIES", "MAX_LIMIT"))
CALLBACK = r"^[A-Za-z_$][\w$.]{0,63}$"


def text(n: int, min_length: int = 0) -> dict:
    out = {"type": "string", "maxLength": n, "pattern": NO_NUL}
    if min_length:
        out["minLength"] = min_length
    return out


VALUE = {"oneOf": [text(Q), {"type": "number"}, {"type": "boolean"},
                   {"type": "object", "properties": {"id": text(Q), "name": text(Q)}, "required": ["id"]}]}
VALUES = {"oneOf": [VALUE, {"type": "array", "items": VALUE, "maxItems": V}]}
LIMIT = {"type": "number", "minimum": 1, "maximum": L, "description": "at most this many candidates"}
QUERY = {
    "type": "object",
    "properties": {
        "query": text(Q, 1),
        "type": {"oneOf": [text(ID_CHARS),
                           {"type": "array", "items": text(ID_CHARS), "maxItems": len(ENTRY_TYPES) * 2}]},
        "limit": LIMIT,
        "properties": {"type": "array", "maxItems": V, "items": {
            "type": "object", "properties": {"pid": text(ID_CHARS, 1), "v": VALUES}, "required": ["pid", "v"]}},
        "type_strict": {"type": "string", "enum": ["any", "should", "all"]},
    },
    "required": ["query"],
}
BATCH = {"type": "object", "additionalProperties": QUERY, "maxProperties": B,
         "description": "named queries (W3C reconciliation 0.2)"}
EXTEND = {
    "type": "object",
    "properties": {
        "ids": {"type": "array", "items": text(ID_CHARS, 1), "maxItems": B},
        "properties": {"type": "array", "maxItems": 50, "items": {
            "type": "object", "properties": {"id": text(ID_CHARS, 1), "settings": {"type": "object"}},
            "required": ["id"]}},
    },
    "required": ["ids", "properties"],
}
DRAFT = {
    "type": "object",
    "properties": {"queries": {"type": "array", "maxItems": B, "items": {
        "type": "object",
        "properties": {
            "type": text(ID_CHARS, 1),
            "limit": LIMIT,
            "conditions": {"type": "array", "minItems": 1, "maxItems": V, "items": {
                "type": "object",
                "properties": {
                    "matchType": {"type": "string", "enum": ["name", "id", "property"]},
                    "propertyId": text(ID_CHARS, 1),
                    "propertyValue": VALUES,
                    "required": {"type": "boolean"},
                    "matchQuantifier": {"type": "string", "enum": ["any", "all", "none"]},
                    "matchQualifier": text(ID_CHARS),
                },
                "required": ["matchType", "propertyValue"],
            }},
        },
        "required": ["conditions"],
    }}},
    "required": ["queries"],
}

CALLBACK_PARAM = {"in": "query", "name": "callback", "required": False,
                  "description": "JSONP: the answer is application/javascript, `/**/callback(…);`",
                  "schema": {"type": "string", "pattern": CALLBACK}}
LIMIT_PARAM = {"in": "query", "name": "limit", "required": False,
               "schema": {"type": "integer", "minimum": 1, "maximum": L}}
ERRORS = {"400": "BAD_REQUEST", "413": "REQUEST_ENTITY_TOO_LARGE", "414": "REQUEST_URI_TOO_LONG",
          "415": "UNSUPPORTED_MEDIA_TYPE", "503": "SERVICE_UNAVAILABLE", "default": "DEFAULT_ERROR"}


def _json_or_jsonp(description: str) -> dict:
    return {"200": {"description": description, "content": {
        "application/json": {"schema": {"type": "object"}},
        "application/javascript": {"schema": {"type": "string"}}}}, **ERRORS}


def _op(summary: str, parameters: list, description: str = "The answer (JSON, or JSONP with callback)",
        **extra) -> dict:
    return {"summary": summary, "tags": ["reconciliation"], "parameters": parameters,
            "responses": _json_or_jsonp(description), **extra}


def _json_param(name: str, schema: dict, description: str) -> dict:
    return {"in": "query", "name": name, "required": False, "description": description,
            "content": {"application/json": {"schema": schema}}}


def document(spec, app) -> None:
    """Add the reconciliation endpoints to the API's OpenAPI document."""
    rules = {rule.rule: rule for rule in app.url_map.iter_rules()}

    def path(where: str, operations: dict) -> None:
        spec.path(where, operations=operations, rule=rules[where])

    queries = _json_param("queries", BATCH, "a batch of queries (JSON): the answer has a result per query")
    extend = _json_param("extend", EXTEND, "a data extension query (JSON): property values of reconciled ids")
    form = {"content": {"application/x-www-form-urlencoded": {
        "schema": {"type": "object", "properties": {"queries": BATCH, "extend": EXTEND,
                                                     "callback": {"type": "string", "pattern": CALLBACK}}},
        "encoding": {"queries": {"contentType": "application/json"},
                     "extend": {"contentType": "application/json"}}}}}
    path("/v1/reconcile", {
        "get": _op("W3C reconciliation 0.2: the manifest, or a query batch (queries), or data extension (extend)",
                   [queries, extend, CALLBACK_PARAM]),
        "post": _op("The same as GET, with the parameters in a form body (as OpenRefine sends them)", [],
                    requestBody=form),
    })
    prefix = {"in": "query", "name": "prefix", "required": False, "schema": text(Q)}
    types = {"in": "query", "name": "type", "required": False, "description": "type ids, comma-separated",
             "schema": text(ID_CHARS)}
    path("/v1/reconcile/suggest/entity", {
        "get": _op("Entities whose name starts like prefix", [prefix, types, LIMIT_PARAM, CALLBACK_PARAM])})
    path("/v1/reconcile/suggest/type", {
        "get": _op("Types whose id or name starts with prefix", [prefix, CALLBACK_PARAM])})
    path("/v1/reconcile/suggest/property", {
        "get": _op("Properties whose id or name starts with prefix", [prefix, CALLBACK_PARAM])})
    path("/v1/reconcile/extend/propose", {
        "get": _op("The properties data extension can return", [types, LIMIT_PARAM, CALLBACK_PARAM])})
    path("/v1/reconcile/preview", {"get": {
        "summary": "An HTML card of one entry, for OpenRefine's preview", "tags": ["reconciliation"],
        "parameters": [{"in": "query", "name": "id", "required": True, "schema": text(ID_CHARS)}],
        "responses": {"200": {"description": "The card", "content": {"text/html": {"schema": {"type": "string"}}}},
                      "404": "NOT_FOUND", **ERRORS}}})
    path("/v1/reconcile/draft", {
        "get": _op("The 1.0 draft's manifest", [CALLBACK_PARAM])})
    path("/v1/reconcile/draft/match", {"post": {
        "summary": "The 1.0 draft's POST /match: candidates for each query (found by its name conditions)",
        "tags": ["reconciliation"],
        "requestBody": {"required": True, "content": {"application/json": {"schema": DRAFT}}},
        "responses": {"200": {"description": "A candidate list per query", "content": {
            "application/json": {"schema": {"type": "object", "required": ["results"],
                                            "properties": {"results": {"type": "array"}}}}}}, **ERRORS}}})


ENTRY_LINK = {"operationId": "getEntry", "description": "the entry of the first match"}
LINKS = {
    # (path, method): (link name, entry id in the answer): schemathesis follows them in its stateful tests
    ("/v1/lookup", "get"): {"entry": {**ENTRY_LINK, "parameters": {"entry_id": "$response.body#/matches/0/entry/id"}}},
    ("/v1/entries", "get"): {"entry": {**ENTRY_LINK, "parameters": {"entry_id": "$response.body#/items/0/id"}}},
    ("/v1/reconcile/suggest/entity", "get"): {"preview": {
        "operationId": "getReconcilePreview", "parameters": {"id": "$response.body#/result/0/id"}}},
}
OPERATION_IDS = {("/v1/entries/{entry_id}", "get"): "getEntry", ("/v1/reconcile/preview", "get"): "getReconcilePreview"}


class ErrorResponsesPlugin:
    """Every operation of the v1 API lists 400, 413, 414, 415 and 503 (its limits, body type and deadline);
    links between operations (a match's entry) are added here too."""

    def init_spec(self, spec):
        self.spec = spec

    def path_helper(self, **kwargs):
        return None

    def operation_helper(self, path=None, operations=None, **kwargs):
        for method, operation in (operations or {}).items():
            if (path, method) in OPERATION_IDS:
                operation["operationId"] = OPERATION_IDS[path, method]
            if (path, method) in LINKS:
                responses = operation["responses"]
                (responses.get("200") or responses[200])["links"] = LINKS[path, method]
            responses = operation.setdefault("responses", {})
            for code, name in ERRORS.items():
                responses.setdefault(code, name)  # a component's name: apispec makes it a $ref


    def response_helper(self, response, **kwargs):
        return None

    def parameter_helper(self, parameter, **kwargs):
        return None

    def schema_helper(self, name, definition, **kwargs):
        return None

    def header_helper(self, header, **kwargs):
        return None
