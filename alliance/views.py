from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from events.languages import site_language


@require_GET
def set_language(request):
    """Remember the visitor's language in the language cookie and go back to `next`.

    A link on every page rather than Django's POST form, whose CSRF token made each page
    different for each visitor and so uncacheable. A page elsewhere could switch a visitor's
    language through this link, which is all it can do: the cookie holds nothing else."""
    try:
        language = site_language(request.GET.get("language", ""))
    except LookupError:
        raise Http404("No such language") from None
    next_url = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    response["Cache-Control"] = "private, no-store"
    return response
