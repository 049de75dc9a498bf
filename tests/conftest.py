import subprocess
from pathlib import Path

import pytest

from glossary import load_glossary

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def mini():
    """A small glossary written for the tests, independent of the curated seeds."""
    return load_glossary(FIXTURES / "mini.yaml")


@pytest.fixture(scope="session")
def curated():
    """The curated glossary in seeds/, as the service serves it."""
    return load_glossary()


@pytest.fixture(scope="session")
def app():
    from service import create_app

    return create_app({"GLOSSARY_SEEDS": str(FIXTURES / "mini.yaml"), "TESTING": True})


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def editor(app):
    """Headers of an editor's token, for apps that serve a store (the write API's tests)."""
    return {"Authorization": "Bearer " + app.extensions["store"].create_token("alice", "editor")}


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server on loopback for the session (tests/pgserver.py), or a skip saying why there is none."""
    import os

    from tests.pgserver import ExistingServer, PostgresServer, find_bindir

    if os.environ.get("GLOSSARY_TEST_POSTGRES"):
        yield ExistingServer(os.environ["GLOSSARY_TEST_POSTGRES"])
        return
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install -e '.[postgres]')")
    bindir = find_bindir()
    if bindir is None:
        pytest.skip("no PostgreSQL server binaries (initdb, pg_ctl): apt-get install postgresql, "
                    "or set GLOSSARY_TEST_POSTGRES=postgresql://... to a server that runs")
    try:
        server = PostgresServer(bindir)
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        pytest.skip(f"a PostgreSQL server could not be started on loopback: {exc}")
    yield server
    server.stop()


@pytest.fixture()
def postgres_url(postgres_server):
    """A new, empty database on the session's server."""
    return postgres_server.new_database()
