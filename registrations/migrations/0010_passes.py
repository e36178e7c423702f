"""Every registration gets a pass id (its public id in the signed pass); revoked passes are
listed. Existing rows get their own random id before the column becomes unique."""

import django.db.models.deletion
from django.db import migrations, models

import registrations.passes


def fill_pass_ids(apps, schema_editor):
    Registration = apps.get_model("registrations", "Registration")
    for registration in Registration.objects.filter(pass_id__isnull=True).only("pk").iterator():
        Registration.objects.filter(pk=registration.pk).update(
            pass_id=registrations.passes.new_pass_id()
        )


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0006_retention"),
        ("registrations", "0009_retention"),
    ]

    operations = [
        migrations.AddField(
            model_name="registration",
            name="pass_id",
            field=models.CharField(editable=False, max_length=22, null=True, verbose_name="pass id"),
        ),
        migrations.RunPython(fill_pass_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="registration",
            name="pass_id",
            field=models.CharField(
                default=registrations.passes.new_pass_id,
                editable=False,
                max_length=22,
                unique=True,
                verbose_name="pass id",
            ),
        ),
        migrations.CreateModel(
            name="PassRevocation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("pass_id", models.CharField(max_length=22, unique=True, verbose_name="pass id")),
                (
                    "reason",
                    models.CharField(
                        choices=[("cancelled", "Registration cancelled"), ("renewed", "Pass renewed")],
                        max_length=20,
                        verbose_name="reason",
                    ),
                ),
                ("revoked_at", models.DateTimeField(auto_now_add=True, verbose_name="revoked at")),
                (
                    "event",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="events.event",
                        verbose_name="event",
                    ),
                ),
                (
                    "registration",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="pass_revocations",
                        to="registrations.registration",
                        verbose_name="registration",
                    ),
                ),
            ],
            options={
                "verbose_name": "revoked pass",
                "verbose_name_plural": "revoked passes",
                "ordering": ["-revoked_at"],
                "indexes": [models.Index(fields=["event", "revoked_at"], name="registratio_event_i_72e2b8_idx")],
            },
        ),
    ]
