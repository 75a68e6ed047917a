"""The timeline filters events every way a reader asks, and downloads exactly what it shows."""

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from entities.models import Entity
from events.models import Event, EventType
from tests.events.charting import charted
from tests.factories import (
    AliasFactory,
    EntityFactory,
    EventCitationFactory,
    EventFactory,
    ParticipationFactory,
    PlaceFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def events():
    panjshir = PlaceFactory(slug="panjshir", name="Panjshir", iso_code="AF-PAN")
    baghlan = PlaceFactory(slug="baghlan", name="Baghlan", iso_code="AF-BGL")
    andarab = PlaceFactory(slug="andarab", name="Andarab District", parent=baghlan)
    nrf = EntityFactory(slug="nrf", name="NRF")
    taliban = EntityFactory(slug="taliban", name="Taliban")
    bbc = SourceFactory(key="bbc-2021-09-07")
    clash, claim = EventType.objects.get(slug="armed-clash"), EventType.objects.get(slug="non-state-actor-overtakes-territory")
    made = {
        "uprising": EventFactory(
            slug="uprising",
            title="Baghlan uprising",
            date_partial="20 August 2021",
            event_type=clash,
            location=andarab,
            certainty="unconfirmed",
        ),
        "claim": EventFactory(
            slug="claim",
            title="Taliban claim Panjshir",
            date_partial="6 September 2021",
            event_type=claim,
            location=panjshir,
            certainty="claimed",
            claimed_by=taliban,
            summary="The NRF denied it.[@bbc-2021-09-07]",
        ),
        "mobilizing": EventFactory(
            slug="mobilizing",
            title="Remnants mobilize",
            date_partial="July 2021",
            event_type=EventType.objects.get(slug="change-to-group-activity"),
        ),
        "attack": EventFactory(
            slug="attack",
            title="NRF attack in Kunduz",
            date_partial="15 October 2025",
            event_type=EventType.objects.get(slug="attack"),
            fatalities_low=1,
            fatalities_high=1,
        ),
    }
    ParticipationFactory(event=made["claim"], entity=taliban, role="claimant")
    ParticipationFactory(event=made["claim"], entity=nrf, role="denier")
    ParticipationFactory(event=made["uprising"], entity=nrf, role="actor")
    ParticipationFactory(event=made["attack"], entity=nrf, role="actor")
    EventCitationFactory(event=made["uprising"], source=bbc)
    EventCitationFactory(event=made["claim"], source=bbc)  # its marker's row, as the admin and the import add it
    return made


def listed(client, **params):
    response = client.get(reverse("events:list"), params)
    assert response.status_code == 200
    return [view.slug for view in response.context["events"]]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["mobilizing", "uprising", "claim", "attack"]),
        ({"date_from": "2021-08", "date_to": "2021"}, ["uprising", "claim"]),
        ({"date_to": "July 2021"}, ["mobilizing"]),
        ({"event_type": "battles"}, ["uprising", "claim"]),
        ({"event_type": "armed-clash"}, ["uprising"]),
        ({"place": "baghlan"}, ["uprising"]),
        ({"place": "panjshir"}, ["claim"]),
        ({"participant": "nrf"}, ["uprising", "claim", "attack"]),
        ({"certainty": "claimed"}, ["claim"]),
        ({"source": "bbc-2021-09-07"}, ["uprising", "claim"]),
        ({"q": "panjshir"}, ["claim"]),
        ({"participant": "nrf", "date_from": "2021-09", "event_type": "battles"}, ["claim"]),
        ({"ordering": "-date"}, ["attack", "claim", "uprising", "mobilizing"]),
    ],
)
def test_each_filter_alone_and_combined(client, events, params, expected):
    assert listed(client, **params) == expected


def test_a_participant_in_two_roles_finds_its_event_once(client, events):
    ParticipationFactory(event=events["attack"], entity=Entity.objects.get(slug="nrf"), role="claimant")

    response = client.get(reverse("events:list"), {"participant": "nrf"})

    assert [view.slug for view in response.context["events"]] == ["uprising", "claim", "attack"]
    assert response.context["paginator"].count == 3
    assert charted(response) == 3
    api = client.get("/api/events/", {"participant": "nrf"}).json()
    assert [event["slug"] for event in api["results"]] == ["uprising", "claim", "attack"]


