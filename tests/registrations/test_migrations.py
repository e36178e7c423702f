"""Data migrations, run forward on rows made with the models as they were."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from registrations.models import Registration, StakeholderCategory, new_token
from tests.factories import EventFactory

BEFORE = [("registrations", "0007_protect_invited_sessions")]
AFTER = [("registrations", "0008_normalise_emails")]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("latest_schema_after")
def test_0008_normalises_stored_addresses_without_merging_active_registrations():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    old = old_apps.get_model("registrations", "Registration")
    event, other = EventFactory(), EventFactory()
    # As the category was then: later fields (its badge colour) are not in the table yet.
    category = old_apps.get_model("registrations", "StakeholderCategory").objects.create(
        name="Delegates", slug="delegates"
    )

    def row(email, status="confirmed", on=event):
        return old.objects.create(
            event_id=on.pk,
            category_id=category.pk,
            email=email,
            status=status,
            full_name="Ana",
            organisation="Ministry",
            country="CO",
            time_zone="America/Bogota",
            privacy_consent_at=timezone.now(),
            privacy_notice_version="2023-11",
            token=new_token(),
        ).pk

    rows = {
        "fullwidth": row("admin@ｅｘａｍｐｌｅ.com"),
        "same mailbox, already active": row("admin@example.com\u200b"),
        "cancelled": row('"admin"@example.com', status="cancelled"),
        "other event": row("admin@ｅｘａｍｐｌｅ.com", on=other),
        "idn": row("user@bücher.de"),
        "unencodable": row("a@\u202eevil.com"),
    }
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    emails = dict(Registration.objects.values_list("pk", "email"))
    assert {name: emails[pk] for name, pk in rows.items()} == {
        "fullwidth": "admin@example.com",
        "same mailbox, already active": "admin@example.com\u200b",
        "cancelled": "admin@example.com",
        "other event": "admin@example.com",
        "idn": "user@xn--bcher-kva.de",
        "unencodable": "a@\u202eevil.com",
    }


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("latest_schema_after")
def test_0012_categories_keep_their_names_portuguese_becomes_brazilian():
    before = [("registrations", "0011_badge_colours_and_certificate_emails")]
    after = [("registrations", "0012_categories_translated_brazilian_portuguese")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    state = executor.loader.project_state(before).apps
    categories = state.get_model("registrations", "StakeholderCategory").objects
    category = categories.create(
        name="Civil society", name_es="Sociedad civil", name_pt="Sociedade civil", slug="civil"
    )
    categories.create(name="Media", name_pt="Comunicação social", slug="media-ep")
    event = EventFactory()
    tokens = {language: new_token() for language in ("en", "es", "pt")}
    for language, token in tokens.items():
        state.get_model("registrations", "Registration").objects.create(
            event_id=event.pk,
            category_id=category.pk,
            email=f"{language}@example.org",
            full_name="Ana",
            organisation="Ministry",
            country="BR",
            language=language,
            time_zone="America/Sao_Paulo",
            privacy_consent_at=timezone.now(),
            privacy_notice_version="2023-11",
            token=token,
        )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    names = list(
        StakeholderCategory.objects.filter(slug__in=["civil", "media-ep"])
        .order_by("slug")
        .values_list("name_en", "name_es", "name_pt_br")
    )
    languages = dict(Registration.objects.values_list("token", "language"))
    assert names == [
        ("Civil society", "Sociedad civil", "Sociedade civil"),
        ("Media", "", "Imprensa"),  # the seeded European wording, in Brazilian wording
    ]
    assert {language: languages[token] for language, token in tokens.items()} == {
        "en": "en",
        "es": "es",
        "pt": "pt-br",
    }
