"""Stakeholder categories translated by django-modeltranslation (registrations/translation.py):
the English name becomes name_en, the Spanish stays name_es and the Portuguese becomes
name_pt_br. Participants who chose Portuguese get Brazilian Portuguese."""

from django.db import migrations, models
from django.db.models import F


def forwards(apps, schema_editor):
    apps.get_model("registrations", "StakeholderCategory").objects.update(name_en=F("name"))
    apps.get_model("registrations", "Registration").objects.filter(language="pt").update(
        language="pt-br"
    )


def backwards(apps, schema_editor):
    apps.get_model("registrations", "Registration").objects.filter(language="pt-br").update(
        language="pt"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("registrations", "0009_retention"),
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
