"""The events' full-text index holds the folded text (`nrfsite.core.fulltext.FOLDS`), kept by the database on
every write, made again by a migrate when an older version made it another way, and kept through a migration
that remakes the table on SQLite."""

import io

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.core.management.sql import emit_post_migrate_signal, emit_pre_migrate_signal
from django.db import connection
from django.urls import reverse

from events.models import Event
from nrfsite.core import fulltext
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def found(client, query):
    response = client.get(reverse("search"), {"q": query})
    timeline = client.get(reverse("events:list"), {"q": query})
    events = [event.slug for event in response.context["results"]["events"]]
    assert [view.slug for view in timeline.context["events"]] == events
    return events


def whole():
    problems = fulltext.check(Event)
    assert problems == [], problems
    return True


def test_every_write_keeps_the_folded_words(client):
    event = EventFactory(slug="saved", title="حمله در كـابُل", summary="۱۲ کشته")  # Arabic kaf, tatweel, damma
    assert found(client, "کابل") == ["saved"] and found(client, "12") == ["saved"] and whole()

    event.title = "حمله در مسؤول\u200cها"  # a save: the old words go, the new ones come
    event.save()
    assert found(client, "کابل") == [] and found(client, "مسوولها") == ["saved"] and whole()

    Event.objects.filter(slug="saved").update(summary="نيروهاي مقاومت")  # a raw update, Arabic yeh
    assert found(client, "نیروهای") == ["saved"] and found(client, "12") == [] and whole()

    event.refresh_from_db()
    event.delete()
    assert found(client, "نیروهای") == [] and found(client, "مسوولها") == [] and whole()


# SQLite's index as this module made it before it folded the text: an FTS5 table reading the table itself.
OLD_SQLITE = [
    'CREATE VIRTUAL TABLE "events_event_fts" USING fts5("title", "summary", "casualty_note", content="events_event", '
    "content_rowid=\"id\", tokenize='unicode61 remove_diacritics 0', prefix='2 3')",
    'CREATE TRIGGER "events_event_fts_insert" AFTER INSERT ON "events_event" BEGIN INSERT INTO "events_event_fts"'
    '(rowid, "title", "summary", "casualty_note") VALUES (new."id", new."title", new."summary", new."casualty_note"); END',
    'CREATE TRIGGER "events_event_fts_delete" AFTER DELETE ON "events_event" BEGIN INSERT INTO "events_event_fts"'
    '("events_event_fts", rowid, "title", "summary", "casualty_note") VALUES (\'delete\', old."id", old."title", '
    'old."summary", old."casualty_note"); END',
    'CREATE TRIGGER "events_event_fts_update" AFTER UPDATE OF "title", "summary", "casualty_note" ON "events_event" '
    'BEGIN INSERT INTO "events_event_fts"("events_event_fts", rowid, "title", "summary", "casualty_note") VALUES '
    '(\'delete\', old."id", old."title", old."summary", old."casualty_note"); INSERT INTO "events_event_fts"(rowid, '
    '"title", "summary", "casualty_note") VALUES (new."id", new."title", new."summary", new."casualty_note"); END',
    'INSERT INTO "events_event_fts"("events_event_fts") VALUES (\'rebuild\')',
]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 table")
@pytest.mark.django_db(transaction=True)
def test_a_migrate_folds_an_index_made_before_the_text_was_folded(client):
    with connection.cursor() as cursor:
        cursor.execute('DROP VIEW "events_event_folded"')
        cursor.execute('DROP TABLE "events_event_fts_vocab"')
        cursor.execute('DROP TABLE "events_event_fts"')
        for trigger in ("insert", "delete", "update"):
            cursor.execute(f'DROP TRIGGER "events_event_fts_{trigger}"')
        for sql in OLD_SQLITE:
            cursor.execute(sql)
    EventFactory(slug="old", title="حمله در كابل")  # indexed as written, with an Arabic kaf
    assert found(client, "کابل") == []  # the query is folded; the old index is not
    assert fulltext.check(Event) == [
        "events_event_folded: missing",
        "events_event_fts: out of date",
        "events_event_fts_vocab: missing",
        "events_event_fts_insert: out of date",
        "events_event_fts_delete: out of date",
        "events_event_fts_update: out of date",
    ]

    call_command("migrate", verbosity=0, stdout=io.StringIO())
    caches["default"].clear()  # the page cache still has the search's page from before (a migrate writes no content)

    assert whole() and found(client, "کابل") == ["old"] and found(client, "كابل") == ["old"]
    EventFactory(slug="new", title="کابل")
    assert found(client, "كابل") == ["new", "old"]


