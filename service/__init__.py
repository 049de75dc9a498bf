"""The HTTP service: a thin Flask layer over the glossary core.

``create_app(config=None)`` sets defaults, then reads the environment (``GLOSSARY_*``), then the mapping
passed in (tests). The glossary is loaded and indexed once, at start-up; a bad seed file stops the
service from starting rather than serving half the data.
"""

from __future__ import annotations

import gc
import http
import itertools
import logging
import os
import re
import secrets
import sys
import time
from inspect import iscoroutinefunction

from flask import Flask, g, has_request_context, request
from flask_cors import CORS
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from werkzeug.exceptions import HTTPException

from glossary import SeedError, __version__, load_glossary
from glossary.reference import ReferenceLayer, start_compiling
from glossary.snapshot import SavedSnapshot, SnapshotHolder, StoreSnapshots
from glossary.store import StoreUnavailable, default_path, open_store
from service.answers import MAX_BYTES as ANSWER_CACHE_BYTES
from service.data import VERSION_HEADER
from service.deadline import start_deadline
from service.errors import PROBLEM_MIMETYPE, ProblemSchema, problem_response, request_json_guard
from service.errors import StoreUnavailable as StoreUnavailableError
from service.limits import LIMITS, ConfigError
from service.limits import from_environ as limits_from_environ
from service.refresh import MASTER_FROM_VARIANTS
from service.wsgi import guard_body


class ProblemApi(Api):
    """flask-smorest's Api with every error rendered as RFC 9457 problem details."""

    ERROR_SCHEMA = ProblemSchema

    def handle_http_exception(self, error):
        return problem_response(error)

    def _register_responses(self):
        """Document every error response as ``application/problem+json`` with the one problem schema."""
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_MIMETYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Any error: RFC 9457 problem details", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_MIMETYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


