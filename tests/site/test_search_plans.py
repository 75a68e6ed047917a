"""A search's page is the same whichever way the database reads the index: on SQLite the search lists the
matches for a rare word, walks the timeline testing rows against them for a common one, and looks each row up
in the index for a word most events have (`nrfsite.core.fulltext._sqlite_plan`); PostgreSQL's planner
chooses for itself. Each way finds the first page of the same events, in the same order."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import Event
from tests.factories import EventTypeFactory

pytestmark = pytest.mark.django_db

EVENTS = 2500  # enough rows for every way: the thresholds grow with the square root of the table


@pytest.fixture
def archive():
    kind = EventTypeFactory()
    start = datetime.date(2021, 8, 15)
    Event.objects.bulk_create(
        Event(
            slug=f"e-{number:04d}",
            title=("Clash in Panjshir" if number % 5 == 0 else "Clash near Rukha" if number == 1234 else "Clash")
            + f" {number}",
            summary="Fighting reported in the valley.",
            date_partial=(start + datetime.timedelta(days=(number * 7919) % 1500)).isoformat(),
            event_type=kind,
            status="published",
        )
        for number in range(EVENTS)
    )
    return sorted(Event.objects.all(), key=lambda event: (event.date, event.slug))


def searched(client, query):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("search"), {"q": query})
    sql = "\n".join(query["sql"] for query in queries.captured_queries if "events_event_fts" in query["sql"])
    return [event.slug for event in response.context["results"]["events"]], sql


WAYS = {  # how each way reads in the SQL of the page's query of events
    "listed": lambda sql: '"events_event"."id" IN (SELECT rowid' in sql and '+"events_event"' not in sql,
    "walked": lambda sql: '+"events_event"."id" IN (SELECT rowid' in sql,
    "looked up": lambda sql: 'AND rowid = "events_event"."id")' in sql,
}


@pytest.mark.parametrize(
    ("query", "words", "way"),
    [
        ("fight", ["fighting"], "looked up"),  # every event (the prefix spelled out as the term it starts)
        ("panjsh", ["panjshir"], "walked"),  # one in five
        ("fight panjsh", ["fighting", "panjshir"], "walked"),  # as many as the rarer word
        ("rukha", ["rukha"], "listed"),  # one
    ],
)
def test_a_page_of_results_is_the_same_however_the_index_is_read(client, archive, query, words, way):
    expected = [event.slug for event in archive if all(word in f"{event.title} {event.summary}".lower() for word in words)]

    slugs, sql = searched(client, query)

    assert slugs == expected[:50] and slugs
    if connection.vendor == "sqlite":
        assert WAYS[way](sql), sql
