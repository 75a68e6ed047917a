"""The admin's Markdown box: its live preview is the public page's rendering, and its picker finds sources."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from sources.preview import MAX_PREVIEW_CHARS
from tests.factories import EntityFactory, EventFactory, SectionFactory, SourceFactory, UserFactory, member

pytestmark = pytest.mark.django_db

PREVIEW = "admin:sources_source_markup_preview"
SEARCH = "admin:sources_source_cite_search"


@pytest.fixture
def editor_client(client):
    client.force_login(member("Editor"))
    return client


def preview(client, text):
    return client.post(reverse(PREVIEW), {"text": text})


def search(client, query):
    return client.get(reverse(SEARCH), {"q": query})


@pytest.fixture
def sources():
    return [
        SourceFactory(
            key="wapo-2021-08-18-massoud",
            title="The mujahideen resistance to the Taliban begins now",
            authors="Ahmad Massoud",
            publisher="The Washington Post",
            published_on_partial="18 August 2021",
        ),
        SourceFactory(key="bbc-2021-08-undefeated-panjshir", title="Panjshir valley: the last holdout", publisher="BBC"),
        SourceFactory(key="aljazeera-2022-05-offensive", title="NRF announces an offensive", publisher="Al Jazeera"),
    ]


# Preview ----------------------------------------------------------------------------------------------------------

BODY = (
    "The NRF held the **Panjshir Valley**.[@wapo-2021-08-18-massoud, p. 2] It said so twice.[@wapo-2021-08-18-massoud]\n\n"
    "- Sources differ.[@bbc-2021-08-undefeated-panjshir; @wapo-2021-08-18-massoud]"
)


def test_the_preview_is_the_section_and_reference_list_its_public_page_shows(editor_client, sources):
    entity = EntityFactory(slug="nrf", name="National Resistance Front")
    SectionFactory(entity=entity, title="", position=0, body=BODY)
    public = Client().get(reverse("entities:detail", args=[entity.slug])).content.decode()  # a reader's

    shown = preview(editor_client, BODY).json()

    assert (
        '<sup class="fn" id="cite-1-1"><a href="#ref-1" title="p. 2" rel="nofollow noopener noreferrer">[1]</a>'
        in (shown["html"])
    )
    assert "<strong>Panjshir Valley</strong>" in shown["html"]
    assert shown["html"] in public
    assert shown["references"].startswith('<section class="references"')
    assert shown["references"] in public
    assert shown["unknown_keys"] == [] and shown["warning"] == ""


def test_an_unknown_key_shows_the_public_pages_mark_and_the_saves_message(editor_client, sources):
    shown = preview(editor_client, "Held.[@no-such-source] Known.[@bbc-2021-08-undefeated-panjshir]").json()

    assert '<sup class="fn fn-missing">[?]</sup>' in shown["html"]
    assert '<a href="#ref-1" rel="nofollow noopener noreferrer">[1]</a>' in shown["html"]  # the known one is [1]
    assert shown["unknown_keys"] == ["no-such-source"]
    assert shown["warning"] == (
        'Unknown source key(s) in citation markers: "no-such-source". Add the source first or correct the key.'
    )


def test_a_draft_source_is_previewed_as_on_an_editors_page_preview(editor_client):
    SourceFactory(key="draft-report", title="Not yet checked", status="draft")

    shown = preview(editor_client, "Claimed.[@draft-report]").json()

    assert '<a href="#ref-1" rel="nofollow noopener noreferrer">[1]</a>' in shown["html"]
    assert "Unpublished source" in shown["references"]
    assert "Not yet checked" not in shown["references"]
    assert shown["unknown_keys"] == []


def test_the_preview_sanitizes_hostile_html_as_the_public_page_does(editor_client):
    shown = preview(
        editor_client, '<script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1)) <a href="#">y</a>'
    ).json()

    assert "<script" not in shown["html"] and "<img" not in shown["html"]
    assert 'href="javascript' not in shown["html"]  # the link stays text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown["html"]


def test_an_empty_text_previews_as_nothing(editor_client):
    shown = preview(editor_client, "").json()

    assert shown == {"html": "", "references": "", "unknown_keys": [], "warning": ""}


def test_a_text_longer_than_any_field_holds_is_refused_with_a_reason(editor_client, django_assert_max_num_queries):
    text = ("Held.[@report] " * 20_000)[:200_000]

    with django_assert_max_num_queries(4):  # the session, the editor and their rights: no source is looked up
        response = preview(editor_client, text)

    assert response.status_code == 413
    assert response.json() == {"error": f"The text is 200,000 characters long; a preview takes up to {MAX_PREVIEW_CHARS:,}."}


def test_a_text_at_the_limit_is_previewed(editor_client):
    response = preview(editor_client, "x" * MAX_PREVIEW_CHARS)

    assert response.status_code == 200
    assert response.json()["html"].startswith("<p>xxx")


def test_the_preview_is_refused_to_anonymous_visitors(client):
    response = preview(client, "Text.")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_preview_is_refused_to_a_logged_in_user_who_is_not_staff(client):
    client.force_login(UserFactory(is_staff=False))

    response = preview(client, "Text.")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_preview_is_refused_to_staff_who_may_not_see_sources(client):
    client.force_login(UserFactory(is_staff=True))

    assert preview(client, "Text.").status_code == 403


def test_the_preview_answers_only_a_post(editor_client):
    assert editor_client.get(reverse(PREVIEW), {"text": "Text."}).status_code == 405


def test_the_preview_is_refused_without_the_csrf_token(editor_client):
    editor_client.handler.enforce_csrf_checks = True

    assert preview(editor_client, "Text.").status_code == 403


# Citation picker's search ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["mujahideen RESISTANCE", "washington post", "WAPO-2021", "massoud"],
    ids=["title", "publisher", "key", "author"],
)
def test_the_search_finds_a_source_by_title_publisher_or_key_in_any_case(editor_client, sources, query):
    found = search(editor_client, query).json()

    assert found == [
        {
            "key": "wapo-2021-08-18-massoud",
            "title": "The mujahideen resistance to the Taliban begins now",
            "publisher": "The Washington Post",
            "date": "18 August 2021",
        }
    ]


def test_keys_starting_with_the_query_come_first(editor_client, sources):
    SourceFactory(key="zz-report", title="What the bbc said", publisher="Reuters")

    found = search(editor_client, "bbc").json()

    assert [row["key"] for row in found] == ["bbc-2021-08-undefeated-panjshir", "zz-report"]


def test_the_search_lists_at_most_twenty_sources_in_a_bounded_number_of_queries(editor_client, django_assert_max_num_queries):
    for n in range(30):
        SourceFactory(key=f"report-{n:02}", title=f"Report {n}", publisher="UNAMA", found_in=SourceFactory())

    with django_assert_max_num_queries(5):  # session, user, the editor's rights (two), the sources
        found = search(editor_client, "unama").json()

    assert [row["key"] for row in found] == [f"report-{n:02}" for n in range(20)]


def test_an_empty_query_finds_nothing(editor_client, sources):
    assert search(editor_client, "  ").json() == []


def test_the_search_is_refused_to_anonymous_visitors(client, sources):
    response = search(client, "bbc")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_search_is_refused_to_staff_who_may_not_see_sources(client, sources):
    client.force_login(UserFactory(is_staff=True))

    assert search(client, "bbc").status_code == 403


# The box on the admin's forms --------------------------------------------------------------------------------------


def textareas(client, url):
    """{name: the data-markup-* attributes} of each textarea of an admin form."""
    html = client.get(url).content.decode()
    assert '<script src="/static/js/markdown-editor.js"></script>' in html
    assert '<link href="/static/css/markdown-editor.css" media="all" rel="stylesheet">' in html
    return {
        re.search(r'name="([^"]+)"', tag).group(1): dict(re.findall(r'(data-markup-\w+)="([^"]*)"', tag))
        for tag in re.findall(r"<textarea[^>]*>", html)
    }


def test_the_text_fields_that_take_markers_get_the_markdown_box_and_no_other(editor_client):
    section = SectionFactory()
    event = EventFactory()
    box = {"data-markup-preview": reverse(PREVIEW), "data-markup-search": reverse(SEARCH)}

    entity_form = textareas(editor_client, reverse("admin:entities_entity_change", args=[section.entity.pk]))
    event_form = textareas(editor_client, reverse("admin:events_event_change", args=[event.pk]))
    section_form = textareas(editor_client, reverse("admin:entities_section_change", args=[section.pk]))

    # The template row "Add another" copies carries the box too; the script equips each copy (formset:added).
    assert entity_form == {"sections-0-body": box, "sections-__prefix__-body": box}
    # A translation of a text that takes markers takes them too: same box (nrfsite.core.translations).
    assert event_form == {
        "summary": box,
        "summary_prs": box,
        "summary_ps": box,
        "note": {},
        "citations-__prefix__-quote": {},
        "citations-__prefix__-quote_translation": {},
    }
    assert section_form == {"body": box, "body_prs": box, "body_ps": box, "note": {}}
