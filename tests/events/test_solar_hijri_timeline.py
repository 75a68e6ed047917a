"""The timeline finds, orders and shows events dated in either calendar by their real days.

A date range keeps the events whose period shares at least one day with it: "from 2021-08-01 to 2021-08-31"
finds "Asad 1400" (23 July – 22 August 2021) and "2021"; "from Sunbula 1400" (from 23 August 2021) does not
find "Asad 1400". The page, its CSV and the API read the filters alike.
"""

import csv
import io

import pytest
from django.urls import reverse

from events.models import EventType
from tests.events.test_timeline import listed
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def events():
    kind = EventType.objects.get(slug="change-to-group-activity")
    dated = {
        "year-1399": "1399 SH",  # 20 March 2020 – 20 March 2021
        "year-2021": "2021",
        "july": "July 2021",
        "asad": "Asad 1400",  # 23 July – 22 August 2021
        "first-of-sunbula": "1 Sunbula 1400",  # 23 August 2021
        "september-6": "6 September 2021",
    }
    for slug, date in dated.items():
        EventFactory(slug=slug, title=slug.replace("-", " ").capitalize(), date_partial=date, event_type=kind)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["year-1399", "year-2021", "july", "asad", "first-of-sunbula", "september-6"]),
        ({"date_from": "2021-08-01", "date_to": "2021-08-31"}, ["year-2021", "asad", "first-of-sunbula"]),
        ({"date_from": "August 2021", "date_to": "August 2021"}, ["year-2021", "asad", "first-of-sunbula"]),
        ({"date_from": "Sunbula 1400"}, ["year-2021", "first-of-sunbula", "september-6"]),
        ({"date_from": "۱ سنبله ۱۴۰۰"}, ["year-2021", "first-of-sunbula", "september-6"]),
        ({"date_to": "Asad 1400"}, ["year-1399", "year-2021", "july", "asad"]),
        ({"date_to": "1400-05-31 SH"}, ["year-1399", "year-2021", "july", "asad"]),  # 22 August 2021, Asad's last day
        ({"date_from": "1400 SH"}, ["year-2021", "july", "asad", "first-of-sunbula", "september-6"]),
        ({"date_from": "2021-03-20"}, ["year-1399", "year-2021", "july", "asad", "first-of-sunbula", "september-6"]),
        ({"date_from": "Hut 1399", "date_to": "Hut 1399"}, ["year-1399", "year-2021"]),
        ({"date_from": "2021-07-31", "date_to": "2021-07-31"}, ["year-2021", "july", "asad"]),
        ({"date_from": "1400-05-26 SH", "date_to": "17 August 2021"}, ["year-2021", "asad"]),
    ],
)
def test_a_date_range_finds_the_events_whose_period_it_overlaps_in_either_calendar(client, events, params, expected):
    assert listed(client, **params) == expected


def test_the_csv_and_the_api_find_the_same_events(client, events):
    params = {"date_from": "Sunbula 1400", "date_to": "2021"}

    api = client.get("/api/events/", params).json()
    download = client.get(reverse("events:list"), {**params, "format": "csv"})

    assert [event["slug"] for event in api["results"]] == ["year-2021", "first-of-sunbula", "september-6"]
    rows = list(csv.DictReader(io.StringIO(b"".join(download.streaming_content).decode(), newline="")))
    assert {row["slug"]: row["date"] for row in rows} == {
        "year-2021": "2021",
        "first-of-sunbula": "1400-06-01 SH",
        "september-6": "2021-09-06",
    }


def test_a_solar_hijri_range_the_wrong_way_round_says_so(client, events):
    response = client.get(reverse("events:list"), {"date_from": "Sunbula 1400", "date_to": "2021-08-01"})

    html = response.content.decode()
    assert "so no date is in between: swap the two dates, or clear one." in html
    assert 'value="Sunbula 1400"' in html


def test_a_solar_hijri_day_that_does_not_exist_is_a_filter_error_that_keeps_the_text(client, events):
    response = client.get(reverse("events:list"), {"date_from": "31 Mizan 1400"})

    html = response.content.decode()
    assert "Mizan 1400 SH has 30 days, so day 31 does not exist." in html
    assert 'value="31 Mizan 1400"' in html


def test_the_api_gives_a_solar_hijri_date_its_calendar_and_gregorian_days(client, events):
    asad = client.get("/api/events/asad/").json()["date"]
    july = client.get("/api/events/july/").json()["date"]

    assert asad == {
        "value": "1400-05 SH",
        "precision": "month",
        "approximate": False,
        "text": "Asad 1400 SH (July–August 2021)",
        "calendar": "solar_hijri",
        "first": "2021-07-23",
        "last": "2021-08-22",
    }
    assert july == {"value": "2021-07", "precision": "month", "approximate": False, "text": "July 2021"}


@pytest.mark.parametrize(
    ("prefix", "asad", "july"),
    [
        ("", "Asad 1400 SH (July–August 2021)", "July 2021"),
        ("/prs", "اسد ۱۴۰۰ (جولای–اگست ۲۰۲۱)", "سرطان–اسد ۱۴۰۰ (جولای ۲۰۲۱)"),
        ("/ps", "زمری ۱۴۰۰ (جولای–اګست ۲۰۲۱)", "چنګاښ–زمری ۱۴۰۰ (جولای ۲۰۲۱)"),
    ],
)
def test_each_language_shows_the_timeline_dates_in_its_calendar(client, events, prefix, asad, july):
    html = client.get(f"{prefix}/events/").content.decode()

    assert asad in html and july in html
