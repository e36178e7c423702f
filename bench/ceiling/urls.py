"""The app's URLs plus /bench/constant: a trivial Django view returning a constant byte string
of BENCH_CONSTANT_BYTES, the size of the response compared with it. It is the framework's own
ceiling for a response of that size, served by the same gunicorn in the same run."""

import os

from django.http import HttpResponse
from django.urls import include, path

BODY = b"x" * int(os.environ.get("BENCH_CONSTANT_BYTES", "2"))


def constant(request):
    return HttpResponse(BODY, content_type="text/calendar; charset=utf-8")


urlpatterns = [path("bench/constant", constant), path("", include("alliance.urls"))]