class ServiceFlask(Flask):
    """Flask, remembering which functions are coroutine functions (none of ours is).

    Flask's ``ensure_sync`` asks ``inspect.iscoroutinefunction`` of every hook, view and decorator layer on
    every request, seven times for a lookup; the answer never changes for a function.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._sync: dict = {}  # per app: a test run's many apps do not keep each other's functions alive

    def ensure_sync(self, func):
        key = getattr(func, "__func__", func)  # a view's bound method is new with each request; its function is not
        sync = self._sync.get(key)
        if sync is None:
            sync = not iscoroutinefunction(func)
            if len(self._sync) < 10_000:
                self._sync[key] = sync
        return func if sync else super().ensure_sync(func)


def create_app(config: dict | None = None) -> Flask:
    app = ServiceFlask(__name__)
    app.config.update(
        API_TITLE="Japan–China glossary",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        GLOSSARY_SEEDS=None,
        GLOSSARY_REFERENCE=None,  # the reference layer's artefact: None (the cache dir), a path, or "off"
        GLOSSARY_DB=None,
        GLOSSARY_REFRESH_ON_WRITE=False,
        GLOSSARY_REFRESH=os.environ.get("GLOSSARY_REFRESH", "auto"),  # who refreshes: see service/refresh.py
        GLOSSARY_SNAPSHOT=os.environ.get("GLOSSARY_SNAPSHOT", "auto"),  # the saved snapshot: see _saved_snapshot
        # lookup answers kept per worker (service/answers.py); 0: none
        GLOSSARY_ANSWER_CACHE_BYTES=int(os.environ.get("GLOSSARY_ANSWER_CACHE_BYTES", str(ANSWER_CACHE_BYTES))),
        PUBLIC_URL="http://127.0.0.1:8000",
        LIMIT_NAMES=tuple(LIMITS),
        **{name: default for name, (default, _) in LIMITS.items()},
    )
    app.config.update(limits_from_environ(os.environ))
    if "GLOSSARY_SEEDS" in os.environ:
        app.config["GLOSSARY_SEEDS"] = os.environ["GLOSSARY_SEEDS"]
    if "GLOSSARY_REFERENCE" in os.environ:
        app.config["GLOSSARY_REFERENCE"] = os.environ["GLOSSARY_REFERENCE"]
    if "GLOSSARY_DB" in os.environ:
        app.config["GLOSSARY_DB"] = os.environ["GLOSSARY_DB"]
    if "GLOSSARY_PUBLIC_URL" in os.environ:  # where clients reach the service (reconciliation manifest)
        app.config["PUBLIC_URL"] = os.environ["GLOSSARY_PUBLIC_URL"]
    app.config.update(config or {})
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_BODY_BYTES"]
    from service.refresh import MODES

    if app.config["GLOSSARY_REFRESH"] not in MODES:
        raise ConfigError(f"GLOSSARY_REFRESH must be one of {', '.join(MODES)}, not {app.config['GLOSSARY_REFRESH']!r}")
    app.json.ensure_ascii = False
    app.json.sort_keys = False

    started = time.perf_counter()
    glossary, store, store_snapshots = _source(app)
    # Build the text scanner and load the word-boundary lexicons now, not on the first request (with
    # preload_app, the workers then share them).
    snapshots = SnapshotHolder(glossary)
    glossary.matcher().boundaries.warm_up()
    from service import answers, data

    data.init_app(app, snapshots)
    answers.init_app(app, app.config["GLOSSARY_ANSWER_CACHE_BYTES"])
    if store is not None:
        from service.refresh import Refresher, refresh_mode

        mode = refresh_mode(app.config["GLOSSARY_REFRESH"], glossary.variant_count)
        app.extensions["store"] = store
        app.extensions["refresher"] = Refresher(snapshots, store_snapshots, mode)  # started by _every_request
    # The glossary lives as long as the process: keep its objects out of the collector's full passes (each
    # would walk millions of them, a pause in the middle of some request) and, with preload_app, out of the
    # pages that a collection would touch and so copy in every worker.
    gc.freeze()
    if store is not None:
        from service.refresh import trim_heap

        # What the load freed (an unpickled snapshot's scratch, the snapshot a catch-up replaced) goes back to
        # the system, not into pages every forked worker would share as resident.
        trim_heap()
    # Reference layer (JMnedict, CC-CEDICT; glossary/reference.py): nothing is read here. Each worker opens
    # the compiled artefact on first use; a missing one is compiled by a process of its own meanwhile.
    reference = app.config["GLOSSARY_REFERENCE"]
    if reference == "off":
        app.extensions["reference"] = None
    else:
        app.extensions["reference"] = ReferenceLayer(reference, compile_missing=False)
        app.extensions["reference_compiler"] = start_compiling(app.extensions["reference"].path)
    # gunicorn's master logs it once it listens (service/gunicorn_conf.py)
    app.extensions["loaded"] = (f"glossary {glossary.version}: {len(glossary.entries)} entries, "
                                f"{glossary.variant_count} variants, loaded in {time.perf_counter() - started:.2f}s"
                                + (f" ({store_snapshots.loaded_from})" if store_snapshots is not None else ""))
    app.logger.info("%s", app.extensions["loaded"])

    from service.reconcile_doc import ErrorResponsesPlugin
    from service.reconcile_doc import document as document_reconciliation

    api = ProblemApi(app, spec_kwargs={"info": {"description": _DESCRIPTION},
                                       "extra_plugins": [ErrorResponsesPlugin()]})
    api.spec.components.security_scheme("bearerAuth", {
        "type": "http", "scheme": "bearer",
        "description": "a token from `python -m glossary token create NAME --role editor|admin`"})
    from service.api import blp
    from service.docs import docs
    from service.reconcile import bp as reconcile_bp
    from service.reconcile import draft as reconcile_draft
    from service.web import web

    api.register_blueprint(blp)
    app.register_blueprint(docs)
    app.register_blueprint(web)
    app.register_blueprint(reconcile_bp)
    app.register_blueprint(reconcile_draft)
    document_reconciliation(api.spec, app)
    # CORS on every route, preflight included: OpenRefine and browser tools call from other origins.
    CORS(app, expose_headers=["X-Request-ID"], max_age=86400)
    app.extensions["api"] = api
    app.register_error_handler(HTTPException, problem_response)
    app.register_error_handler(StoreUnavailable, lambda exc: problem_response(StoreUnavailableError(str(exc))))
    _every_request(app)
    app.wsgi_app = guard_body(app.wsgi_app)
    return app


def _cors_hook(app: Flask):
    """flask-cors' response hook, taken out of the app's hooks: :func:`_every_request` calls it, and only for
    requests that carry an ``Origin`` header. Browsers send ``Origin`` with every cross-origin request and
    preflight, and CORS headers mean nothing to any other client (scripts, pipelines, other services: most
    lookups), for whom the hook was a share of each request's CPU."""
    hooks = app.after_request_funcs[None]
    for n, hook in enumerate(hooks):
        if hook.__name__ == "cors_after_request":
            return hooks.pop(n)
    raise RuntimeError("flask-cors registered no response hook")  # pragma: no cover - a flask-cors change


def _source(app: Flask):
    """(first snapshot, store, its snapshots) or (glossary, None, None).

    A store (``GLOSSARY_DB``, else ``instance/glossary.db``, created from the seeds on first start) unless
    the app is given a glossary (tests) or seed files without a store (``GLOSSARY_SEEDS`` alone: read-only).
    """
    seeds, db = app.config["GLOSSARY_SEEDS"], app.config["GLOSSARY_DB"]
    if app.config.get("GLOSSARY") is not None:
        return app.config["GLOSSARY"], None, None
    if seeds and not db:
        return load_glossary(seeds), None, None
    store = open_store(db or default_path(), seeds)
    from service.refresh import layer_from

    snapshots = StoreSnapshots(store, saved=_saved_snapshot(app.config["GLOSSARY_SNAPSHOT"], store),
                               layer_from=layer_from(app.config["GLOSSARY_REFRESH"]))
    return snapshots.load(), store, snapshots


