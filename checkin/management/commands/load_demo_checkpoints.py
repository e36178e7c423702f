from django.core.management.base import BaseCommand
from django.urls import reverse

from checkin.demo import demo_checkpoints_load


class Command(BaseCommand):
    help = "Add the demo event's checkpoints (after load_demo; safe to run again)."

    def handle(self, *args, **options):
        checkpoints = demo_checkpoints_load()
        path = reverse("checkin:check_in", kwargs={"slug": checkpoints[0].event.slug})
        self.stdout.write(f"{len(checkpoints)} checkpoints: check participants in at {path}")
