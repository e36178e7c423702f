"""The Check-in staff group holds only the permission to check participants in; organisers
get it too, with the checkpoints to manage and the check-ins to read."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

STAFF_GROUP = "Check-in staff"


def grant(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now so they can be granted.
    app_config = apps.get_app_config("checkin")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="checkin")
    check_in = permissions.get(codename="check_in")
    staff, _ = Group.objects.get_or_create(name=STAFF_GROUP)
    staff.permissions.set([check_in])
    organisers, _ = Group.objects.get_or_create(name="Organisers")
    organisers.permissions.add(
        check_in,
        *permissions.filter(content_type__model="checkpoint"),
        permissions.get(codename="view_checkin"),
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name=STAFF_GROUP).delete()
    organisers = Group.objects.filter(name="Organisers").first()
    if organisers:
        organisers.permissions.remove(
            *apps.get_model("auth", "Permission").objects.filter(content_type__app_label="checkin")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("checkin", "0001_checkpoints_and_check_ins"),
        ("registrations", "0002_categories_and_organisers"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
