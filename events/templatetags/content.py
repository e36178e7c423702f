"""The programme's translated text in templates."""

from django import template
from django.utils.html import escape, format_html

from events.languages import foreign_language

register = template.Library()


@register.simple_tag
def lang_of(instance, field: str) -> str:
    """` lang="xx"` when `instance.<field>` is shown in another language than the page's
    (a fallback: not yet translated), for the element holding it:
    `<h1{% lang_of session "title" %}>{{ session.title }}</h1>`."""
    language = foreign_language(instance, field)
    return format_html(' lang="{}"', language) if language else ""


@register.simple_tag
def lang_span(instance, field: str) -> str:
    """`instance.<field>`, escaped, in a `<span lang="xx">` when it is in another language than
    the page's: for text inside a translated sentence (`{% lang_span session "title" as title
    %}{% blocktranslate with title=title %}“{{ title }}” starts soon.{% endblocktranslate %}`)."""
    value = getattr(instance, field)
    language = foreign_language(instance, field)
    return format_html('<span lang="{}">{}</span>', language, value) if language else escape(value)