def test_a_bad_date_filter_keeps_the_text_and_says_why(client, events):
    response = client.get(reverse("events:list"), {"date_from": "32 August 2021"})

    html = response.content.decode()
    assert 'value="32 August 2021"' in html
    assert "August 2021 has 31 days" in html


@pytest.mark.parametrize(
    ("date_from", "date_to"), [("2022", "2021"), ("September 2021", "2021-08-31"), ("2021-08-02", "2021-08-01")]
)
def test_a_from_date_after_the_to_date_says_so_and_keeps_both(client, events, date_from, date_to):
    response = client.get(reverse("events:list"), {"date_from": date_from, "date_to": date_to})

    html = response.content.decode()
    assert "so no date is in between: swap the two dates, or clear one." in html
    assert f'value="{date_from}"' in html and f'value="{date_to}"' in html
    assert "No events are listed until the filter marked above is mended." in html
    assert "No event matches these filters." not in html


def test_a_range_inside_one_period_is_not_reversed(client, events):
    # From the first day of 2021 to the last of August 2021, and from 1 August to the end of 2021.
    assert listed(client, date_from="2021", date_to="2021-08") == ["mobilizing", "uprising"]
    assert listed(client, date_from="2021-08", date_to="2021") == ["uprising", "claim"]
    assert listed(client, date_from="6 September 2021", date_to="September 2021") == ["claim"]


def test_every_reading_of_the_timeline_refuses_a_reversed_range_with_the_same_sentence(client, events):
    reversed_range = {"date_from": "2022", "date_to": "2021"}
    sentence = "To 2021 comes before From 2022, so no date is in between"

    csv_download = client.get(reverse("events:list"), {**reversed_range, "format": "csv"})
    api = client.get("/api/events/", reversed_range)

    assert csv_download.status_code == 400 and sentence in csv_download.content.decode()
    assert api.status_code == 400 and sentence in api.json()["date_to"][0]


def test_the_free_text_boxes_take_either_direction(client, events):
    html = client.get(reverse("events:list")).content.decode()

    for name in ("date_from", "date_to", "source", "q"):
        box = re.search(rf'<input [^>]*name="{name}"[^>]*>', html).group(0)
        assert 'dir="auto"' in box, box
    site_search = re.search(r'<input id="site-q"[^>]*>', html).group(0)
    assert 'dir="auto"' in site_search


def test_event_shows_date_at_its_precision_place_roles_casualties_and_certainty(client, events):
    html = client.get(reverse("events:list")).content.decode()

    assert '<time datetime="2021-07">July 2021</time>' in html
    assert 'href="/entities/andarab/">Andarab District</a>, <a href="/entities/baghlan/">Baghlan</a>' in html
    assert '<dt>Claimant</dt><dd><a href="/entities/taliban/">Taliban</a></dd>' in html
    assert '<dt>Denier</dt><dd><a href="/entities/nrf/">NRF</a></dd>' in html
    assert "1 killed" in html
    assert 'class="certainty certainty-unconfirmed">unconfirmed</span>' in html


def test_csv_download_is_exactly_the_filtered_list(client, events):
    params = {"participant": "nrf", "date_to": "2021"}
    shown = listed(client, **params)

    response = client.get(reverse("events:list"), {**params, "format": "csv"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode(), newline="")))
    assert sorted(row["slug"] for row in rows) == sorted(shown) == ["claim", "uprising"]
    assert {row["slug"]: row["participants"] for row in rows}["claim"] == "claimant:taliban; denier:nrf"


