"""Home, search, sources, feed, sitemap, robots and error pages; drafts appear on none of them."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from entities.models import Property
from tests.factories import (
    AliasFactory,
    EntityFactory,
    EventCitationFactory,
    EventFactory,
    ParticipationFactory,
    SectionFactory,
    SourceFactory,
    StatementCitationFactory,
    StatementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/",
    "/entities/",
    "/events/",
    "/sources/",
    "/search/?q=secret",
    "/events/feed/",
    "/sitemap.xml",
    "/entities/?format=csv",
    "/events/?format=csv",
    "/sources/?format=csv",
    "/entities/nrf/",
    "/events/public-event/",
    "/sources/public-source/",
]


@pytest.fixture
def site():
    nrf = EntityFactory(slug="nrf", name="National Resistance Front")
    AliasFactory(entity=nrf, name="جبهه مقاومت ملی", language="prs")
    AliasFactory(entity=nrf, name="د ملي مقاومت جبهه", language="ps")
    public_source = SourceFactory(key="public-source", title="A public report")
    draft_source = SourceFactory(key="secret-source", title="Secret draft report", status="draft")
    statement = StatementFactory(subject=nrf, property=Property.objects.get(slug="ideology"), value_text="Democratization")
    StatementCitationFactory(statement=statement, source=public_source)
    StatementCitationFactory(statement=statement, source=draft_source)
    StatementFactory(subject=nrf, property=Property.objects.get(slug="status"), value_text="Secret status", status="draft")
    secret = EntityFactory(slug="secret-entity", name="Secret entity", status="draft")
    StatementFactory(subject=nrf, property=Property.objects.get(slug="ally"), value_text="", value_entity=secret)
    SectionFactory(entity=nrf, title="Secret section", body="Secret text.", status="draft")
    event = EventFactory(slug="public-event", title="Public event", summary="Reported.[@public-source]")
    ParticipationFactory(event=event, entity=nrf)
    ParticipationFactory(event=event, entity=secret, role="ally")
    EventCitationFactory(event=event, source=public_source)
    EventFactory(slug="secret-event", title="Secret event", status="draft")
    return nrf


def body(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_drafts_never_appear_on_public_pages_lists_search_feed_sitemap_or_downloads(client, site, url):
    response = client.get(url)

    assert response.status_code == 200
    text = body(response)
    assert "Secret" not in text and "secret-" not in text


@pytest.mark.parametrize("url", ["/entities/secret-entity/", "/events/secret-event/", "/sources/secret-source/"])
def test_draft_pages_are_not_found_for_the_public(client, site, url):
    assert client.get(url).status_code == 404


def test_editor_previews_a_draft_exactly_as_the_page_will_look(client, site):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    html = client.get("/events/secret-event/").content.decode()

    assert "Preview of a draft" in html
    assert "Secret event" in html


def test_a_citation_of_a_draft_source_is_left_out_of_the_public_page(client, site):
    # It was listed as "Unpublished source"; readers now see only what public sources back (issue 15).
    html = client.get("/entities/nrf/").content.decode()

    assert "Unpublished source" not in html and "citation-unpublished" not in html
    assert "A public report" in html


@pytest.mark.parametrize("query", ["جبهه", "مقاومت", "ملي", "national resist", "NRF"])
def test_search_finds_entities_by_any_alias_in_any_script(client, site, query):
    response = client.get(reverse("search"), {"q": query})

    assert [entity.slug for entity in response.context["results"]["entities"]] == ["nrf"]


def test_search_groups_events_and_sources(client, site):
    response = client.get(reverse("search"), {"q": "public"})

    assert [event.slug for event in response.context["results"]["events"]] == ["public-event"]
    assert [source.key for source in response.context["results"]["sources"]] == ["public-source"]


def test_source_page_lists_everything_it_backs(client, site):
    html = client.get("/sources/public-source/").content.decode()

    assert "Statements (1)" in html and "Ideology: Democratization" in html
    assert "Events (1)" in html and "Public event" in html


def test_source_page_finds_markers_without_citation_rows_and_only_for_its_own_key(client, site):
    SourceFactory(key="public-source-2", title="Another report")
    EventFactory(slug="by-marker", title="Cited by marker only", summary="Seen.[@public-source, p. 4]")
    EventFactory(slug="in-a-group", title="Cited in a group", summary="Seen.[@public-source-2; @public-source]")
    EventFactory(slug="other-key", title="Cites a longer key", summary="Seen.[@public-source-2]")
    EventFactory(slug="no-marker", title="Mentions the key in prose", summary="Write to desk@public-source.org")
    SectionFactory(entity=site, title="History", body="Founded.[@public-source]")

    html = client.get("/sources/public-source/").content.decode()

    assert "Events (3)" in html
    assert "Cited by marker only" in html and "Cited in a group" in html
    assert "Cites a longer key" not in html and "Mentions the key in prose" not in html
    assert "History" in html


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("PUBLIC", ["public-event"]),
        ("publ", ["public-event"]),
        ("ublic", []),
        ("événement", ["accented"]),
        ("ÉVÉNEMENT", ["accented"]),
        ("gazette", ["accented"]),
    ],
)
def test_search_matches_word_starts_in_any_case(client, site, query, found):
    EventFactory(slug="accented", title="Événement à Kaboul", summary="Selon la Gazette.")

    response = client.get(reverse("search"), {"q": query})

    assert [event.slug for event in response.context["results"]["events"]] == found


def test_source_list_filters_and_downloads(client, site):
    SourceFactory(key="bbc", publisher="BBC News", source_type="news", published_on_partial="2021")

    response = client.get(reverse("sources:list"), {"publisher": "bbc news", "year": "2021"})
    assert [source.key for source in response.context["object_list"]] == ["bbc"]
    rows = list(csv.DictReader(io.StringIO(body(client.get("/sources/?format=csv&publisher=bbc+news")), newline="")))
    assert [row["key"] for row in rows] == ["bbc"]


def test_home_shows_the_profile_latest_events_and_counts(client, site):
    html = client.get("/").content.decode()

    assert "National Resistance Front</a> in brief" in html
    assert "Public event" in html
    assert "<strong>1</strong> events" in html


def test_robots_sitemap_and_feed(client, site):
    assert "Disallow: /admin/" in client.get("/robots.txt").content.decode()
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "/entities/nrf/" in sitemap and "/events/public-event/" in sitemap
    feed = client.get("/events/feed/")
    assert feed["Content-Type"].startswith("application/atom+xml")
    assert "Public event" in feed.content.decode()


def test_unknown_page_is_a_friendly_404(client, site):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "There is no page at this address" in response.content.decode()


@pytest.mark.parametrize(
    "url", ["/", "/entities/", "/sources/", "/sources/public-source/", "/search/?q=nrf", "/events/public-event/"]
)
def test_other_public_pages_run_a_bounded_number_of_queries(client, site, url, django_assert_max_num_queries):
    with django_assert_max_num_queries(18):
        assert client.get(url).status_code == 200


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index is PostgreSQL's")
def test_event_search_can_use_the_full_text_index(client, site):
    # The index serves only a query whose expression is exactly the indexed one; a change to the search
    # fields or configuration without a new index would quietly scan every event again.
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("search"), {"q": "panjshir"})
    sql = next(q["sql"] for q in queries.captured_queries if 'FROM "events_event"' in q["sql"])
    start = sql.index("IN (SELECT") + len("IN (")
    depth, end = 1, start
    while depth:
        depth += {"(": 1, ")": -1}.get(sql[end], 0)
        end += 1
    matching = sql[start : end - 1]  # the subquery that picks the matching events
    with connection.cursor() as cursor:
        # The test database holds a handful of events, so the planner would rather read them all:
        # only with the other ways off does the plan show whether the index fits the expression.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {matching}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on events_event_search" in plan, plan
