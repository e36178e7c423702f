"""Registrations remember when they were anonymised; an hourly sweep anonymises those of events
past their retention period (a django-celery-beat row organisers can see and retime)."""

from django.db import migrations, models

SWEEP = ("Anonymise registrations past their retention period", "registrations.retention_sweep")


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    hourly, _ = IntervalSchedule.objects.get_or_create(every=1, period="hours")
    PeriodicTask.objects.update_or_create(
        name=SWEEP[0], defaults={"task": SWEEP[1], "interval": hourly, "enabled": True}
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=SWEEP[0]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("registrations", "0008_normalise_emails"),
    ]

    operations = [
        migrations.AddField(
            model_name="registration",
            name="anonymised_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="anonymised at"),
        ),
        migrations.RunPython(create, remove),
    ]
