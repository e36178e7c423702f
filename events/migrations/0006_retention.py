from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0005_reminders_and_livestreams'),
    ]

    operations = [
        migrations.AddField(
            model_name='event',
            name='personal_data_retention_days',
            field=models.PositiveIntegerField(default=90, help_text='After the last day plus this many days, registrations are anonymised: the figures stay, names, addresses and private links go.', verbose_name="keep participants' personal data for (days)"),
        ),
    ]
