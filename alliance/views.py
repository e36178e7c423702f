from django.http import HttpResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """Liveness for container health checks, and the framework's own throughput ceiling in
    the benchmarks: no database, no template."""
    return HttpResponse(b"ok", content_type="text/plain")
