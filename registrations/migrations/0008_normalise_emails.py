"""Store every address as the form now writes it (registrations.addresses), so that uniqueness
and rate limits see one spelling per mailbox. An address that cannot be normalised, or whose
normal form another active registration of the event already holds, is left as it is: the
organisers see both in the admin and decide."""

from django.core.exceptions import ValidationError
from django.db import migrations


def normalise_emails(apps, schema_editor):
    from registrations.addresses import address_normalise

    Registration = apps.get_model("registrations", "Registration")
    # The first registered keeps the normal form when two spellings are active.
    registrations = Registration.objects.only("pk", "event_id", "email", "status")
    for registration in registrations.order_by("pk"):
        try:
            email = address_normalise(registration.email)
        except ValidationError:
            continue
        if email == registration.email:
            continue
        taken = (
            Registration.objects.filter(event_id=registration.event_id, email=email)
            .exclude(status="cancelled")
            .exists()
        )
        if registration.status == "cancelled" or not taken:
            Registration.objects.filter(pk=registration.pk).update(email=email)


class Migration(migrations.Migration):
    dependencies = [("registrations", "0007_protect_invited_sessions")]

    operations = [migrations.RunPython(normalise_emails, migrations.RunPython.noop)]
