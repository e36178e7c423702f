"""The sweep that issues certificates of attendance, as a django-celery-beat row organisers can
see and retime in the admin."""

from django.db import migrations

SWEEP = ("Issue certificates of attendance after events", "attendance.certificates_sweep")


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_ten_minutes, _ = IntervalSchedule.objects.get_or_create(every=10, period="minutes")
    PeriodicTask.objects.update_or_create(
        name=SWEEP[0], defaults={"task": SWEEP[1], "interval": every_ten_minutes, "enabled": True}
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=SWEEP[0]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("attendance", "0001_certificates"),
        ("registrations", "0011_badge_colours_and_certificate_emails"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
