"""The programme's migrations, run forward on rows made with the models as they were."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from events.models import Event, Room, Session, Speaker, Theme

BEFORE = [("events", "0006_retention")]
AFTER = [("events", "0007_programme_in_three_languages")]


@pytest.fixture
def latest_schema_after():
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("latest_schema_after")
def test_0007_the_text_held_before_is_the_english_text():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    event = old.get_model("events", "Event").objects.create(
        name="Days 2030",
        slug="days-2030",
        city="Cartagena",
        venue="Centre",
        start_date="2030-11-27",
        end_date="2030-11-29",
        description="The first dialogue.",
        hosts="EU and AECID",
    )
    theme = old.get_model("events", "Theme").objects.create(
        name="Data", slug="data", description="Sharing data."
    )
    room = old.get_model("events", "Room").objects.create(
        name="Barú", venue="Centre", floor="First floor"
    )
    old.get_model("events", "Speaker").objects.create(
        name="Ana", slug="ana", affiliation="Ministry", country="Colombia", bio="Ana works."
    )
    old.get_model("events", "Session").objects.create(
        event=event,
        theme=theme,
        room=room,
        title="Data flows",
        abstract="Who holds the data.",
        starts_at="2030-11-27T14:00Z",
        ends_at="2030-11-27T15:00Z",
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)

    rows = {
        "event": Event.objects.values("name_en", "description_en", "hosts_en", "name_es").get(),
        "theme": Theme.objects.values("name_en", "description_en", "name_pt_br").get(),
        "room": Room.objects.values("name_en", "floor_en").get(),
        "speaker": Speaker.objects.values("affiliation_en", "country_en", "bio_en").get(),
        "session": Session.objects.values("title_en", "abstract_en", "interpretation").get(),
    }
    assert rows == {
        "event": {
            "name_en": "Days 2030",
            "description_en": "The first dialogue.",
            "hosts_en": "EU and AECID",
            "name_es": None,
        },
        "theme": {"name_en": "Data", "description_en": "Sharing data.", "name_pt_br": None},
        "room": {"name_en": "Barú", "floor_en": "First floor"},
        "speaker": {"affiliation_en": "Ministry", "country_en": "Colombia", "bio_en": "Ana works."},
        "session": {
            "title_en": "Data flows",
            "abstract_en": "Who holds the data.",
            "interpretation": [],
        },
    }
    with translation.override("es"):  # nothing in Spanish yet: the English shows
        assert Session.objects.get().title == "Data flows"
