"""The periodic sweeps, as django-celery-beat rows organisers can see and retime in the admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

SWEEPS = [
    ("Send due reminders", "registrations.reminders_sweep"),
    ("Hand pending emails to the workers", "registrations.outbox_sweep"),
    ("Update participants' calendar invitations", "registrations.invites_sweep"),
]
BEAT_MODELS = ("periodictask", "intervalschedule", "crontabschedule")


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    for name, task in SWEEPS:
        PeriodicTask.objects.update_or_create(
            name=name, defaults={"task": task, "interval": every_minute, "enabled": True}
        )
    app_config = apps.get_app_config("django_celery_beat")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name="Organisers")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="django_celery_beat",
            content_type__model__in=BEAT_MODELS,
            codename__regex=r"^(view|change)_",
        )
    )


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[name for name, _task in SWEEPS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("registrations", "0004_reminders"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
