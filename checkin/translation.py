"""Checkpoint names in every language of the site (django-modeltranslation), as the programme
(events/translation.py)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Checkpoint


@register(Checkpoint)
class CheckpointTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = {"en": ("name",)}
