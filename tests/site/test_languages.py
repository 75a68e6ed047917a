"""English, Dari and Pashto: each page's language is in its address, and nowhere else.

English pages keep their plain addresses; /prs/ and /ps/ serve the same pages in Dari and Pashto, right to left,
with a switcher and `hreflang` alternates; the admin too. The catalogs hold a translation of every message the
code asks to translate (`manage.py catalogs --check`, which the README's `make messages` keeps true).
"""

import io
import re

import pytest
from django.core.management import call_command

from tests.factories import EntityFactory, EventFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def nrf():
    return EntityFactory(slug="nrf", name="National Resistance Front")


def html_tag(response):
    return re.search(r"<html[^>]*>", response.content.decode()).group(0)


def test_every_message_has_its_dari_and_pashto_translation():
    """Fails, naming each message, when a string marked for translation lacks a translation, is fuzzy, or
    the compiled catalog is older than its .po."""
    call_command("catalogs", check=True)


@pytest.mark.parametrize(
    ("prefix", "lang", "direction"),
    [("", "en-gb", "ltr"), ("/prs", "prs", "rtl"), ("/ps", "ps", "rtl")],
)
def test_a_page_is_in_the_language_of_its_address(client, nrf, prefix, lang, direction):
    for path in ("/", "/entities/", "/entities/nrf/", "/events/", "/sources/", "/search/?q=front", "/data/"):
        response = client.get(prefix + path)
        assert response.status_code == 200, path
        assert html_tag(response) == f'<html lang="{lang}" dir="{direction}">', path
        assert response["Content-Language"] == lang


def test_no_header_or_cookie_changes_the_language_of_an_address(client, nrf):
    response = client.get("/entities/nrf/", HTTP_ACCEPT_LANGUAGE="prs,ps;q=0.9")
    assert 'lang="en-gb"' in html_tag(response)
    assert "Accept-Language" not in response.get("Vary", "")
    client.cookies["django_language"] = "ps"
    assert 'lang="en-gb"' in html_tag(client.get("/entities/nrf/"))
    assert 'lang="prs"' in html_tag(client.get("/prs/entities/nrf/"))


def test_every_page_links_its_other_languages_and_keeps_the_filters(client, nrf):
    content = client.get("/events/?q=kabul&page=2").content.decode()
    for lang, path in (("en-gb", "/events/"), ("prs", "/prs/events/"), ("ps", "/ps/events/")):
        # hreflang alternates, absolute, with the query string: the same filtered list in the other language
        assert f'<link rel="alternate" hreflang="{lang}" href="http://testserver{path}?q=kabul&amp;page=2">' in content
        # the switcher, each language named in itself
        assert f'href="{path}?q=kabul&amp;page=2" hreflang="{lang}" lang="{lang}"' in content
    assert '<link rel="alternate" hreflang="x-default" href="http://testserver/events/?q=kabul&amp;page=2">' in content
    assert ">دری</a>" in content and ">پښتو</a>" in content
    dari = client.get("/prs/events/").content.decode()
    assert 'hreflang="prs" lang="prs" aria-current="true">دری</a>' in dari


def test_links_inside_a_dari_page_stay_in_dari(client, nrf):
    EventFactory(slug="an-event", title="An event")
    content = client.get("/prs/").content.decode()
    assert 'href="/prs/entities/"' in content and 'href="/prs/events/"' in content
    assert 'href="/entities/"' not in content


