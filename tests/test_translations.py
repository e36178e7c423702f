"""Spanish and Portuguese: the catalogues are complete, and pages and emails use them."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from registrations.emails import message_email
from registrations.outbox import message_queue
from tests.factories import EventFactory, RegistrationFactory, SessionFactory
from tests.pages import parse

LANGUAGES = ("es", "pt_BR")  # catalogue folders: locale/<name>/LC_MESSAGES
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sdif%]")


def catalogue(language: str) -> Path:
    return Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / "django.po"


def po_entries(path: Path) -> list[dict]:
    """The entries of a .po file: flags, and each msgid/msgid_plural/msgstr[n] joined."""
    entries = []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        entry = {"flags": set(), "fields": {}}
        field = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                entry["fields"][field] += ast.literal_eval(line)
            else:
                field, _, value = line.partition(" ")
                entry["fields"][field] = ast.literal_eval(value)
        entries.append(entry)
    return entries


def placeholders(text: str) -> list[str]:
    return sorted(match.group(0) for match in PLACEHOLDER.finditer(text))


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_header(language):
    header = po_entries(catalogue(language))[0]
    assert header["fields"]["msgid"] == ""
    assert "fuzzy" not in header["flags"]
    text = header["fields"]["msgstr"]
    assert f"Language: {language}\n" in text
    assert "Content-Type: text/plain; charset=UTF-8\n" in text
    assert "Plural-Forms: nplurals=2; plural=(n != 1);\n" in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_translated_not_fuzzy_with_same_placeholders(language):
    entries = po_entries(catalogue(language))[1:]
    assert len(entries) > 400
    problems = []
    for entry in entries:
        fields = entry["fields"]
        msgid = fields["msgid"]
        if "fuzzy" in entry["flags"]:
            problems.append(("fuzzy", msgid))
        if "msgid_plural" in fields:
            translations = [fields.get("msgstr[0]", ""), fields.get("msgstr[1]", "")]
            sources = [msgid, fields["msgid_plural"]]
            if set(fields) - {"msgid", "msgid_plural", "msgstr[0]", "msgstr[1]"}:
                problems.append(("plural forms", msgid))
        else:
            translations, sources = [fields.get("msgstr", "")], [msgid]
        for source, text in zip(sources, translations, strict=True):
            if not text.strip():
                problems.append(("empty", msgid))
            elif placeholders(text) != placeholders(source):
                problems.append(("placeholders", msgid, text))
    assert problems == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_source(language):
    """The committed .mo says what the .po says (run compilemessages after editing a .po)."""
    with catalogue(language).with_suffix(".mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    stale = []
    for entry in po_entries(catalogue(language))[1:]:
        fields = entry["fields"]
        msgid = fields["msgid"]
        if "msgid_plural" in fields:
            found = [compiled.ngettext(msgid, fields["msgid_plural"], n) for n in (1, 2)]
            wanted = [fields["msgstr[0]"], fields["msgstr[1]"]]
        else:
            found, wanted = compiled.gettext(msgid), fields["msgstr"]
        if found != wanted:
            stale.append(msgid)
    assert stale == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("headers", "title"),
    [
        ({"HTTP_ACCEPT_LANGUAGE": "es"}, "Programa"),
        ({"HTTP_ACCEPT_LANGUAGE": "pt-BR"}, "Programa"),
        ({"HTTP_ACCEPT_LANGUAGE": "pt"}, "Programa"),
        ({"HTTP_ACCEPT_LANGUAGE": "pt-PT,pt;q=0.9"}, "Programa"),
        ({"HTTP_ACCEPT_LANGUAGE": "en"}, "Programme"),
    ],
)
def test_programme_page_title_in_browser_language(client, headers, title):
    event = EventFactory()
    page = parse(client.get(f"/events/{event.slug}/programme/", **headers).content.decode())
    assert page.one("h1").text == title


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "footer", "nav"),
    [
        (
            "es",
            "Jornadas de la Alianza Digital UE–ALC. Organizadas por la Unión Europea y la AECID.",
            "Ir al contenido",
        ),
        (
            "pt-br",
            "Jornadas da Aliança Digital UE–ALC. Organizadas pela União Europeia e pela AECID.",
            "Pular para o conteúdo",
        ),
    ],
)
def test_home_page_in_language_cookie(client, language, footer, nav):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = parse(client.get("/").content.decode())
    assert page.one("html").attrs["lang"] == language
    assert page.one("footer").text == footer
    assert page.one("a", href="#main").text == nav


@pytest.mark.django_db
def test_register_button_in_spanish(client):
    event = EventFactory()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    html = client.get(f"/events/{event.slug}/").content.decode()
    assert ">Inscribirse</a>" in html


def email_for(language: str, kind: str, **context):
    registration = RegistrationFactory(language=language, event__name="Alliance Days 2030")
    return message_email(
        message=message_queue(registration=registration, kind=kind, context=context)
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "kind", "subject"),
    [
        ("es", "confirm_email", "Confirme su inscripción en Alliance Days 2030"),
        ("pt-br", "confirm_email", "Confirme sua inscrição em Alliance Days 2030"),
        ("es", "manage_link", "Su enlace privado para Alliance Days 2030"),
        ("pt-br", "manage_link", "Seu link privado para Alliance Days 2030"),
        ("en", "confirm_email", "Confirm your registration for Alliance Days 2030"),
    ],
)
def test_email_subject_in_participants_language(language, kind, subject):
    assert email_for(language, kind).subject == subject


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "greeting", "sentence"),
    [
        (
            "es",
            "Estimado/a Participant",
            "Gracias por inscribirse. Confirme su dirección de correo electrónico "
            "para reservar su plaza:",
        ),
        (
            "pt-br",
            "Prezado/a Participant",
            "Obrigado/a pela inscrição. Confirme seu endereço de e-mail para garantir sua vaga:",
        ),
    ],
)
def test_email_body_in_participants_language(language, greeting, sentence):
    email = email_for(language, "confirm_email")
    assert email.body.splitlines()[2].startswith(greeting)
    assert sentence in email.body
    ((html, _mimetype),) = [a for a in email.alternatives if a.mimetype == "text/html"]
    assert sentence in html


@pytest.mark.django_db
def test_waitlist_email_keeps_placeholders():
    email = email_for("pt-br", "waitlisted", position=3)
    assert email.subject == "Você está na lista de espera de Alliance Days 2030"
    assert "ocupadas (Presencial): você é o número 3 na lista de espera." in email.body


@pytest.mark.parametrize(
    ("language", "count", "text"),
    [
        ("es", 1, "Queda 1 plaza"),
        ("es", 4, "Quedan 4 plazas"),
        ("pt-br", 1, "Resta 1 lugar"),
        ("pt-br", 4, "Restam 4 lugares"),
    ],
)
def test_plural_forms(language, count, text):
    with translation.override(language):
        assert (
            translation.ngettext("%(seats)s seat left", "%(seats)s seats left", count)
            % {"seats": count}
            == text
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "flashed", "heading"),
    [
        ("es", ["2 inscripciones canceladas."], "Área de gestión de los organizadores"),
        ("pt-br", ["2 inscrições canceladas."], "Área de gerenciamento dos organizadores"),
    ],
)
def test_back_office_in_organisers_language(client, organiser, language, flashed, heading):
    client.force_login(organiser)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    assert parse(client.get(reverse("admin:index")).content.decode()).one("h1").text == heading
    registrations = RegistrationFactory.create_batch(2)
    response = client.post(
        reverse("admin:registrations_registration_changelist"),
        {"action": "cancel", "_selected_action": [r.pk for r in registrations], "index": "0"},
        follow=True,
    )
    assert [str(message) for message in response.context["messages"]] == flashed


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "when"),
    [
        ("pt-br", "quarta-feira 27 de novembro de 2030, 09:00–10:00, Horário Bogotá (UTC−5)"),
        ("es", "miércoles 27 de noviembre de 2030, 09:00–10:00, hora de Bogotá (UTC−5)"),
        ("en", "Wednesday 27 November 2030, 09:00–10:00, Bogotá Time (UTC−5)"),
    ],
)
def test_dates_in_brazilian_portuguese_not_capitalised(client, language, when):
    """Django's own pt_BR catalogue capitalises months and weekdays ("Novembro"), which
    Brazilian Portuguese does not: locale/pt_BR overrides them."""
    session = SessionFactory()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = parse(client.get(session.get_absolute_url()).content.decode())
    assert page.one("dd", id_="session-when").text == when


@pytest.mark.parametrize(
    ("language", "short"), [("pt-br", "qua 27 de nov 18:00"), ("es", "mié 27 de nov 18:00")]
)
def test_short_dates_in_spanish_and_portuguese_not_capitalised(language, short):
    from datetime import datetime

    from django.utils import formats

    with translation.override(language):
        assert formats.date_format(datetime(2030, 11, 27, 18), "SHORT_DATETIME_FORMAT") == short
