"""The timeline's chart draws each event at its date's precision, with an axis, a scale and a table."""

import datetime
import re

import pytest
from django.urls import reverse

from tests.factories import EventFactory, PlaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def dated():
    EventFactory(slug="only-year", date_partial="2021")
    EventFactory(slug="a-month", date_partial="August 2021")
    EventFactory(slug="a-day", date_partial="17 August 2021")
    EventFactory(slug="next-year", date_partial="March 2022")


# No filter: the chart reads the kept counts; a filter: the list's own grouped count. Both must agree.
@pytest.mark.parametrize("params", [{}, {"date_from": "2021"}], ids=["kept counts", "filtered"])
def test_an_event_known_only_by_its_year_is_a_band_under_its_year_never_a_january_bar(client, dated, params):
    chart = client.get(reverse("events:list"), params).context["chart"]

    bars = {bar.month: bar.count for bar in chart["bars"]}
    assert bars[datetime.date(2021, 1, 1)] == 0
    assert bars[datetime.date(2021, 8, 1)] == 2
    assert bars[datetime.date(2022, 3, 1)] == 1
    assert [(span.year, span.count) for span in chart["spans"]] == [(2021, 1)]
    # The band spans the year's months as the bars lie: from January's bar to the end of December's.
    january, december = (next(bar for bar in chart["bars"] if bar.month == datetime.date(2021, m, 1)) for m in (1, 12))
    [span] = chart["spans"]
    assert span.x == january.x and span.x + span.width == december.x + december.width


def test_the_axis_names_months_and_years_and_the_scale_reads_from_zero_to_the_tallest_bar(client, dated):
    chart = client.get(reverse("events:list")).context["chart"]

    # January 2021 to March 2022: 15 months, each named; the year under each January.
    assert [tick.text for tick in chart["ticks"]][:3] == ["Jan", "Feb", "Mar"] and len(chart["ticks"]) == 15
    assert [tick.year for tick in chart["ticks"] if tick.year] == [2021, 2022]
    assert [step["value"] for step in chart["scale"]] == [0, 1, 2]
    tallest = max(chart["bars"], key=lambda bar: bar.count)
    assert chart["scale"][-1]["y"] == tallest.y


def test_a_long_archive_names_every_quarter_then_every_year(client):
    EventFactory(slug="first", date_partial="January 2001")
    EventFactory(slug="last", date_partial="December 2020")

    chart = client.get(reverse("events:list")).context["chart"]

    assert len(chart["bars"]) == 240
    assert [tick.year for tick in chart["ticks"]] == list(range(2001, 2021))
    assert all(tick.text == "" for tick in chart["ticks"])


def test_the_page_shows_the_chart_unstretched_and_as_a_table(client, dated):
    html = client.get(reverse("events:list")).content.decode()

    figure = html[html.index('<div class="chart">') : html.index("</details>")]
    assert "preserveAspectRatio" not in figure  # the default keeps the proportions: text is never stretched
    assert re.search(r'<text class="axis" x="\d+" y="\d+">Aug</text>', figure)
    assert re.search(r'<text class="scale" x="\d+" y="\d+">2</text>', figure)
    assert "<title>2021, month not known: 1 event</title>" in figure
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th><td>(\d+)</td></tr>', figure)
    assert rows == [("August 2021", "2"), ("March 2022", "1"), ("2021 (month not known)", "1")]


def test_no_events_no_chart(client):
    response = client.get(reverse("events:list"), {"date_from": "2099"})

    assert response.context["chart"]["bars"] == [] and 'class="chart"' not in response.content.decode()


@pytest.fixture
def provinces():
    panjshir = PlaceFactory(slug="panjshir", name="Panjshir", iso_code="AF-PAN")
    baghlan = PlaceFactory(slug="baghlan", name="Baghlan", iso_code="AF-BGL")
    for day in range(1, 9):
        EventFactory(slug=f"p-{day}", date_partial=f"{day} September 2021", location=panjshir)
    EventFactory(slug="b-1", date_partial="August 2021", location=PlaceFactory(slug="andarab", parent=baghlan))