# GLOSSARY_SNAPSHOT=auto saves the prepared snapshot from this many variants: where a glossary counts as large,
# as for who refreshes it (service/refresh.py).
SAVE_FROM_VARIANTS = MASTER_FROM_VARIANTS


def _saved_snapshot(setting: str, store) -> SavedSnapshot | None:
    """The file a start reads the prepared snapshot from (glossary/snapshot.py): ``auto`` (the default), beside
    an SQLite store once the glossary has :data:`SAVE_FROM_VARIANTS` variants (none for PostgreSQL, whose
    replicas may not share a disk); ``off``; or a path, written at any size."""
    if setting == "off":
        return None
    if setting != "auto":
        return SavedSnapshot(setting)
    path = getattr(store, "path", None)
    return SavedSnapshot(f"{path}.snapshot", from_variants=SAVE_FROM_VARIANTS) if path is not None else None


def serve() -> Flask:
    """gunicorn's entry point (`make run`, the image): a bad setting or seed file stops the start with its one
    clear message (and exit status 3), not at the end of a gunicorn traceback."""
    try:
        return create_app()
    except (ConfigError, SeedError, StoreUnavailable) as exc:
        sys.stderr.write(f"glossary service cannot start: {exc}\n")
        sys.stderr.flush()
        raise SystemExit(3) from None


_DESCRIPTION = (
    "Look up canonical names of people, places, organisations and events of Japan–China news, one at a "
    "time or in batches, and normalise whole texts. Every error is RFC 9457 problem details "
    "(application/problem+json). Version " + __version__ + "."
)


# A caller's request id is kept when it is a plain token (it is logged and echoed in headers).
_REQUEST_ID_RE = re.compile(r"[A-Za-z0-9._:+=-]{1,64}")
# HTML pages (the website, /docs, the reconciliation preview): scripts, styles and images only from this
# service (no inline script; inline styles for the preview and Swagger UI), fetches only to it, forms only to it.
HTML_CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            "connect-src 'self'; base-uri 'none'; form-action 'self'")


class _RequestIds:
    """Request ids unique across processes and restarts without a system call each: 20 random hex digits drawn
    once per process (again after a fork), then a counter."""

    def __init__(self):
        self._reset()
        os.register_at_fork(after_in_child=self._reset)

    def _reset(self):
        self._prefix, self._counter = secrets.token_hex(10), itertools.count()

    def __call__(self) -> str:
        return f"{self._prefix}{next(self._counter) & 0xFFFFFFFFFFFF:012x}"


_new_request_id = _RequestIds()


def _every_request(app: Flask) -> None:
    """What every request and every answer gets.

    Before the view (one request hook): the store refresher's start (once per process: after gunicorn forks, in
    each worker), the deadline, and the one guard over every JSON body. Around the app (:func:`_answer_headers`,
    WSGI middleware): a request id (the caller's X-Request-ID when it is a plain token), and on the answer the id,
    the time taken (Server-Timing), the data version it came from, nosniff and the HTML pages' CSP. For browsers
    (a request with ``Origin``), flask-cors' hook. Flask's cost is per hook (it asks each whether it is a
    coroutine, on every request) and a response's headers check each value they are given; a WSGI wrapper adds
    plain tuples to the list the server writes: six hooks were a tenth of a lookup request's time, the headers
    hook and the response hook's dispatch another tenth.
    """
    refresher, cors = app.extensions.get("refresher"), _cors_hook(app)

    @app.before_request
    def start():
        if refresher is not None:
            refresher.start()
        start_deadline(g._get_current_object(), app.config)
        request_json_guard()

    @app.after_request
    def for_browsers(response):
        return cors(response) if "HTTP_ORIGIN" in request.environ else response  # the Origin header

    app.wsgi_app = _answer_headers(app.wsgi_app)


REQUEST_ID_KEY = "glossary.request_id"  # where a request's id waits in the WSGI environ (errors echo it)


def _answer_headers(wsgi_app):
    """WSGI middleware: the request id, then the headers every answer carries (see :func:`_every_request`)."""
    perf_counter, version_header = time.perf_counter, VERSION_HEADER

    def app(environ, start_response):
        started = perf_counter()
        incoming = environ.get("HTTP_X_REQUEST_ID", "")
        request_id = environ[REQUEST_ID_KEY] = incoming if _REQUEST_ID_RE.fullmatch(incoming) else _new_request_id()

        def start_with_ours(status, headers, exc_info=None):
            ours = [("X-Request-ID", request_id), ("Server-Timing", f"app;dur={(perf_counter() - started) * 1000:.1f}"),
                    ("X-Content-Type-Options", "nosniff")]
            snapshot = g.get("glossary") if has_request_context() else None  # pinned by the view (service/data.py)
            if snapshot is not None:
                ours.append((version_header, snapshot.version))
            if any(k == "Content-Type" and v.startswith("text/html") for k, v in headers):
                ours.append(("Content-Security-Policy", HTML_CSP))
            return start_response(status, headers + ours, exc_info)

        return wsgi_app(environ, start_with_ours)

    return app


logging.getLogger("werkzeug").setLevel(logging.WARNING)
