"""Requests a stranger can send: odd methods, hostile filter values, forged hosts, forged placeholders."""

import os
import string

import pytest
from django.test import Client
from django.urls import resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import EntityFactory, EventFactory, PlaceFactory, SectionFactory, SourceFactory

pytestmark = pytest.mark.django_db

# FUZZ_EXAMPLES=2000 for a long run (the closing note of issue 16 quotes one); CI keeps 40.
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@pytest.fixture
def site():
    nrf = EntityFactory(slug="nrf", name="National Resistance Front")
    PlaceFactory(slug="panjshir", name="Panjshir", iso_code="AF-PAN")
    SourceFactory(key="bbc-2021", published_on_partial="2021")
    EventFactory(slug="clash", title="Clash")
    return nrf


@pytest.mark.parametrize("url", ["/", "/search/", "/robots.txt", "/healthz", "/events/", "/entities/nrf/"])
def test_head_is_answered_like_get(client, site, url):
    assert client.head(url).status_code == 200


@pytest.mark.parametrize("value", ["0", "-1", "99999", "1e5", str(10**20), "2021.5", " ", "abc"])
def test_an_out_of_range_or_malformed_year_is_a_form_error_not_a_500(client, site, value):
    response = client.get("/sources/", {"year": value})

    assert response.status_code == 200
    assert response.context["filter"].errors  # told, with the form kept
    csv = client.get("/sources/", {"year": value, "format": "csv"})
    assert csv.status_code == 400 and csv["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize(
    ("url", "param"),
    [
        ("/events/", "date_from"),
        ("/events/", "certainty"),
        ("/entities/", "kind"),
        ("/sources/", "source_type"),
        ("/events/", "ordering"),
    ],
)
def test_a_csv_download_with_a_hostile_filter_answers_plain_text(client, site, url, param):
    response = client.get(url, {param: "<img src=x onerror=alert(1)>", "format": "csv"})

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_the_page_cache_keeps_each_host_apart(site):
    first = Client(HTTP_HOST="localhost").get("/robots.txt").content.decode()
    second = Client(HTTP_HOST="127.0.0.1").get("/robots.txt").content.decode()

    assert "http://localhost/sitemap.xml" in first
    assert "http://127.0.0.1/sitemap.xml" in second


def test_text_holding_the_markers_internal_placeholder_renders_as_text(client, site):
    EventFactory(slug="forged", title="Forged", summary="Look: \u2063CITE7\u2063 and \u2063CITE0\u2063 [@bbc-2021].")
    SectionFactory(entity=site, title="Forged", position=1, body="\u2063CITE3\u2063 text")

    statuses = {url: client.get(url).status_code for url in ["/", "/events/", "/events/forged/", "/entities/nrf/"]}

    assert set(statuses.values()) == {200}, statuses
    assert "\u2063CITE7\u2063" in client.get("/events/forged/").content.decode()


def test_markdown_table_alignment_is_a_class_not_a_style(client, site):
    SectionFactory(entity=site, title="Table", position=1, body="| a | b |\n|--:|:-:|\n| 1 | 2 |")

    page = client.get("/entities/nrf/").content.decode()

    assert '<td class="align-right">1</td>' in page and 'style="' not in page.split("<main", 1)[-1]


def list_parameters(url):
    """Every query parameter a public list reads: its FilterSet's filters (so a new filter is fuzzed too) and page."""
    return [*resolve(url).func.view_class.filterset_class.base_filters, "page"]


LIST_PARAMETERS = {url: list_parameters(url) for url in ("/events/", "/entities/", "/sources/")}
VALUES = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "0",
            "-1",
            "99999",
            "1e5",
            str(10**20),
            "9999-12-31",
            "0000",
            "2021-13",
            "c.",
            "-date",
            "panjshir",
            "nrf",
            "\x00",
            "%",
            "' OR 1=1 --",
            "<script>",
            "\u202e",
            "9" * 400,
        ]
    ),
    st.text(alphabet=string.digits + "-.e", max_size=25),
)


@FUZZ
@given(url=st.sampled_from(sorted(LIST_PARAMETERS)), data=st.data())
def test_no_query_string_makes_a_public_list_answer_500(client, site, url, data):
    names = data.draw(st.lists(st.sampled_from(LIST_PARAMETERS[url]), min_size=1, max_size=3, unique=True))
    params = {name: data.draw(VALUES) for name in names}
    if data.draw(st.booleans()):
        params["format"] = "csv"

    response = client.get(url, params)

    assert response.status_code in (200, 400, 404), (url, params, response.status_code)
