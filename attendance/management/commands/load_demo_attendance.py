from django.conf import settings
from django.core.management.base import BaseCommand
from django.urls import reverse

from attendance.demo import demo_attendance_load


class Command(BaseCommand):
    help = (
        "Add demo participants checked in at the demo event (after load_demo; safe to run again)."
    )

    def handle(self, *args, **options):
        for registration, days in demo_attendance_load():
            if days:
                path = reverse("attendance:certificate", kwargs={"token": registration.token})
                where = f"certificate: {settings.SITE_URL}{path}"
            else:
                where = "not checked in, no certificate"
            self.stdout.write(f"{registration.full_name}, {days} day(s) attended; {where}")
