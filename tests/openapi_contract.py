"""Check a response against the committed openapi.yaml with jsonschema (OpenAPI 3.0 -> JSON Schema)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import jsonschema
import yaml

SPEC_PATH = Path(__file__).resolve().parent.parent / "openapi.yaml"


@lru_cache(maxsize=1)
def spec() -> dict:
    return _nullable_to_type(yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8")))


def _nullable_to_type(node):
    """OpenAPI 3.0's ``nullable: true`` is not JSON Schema: make it ``type: [T, 'null']``."""
    if isinstance(node, dict):
        node = {k: _nullable_to_type(v) for k, v in node.items()}
        if node.pop("nullable", False) and "type" in node:
            node["type"] = [node["type"], "null"]
        return node
    if isinstance(node, list):
        return [_nullable_to_type(v) for v in node]
    return node


def _operation(path: str, method: str) -> dict:
    for template, item in spec()["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path) and method in item:
            return item[method]
    raise AssertionError(f"{method.upper()} {path} is not in openapi.yaml")


def assert_matches_spec(path: str, method: str, response) -> None:
    """The response's status is documented for the operation and its JSON body fits the schema."""
    op = _operation(path.split("?")[0], method.lower())
    responses = op["responses"]
    documented = responses.get(str(response.status_code)) or responses.get("default")
    assert documented, f"{response.status_code} not documented for {method} {path}"
    if "$ref" in documented:  # '#/components/responses/DEFAULT_ERROR'
        node = spec()
        for part in documented["$ref"].lstrip("#/").split("/"):
            node = node[part]
        documented = node
    content = documented.get("content", {})
    mimetype = response.mimetype
    schema = (content.get(mimetype) or content.get("application/json") or {}).get("schema")
    assert schema, f"no schema for {response.status_code} {mimetype} at {method} {path}"
    root = {**spec(), **schema}
    jsonschema.validate(response.get_json(force=True), root, cls=jsonschema.Draft4Validator)
