"""Print the OpenAPI document generated from the code: ``python -m service.openapi > openapi.yaml``."""

from __future__ import annotations

import sys


def generate() -> str:
    """The document does not depend on the glossary's data, so the app is built over an empty one."""
    from glossary import build_glossary
    from service import create_app

    app = create_app({"GLOSSARY": build_glossary([], version="empty")})
    with app.app_context():
        return app.extensions["api"].spec.to_yaml()


if __name__ == "__main__":
    sys.stdout.write(generate())
