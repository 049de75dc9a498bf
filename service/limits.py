"""The configurable limits (``GLOSSARY_<NAME>`` in the environment): name -> (default, what it bounds).

openapi.yaml states the defaults (maxLength, maxItems, maximum); the service enforces the configured values.
"""

from __future__ import annotations

LIMITS = {
    # name: (default, what it bounds)
    "MAX_BODY_BYTES": (8 * 1024 * 1024, "bytes in a request body"),
    "MAX_BATCH_QUERIES": (1000, "queries in one POST /v1/lookup"),
    "MAX_QUERY_CHARS": (500, "characters in one lookup query"),
    "MAX_LIMIT": (50, "matches asked for per query"),
    "MAX_TEXTS": (1000, "texts in one POST /v1/normalize"),
    "MAX_TEXT_CHARS": (1_000_000, "characters in one text"),
    "MAX_TOTAL_CHARS": (2_000_000, "characters in all texts of one request"),
    "MAX_ROMANIZE_CHARS": (10_000, "characters in one romanize text"),
    "MAX_MENTIONS": (100_000, "mentions in all texts of one POST /v1/normalize answer"),
    "MAX_ANSWER_BYTES": (32 * 1024 * 1024, "bytes in one POST /v1/normalize answer"),
    "MAX_PROPERTY_VALUES": (20, "property values in one reconciliation query"),
    "MAX_REQUEST_MS": (10_000, "milliseconds of work for one request before it stops with a 503"),
}


def default(name: str) -> int:
    return LIMITS[name][0]


class ConfigError(ValueError):
    """A setting in the environment is not usable; the message names the variable and what it takes."""


def from_environ(environ) -> dict[str, int]:
    """The GLOSSARY_<LIMIT> variables that are set, each checked to be a positive whole number."""
    out = {}
    for name, (_, what) in LIMITS.items():
        raw = environ.get(f"GLOSSARY_{name}")
        if raw is None:
            continue
        try:
            value = int(raw.replace("_", ""))
        except ValueError:
            value = 0
        if value < 1:
            raise ConfigError(f"GLOSSARY_{name} must be a positive whole number ({what}), got {raw!r}")
        out[name] = value
    return out