def unfolded(row=""):
    """PostgreSQL's words of an event as this module kept them before it folded the text."""
    text = " || ' ' || ".join(f"coalesce({row}\"{column}\", '')" for column in ("title", "summary", "casualty_note"))
    return f"to_tsvector('simple'::regconfig, {text})"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's kept column of words")
@pytest.mark.django_db(transaction=True)
def test_a_migrate_folds_the_kept_words_of_an_older_version(client):
    EventFactory(slug="old", title="حمله در كابل")
    index = fulltext.index_of(Event)
    with connection.cursor() as cursor:
        cursor.execute(
            'CREATE OR REPLACE FUNCTION "events_event_fulltext_fill"() RETURNS trigger LANGUAGE plpgsql AS '
            f'$$BEGIN NEW."fulltext_document" := {unfolded("NEW.")}; RETURN NEW; END$$'
        )
        cursor.execute(f'UPDATE "events_event" SET "fulltext_document" = {unfolded()}')  # noqa: S608 - our own SQL
    EventFactory(slug="older", title="در كابل")
    assert found(client, "کابل") == []
    assert fulltext.check(Event) == [f"{index.fill}(): out of date", "fulltext_document: 2 rows whose words are out of date"]

    call_command("migrate", verbosity=0, stdout=io.StringIO())
    caches["default"].clear()  # the page cache still has the search's page from before (a migrate writes no content)

    assert whole() and found(client, "کابل") == ["old", "older"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's schema editor remakes a table to alter it")
@pytest.mark.django_db(transaction=True)
def test_a_migration_that_remakes_the_table_keeps_its_folded_index(client):
    # As `migrate` runs a migration that alters the events' table: the signal before it, SQLite's remake of the
    # table (a new table, the old one dropped, the new renamed into its place), the signal after it. The view
    # the index reads would make the rename fail; the index would lose its triggers.
    EventFactory(slug="before", title="در كابل")
    title = Event._meta.get_field("title")
    longer = title.clone()
    longer.set_attributes_from_name("title")
    longer.max_length = title.max_length + 1

    emit_pre_migrate_signal(verbosity=0, interactive=False, db="default")
    with connection.schema_editor() as editor:
        editor.alter_field(Event, title, longer)
    EventFactory(slug="during", title="کابل")  # written while the triggers are gone
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")

    try:
        assert whole() and found(client, "كابل") == ["before", "during"]
    finally:
        emit_pre_migrate_signal(verbosity=0, interactive=False, db="default")
        with connection.schema_editor() as editor:
            editor.alter_field(Event, longer, title)
        emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert whole()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's trigger on the indexed columns")
@pytest.mark.django_db(transaction=True)
def test_a_migrate_remakes_a_trigger_made_before_a_column_joined_the_index(client):
    """The translations joined the index after databases had its trigger: one made on the columns of before
    fires on no change of a translation alone, so a migrate makes it again on the columns of now."""
    EventFactory(slug="old", title="Clash", summary="")
    index = fulltext.index_of(Event)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TRIGGER "{index.fill}" ON "events_event"')
        cursor.execute(
            f'CREATE TRIGGER "{index.fill}" BEFORE INSERT OR UPDATE OF "title", "summary", "casualty_note" '
            f'ON "events_event" FOR EACH ROW EXECUTE FUNCTION "{index.fill}"()'
        )
    assert fulltext.check(Event) == [f"{index.fill}: out of date"]
    Event.objects.filter(slug="old").update(summary_prs="نبردی سخت")
    assert found(client, "سخت") == []  # the old trigger did not fire: the words are stale

    call_command("migrate", verbosity=0, stdout=io.StringIO())
    caches["default"].clear()

    assert whole() and found(client, "سخت") == ["old"]
    Event.objects.filter(slug="old").update(summary_ps="سخته جګړه")
    caches["default"].clear()
    assert found(client, "جګړه") == ["old"]
