"""Stakeholder categories translated by django-modeltranslation (registrations/translation.py):
the English name becomes name_en, the Spanish stays name_es and the Portuguese becomes
name_pt_br. Participants who chose Portuguese get Brazilian Portuguese."""

from django.db import migrations, models
from django.db.models import F


# The seeded names (0002) in European Portuguese, in Brazilian wording where it differs; a
# name an organiser has changed since is kept.
BRAZILIAN = {
    "Instituições da UE e Team Europe (Estados-Membros, agências de desenvolvimento, "
    "instituições financeiras europeias)": "Instituições da UE e Team Europe (Estados-membros, "
    "agências de desenvolvimento, instituições financeiras europeias)",
    "Sociedade civil e ONG": "Sociedade civil e ONGs",
    "Academia e redes de investigação": "Academia e redes de pesquisa",
    "Comunicação social": "Imprensa",
}


def forwards(apps, schema_editor):
    categories = apps.get_model("registrations", "StakeholderCategory").objects
    categories.update(name_en=F("name"))
    for european, brazilian in BRAZILIAN.items():
        categories.filter(name_pt_br=european).update(name_pt_br=brazilian)
    apps.get_model("registrations", "Registration").objects.filter(language="pt").update(
        language="pt-br"
    )


def backwards(apps, schema_editor):
    apps.get_model("registrations", "Registration").objects.filter(language="pt-br").update(
        language="pt"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("registrations", "0011_badge_colours_and_certificate_emails"),
    ]

    operations = [
        migrations.RenameField(
            model_name="stakeholdercategory", old_name="name_pt", new_name="name_pt_br"
        ),
        migrations.AlterField(
            model_name="stakeholdercategory",
            name="name_pt_br",
            field=models.CharField(max_length=200, null=True, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="stakeholdercategory",
            name="name_en",
            field=models.CharField(max_length=200, null=True, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="stakeholdercategory",
            name="name_es",
            field=models.CharField(max_length=200, null=True, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="registration",
            name="language",
            field=models.CharField(
                choices=[("en", "English"), ("es", "Español"), ("pt-br", "Português")],
                default="en",
                max_length=5,
                verbose_name="preferred language",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
