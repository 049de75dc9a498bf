"""API documentation: /openapi.yaml, and /docs, Swagger UI over /openapi.json with "Try it out" against this service.

Swagger UI's files come from the ``swagger-ui-bundle`` package on PyPI and are served by the app under
/docs/swagger-ui/; no script or stylesheet comes from a CDN.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, send_from_directory
from swagger_ui_bundle import swagger_ui_path

docs = Blueprint("docs", __name__)


def spec_yaml() -> str:
    return current_app.extensions["api"].spec.to_yaml()


@docs.get("/openapi.yaml")
def openapi_yaml():
    return Response(spec_yaml(), mimetype="application/yaml")


@docs.get("/docs")
def docs_page():
    return render_template("docs.html", spec_url="/openapi.json")


@docs.get("/docs/swagger-ui/<path:filename>")
def swagger_ui(filename: str):
    return send_from_directory(swagger_ui_path, filename, max_age=86400)
