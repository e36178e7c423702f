"""PostgreSQL enforces that a session lies within its event's days (in the event's time zone).

A CHECK constraint cannot look at another table, so triggers on both tables do it. SQLite has no
time-zone arithmetic; there the model's clean() (admin and forms) is the guard.
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION events_session_within_event() RETURNS trigger AS $$
DECLARE
    e events_event%ROWTYPE;
BEGIN
    SELECT * INTO e FROM events_event WHERE id = NEW.event_id;
    IF NEW.starts_at < (e.start_date::timestamp AT TIME ZONE e.time_zone)
       OR NEW.ends_at > ((e.end_date + 1)::timestamp AT TIME ZONE e.time_zone) THEN
        RAISE EXCEPTION 'session % lies outside the dates of event %', NEW.id, e.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'session_within_event_dates';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER session_within_event_dates
    BEFORE INSERT OR UPDATE OF starts_at, ends_at, event_id ON events_session
    FOR EACH ROW EXECUTE FUNCTION events_session_within_event();

CREATE FUNCTION events_event_keeps_sessions() RETURNS trigger AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM events_session s WHERE s.event_id = NEW.id AND (
            s.starts_at < (NEW.start_date::timestamp AT TIME ZONE NEW.time_zone)
            OR s.ends_at > ((NEW.end_date + 1)::timestamp AT TIME ZONE NEW.time_zone))
    ) THEN
        RAISE EXCEPTION 'event % would leave sessions outside its dates', NEW.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'session_within_event_dates';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER event_keeps_sessions_within_dates
    BEFORE UPDATE OF start_date, end_date, time_zone ON events_event
    FOR EACH ROW EXECUTE FUNCTION events_event_keeps_sessions();
"""

DROP = """
DROP TRIGGER IF EXISTS event_keeps_sessions_within_dates ON events_event;
DROP FUNCTION IF EXISTS events_event_keeps_sessions();
DROP TRIGGER IF EXISTS session_within_event_dates ON events_session;
DROP FUNCTION IF EXISTS events_session_within_event();
"""


def run(sql):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return apply


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]

    operations = [migrations.RunPython(run(CREATE), run(DROP))]
