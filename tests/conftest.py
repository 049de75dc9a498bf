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
