"""Property-based contract tests: schemathesis generates requests from openapi.yaml and checks every answer.

`make test` runs a bounded number of cases per operation (SCHEMATHESIS_EXAMPLES, default 25); `make fuzz`
runs many more. Every check is on (`not_a_server_error`, status codes, content types, response schemas,
headers, negative data rejection, …), the stateful links between operations included.
"""

from __future__ import annotations

import os
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from tests.conftest import FIXTURES

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "25"))


def _app():
    """The test glossary in a temporary store: reads answer from it, writes ask for a token (401)."""
    import tempfile

    from service import create_app

    store = Path(tempfile.mkdtemp(prefix="glossary-schemathesis-")) / "glossary.db"
    return create_app({"GLOSSARY_SEEDS": str(FIXTURES / "mini.yaml"), "GLOSSARY_DB": str(store), "TESTING": True})


CONFIG = SchemathesisConfig.from_path(str(Path(__file__).resolve().parent.parent / "schemathesis.toml"))
schema = schemathesis.openapi.from_wsgi("/openapi.json", _app(), config=CONFIG)
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))


@schema.parametrize()
@SETTINGS
def test_every_operation_holds_its_contract(case):
    case.call_and_validate()


# Stateful: sequences of calls that follow the links of openapi.yaml (a lookup's match -> its entry, …).
Workflow = schema.as_state_machine()
TestLinkedCalls = Workflow.TestCase
TestLinkedCalls.settings = settings(max_examples=max(EXAMPLES // 5, 3), stateful_step_count=4, deadline=None,
                                    derandomize=True, database=None, suppress_health_check=list(HealthCheck))
