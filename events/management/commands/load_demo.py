from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from events.demo import demo_programme_load

DEMO_ORGANISER = ("organiser", "alliance-days-demo")


class Command(BaseCommand):
    help = "Load the Digital Alliance Days 2023 demo programme (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--starts-in-minutes",
            type=int,
            metavar="N",
            help="Move the programme so its first session starts N minutes from now.",
        )
        parser.add_argument(
            "--past",
            action="store_true",
            help="Move the programme so it ended yesterday, with demo participants checked in: "
            "their certificates of attendance can be downloaded.",
        )
        parser.add_argument(
            "--organiser",
            action="store_true",
            help=f"Also create the demo organiser account {DEMO_ORGANISER[0]!r} "
            f"(password {DEMO_ORGANISER[1]!r}). Never use on a public server.",
        )

    def handle(self, *args, starts_in_minutes, past, organiser, **options):
        if past and starts_in_minutes is not None:
            raise CommandError("Give --past or --starts-in-minutes, not both.")
        starts_in = timedelta(minutes=starts_in_minutes) if starts_in_minutes is not None else None
        event = demo_programme_load(starts_in=starts_in, past=past)
        self.stdout.write(
            f"Loaded {event.name}: {event.sessions.count()} sessions, "
            f"{event.start_date} to {event.end_date} ({event.time_zone})."
        )
        if organiser:
            username, password = DEMO_ORGANISER
            user, _ = get_user_model().objects.get_or_create(
                username=username, defaults={"is_staff": True}
            )
            user.is_staff = True
            user.set_password(password)
            user.save()
            user.groups.add(Group.objects.get(name="Organisers"))
            self.stdout.write(f"Organiser account: {username} / {password}")
        if past:
            # Participants and check-ins belong to other apps, which the programme does not
            # import: their demo command is called by name.
            call_command("load_demo_attendance", stdout=self.stdout)