def test_a_long_csv_download_holds_every_event_once_in_order_while_the_archive_changes(client):
    kind = EventType.objects.get(slug="armed-clash")
    for i in range(130):
        EventFactory(slug=f"e-{i:03d}", date_partial=f"20{10 + i % 12}", event_type=kind)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("events:list"), {"format": "csv"})
        lines = iter(response.streaming_content)
        head = [next(lines) for _ in range(21)]  # the header and the first 20 rows
        # While the reader reads on: an event is added after the rows read, one not yet read is unpublished,
        # one already read is changed.
        EventFactory(slug="e-999", date_partial="2024", event_type=kind)
        Event.objects.filter(slug="e-100").update(status="draft")
        Event.objects.filter(slug="e-005").update(title="Changed after it was read")
        rest = list(lines)
    response.close()

    rows = list(csv.DictReader(io.StringIO(b"".join(head + rest).decode(), newline="")))
    slugs = [row["slug"] for row in rows]
    assert slugs == sorted({f"e-{i:03d}" for i in range(130)} - {"e-100"} | {"e-999"})  # each once, in order
    assert {row["slug"]: row["title"] for row in rows}["e-005"] != "Changed after it was read"
    sql = [q["sql"] for q in queries.captured_queries]
    # The first rows came after 20 events had been read, not all of them; and no query held a cursor open
    # for the whole download (PostgreSQL runs a held cursor to its end before the first row).
    first_read = next(q for q in sql if '"events_event"."slug"' in q and "LIMIT" in q)
    assert "LIMIT 20" in first_read
    assert not [q for q in sql if q.lstrip().upper().startswith("DECLARE")]


def test_pagination_keeps_the_filter(client, events):
    for i in range(60):
        EventFactory(
            slug=f"extra-{i:02d}", title=f"Extra {i}", date_partial="2022", event_type=EventType.objects.get(slug="armed-clash")
        )

    first = client.get(reverse("events:list"), {"event_type": "battles"})
    cursor = first.context["page_obj"].after
    assert f'href="?event_type=battles&amp;after={cursor}"' in first.content.decode()
    second = client.get(reverse("events:list"), {"event_type": "battles", "after": cursor})
    assert len(second.context["events"]) == 62 - 50
    assert not second.context["page_obj"].has_next
    # An old numbered link still opens its page.
    assert [v.slug for v in client.get(reverse("events:list"), {"event_type": "battles", "page": 2}).context["events"]] == [
        v.slug for v in second.context["events"]
    ]


def listed_pages(client, params):
    """Every page of the timeline, following its Next links; and back again by its Previous links."""
    response = client.get(reverse("events:list"), params)
    pages = [[view.slug for view in response.context["events"]]]
    while response.context["page_obj"].has_next:
        response = client.get(reverse("events:list"), {**params, "after": response.context["page_obj"].after})
        pages.append([view.slug for view in response.context["events"]])
    back = [pages[-1]]
    while response.context["page_obj"].has_previous:
        response = client.get(reverse("events:list"), {**params, "before": response.context["page_obj"].before})
        back.insert(0, [view.slug for view in response.context["events"]])
    return pages, back


@pytest.mark.parametrize("ordering", ["date", "-date", "title", "-title"])
def test_keyset_pages_cover_every_event_once_in_each_order_and_back(client, ordering):
    # 130 events over few dates and titles: ties everywhere, which only the slug orders.
    kind = EventType.objects.get(slug="armed-clash")
    for i in range(130):
        EventFactory(slug=f"e-{i:03d}", title=f"Clash {i % 4}", date_partial=f"2022-0{1 + i % 3}", event_type=kind)

    pages, back = listed_pages(client, {"ordering": ordering})

    assert [len(page) for page in pages] == [50, 50, 30]
    assert back == pages  # Previous walks the same pages back
    slugs = [slug for page in pages for slug in page]
    assert sorted(slugs) == sorted(f"e-{i:03d}" for i in range(130))  # each once
    expected = list(
        Event.objects.public()
        .order_by(
            *{"date": ("date", "slug"), "-date": ("-date", "-slug"), "title": ("title", "slug"), "-title": ("-title", "-slug")}[
                ordering
            ]
        )
        .values_list("slug", flat=True)
    )
    assert slugs == expected


def test_a_cursor_that_names_no_public_event_opens_the_first_page(client):
    kind = EventType.objects.get(slug="armed-clash")
    for i in range(60):
        EventFactory(slug=f"e-{i:03d}", date_partial="2022", event_type=kind)
    EventFactory(slug="a-draft", date_partial="2023", event_type=kind, status="draft")
    first = [v.slug for v in client.get(reverse("events:list")).context["events"]]

    for cursor in ["a-draft", "no-such-event", "", "'; DROP TABLE events_event; --", "x" * 5000]:
        for direction in ("after", "before"):
            response = client.get(reverse("events:list"), {direction: cursor})
            assert response.status_code == 200
            assert [v.slug for v in response.context["events"]] == first
    for page in ["0", "-1", "two", "99"]:
        assert client.get(reverse("events:list"), {"page": page}).status_code == 404


