"""An editor's preview says exactly what on the page is draft, and nothing the public sees is called draft."""

import re

import pytest

from tests.factories import EntityFactory, EventCitationFactory, EventFactory, SectionFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db


def banner(html):
    found = re.search(r'<div class="preview-banner wrap" role="status">(.*?)</div>', html, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip() if found else None


@pytest.fixture
def editor(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def page():
    nrf = EntityFactory(slug="nrf", name="National Resistance Front", kind="organization")
    SectionFactory(entity=nrf, title="History", body="Published words.", position=1)
    SourceFactory(key="draft-report", title="A draft report", status="draft")
    SectionFactory(entity=nrf, title="Structure", body="Draft words.[@draft-report]", position=2, status="draft")
    return nrf


def test_a_published_page_names_its_one_draft_section_and_the_draft_source_it_cites(editor, page):
    html = editor.get("/entities/nrf/?preview").content.decode()

    assert banner(html) == (
        "Preview: the public sees this organization’s page without these 2 draft parts: "
        "the section “Structure” the source “A draft report” [draft-report], cited here"
    )
    assert '<a href="#section-2">the section “Structure”</a>' in html
    structure = html[html.index('id="section-2"') :]
    assert "the public does not see this section" in structure[: structure.index("</section>")]
    history = html[html.index('id="section-1"') :]
    assert "the public does not see" not in history[: history.index("</section>")]


def test_a_draft_entity_says_the_whole_page_is_unseen(editor):
    EntityFactory(slug="new-group", name="A new group", kind="organization", status="draft")

    assert banner(editor.get("/entities/new-group/").content.decode()) == (
        "Preview of a draft organization: the public does not see this page at all until the organization is published."
    )


def test_a_preview_with_nothing_draft_says_so(editor):
    EntityFactory(slug="nrf", name="National Resistance Front")
    SectionFactory(entity=EntityFactory._meta.model.objects.get(slug="nrf"), title="History", body="Words.")

    html = editor.get("/entities/nrf/?preview").content.decode()

    assert banner(html) == "Preview: nothing on this page is a draft; the public sees it as shown."


def test_a_draft_event_names_the_draft_sources_it_cites(editor):
    event = EventFactory(slug="raid", title="A raid", status="draft", summary="Reported.[@draft-a]")
    SourceFactory(key="draft-a", title="Draft A", status="draft")
    EventCitationFactory(event=event, source=SourceFactory(key="draft-b", title="Draft B", status="draft"))
    EventCitationFactory(event=event, source=SourceFactory(key="public-c", title="Public C"))

    text = banner(editor.get("/events/raid/").content.decode())

    assert text.startswith("Preview of a draft event: the public does not see this page at all")
    assert "Also draft on it: the source “Draft A” [draft-a], cited here the source “Draft B” [draft-b], cited here" in text
    assert "Public C" not in text


def test_a_draft_source_page(editor):
    SourceFactory(key="draft-a", title="Draft A", status="draft")

    assert banner(editor.get("/sources/draft-a/").content.decode()).startswith("Preview of a draft source:")


def test_readers_never_see_a_banner_nor_the_draft_section(client, page):
    html = client.get("/entities/nrf/?preview").content.decode()

    assert banner(html) is None and "Draft words" not in html and "draft" not in html.lower().replace("draft-", "")


def test_the_preview_runs_a_bounded_number_of_queries(editor, page, django_assert_max_num_queries):
    with django_assert_max_num_queries(25):
        editor.get("/entities/nrf/?preview")


def test_a_published_page_the_public_cannot_see_names_the_draft_that_hides_it(editor, client):
    from tests.factories import PlaceFactory

    baghlan = PlaceFactory(slug="baghlan", name="Baghlan Province", status="draft")
    PlaceFactory(slug="andarab", name="Andarab District", parent=baghlan)
    EventFactory(slug="taken", title="Andarab taken", location=PlaceFactory(slug="valley", name="A valley", parent=baghlan))

    page = editor.get("/entities/andarab/?preview").content.decode()
    event = editor.get("/events/taken/").content.decode()

    assert banner(page) == (
        "Preview: the public does not see this place’s page at all while this is a draft: "
        "the place it lies in, “Baghlan Province”"
    )
    assert banner(event) == (
        "Preview: the public does not see this event’s page at all while this is a draft: "
        "the place it happened at, “Baghlan Province”"
    )
    client.logout()
    assert client.get("/entities/andarab/").status_code == 404 and client.get("/events/taken/").status_code == 404
