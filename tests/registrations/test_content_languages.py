"""Invitations and reminders carry the programme's text in the participant's language, with its
fallback marked, and say which language each session is spoken and interpreted in."""

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from registrations import services
from registrations.models import Message, SessionChoice
from registrations.reminders import reminders_record
from registrations.tasks import messages_deliver
from tests.factories import (
    CategoryFactory,
    EventFactory,
    RegistrationFactory,
    RoomFactory,
    SessionFactory,
    ThemeFactory,
)
from tests.pages import parse
from tests.registrations.test_invitations import invite_of

pytestmark = pytest.mark.django_db

BOGOTA = ZoneInfo("America/Bogota")
STARTS = datetime.combine(date(2030, 11, 27), time(9), BOGOTA)


@pytest.fixture
def event():
    return EventFactory(
        name_en="Digital Alliance Days 2030",
        name_pt_br="Jornadas da Aliança Digital 2030",
        day_before_reminder_at=None,
    )


@pytest.fixture
def sessions(event):
    theme = ThemeFactory(name_en="Data", name_pt_br="Dados")
    room = RoomFactory(name_en="Terrace", name_es="Terraza", name_pt_br="Terraço")
    return [
        SessionFactory(
            event=event,
            theme=theme,
            room=room,
            title_en="Data flows",
            title_pt_br="Fluxos de dados",
            language="es",
            interpretation=["en", "pt"],
            starts_at=STARTS,
            ends_at=STARTS + timedelta(hours=1),
        ),
        SessionFactory(
            event=event,
            theme=theme,
            room=room,
            title_en="Open data",
            starts_at=STARTS + timedelta(hours=2),
            ends_at=STARTS + timedelta(hours=3),
        ),
    ]


def participant(event, language: str):
    return RegistrationFactory(
        event=event,
        language=language,
        status="confirmed",
        confirmed_at=timezone.now(),
        full_name="Ana Souza",
    )


def html_of(email) -> str:
    ((html, _mimetype),) = [a for a in email.alternatives if a[1] == "text/html"]
    return html


def test_invitations_in_participants_language_fallback_marked(
    event, sessions, django_capture_on_commit_callbacks
):
    registration = participant(event, "pt-br")
    with django_capture_on_commit_callbacks(execute=True):
        for session in sessions:
            services.session_choose(registration=registration, session_id=session.pk)

    translated, english = mail.outbox
    vevents = [invite_of(email).walk("VEVENT")[0] for email in (translated, english)]
    assert [email.subject for email in (translated, english)] == [
        "Convite: Fluxos de dados",
        "Convite: Open data",
    ]
    assert "Idioma: Espanhol, com interpretação para: Inglês, Português" in translated.body
    assert "Onde: Terraço, Convention Centre, Cartagena de Indias" in translated.body
    assert [str(v["SUMMARY"]) for v in vevents] == ["Fluxos de dados", "Open data"]
    assert str(vevents[0]["DESCRIPTION"]).split("\n\n")[:2] == [
        "Tema: Dados",
        "Idioma: Espanhol, com interpretação para: Inglês, Português",
    ]
    # In the HTML, the English title left untranslated says it is English.
    assert re.findall(r"<p>“(.*?)” está na sua agenda\.</p>", html_of(translated)) == [
        "Fluxos de dados"
    ]
    assert re.findall(r"<p>“(.*?)” está na sua agenda\.</p>", html_of(english)) == [
        '<span lang="en">Open data</span>'
    ]
    assert re.findall(r'<p style="[^"]*"( lang="en")?>([^<]*)</p>', html_of(english))[0] == (
        "",
        "Jornadas da Aliança Digital 2030",
    )


def test_spanish_participant_gets_spanish_or_english_and_spanish_room(event, sessions):
    registration = participant(event, "es")
    SessionChoice.objects.create(registration=registration, session=sessions[0])
    reminders_record(now=STARTS - timedelta(minutes=30))
    messages_deliver(list(Message.objects.values_list("pk", flat=True)))

    (email,) = mail.outbox
    assert email.subject == "Empieza pronto: Data flows"
    assert "Dónde: Terraza, Convention Centre, Cartagena de Indias" in email.body.splitlines()
    assert "Idioma: Español, con interpretación a: Inglés, Portugués" in email.body.splitlines()
    assert re.findall(r"<p>“(.*?)”", html_of(email)) == ['<span lang="en">Data flows</span>']
    # The event's name has no Spanish: the English one, marked.
    assert '<p style="color: #003399; font-weight: bold" lang="en">Digital Alliance Days 2030' in (
        html_of(email)
    )


def test_stakeholder_categories_in_the_visitors_language(client, event):
    """The seeded categories (registrations/migrations/0002, 0010) and one added later with
    no Portuguese name, shown in English and marked so."""
    CategoryFactory(name_en="Think tanks", name_es="Centros de pensamiento", position=9)
    options = {}
    for language in ("es", "pt-br"):
        client.cookies["django_language"] = language
        page = parse(client.get(f"/events/{event.slug}/register/"))
        options[language] = [
            (option.text, option.attrs.get("lang"))
            for option in page.one("select", name="category").select("option")
        ][-3:]
    assert options == {
        "es": [
            ("Academia y redes de investigación", None),
            ("Medios de comunicación", None),
            ("Centros de pensamiento", None),
        ],
        "pt-br": [
            ("Academia e redes de pesquisa", None),
            ("Imprensa", None),
            ("Think tanks", "en"),
        ],
    }


def test_manage_page_in_participants_language_fallback_marked(client, event, sessions):
    registration = participant(event, "pt-br")
    page = parse(client.get(registration.get_absolute_url()))
    titles = {
        session.pk: page.one("li", id_=f"session-{session.pk}").select("a")[0]
        for session in sessions
    }
    assert [(a.text, a.attrs.get("lang")) for a in titles.values()] == [
        ("Fluxos de dados", None),
        ("Open data", "en"),
    ]
