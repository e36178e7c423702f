from urllib.parse import urlencode

from django import template
from django.conf import settings

register = template.Library()


@register.filter
def webcal(url: str) -> str:
    """The webcal:// form of a feed URL, which calendar apps open as a subscription."""
    return "webcal://" + url.split("://", 1)[-1]


@register.simple_tag
def absolute(path: str, lang: str = "") -> str:
    """An absolute URL on the public site (feeds must not depend on the request's host);
    with `lang`, a public feed's in that language (a subscribed calendar sends no cookie)."""
    return settings.SITE_URL + path + (f"?{urlencode({'lang': lang})}" if lang else "")
