"""Languages: which one the programme's translated text is shown in, and the site's language
for a code a visitor sent.

django-modeltranslation (events/translation.py) answers `session.title` in the active language,
or in the first fallback language that has it. Text in another language than the page's must
say so (`lang="…"`) for screen readers and hyphenation: `shown_language` tells which one it came
from, by the same order the library reads them in.
"""

from django.conf import settings
from django.db.models import Model
from modeltranslation.utils import build_localized_fieldname, get_language, resolution_order

FORMER_LANGUAGES = {"pt": "pt-br"}


def shown_language(instance: Model, field: str) -> str:
    """The language `getattr(instance, field)` is shown in under the active language: the
    first of its resolution order with text (the active language when none has any)."""
    descriptor = getattr(type(instance), field)
    active = get_language()
    for language in resolution_order(active, descriptor.fallback_languages):
        if getattr(instance, build_localized_fieldname(field, language), None) not in (None, ""):
            return language
    return active


def foreign_language(instance: Model, field: str) -> str:
    """The language of `getattr(instance, field)` when it is not the active one, else ""."""
    language = shown_language(instance, field)
    return "" if language == get_language() else language


def site_language(code: str) -> str:
    """The site's language for a code a visitor sent in a link or a cookie, in any case: "pt"
    (of the links and cookies from before Brazilian Portuguese) is "pt-br". LookupError for
    any other code."""
    code = code.lower()
    language = FORMER_LANGUAGES.get(code, code)
    if language not in dict(settings.LANGUAGES):
        raise LookupError(code)
    return language