def test_a_deep_keyset_page_reads_from_its_cursor(client, django_assert_max_num_queries):
    kind = EventType.objects.get(slug="armed-clash")
    for i in range(120):
        EventFactory(slug=f"e-{i:03d}", date_partial=f"20{10 + i % 12}", event_type=kind)
    with CaptureQueriesContext(connection) as queries, django_assert_max_num_queries(16):
        response = client.get(reverse("events:list"), {"after": "e-050"})
    assert response.status_code == 200
    page_query = next(q["sql"] for q in queries.captured_queries if "LIMIT 51" in q["sql"])
    assert "OFFSET" not in page_query and '"events_event"."slug" > \'e-050\'' in page_query


def test_chart_and_map_count_the_filtered_events(client, events):
    response = client.get(reverse("events:list"), {"participant": "nrf"})

    tiles = {tile.code: tile.count for tile in response.context["map"]["tiles"]}
    assert (tiles["AF-BGL"], tiles["AF-PAN"], tiles["AF-KAB"]) == (1, 1, 0)
    bars = {bar.month.isoformat()[:7]: bar.count for bar in response.context["chart"]["bars"]}
    assert (bars["2021-08"], bars["2021-09"], bars["2022-01"], bars["2025-10"]) == (1, 1, 0, 1)
    assert len(tiles) == 34


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"date_from": "2021-08"},
        {"place": "baghlan"},
        {"event_type": "battles"},
        {"participant": "nrf"},
        {"source": "bbc-2021-09-07"},
        {"q": "panjshir"},
        {"certainty": "claimed"},
    ],
)
def test_chart_and_map_count_each_listed_event_once_whatever_the_filter(client, events, params):
    # Filters through joins make the list DISTINCT; the chart and the map count through a subquery then,
    # and straight from the list otherwise: either way each listed event counts once.
    # Joined rows that repeat an event: a second citation of the same source, a second place alias.
    EventCitationFactory(event=events["uprising"], source=events["uprising"].citations.get().source, locator="p. 2")
    AliasFactory(entity=events["claim"].location, name="Panjshir Valley")
    response = client.get(reverse("events:list"), params)

    listed_count = response.context["paginator"].count
    assert listed_count > 0
    assert charted(response) == listed_count
    in_provinces = [view for view in response.context["events"] if view.slug in ("uprising", "claim")]
    assert sum(tile.count for tile in response.context["map"]["tiles"]) == len(in_provinces)


@pytest.mark.parametrize("count", [10, 500])
def test_timeline_query_count_does_not_grow_with_events(client, count, django_assert_max_num_queries):
    nrf, place, source = EntityFactory(slug="nrf"), PlaceFactory(iso_code="AF-PAN"), SourceFactory(key="s")
    event_type = EventType.objects.get(slug="armed-clash")
    for i in range(count):
        event = EventFactory(slug=f"e{i}", event_type=event_type, location=place, summary="Text.[@s]")
        ParticipationFactory(event=event, entity=nrf)
        EventCitationFactory(event=event, source=source)

    # 15: the page, the filters, the chart and map, and one query for other reports of the same happenings.
    with django_assert_max_num_queries(15):
        response = client.get(reverse("events:list"), {"participant": "nrf"})

    assert response.status_code == 200
    assert len(response.context["events"]) == min(count, 50)


def test_source_filter_matches_a_markers_whole_key_only(client, events):
    # "[@bbc-2021-09-07-extra]" names another source: a substring test of markers took it for bbc-2021-09-07.
    # The filter now reads citation rows (every marker has one), keyed by the source itself.
    extra = SourceFactory(key="bbc-2021-09-07-extra")
    longer = EventFactory(
        slug="longer-key",
        title="Cites a longer key",
        date_partial="2022",
        event_type=EventType.objects.get(slug="armed-clash"),
        summary="Other.[@bbc-2021-09-07-extra]",
    )
    EventCitationFactory(event=longer, source=extra)

    assert listed(client, source="bbc-2021-09-07") == ["uprising", "claim"]
    assert listed(client, source="bbc-2021-09-07-extra") == ["longer-key"]
