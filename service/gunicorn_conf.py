"""gunicorn settings for `make run` and the Docker image (the same entry point for both).

The worker class and why: see service/worker.py and the README's "Serving".
"""

import multiprocessing
import os
import signal

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", min(2, multiprocessing.cpu_count())))
worker_class = "service.worker.Worker"  # gevent: a stalled client holds a greenlet, not a worker
worker_connections = int(os.environ.get("WORKER_CONNECTIONS", "1000"))
preload_app = True  # load and index the glossary once, before forking: workers share its memory
timeout = 30  # a worker whose loop is blocked this long (a runaway request) is replaced
graceful_timeout = 20  # SIGTERM: finish requests in flight, then stop
# Seconds to wait for the head of a request (the next one on a kept-alive connection too).
keepalive = int(os.environ.get("KEEPALIVE", "5"))
# The request line: gunicorn's own limit (its maximum), answered 414 in the API's error shape.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
control_socket_disable = True  # no ~/.gunicorn/gunicorn.ctl shared by every instance of the same user
accesslog = "-"
errorlog = "-"
loglevel = "info"
logger_class = "service.accesslog.AccessLogger"  # the request line is cut in the log
# One line per request: client, request line (method, path, query), status, size, duration, request id,
# the glossary data version it was answered from and the worker's pid (no header of the request: a token
# is never logged).
access_log_format = '%(h)s "%(r)s" %(s)s %(b)sB %(M)sms rid=%({x-request-id}o)s dv=%({x-data-version}o)s pid=%(p)s'


def when_ready(server):
    """Say what was loaded, and how long it took. A large glossary (``GLOSSARY_REFRESH``, service/refresh.py): the
    master polls the store, builds each new snapshot once and re-forks the workers (SIGHUP), which share it
    instead of each building a copy."""
    extensions = getattr(server.app.wsgi(), "extensions", {})
    if "loaded" in extensions:
        server.log.info("%s", extensions["loaded"])
    refresher = extensions.get("refresher")
    if refresher is not None and refresher.mode == "master":
        refresher.start_in_master(lambda: os.kill(os.getpid(), signal.SIGHUP))


def post_worker_init(worker):
    """Start the worker's store refresher now, not at its first request (service/refresh.py)."""
    refresher = getattr(worker.wsgi, "extensions", {}).get("refresher")
    if refresher is not None:
        refresher.start()


def worker_exit(server, worker):
    """Stop the worker's store refresher, so that the worker exits without waiting for it."""
    refresher = getattr(worker.wsgi, "extensions", {}).get("refresher")
    if refresher is not None:
        refresher.stop()


def on_exit(server):
    """When the master refreshes for its workers (a large glossary), it holds the newest snapshot: saved now,
    as the service stops, the next start reads it instead of catching up with the writes since the last
    save (glossary/snapshot.py; at a million variants a few seconds more to stop, ten fewer to start)."""
    refresher = getattr(server.app.wsgi(), "extensions", {}).get("refresher")
    if refresher is not None and refresher.mode == "master":
        refresher.stop()
        try:
            if refresher.snapshots.save_if_behind():
                server.log.info("saved the glossary snapshot for the next start")
        except OSError as exc:
            server.log.warning("glossary snapshot not saved: %s", exc)
