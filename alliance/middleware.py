"""Middleware of the whole site."""

from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers


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
