"""The service worker of the offline programme (static/js/sw.js), served from the site's root
so that its scope is the whole site (a worker under /static/js/ could only control that
folder). Revalidated on every visit, so a new version takes over at once."""

import hashlib
from functools import cache

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.views.decorators.http import condition, require_GET


@cache
def _script() -> bytes:
    with open(finders.find("js/sw.js"), "rb") as source:
        return source.read()


@require_GET
@condition(etag_func=lambda request: hashlib.sha256(_script()).hexdigest()[:32])
def service_worker(request):
    response = HttpResponse(_script(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response
