"""Stakeholder categories in every language of the site (django-modeltranslation), as the
programme (events/translation.py)."""

from modeltranslation.translator import TranslationOptions, register

from .models import StakeholderCategory


@register(StakeholderCategory)
class StakeholderCategoryTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = {"en": ("name",)}
