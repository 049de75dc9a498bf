"""The bare Flask app `make bench` measures the service against: it answers every request with one fixed
JSON document (a real lookup answer, given in ``BARE_ANSWER_FILE``), with no other work, under the same
gunicorn settings as the service."""

import os
from pathlib import Path

from flask import Flask

app = Flask(__name__)
ANSWER = Path(os.environ["BARE_ANSWER_FILE"]).read_bytes()


@app.get("/v1/lookup")
def lookup():
    return app.response_class(ANSWER, mimetype="application/json")