def test_the_page_cache_keeps_each_language_apart(client, nrf, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    first = client.get("/entities/nrf/")
    assert first["X-Page-Cache"] == "miss"
    dari = client.get("/prs/entities/nrf/")
    assert dari["X-Page-Cache"] == "miss" and 'lang="prs"' in html_tag(dari)
    again = client.get("/prs/entities/nrf/")
    assert again["X-Page-Cache"] == "hit" and 'lang="prs"' in html_tag(again)
    assert 'lang="en-gb"' in html_tag(client.get("/entities/nrf/"))


@pytest.mark.parametrize(("prefix", "lang"), [("/prs", "prs"), ("/ps", "ps")])
def test_the_admin_in_dari_and_pashto(client, prefix, lang, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    login = client.get(f"{prefix}/admin/login/")
    assert login.status_code == 200
    assert f'lang="{lang}" dir="rtl"' in html_tag(login)
    assert "X-Page-Cache" not in login  # the admin is never cached, in any language
    assert "'unsafe-inline'" in login["Content-Security-Policy"].split("style-src")[1].split(";")[0]
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    index = client.get(f"{prefix}/admin/")
    assert index.status_code == 200 and f'lang="{lang}" dir="rtl"' in html_tag(index)
    assert f'href="{prefix}/admin/entities/entity/"' in index.content.decode()


def test_the_sitemap_lists_every_page_in_every_language(client, nrf):
    content = client.get("/sitemap.xml").content.decode()
    for path in ("/entities/nrf/", "/prs/entities/nrf/", "/ps/entities/nrf/"):
        assert f"<loc>http://testserver{path}</loc>" in content
    assert '<xhtml:link rel="alternate" hreflang="prs" href="http://testserver/prs/entities/nrf/"/>' in content
    assert '<xhtml:link rel="alternate" hreflang="x-default" href="http://testserver/entities/nrf/"/>' in content


def test_robots_keeps_crawlers_out_of_the_admin_and_search_in_every_language(client):
    lines = client.get("/robots.txt").content.decode().splitlines()
    for path in ("/admin/", "/prs/admin/", "/ps/admin/", "/search/", "/prs/search/", "/ps/search/"):
        assert f"Disallow: {path}" in lines


def test_language_neutral_addresses_have_no_language_prefix(client, nrf):
    assert client.get("/api/entities/").status_code == 200
    assert client.get("/prs/api/entities/").status_code == 404
    assert client.get("/prs/sitemap.xml").status_code == 404
    assert client.get("/de/entities/nrf/").status_code == 404  # only the languages the site has


def test_downloads_are_the_same_file_from_a_page_in_any_language(client):
    """A data file is for programs: a CSV, ACLED or UCDP download from a Dari page is the English page's file."""
    call_command("load_seed", stdout=io.StringIO())
    for query in ("format=csv", "format=acled", "format=ucdp", "format=csv&place=panjshir"):
        english = b"".join(client.get(f"/events/?{query}").streaming_content)
        for prefix in ("/prs", "/ps"):
            assert b"".join(client.get(f"{prefix}/events/?{query}").streaming_content) == english, (prefix, query)


def test_serving_a_dari_page_leaves_the_thread_in_the_default_language(client, nrf):
    """A page served in Dari must not leave Dari active for what the same thread does next (a command, a
    reverse() in a test, the next request's code before the middleware): the bug made the next test's
    reverse("admin:…") give /prs/admin/…."""
    from django.urls import reverse
    from django.utils import translation

    assert client.get("/prs/entities/nrf/").status_code == 200
    assert translation.get_language() == "en-gb"
    assert reverse("entities:detail", args=["nrf"]) == "/entities/nrf/"


@pytest.mark.parametrize(("language", "august"), [("prs", "اگست"), ("ps", "اګست")])
def test_django_writes_gregorian_months_as_afghanistan_does(language, august):
    """Django's own month names (the `date` filter, the admin's date widgets) come from locale-vendor/, whose
    Dari base is Iran's Persian (اوت): they are replaced by the Afghan names the public dates use."""
    import datetime

    from django.template import Context, Template
    from django.utils import translation

    with translation.override(language):
        rendered = Template('{{ day|date:"F" }} {{ day|date:"N" }}').render(Context({"day": datetime.date(2021, 8, 17)}))
    assert rendered == f"{august} {august}"
