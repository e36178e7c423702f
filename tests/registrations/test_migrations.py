"""Data migrations, run forward on rows made with the models as they were."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from registrations.models import Registration, new_token
from tests.factories import EventFactory

BEFORE = [("registrations", "0007_protect_invited_sessions")]
AFTER = [("registrations", "0008_normalise_emails")]


@pytest.mark.django_db(transaction=True)
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
