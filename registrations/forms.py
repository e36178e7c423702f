import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from events.languages import foreign_language
from events.zones import zone_choices, zone_find, zone_label

from .addresses import address_normalise
from .countries import COUNTRIES, country_time_zone
from .models import Registration, StakeholderCategory

no_control_characters = RegexValidator(
    re.compile(r"[\x00-\x1f\x7f-\x9f]"),
    _("Remove the control characters (such as tabs or line breaks) from this field."),
    inverse_match=True,
)
no_control_characters_but_newlines = RegexValidator(
    re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"),
    _("Remove the control characters from this field."),
    inverse_match=True,
)

SINGLE_LINE_FIELDS = ("full_name", "organisation", "job_title")


class EmailAddressField(forms.EmailField):
    """An email address, normalised (registrations.addresses): what is stored, compared and
    rate-limited is one spelling per mailbox."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value or len(value) > self.max_length:
            return value  # empty, or too long: the field's own validators say so
        return address_normalise(value)


class TimeZoneInput(forms.TextInput):
    """A text box suggesting every zone by city and country (a <datalist>, which browsers
    filter as one types, with or without JavaScript); `first_country`'s zones come first."""

    first_country = ""
    first_zone = ""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        list_id = f"{attrs.get('id', name)}-list"
        attrs.update(list=list_id, autocomplete="off")
        options = format_html_join(
            "",
            '<option value="{}" data-country="{}" data-zone="{}"></option>',
            (
                (choice.label, choice.country, choice.zone)
                for choice in zone_choices(
                    first_country=self.first_country, first_zone=self.first_zone
                )
            ),
        )
        box = super().render(name, value, attrs, renderer)
        return box + format_html('<datalist id="{}">{}</datalist>', list_id, options)


class TimeZoneField(forms.CharField):
    """An IANA zone, shown and typed as its label in the list ("Bogotá, Colombia (UTC−5)")."""

    widget = TimeZoneInput
    stored = ""  # the participant's zone so far: accepted even if the list lacks it

    def prepare_value(self, value):
        # A stored zone shows as its label; what the participant typed, as they typed it.
        if value and zone_find(value, also=self.stored) == value:
            return zone_label(value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return ""
        zone = zone_find(text, also=self.stored)
        if zone is None:
            raise ValidationError(
                _("Choose a time zone from the list, or leave this empty."), code="invalid_choice"
            )
        return zone


class CategorySelect(forms.Select):
    """Marks a category whose name is shown in another language (not translated yet) with
    that language's `lang`."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        category = getattr(value, "instance", None)  # None for the empty choice
        if category is not None and (language := foreign_language(category, "name")):
            option["attrs"]["lang"] = language
        return option


class ParticipantForm(forms.ModelForm):
    category = forms.ModelChoiceField(
        queryset=StakeholderCategory.objects.all(),
        label=_("Stakeholder category"),
        widget=CategorySelect,
    )
    time_zone = TimeZoneField(
        label=_("Your time zone"),
        required=False,
        max_length=100,
        help_text=_(
            "Type your city or country. Empty: the usual one for your country. Emails show "
            "times in the event's zone and in this one."
        ),
    )

    class Meta:
        model = Registration
        fields = [
            "full_name",
            "organisation",
            "job_title",
            "country",
            "category",
            "mode",
            "language",
            "time_zone",
            "needs",
            "media_consent",
        ]
        widgets = {
            "mode": forms.RadioSelect,
            "needs": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "mode": _("How will you attend?"),
            "media_consent": _("I agree to be photographed, filmed and shown in livestreams."),
            "session_reminders": _("Email me a reminder before each session I chose."),
        }
        help_texts = {
            "needs": _("Wheelchair access, sign language, interpretation, dietary needs…"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in SINGLE_LINE_FIELDS:
            if name in self.fields:
                self.fields[name].validators.append(no_control_characters)
        self.fields["needs"].validators.append(no_control_characters_but_newlines)
        zone_field = self.fields["time_zone"]
        zone_field.stored = self.instance.time_zone
        country = self.data.get("country") or self.instance.country or ""
        zone_field.widget.first_country = country
        zone_field.widget.first_zone = self.instance.time_zone or (
            country_time_zone(country) if country in COUNTRIES else ""
        )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("time_zone") and cleaned.get("country"):
            cleaned["time_zone"] = country_time_zone(cleaned["country"])
        return cleaned


class RegistrationForm(ParticipantForm):
    # A field people never see: bots fill it in, and their submission is dropped.
    website = forms.CharField(required=False, label=_("Leave this empty"))
    privacy_consent = forms.BooleanField(
        label=_("I have read and accept the privacy notice."),
        error_messages={"required": _("You must accept the privacy notice to register.")},
    )

    class Meta(ParticipantForm.Meta):
        fields = ["full_name", "email", *ParticipantForm.Meta.fields[1:]]
        field_classes = {"email": EmailAddressField}

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))

    def registration_data(self) -> dict:
        """The model fields, for the service."""
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class ManageForm(ParticipantForm):
    class Meta(ParticipantForm.Meta):
        fields = [*ParticipantForm.Meta.fields, "session_reminders"]


class LinkRequestForm(forms.Form):
    email = EmailAddressField(label=_("Your email address"), max_length=254)
    website = forms.CharField(required=False, label=_("Leave this empty"))
