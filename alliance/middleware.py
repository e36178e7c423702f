"""Middleware of the whole site."""

from django.db import OperationalError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE when lock_timeout expires


def healthz_middleware(get_response):
    """Answer `/healthz` before host validation and the HTTPS redirect: container health checks
    come from inside, by IP and over plain HTTP, whatever ALLOWED_HOSTS and HTTPS say. No
    database, no template: the benchmarks also use it as the server's own ceiling."""

    def middleware(request):
        if request.path == "/healthz":
            response = HttpResponse(b"ok", content_type="text/plain")
            add_never_cache_headers(response)
            return response
        return get_response(request)

    return middleware


class BusyMiddleware:
    """A request that waited LOCK_TIMEOUT_MS for a row lock (thousands registering at once) gets
    a page saying so and to try again, not a server error. Its transaction was rolled back, so
    nothing was written."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError):
            return None
        if getattr(exception.__cause__, "sqlstate", None) != LOCK_NOT_AVAILABLE:
            return None
        response = render(request, "busy.html", status=503)
        response["Retry-After"] = "5"
        add_never_cache_headers(response)
        return response
