"""Organisers may send failed messages again (the change permission on the read-only outbox)."""

from django.db import migrations


def grant(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    group = apps.get_model("auth", "Group").objects.get(name="Organisers")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="registrations", codename="change_message")
    )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    group = apps.get_model("auth", "Group").objects.get(name="Organisers")
    group.permissions.remove(
        Permission.objects.get(content_type__app_label="registrations", codename="change_message")
    )


class Migration(migrations.Migration):
    dependencies = [("registrations", "0005_periodic_sweeps")]

    operations = [migrations.RunPython(grant, revoke)]
