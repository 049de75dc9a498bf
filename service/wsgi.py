"""WSGI middleware between the server and Flask."""

from __future__ import annotations

from werkzeug.exceptions import BadRequest, RequestTimeout


class MalformedBody(BadRequest):
    close_connection = True


class BodyTimeout(RequestTimeout):
    close_connection = True


class _GuardedInput:
    """``wsgi.input`` whose read errors are a 400, not a 500.

    gunicorn parses a chunked body lazily, as the application reads it: a bad chunk size raises
    ``InvalidChunkSize`` (a ``ParseException``) inside ``request.get_data()``, which Flask would answer
    with a 500. Here it becomes a 400 with the API's problem details.
    """

    def __init__(self, stream):
        self._stream = stream

    def _guard(self, method, *args):
        try:
            return method(*args)
        except TimeoutError:  # the worker's read timeout: the client stopped sending its body
            raise BodyTimeout("the client stopped sending the request body") from None
        except (OSError, MalformedBody):
            raise
        except Exception as exc:  # gunicorn.http.errors.ParseException and kin: the client's fault
            raise MalformedBody(f"the request body is malformed: {str(exc)[:100]}") from None

    def read(self, *args):
        return self._guard(self._stream.read, *args)

    def readline(self, *args):
        return self._guard(self._stream.readline, *args)

    def readlines(self, *args):
        return self._guard(self._stream.readlines, *args)

    def __iter__(self):
        return iter(self.readline, b"")


def guard_body(wsgi_app):
    def app(environ, start_response):
        if "wsgi.input" in environ:
            environ["wsgi.input"] = _GuardedInput(environ["wsgi.input"])
        return wsgi_app(environ, start_response)

    return app
