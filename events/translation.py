"""The programme's text in every language of the site (django-modeltranslation).

Each field named here gets one column per language (`title_en`, `title_es`, `title_pt_br`);
reading `session.title` gives the active language's text, or the first of
MODELTRANSLATION_FALLBACK_LANGUAGES that has one (events/languages.py tells which).
"""

from modeltranslation.translator import TranslationOptions, register

from .models import Event, Room, Session, Speaker, Theme


@register(Event)
class EventTranslation(TranslationOptions):
    fields = ("name", "description", "hosts")
    required_languages = {"en": ("name",)}


@register(Theme)
class ThemeTranslation(TranslationOptions):
    fields = ("name", "description")
    required_languages = {"en": ("name",)}


@register(Room)
class RoomTranslation(TranslationOptions):
    fields = ("name", "floor")
    required_languages = {"en": ("name",)}


@register(Speaker)
class SpeakerTranslation(TranslationOptions):
    fields = ("affiliation", "country", "bio")


@register(Session)
class SessionTranslation(TranslationOptions):
    fields = ("title", "abstract")
    required_languages = {"en": ("title",)}
