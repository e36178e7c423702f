"""The participant's time zone on the registration and manage forms: a searchable list of
zones labelled by city and country, typed or picked, in the visitor's language."""

import pytest
from django.urls import reverse

from registrations.forms import ManageForm, RegistrationForm
from registrations.models import Registration
from tests.factories import EventFactory, RegistrationFactory
from tests.pages import parse
from tests.registrations.test_flow import form_data
from tests.registrations.test_views import manage_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "typed"),
    [("en", "Madrid, Spain (UTC+1)"), ("es", "Madrid, España"), ("pt", "Europe/Madrid")],
)
def test_registration_time_zone_from_its_label_in_the_language(client, language, typed):
    event = EventFactory()
    url = reverse("registrations:register", args=[event.slug])
    client.cookies["django_language"] = language
    response = client.post(url, form_data(time_zone=typed))
    assert response.status_code == 302
    assert Registration.objects.get().time_zone == "Europe/Madrid"


def test_registration_time_zone_empty_is_the_countrys():
    form = RegistrationForm(form_data(country="BR", time_zone=""))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["time_zone"] == "America/Sao_Paulo"


@pytest.mark.parametrize("typed", ["Factory", "localtime", "Etc/GMT+5", "Atlantis"])
def test_registration_time_zone_not_in_the_list_refused(client, typed):
    event = EventFactory()
    url = reverse("registrations:register", args=[event.slug])
    response = client.post(url, form_data(time_zone=typed))
    assert response.status_code == 200
    assert response.context["form"].errors["time_zone"] == [
        "Choose a time zone from the list, or leave this empty."
    ]
    assert Registration.objects.count() == 0
    # What was typed stays in the box, to be corrected.
    assert parse(response).one("input", name="time_zone").attrs["value"] == typed


def test_register_page_suggests_zones_of_the_chosen_country_first(client):
    event = EventFactory()
    url = reverse("registrations:register", args=[event.slug])
    response = client.post(url, form_data(country="BR", full_name=""))
    page = parse(response)
    box = page.one("input", name="time_zone")
    options = page.one("datalist", id_=box.attrs["list"]).select("option")
    assert options[0].attrs["value"] == "São Paulo, Brazil (UTC−3)"
    assert {option.attrs["data-country"] for option in options[:16]} == {"BR"}
    assert options[16].attrs["data-country"] != "BR"
    values = {option.attrs["value"] for option in options}
    assert not any(word in value for value in values for word in ("Factory", "localtime", "Etc"))


def test_manage_form_saved_unchanged_keeps_an_old_zone_name():
    # Stored before the list existed, under a name zone.tab no longer uses.
    registration = RegistrationFactory(time_zone="America/Buenos_Aires")
    shown = ManageForm(instance=registration)
    field = shown["time_zone"]
    label = field.field.prepare_value(field.value())
    assert label.startswith("Buenos Aires (UTC−")
    form = ManageForm(manage_data(registration, time_zone=label), instance=registration)
    assert form.is_valid(), form.errors
    assert form.has_changed() is False
    assert form.cleaned_data["time_zone"] == "America/Buenos_Aires"


def test_manage_form_shows_the_zone_by_its_label_in_the_language(client):
    registration = RegistrationFactory(time_zone="Europe/Brussels")
    client.cookies["django_language"] = "es"
    page = parse(client.get(registration.get_absolute_url()))
    assert page.one("input", name="time_zone").attrs["value"].startswith("Bruselas, Bélgica (UTC+")
