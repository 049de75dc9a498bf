"""The gunicorn worker class of `make run` and the Docker image: gevent, with the API's error shape.

Why gevent (README, "Serving"): every connection is a greenlet, not a thread or a process, so clients
that send half a header or trickle a body hold only a greenlet each (a few KB) while the worker goes on
serving everyone else; gthread gave each such client one of its few threads for as long as it liked.
Stalled clients are also dropped: a request's head must arrive within ``keepalive`` seconds (gunicorn
times the head read of every request with it), and a body read that waits longer than
``READ_TIMEOUT`` seconds ends the connection. The work itself is CPU-bound and bounded per request
(limits and a deadline), so cooperative scheduling costs nothing.

Errors that gunicorn raises itself, before the application sees the request (a request line or header
too long, a malformed request line, a bad chunk), are written as RFC 9457 problem details like every
other error of the API, not as gunicorn's HTML page.
"""

from __future__ import annotations

import json
import os
import re
import uuid

import gevent
from gevent.server import StreamServer
from gunicorn import util
from gunicorn.workers import ggevent
from gunicorn.workers.ggevent import GeventWorker

READ_TIMEOUT = float(os.environ.get("READ_TIMEOUT", "10"))  # seconds a read may wait for the client
PROBLEM_TYPE_BASE = "https://jcglossary.example/problems/"


class DrainingStreamServer(StreamServer):
    """On a graceful stop, connections already waiting in the listen backlog are accepted and served.

    gunicorn's gevent worker closes its listening socket when told to stop; the kernel then resets every
    connection the worker had not accepted yet (a busy worker accepts late), so a client whose request was
    already sent got a reset under load. These are served like the others, within graceful_timeout.
    """

    def close(self):
        if not self.closed:
            self.stop_accepting()
            while not self.full():
                try:
                    args = self.do_read()
                except OSError:
                    break
                if not args:
                    break
                self.do_handle(*args)
        super().close()


ggevent.StreamServer = DrainingStreamServer  # the class GeventWorker.run serves its listeners with


class Worker(GeventWorker):
    def run(self):
        # Connections drained at a graceful stop are served after their listener is closed.
        self.listener_names = {id(s): s.getsockname() for s in self.sockets}
        super().run()

    def handle(self, listener, client, addr):
        client.settimeout(READ_TIMEOUT)
        # Skip GeventWorker.handle, which puts the socket back into blocking mode (no timeout).
        super(GeventWorker, self).handle(_Listener(listener, self.listener_names.get(id(listener))), client, addr)

    def handle_request(self, listener_name, req, sock, addr):
        """Serve one request, then let every other connection with a request waiting have its turn.

        A greenlet that reads its next request from a kept-alive connection does not yield when that
        request is already there, so without this a few busy clients were served over and over while the
        others waited: at 32 connections the median was 1 ms and the 99th percentile 0.3-1 s (bench/README.md).
        """
        try:
            return super().handle_request(listener_name, req, sock, addr)
        finally:
            gevent.sleep(0)

    def init_process(self):
        util.write_error = write_problem  # gunicorn's error page, in this worker process only
        super().init_process()

    def handle_error(self, req, client, addr, exc):
        if isinstance(exc, TimeoutError):
            return  # the client stalled past READ_TIMEOUT: nothing useful can be written to it
        super().handle_error(req, client, addr, exc)


class _Listener:
    """A listening socket whose name is known after it is closed (gunicorn asks for it per request)."""

    def __init__(self, sock, name):
        self._sock, self._name = sock, name

    def getsockname(self):
        return self._name if self._name is not None else self._sock.getsockname()

    def __getattr__(self, attr):
        return getattr(self._sock, attr)


_LINE_RE = re.compile(r"\((\d+) > (\d+)\)")


def write_problem(sock, status: int, reason: str, mesg: str) -> None:
    """gunicorn's ``util.write_error``, writing problem details instead of an HTML page."""
    detail = mesg or reason
    limit = None
    if status == 414 and (m := _LINE_RE.search(mesg)):
        detail = f"the request line is {m[1]} bytes, over the limit of {m[2]}"
        limit = {"name": "limit_request_line", "max": int(m[2]), "actual": int(m[1])}
    body = {"type": PROBLEM_TYPE_BASE + ("limit-exceeded" if status in (413, 414, 431) else
                                         "internal-error" if status >= 500 else "bad-request"),
            "title": reason, "status": status, "detail": detail[:300], "instance": "",
            "request_id": uuid.uuid4().hex}
    if limit:
        body["limit"] = limit
    payload = json.dumps(body, ensure_ascii=False).encode()
    head = (f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\nContent-Type: application/problem+json\r\n"
            f"X-Content-Type-Options: nosniff\r\nX-Request-ID: {body['request_id']}\r\n"
            f"Content-Length: {len(payload)}\r\n\r\n")
    util.write_nonblock(sock, head.encode("latin-1") + payload)
