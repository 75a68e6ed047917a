"""A feed opened in a browser is a page about the feed with the same entries; a feed reader still gets Atom."""

import re

import pytest

from tests.factories import EventFactory
from tests.site.test_public_site import site  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
READER = "application/atom+xml, application/rss+xml;q=0.9, application/xml;q=0.8, */*;q=0.1"


def atom_titles(response):
    return re.findall(r"<entry><title>(.*?)</title>", response.content.decode())


@pytest.mark.parametrize("url", ["/events/feed/", "/entities/nrf/feed/"])
def test_a_browser_gets_a_page_listing_what_the_feed_lists(client, site, url):  # noqa: F811
    page = client.get(url, headers={"accept": BROWSER})
    atom = client.get(url, headers={"accept": READER})

    assert page["Content-Type"].startswith("text/html")
    assert atom["Content-Type"].startswith("application/atom+xml")
    assert "Accept" in page["Vary"] and "Accept" in atom["Vary"]
    html = page.content.decode()
    assert "This is a feed" in html and f'value="http://testserver{url}"' in html
    titles = atom_titles(atom)
    assert titles, "the feed has entries"
    for title in titles:
        assert title in html
    assert "Secret" not in html  # drafts appear in neither


def test_curl_and_a_client_without_accept_get_atom(client, site):  # noqa: F811
    for headers in ({}, {"accept": "*/*"}, {"accept": "application/xml"}):
        assert client.get("/events/feed/", headers=headers)["Content-Type"].startswith("application/atom+xml")


def test_the_page_cache_keeps_the_page_and_the_feed_apart(client, site, settings):  # noqa: F811
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    first = client.get("/events/feed/", headers={"accept": BROWSER})
    atom = client.get("/events/feed/", headers={"accept": READER})
    again = client.get("/events/feed/", headers={"accept": BROWSER})

    assert first["X-Page-Cache"] == "miss" and atom["X-Page-Cache"] == "miss"
    assert atom["Content-Type"].startswith("application/atom+xml")
    assert again["X-Page-Cache"] == "hit" and again["Content-Type"].startswith("text/html")


def test_the_page_escapes_what_an_entry_says_and_keeps_the_filters(client, site):  # noqa: F811
    EventFactory(slug="hostile", title="<script>alert(1)</script> raid", summary="<img src=x onerror=alert(1)>")

    html = client.get("/events/feed/?q=raid", headers={"accept": BROWSER}).content.decode()

    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; raid" in html
    assert "<img src=x" not in html
    assert 'href="http://testserver/events/?q=raid"' in html  # the page this feed follows, filtered alike


def test_a_draft_entitys_feed_page_is_not_found(client, site):  # noqa: F811
    assert client.get("/entities/secret-entity/feed/", headers={"accept": BROWSER}).status_code == 404


@pytest.mark.parametrize(
    "accept",
    [
        "",
        "text/html;q=abc",
        "text/html;q=0, application/atom+xml;q=0",
        ",,,;;;==",
        "text/" + "html," * 5000,
        "\x00\x7f",
        "*/*;q=0.1, text/html;q=2",
    ],
)
def test_a_malformed_or_huge_accept_header_gets_an_answer_never_an_error(client, site, accept):  # noqa: F811
    response = client.get("/events/feed/", headers={"accept": accept})

    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] in ("text/html", "application/atom+xml")
