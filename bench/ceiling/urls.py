"""The app's URLs plus /bench/constant/<bytes>: a trivial Django view returning a constant byte
string of that size, the size of the response compared with it. It is the framework's own
ceiling for a response of that size, served by the same gunicorn in the same run."""

from functools import cache

from django.http import HttpResponse
from django.urls import include, path


@cache
def body(size: int) -> bytes:
    return b"x" * size


def constant(request, size: int):
    return HttpResponse(body(size), content_type="text/html; charset=utf-8")


urlpatterns = [
    path("bench/constant/<int:size>", constant),
    path("", include("alliance.urls")),
]
