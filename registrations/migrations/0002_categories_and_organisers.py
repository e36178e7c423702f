"""Seed the stakeholder categories and let the Organisers group manage registrations."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CATEGORIES = [
    (
        "government",
        "National governments and public agencies",
        "Gobiernos nacionales y agencias públicas",
        "Governos nacionais e agências públicas",
    ),
    (
        "team-europe",
        "EU institutions and Team Europe (Member States, development agencies, "
        "European financial institutions)",
        "Instituciones de la UE y Team Europe (Estados miembros, agencias de desarrollo, "
        "instituciones financieras europeas)",
        "Instituições da UE e Team Europe (Estados-Membros, agências de desenvolvimento, "
        "instituições financeiras europeias)",
    ),
    (
        "intergovernmental",
        "Intergovernmental and regional organisations",
        "Organizaciones intergubernamentales y regionales",
        "Organizações intergovernamentais e regionais",
    ),
    ("private-sector", "Private sector", "Sector privado", "Setor privado"),
    (
        "civil-society",
        "Civil society and NGOs",
        "Sociedad civil y ONG",
        "Sociedade civil e ONG",
    ),
    (
        "academia",
        "Academia and research networks",
        "Academia y redes de investigación",
        "Academia e redes de investigação",
    ),
    ("media", "Media", "Medios de comunicación", "Comunicação social"),
]

MANAGED = ("stakeholdercategory", "registration", "sessionchoice")


def seed(apps, schema_editor):
    StakeholderCategory = apps.get_model("registrations", "StakeholderCategory")
    for position, (slug, name, name_es, name_pt) in enumerate(CATEGORIES):
        StakeholderCategory.objects.update_or_create(
            slug=slug,
            defaults={"name": name, "name_es": name_es, "name_pt": name_pt, "position": position},
        )
    # Permissions are normally made after all migrations; make them now so they can be granted.
    app_config = apps.get_app_config("registrations")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Organisers")
    registrations = Permission.objects.filter(content_type__app_label="registrations")
    group.permissions.add(
        *registrations.filter(content_type__model__in=MANAGED),
        # The outbox is a record: organisers read it, only the workers write it.
        registrations.get(codename="view_message"),
    )


def unseed(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    group = apps.get_model("auth", "Group").objects.filter(name="Organisers").first()
    if group:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="registrations")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("registrations", "0001_initial"),
        ("events", "0003_organisers_group"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
