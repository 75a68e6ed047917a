"""Home, search, sources, feed, sitemap, robots and error pages; drafts appear on none of them."""

import csv
import io

import pytest
from django.urls import reverse

from entities.models import Property
from entities.services import section_sync_citations
from events.models import EventCitation
from tests.csv_helpers import export, import_, write_csv
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


def test_an_imported_marker_gets_its_citation_row_and_the_source_page_lists_it(client, site, tmp_path):
    # A marker names a source the row's `sources` cell does not list: the import adds the row, as the admin
    # does, so the source page (which reads only citation rows, never scans text) lists the event.
    SourceFactory(key="public-source-2", title="Another report")
    section_sync_citations(section=SectionFactory(entity=site, title="History", body="Founded.[@public-source]"))
    write_csv(
        tmp_path,
        "events.csv",
        "slug,title,date,event_type,summary,sources,status\r\n"
        'by-marker,Cited by marker only,2021-09,armed-clash,"Seen.[@public-source, p. 4]",,published\r\n'
        "in-a-group,Cited in a group,2021-09,armed-clash,Seen.[@public-source-2; @public-source],public-source-2,published\r\n"
        "other-key,Cites a longer key,2021-09,armed-clash,Seen.[@public-source-2],,published\r\n"
        "no-marker,Mentions the key in prose,2021-09,armed-clash,Write to desk@public-source.org,,published\r\n",
    )
    ok, out, err = import_(tmp_path)
    assert ok, err

    html = client.get("/sources/public-source/").content.decode()
    assert "Events (3)" in html  # the two imported ones and the site's own public event
    assert "Cited by marker only" in html and "Cited in a group" in html
    assert "Cites a longer key" not in html and "Mentions the key in prose" not in html
    assert "History" in html
    cited = {
        (c.event.slug, c.source.key, c.locator)
        for c in EventCitation.objects.filter(event__slug__in=["by-marker", "in-a-group"])
    }
    assert cited == {
        ("by-marker", "public-source", "p. 4"),
        ("in-a-group", "public-source", ""),
        ("in-a-group", "public-source-2", ""),
    }
    # The export lists the derived rows in `sources`, so importing it again changes nothing.
    exported = tmp_path / "again"
    export(exported)
    ok, out, err = import_(exported)
    assert ok, err
    assert "events.csv: 0 new, 0 updated," in out, out
    assert "event_citations.csv: 0 new, 0 updated," in out, out


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


def test_the_entity_lists_event_dates_in_reverse_order_say_so(client):
    response = client.get(reverse("entities:list"), {"events_from": "2023", "events_to": "2021-08"})

    html = response.content.decode()
    assert "Has events until August 2021 comes before Has events from 2023" in html
    assert "No entities are listed until the filter marked above is mended." in html


# The Dari and Pashto addresses are another way in to the same pages: the same public() rule holds there.
PREFIXED_PAGES = [url for url in PUBLIC_PAGES if url != "/sitemap.xml"]  # the sitemap has one, unprefixed address


@pytest.mark.parametrize("prefix", ["/prs", "/ps"])
@pytest.mark.parametrize("url", PREFIXED_PAGES)
def test_drafts_never_appear_on_the_dari_and_pashto_pages_either(client, site, url, prefix):
    response = client.get(prefix + url)

    assert response.status_code == 200
    text = body(response)
    assert "Secret" not in text and "secret-" not in text


@pytest.mark.parametrize("prefix", ["/prs", "/ps"])
@pytest.mark.parametrize("url", ["/entities/secret-entity/", "/events/secret-event/", "/sources/secret-source/"])
def test_draft_pages_are_not_found_in_dari_or_pashto_either(client, site, url, prefix):
    assert client.get(prefix + url).status_code == 404
