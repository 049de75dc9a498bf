"""gunicorn settings for `make run` and the Docker image (the same entry point for both)."""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", min(2, multiprocessing.cpu_count())))
worker_class = "gthread"
threads = int(os.environ.get("THREADS", "4"))
preload_app = True  # load and index the glossary once, before forking: workers share its memory
timeout = 60
graceful_timeout = 20  # SIGTERM: finish requests in flight, then stop
# Long lookup URLs are answered by the app with a 414 in the API's error shape, not by gunicorn.
limit_request_line = 0
accesslog = "-"
errorlog = "-"
loglevel = "info"
# One line per request: client, request line (method, path, query), status, size, duration, request id.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)sB %(M)sms rid=%({x-request-id}o)s'
