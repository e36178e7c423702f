"""Checkpoint names translated by django-modeltranslation (checkin/translation.py), as the
programme: the name becomes name_en, the Spanish stays name_es and the Portuguese becomes
name_pt_br. A missing translation is NULL (the fallback), no longer "", so that the unique
name of each language ignores it."""

from django.db import migrations, models
from django.db.models import F


def forwards(apps, schema_editor):
    checkpoints = apps.get_model("checkin", "Checkpoint").objects
    checkpoints.update(name_en=F("name"))
    for field in ("name_es", "name_pt_br"):
        checkpoints.filter(**{field: ""}).update(**{field: None})


class Migration(migrations.Migration):
    dependencies = [
        ("checkin", "0002_check_in_staff_group"),
        ("events", "0007_programme_in_three_languages"),
    ]

    operations = [
        migrations.RenameField(model_name="checkpoint", old_name="name_pt", new_name="name_pt_br"),
        migrations.AddField(
            model_name="checkpoint",
            name="name_en",
            field=models.CharField(max_length=100, null=True, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="checkpoint",
            name="name_pt_br",
            field=models.CharField(max_length=100, null=True, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="checkpoint",
            name="name_es",
            field=models.CharField(max_length=100, null=True, verbose_name="name"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="checkpoint",
            constraint=models.UniqueConstraint(
                fields=("event", "name_en"), name="checkpoint_unique_name-en"
            ),
        ),
        migrations.AddConstraint(
            model_name="checkpoint",
            constraint=models.UniqueConstraint(
                fields=("event", "name_es"), name="checkpoint_unique_name-es"
            ),
        ),
        migrations.AddConstraint(
            model_name="checkpoint",
            constraint=models.UniqueConstraint(
                fields=("event", "name_pt_br"), name="checkpoint_unique_name-pt-br"
            ),
        ),
    ]
