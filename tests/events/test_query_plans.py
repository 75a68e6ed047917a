"""Every query a timeline filter runs is served by an index: no plan reads the whole events table.

The database's own planner decides, on the suite's engine, over a few thousand events that no filter
selects. SQLite's EXPLAIN QUERY PLAN must not SCAN the events table (a SEARCH reads it through an index);
SQLite keeps no statistics here, as on a live site, so its plan is the one it makes at 100,000 events.
PostgreSQL's EXPLAIN, after ANALYZE and with sequential scans made as costly as they can be, must show
no Seq Scan on it (so an index serves the query), nor a walk through a whole index of it testing every
row against subqueries (what an OR of IN subqueries gets: the entity page did that before it read a
UNION). Which index PostgreSQL picks for a few thousand rows is its own business; benchmark_pages
measures the plans it picks at 100,000.

(An unfiltered timeline reads its first page in date order through the (date, slug) index, as far as the
page goes: that is not a filter, and not checked here.)
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import Event, EventCitation, EventType, Participation
from tests.factories import (
    EntityFactory,
    EventCitationFactory,
    EventFactory,
    ParticipationFactory,
    PlaceFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

FILTERS = [
    {"place": "panjshir"},
    {"participant": "nrf"},
    {"event_type": "battles"},
    {"event_type": "armed-clash"},
    {"certainty": "claimed"},
    {"source": "bbc"},
    {"q": "valley"},
    {"date_from": "2021-09", "date_to": "2021-12"},
    {"place": "panjshir", "date_from": "2022", "certainty": "reported"},
    {"participant": "nrf", "date_from": "2021-09", "event_type": "battles"},
    {"place": "panjshir", "q": "valley", "ordering": "-date"},
]
# The HTML timeline's keyset pages (the API has its own cursors): a deep page reads from its cursor on.
KEYSET = [{"after": "bg-1500"}, {"ordering": "-date", "before": "bg-20"}, {"place": "panjshir", "after": "event-2"}]


BACKGROUND = 3000  # events no filter selects: enough that reading them all costs what it does on a live site
SPREAD = 60  # places, actors and sources the background events spread over, as a live site's do


@pytest.fixture
def timeline():
    places = [PlaceFactory(slug=f"elsewhere-{i}", name=f"Elsewhere {i}") for i in range(SPREAD)]
    actors = [EntityFactory(slug=f"actor-{i}", name=f"Actor {i}") for i in range(SPREAD)]
    sources = [SourceFactory(key=f"source-{i}") for i in range(SPREAD)]
    types = list(EventType.objects.filter(parent__isnull=False).exclude(parent__slug="battles"))
    background = []
    for i in range(BACKGROUND):
        event = Event(
            slug=f"bg-{i}",
            title=f"Background {i}",
            event_type=types[i % len(types)],
            location=places[i % SPREAD],
            certainty=["confirmed", "reported", "unconfirmed"][i % 3],
            status="published",
        )
        event.date_partial = f"20{10 + i % 16}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        background.append(event)
    Event.objects.bulk_create(background, batch_size=500)
    Participation.objects.bulk_create(
        Participation(event=event, entity=actors[i % SPREAD], role="actor") for i, event in enumerate(background)
    )
    EventCitation.objects.bulk_create(
        EventCitation(event=event, source=sources[i % SPREAD]) for i, event in enumerate(background)
    )
    panjshir = PlaceFactory(slug="panjshir", name="Panjshir", iso_code="AF-PAN")
    PlaceFactory(slug="rukha", name="Rukha", parent=panjshir)
    nrf = EntityFactory(slug="nrf", name="NRF")
    bbc = SourceFactory(key="bbc")
    for i in range(6):
        event = EventFactory(
            slug=f"event-{i}", title=f"Fighting in the valley {i}", date_partial=f"2021-{8 + i % 4:02d}", location=panjshir
        )
        ParticipationFactory(event=event, entity=nrf, role="actor")
        EventCitationFactory(event=event, source=bbc)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum does on a live site


def plan(sql, params):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return "\n".join(row[-1] for row in cursor.fetchall())
        # Sequential scans made as costly as they can be: a plan still reading the whole table (or walking a
        # whole index of it) has no index that serves the filter. A few thousand rows would make some scans
        # the cheaper plan for PostgreSQL; at 100,000 they are not.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def event_queries(client, url, params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return [q["sql"] for q in captured.captured_queries if re.search(r'FROM "events_event"( |$)', q["sql"])]


def reads_all_events(explained):
    """Whether the plan reads every row of the events table: a scan of it, or on PostgreSQL a walk through a
    whole index of it that tests each row against subqueries (the plan an OR of IN subqueries gets)."""
    if connection.vendor == "sqlite":
        return re.search(r"^SCAN events_event\b", explained, re.M) is not None
    lines = explained.splitlines()
    for i, line in enumerate(lines):
        if re.search(r"Seq Scan on events_event ", line + " "):
            return True
        if re.search(r"Index (Only )?Scan( Backward)? using \S+ on events_event ", line + " "):
            detail = []
            for following in lines[i + 1 :]:
                if "->" in following:
                    break
                detail.append(following)
            if not any("Index Cond" in d for d in detail) and any("SubPlan" in d for d in detail):
                return True
    return False


def explain_captured(sql):
    """EXPLAIN of a captured query: the captured text has its parameters inlined already."""
    return plan(sql, None)


@pytest.mark.parametrize(
    ("url", "params"),
    [(url, params) for url in (reverse("events:list"), "/api/events/") for params in FILTERS]
    + [(reverse("events:list"), params) for params in KEYSET],
    ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()) if isinstance(p, dict) else p,
)
def test_no_filtered_timeline_query_reads_the_whole_events_table(client, timeline, url, params):
    queries = event_queries(client, url, params)
    assert queries, "the page ran no query of the events table"
    for sql in queries:
        explained = explain_captured(sql)
        assert not reads_all_events(explained), f"{sql}\n\n{explained}"


def test_the_csv_of_a_filter_reads_events_through_an_index(client, timeline):
    for sql in event_queries(client, reverse("events:list"), {"place": "panjshir", "format": "csv"}):
        explained = explain_captured(sql)
        assert not reads_all_events(explained), f"{sql}\n\n{explained}"


@pytest.mark.parametrize("url", ["/sources/bbc/", "/entities/nrf/", "/entities/panjshir/", "/search/?q=valley"])
def test_the_pages_that_list_some_events_read_them_through_an_index(client, timeline, url):
    for sql in event_queries(client, url, {}):
        explained = explain_captured(sql)
        assert not reads_all_events(explained), f"{sql}\n\n{explained}"


def test_the_check_itself_sees_a_full_read(client, timeline):
    # What the tests above rule out, seen once: a filter on a column no index starts with reads every event.
    explained = explain_captured('SELECT "id" FROM "events_event" WHERE "note" = \'x\'')
    assert reads_all_events(explained), explained


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's covering indexes (SQLite makes them plain)")
@pytest.mark.parametrize(
    ("params", "indexes"),
    [
        # Two filters: either one's index answers alone, and the planner picks by its statistics.
        ({"place": "panjshir", "date_from": "2022", "certainty": "reported"}, {"event_place_date", "event_certainty_date"}),
        ({"certainty": "reported", "date_from": "2021-09"}, {"event_certainty_date"}),
    ],
    ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()) if isinstance(p, dict) else "",
)
def test_a_filtered_timelines_summary_reads_its_filter_index_alone(client, timeline, params, indexes):
    # The count, chart and map of a filtered timeline group every match: from the table that read one page
    # per match (230 ms for 114,000 matches at a million events), from the covering index alone 44 ms. With
    # every other way off, the plan is an Index Only Scan only if the index carries each column the grouped
    # count reads: a column added to the summary (or the public rule) without it fails here.
    [summary] = [sql for sql in event_queries(client, reverse("events:list"), params) if "GROUP BY" in sql]
    ways = ("seqscan", "bitmapscan", "indexscan")
    with connection.cursor() as cursor:
        for way in ways:
            cursor.execute(f"SET LOCAL enable_{way} = off")
        try:
            cursor.execute(f"EXPLAIN {summary}")
            explained = "\n".join(row[0] for row in cursor.fetchall())
        finally:
            # Otherwise the test's own end pays: its deferred foreign-key checks, planned with every way
            # but an index-only scan off, took minutes.
            for way in ways:
                cursor.execute(f"RESET enable_{way}")
    used = set(re.findall(r"Index Only Scan using (\w+) on events_event", explained))
    assert used and used <= indexes, f"{summary}\n\n{explained}"
    assert not re.search(r"(Seq|Bitmap Heap|Index) Scan( using \w+)? on events_event", explained), explained