def test_the_map_is_links_named_by_province_with_a_legend_and_a_table(client, provinces):
    html = client.get(reverse("events:list")).content.decode()

    province_map = html[html.index('<div class="province-map">') : html.index("</details>", html.index("province-map"))]
    svg = province_map[province_map.index("<svg") : province_map.index(">", province_map.index("<svg"))]
    assert 'role="img"' not in svg  # an image may not hold links
    assert 'aria-label="Panjshir: 8 events"' in province_map and 'aria-label="Baghlan: 1 event"' in province_map
    # Shades from none to the busiest province's 8: each a run of counts.
    legend = re.findall(r'<span class="swatch heat-(\d)" aria-hidden="true"></span>([^<]+)</li>', province_map)
    assert legend == [("0", "0"), ("1", "1–2"), ("2", "3–4"), ("3", "5–6"), ("4", "7–8")]
    rows = re.findall(
        r'<tr><th scope="row">(?:<a href="[^"]+">)?([^<]+)(?:</a>)? <span class="muted">\((AF-\w+)\)</span></th><td>(\d+)</td>',
        province_map,
    )
    assert rows == [("Panjshir", "AF-PAN", "8"), ("Baghlan", "AF-BGL", "1")]


def test_a_single_event_shades_its_province_darkest_and_the_legend_names_one_count(client):
    EventFactory(slug="only", location=PlaceFactory(slug="kabul", name="Kabul", iso_code="AF-KAB"))

    response = client.get(reverse("events:list"))

    assert response.context["map"]["legend"] == [(0, "0"), (4, "1")]
    assert {tile.code: tile.heat for tile in response.context["map"]["tiles"]}["AF-KAB"] == 4


# The map of points: places with coordinates ------------------------------------------------------------------


@pytest.fixture
def placed():
    parwan = PlaceFactory(slug="parwan", name="Parwan Province", iso_code="AF-PAR", latitude="35.01", longitude="69.17")
    panjshir = PlaceFactory(slug="panjshir", name="Panjshir Province", iso_code="AF-PAN", latitude="35.31", longitude="69.52")
    charikar = PlaceFactory(slug="charikar", name="Charikar", parent=parwan, latitude="35.01", longitude="69.17")
    for n in range(4):
        EventFactory(slug=f"pan-{n}", location=panjshir)
    EventFactory(slug="cha-1", location=charikar)
    # A place with no coordinates counts in the ring of the province holding it; a draft place is never named.
    EventFactory(slug="and-1", location=PlaceFactory(slug="andarab", name="Andarab", parent=panjshir))
    secret = PlaceFactory(slug="secret-village", name="Secret village", latitude="35.2", longitude="69.4", status="draft")
    EventFactory(slug="sec-1", location=secret)


def test_events_are_points_a_provinces_own_at_its_capital_a_towns_at_its_place(client, placed):
    response = client.get(reverse("events:list"))

    points = {point.slug: point for point in response.context["points"]["points"]}
    assert set(points) == {"panjshir", "charikar"}
    assert (points["panjshir"].precise, points["panjshir"].count) == (False, 5)  # 4 at it, 1 at Andarab within it
    assert (points["charikar"].precise, points["charikar"].label) == (True, "Charikar (Parwan Province): 1 event")
    assert points["panjshir"].r > points["charikar"].r  # more events, a bigger point
    # East is right and north is up: Panjshir's capital lies east and north of Charikar.
    assert points["panjshir"].x > points["charikar"].x and points["panjshir"].y < points["charikar"].y
    width, height = response.context["points"]["width"], response.context["points"]["height"]
    assert all(0 < p.x < width and 0 < p.y < height for p in points.values())
    html = response.content.decode()
    assert 'href="?place=charikar" aria-label="Charikar (Parwan Province): 1 event"' in html
    assert "Secret village" not in html and "secret-village" not in html
    assert (
        '<th scope="row"><a href="/entities/charikar/">Charikar</a> <span class="muted">(Parwan Province)</span></th><td>1</td>'
        in html
    )


def test_the_points_follow_the_filters(client, placed):
    response = client.get(reverse("events:list"), {"place": "parwan"})

    assert [point.slug for point in response.context["points"]["points"]] == ["charikar"]


def test_no_point_without_coordinates(client):
    EventFactory(slug="x", location=PlaceFactory(slug="nowhere", name="Nowhere"))

    response = client.get(reverse("events:list"))

    assert response.context["points"]["points"] == [] and 'class="points-map"' not in response.content.decode()
    assert response.context["points"]["unshown"] == 1


def test_the_caption_counts_the_events_the_map_cannot_show(client, placed):
    EventFactory(slug="dc", location=PlaceFactory(slug="washington-dc", name="Washington, D.C."))

    html = client.get(reverse("events:list")).content.decode()

    assert "1 event at places the map cannot show (abroad, or without coordinates) is not drawn." in html
