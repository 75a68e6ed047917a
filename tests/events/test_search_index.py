"""The events' full-text index (nrfsite.core.fulltext) follows every write, survives migrations, and takes any query."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from events.models import Event
from nrfsite.core import fulltext
from tests.csv_helpers import import_, write_csv
from tests.factories import EventFactory, PlaceFactory

pytestmark = pytest.mark.django_db


def found(client, query):
    response = client.get(reverse("search"), {"q": query})
    assert response.status_code == 200
    return [event.slug for event in response.context["results"]["events"]]


def timeline(client, query):
    response = client.get(reverse("events:list"), {"q": query})
    assert response.status_code == 200
    return [view.slug for view in response.context["events"]]


def whole():
    problems = fulltext.check(Event)
    assert problems == [], problems
    return True


def test_every_way_of_writing_an_event_keeps_its_text_findable(client, tmp_path):
    event = EventFactory(slug="saved", title="Clash near Rukha", summary="Fighters withdrew.")
    assert found(client, "rukha") == ["saved"] and found(client, "withdr") == ["saved"] and whole()

    event.title = "Clash near Dara"  # a save: the old word goes, the new one comes
    event.save()
    assert found(client, "rukha") == [] and found(client, "dara") == ["saved"] and whole()

    # An import writes in bulk, without model signals: the database's own triggers (or expression) follow it.
    header = "slug,title,date,event_type,casualty_note,status\r\n"
    write_csv(tmp_path, "events.csv", header + "imported,Convoy ambushed,2022,armed-clash,Nine wounded,published\r\n")
    ok, _out, err = import_(tmp_path)
    assert ok, err
    assert found(client, "convoy") == ["imported"] and found(client, "wounded") == ["imported"] and whole()
    write_csv(tmp_path, "events.csv", header + "imported,Convoy stopped,2022,armed-clash,None hurt,published\r\n")
    ok, _out, err = import_(tmp_path)
    assert ok, err
    assert found(client, "ambushed") == [] and found(client, "wounded") == [] and found(client, "hurt") == ["imported"]

    Event.objects.filter(slug="saved").update(summary="A raw update names Khawak.")  # no save(), no signal
    assert found(client, "khawak") == ["saved"] and found(client, "withdrew") == [] and whole()

    event.refresh_from_db()
    event.delete()
    assert found(client, "dara") == [] and found(client, "khawak") == [] and whole()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("پنجشیر", ["dari"]),
        ("پنج", ["dari"]),  # the start of a word, in Arabic script too
        ("نجشیر", []),  # not the middle of one
        ("MASSOUD", ["latin"]),
        ("massoud rukha", ["latin"]),  # every word, in any field
        ("massoud kabul", []),
        ("événement", ["accented"]),
        ("ÉVÉNEMENT", ["accented"]),
        ("evenement", []),  # as on PostgreSQL: accents are letters of their own
    ],
)
def test_words_match_word_starts_in_any_script_and_case(client, query, expected):
    EventFactory(slug="dari", title="درگیری در پنجشیر")
    EventFactory(slug="latin", title="Massoud speaks", casualty_note="Near Rukha")
    EventFactory(slug="accented", title="Événement à Kaboul")

    assert found(client, query) == expected
    assert timeline(client, query) == expected


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '"valley',
        'valley"*',
        "NEAR(valley fighting",
        "title:valley",
        "valley OR nothing",
        "NOT valley",
        "*",
        "^valley",
        "valley AND",
        "'; DROP TABLE events_event; --",
        "-valley",
        "{title summary}: valley",
        "valley" * 30,  # one long word (the box takes 200 characters)
        "🙂",
        "a b c d e f g h i j k l",  # more than MAX_WORDS
    ],
)
def test_query_syntax_in_the_text_is_only_text(client, query):
    # Every word is quoted for FTS5 and joined by & for PostgreSQL: an operator typed in is a word to find.
    EventFactory(slug="valley", title="Fighting in the valley")

    expected = ["valley"] if query in ('"valley', 'valley"*', "^valley", "-valley") else []
    assert found(client, query) == expected
    assert timeline(client, query) == expected
    assert client.get("/api/events/", {"q": query}).status_code == 200
    assert Event.objects.count() == 1


def test_the_timeline_text_filter_also_finds_events_at_a_place_named_so(client):
    panjshir = PlaceFactory(slug="panjshir", name="Panjshir")
    EventFactory(slug="there", title="Fighting", location=panjshir)
    EventFactory(slug="named", title="Panjshir statement")

    assert timeline(client, "panjsh") == ["named", "there"]
    assert found(client, "panjsh") == ["named"]  # the site search lists the place itself among entities


@pytest.mark.django_db(transaction=True)
def test_a_migrate_makes_a_lost_index_again(client):
    # SQLite's schema editor remakes a table to alter it, dropping its triggers; PostgreSQL's index may be
    # dropped by hand. Either way, the next migrate makes the index again from the table.
    EventFactory(slug="before", title="Indexed before")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for trigger in ("insert", "delete", "update"):
                cursor.execute(f'DROP TRIGGER "events_event_fts_{trigger}"')
        else:
            cursor.execute('DROP TRIGGER "events_event_fulltext_fill" ON "events_event"')
            cursor.execute('DROP INDEX "events_event_fulltext"')
    EventFactory(slug="unindexed", title="Written while the index was lost")
    if connection.vendor == "postgresql":
        assert fulltext.check(Event) == [
            "events_event_fulltext_fill: missing",
            "events_event_fulltext: missing",
            "fulltext_document: 1 rows whose words are out of date",
        ]

    call_command("migrate", verbosity=0, stdout=io.StringIO())

    assert whole()
    assert found(client, "written") == ["unindexed"] and found(client, "indexed") == ["before"]
    EventFactory(slug="after", title="Written after")
    assert found(client, "written") == ["after", "unindexed"]


def test_the_search_reads_the_index(client):
    EventFactory(slug="one", title="Fighting in the valley")
    with connection.cursor() as cursor:
        sql, params = Event.objects.filter(fulltext.condition(Event, "valley")).values("pk").query.sql_with_params()
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            explained = "\n".join(row[-1] for row in cursor.fetchall())
            assert "VIRTUAL TABLE INDEX" in explained and "events_event_fts" in explained, explained
        else:
            # A handful of rows would make a scan cheaper: with the other ways off, the plan shows whether the
            # index fits the expression (a change to it without a new index would scan every event again).
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            explained = "\n".join(row[0] for row in cursor.fetchall())
            assert "Bitmap Index Scan on events_event_fulltext" in explained, explained


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's kept column of words")
@pytest.mark.django_db(transaction=True)
def test_a_migrate_replaces_the_index_of_an_expression_with_the_kept_column(client):
    # A database from before the kept column had a GIN index of the expression under the same name, and no
    # column: the next migrate adds the column, fills it for every row, and indexes the column instead.
    EventFactory(slug="old", title="Written before the column")
    index = fulltext.index_of(Event)
    with connection.cursor() as cursor:
        cursor.execute('DROP TRIGGER "events_event_fulltext_fill" ON "events_event"')
        cursor.execute('DROP INDEX "events_event_fulltext"')
        cursor.execute('ALTER TABLE "events_event" DROP COLUMN "fulltext_document"')
        cursor.execute(f'CREATE INDEX "events_event_fulltext" ON "events_event" USING gin (({index.document()}))')
    assert fulltext.check(Event) == [
        "fulltext_document: missing",
        "events_event_fulltext_fill: missing",
        "events_event_fulltext: out of date",  # an index of that name, of the expression
    ]

    call_command("migrate", verbosity=0, stdout=io.StringIO())

    assert whole() and found(client, "column") == ["old"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'events_event_fulltext'")
        assert [definition for (definition,) in cursor.fetchall()] == [
            "CREATE INDEX events_event_fulltext ON public.events_event USING gin (fulltext_document)"
        ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's kept column of words")
def test_the_timeline_walk_reads_the_kept_words_not_the_text(client):
    # The search that walks the timeline's index tests each event it passes: it must read the kept column,
    # not compute to_tsvector again for every row (60 ms of 117 at a million events).
    EventFactory(slug="one", title="Fighting in the valley")
    with connection.cursor() as cursor:
        sql, params = Event.objects.filter(fulltext.condition(Event, "valley")).values("pk").query.sql_with_params()
        cursor.execute(f"EXPLAIN (VERBOSE) {sql}", params)
        explained = "\n".join(row[0] for row in cursor.fetchall())
    assert "fulltext_document @@" in explained and "to_tsvector" not in explained, explained
