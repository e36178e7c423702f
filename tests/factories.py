from datetime import date, datetime, time, timedelta

import factory
from django.utils import timezone
from django.utils.text import slugify

from events.models import Event, Room, Session, Speaker, Theme
from registrations.models import TOKEN_PREFIX_LENGTH, new_token


class UserFactory(factory.django.DjangoModelFactory):
    """A user without a usable password: tests log in with `force_login`, or set one."""

    class Meta:
        model = "auth.User"
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Digital Alliance Days {2030 + n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    city = "Cartagena de Indias"
    venue = "Convention Centre"
    time_zone = "America/Bogota"
    start_date = date(2030, 11, 27)
    end_date = date(2030, 11, 29)
    hosts = "EU and AECID"
    organiser_email = "organisers@example.org"
    published = True


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    name = factory.Sequence(lambda n: f"Theme {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    colour = "#1b7f5a"


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    name = factory.Sequence(lambda n: f"Room {n}")
    venue = "Convention Centre"
    capacity = 100


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    name = factory.Sequence(lambda n: f"Speaker {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    affiliation = "Ministry of ICT"
    country = "Colombia"


class SessionFactory(factory.django.DjangoModelFactory):
    """A session on the event's first day at 09:00 local time, one hour long."""

    class Meta:
        model = Session
        skip_postgeneration_save = True

    event = factory.SubFactory(EventFactory)
    theme = factory.SubFactory(ThemeFactory)
    room = factory.SubFactory(RoomFactory)
    title = factory.Sequence(lambda n: f"Session {n}")
    format = Session.Format.PANEL
    starts_at = factory.LazyAttribute(
        lambda o: datetime.combine(o.event.start_date, time(9), o.event.tz)
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=1))

    @factory.post_generation
    def speakers(self, create, extracted, **kwargs):
        if create and extracted:
            self.speakers.set(extracted)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "registrations.StakeholderCategory"

    name = factory.Sequence(lambda n: f"Stakeholders {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "registrations.Registration"

    event = factory.SubFactory(EventFactory)
    full_name = factory.Sequence(lambda n: f"Participant {n}")
    email = factory.Sequence(lambda n: f"participant{n}@example.org")
    organisation = "Ministry of ICT"
    country = "CO"
    category = factory.SubFactory(CategoryFactory)
    mode = "in_person"
    language = "en"
    time_zone = "America/Bogota"
    privacy_consent_at = factory.LazyFunction(timezone.now)
    privacy_notice_version = "2023-11"
    status = "pending"
    token = factory.LazyFunction(new_token)
    token_prefix = factory.LazyAttribute(lambda o: o.token[:TOKEN_PREFIX_LENGTH])


class CheckpointFactory(factory.django.DjangoModelFactory):
    """The main entrance of an event; pass `session=` (and kind="session") for a door."""

    class Meta:
        model = "checkin.Checkpoint"

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Entrance {n}")
    kind = "entrance"
