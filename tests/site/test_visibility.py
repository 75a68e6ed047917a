"""What the public may see: a draft entity, place or source never shows by name, slug or text on a public surface.

The rule is one queryset per model (`public()`): published, and every entity, place and source it
names is published too. Each test publishes facts that name drafts and reads every public surface.
"""

import io
import zipfile

import pytest

from entities.models import Property
from tests.csv_helpers import frictionless
from tests.factories import (
    EntityFactory,
    EventCitationFactory,
    EventFactory,
    ParticipationFactory,
    PlaceFactory,
    PropertyFactory,
    SectionFactory,
    SourceFactory,
    StatementCitationFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db

SECRETS = (
    "Secret Draftperson",
    "secret-draftperson",
    "Hidden Valley",
    "hidden-valley",
    "draft-source-key",
    "Draft Source Title",
    "Hidden Parentland",
    "hidden-parentland",
    "secret-first-report",
    "Q999999",
    "https://draft.example/secret",
)


@pytest.fixture
def world():
    """Published facts that each name a draft: the drafts' names are the SECRETS."""
    nrf = EntityFactory(slug="nrf", name="National Resistance Front", wikidata_id="Q107472524")
    public_source = SourceFactory(key="bbc-2021", title="A public report")
    draft_person = EntityFactory(
        slug="secret-draftperson", name="Secret Draftperson", kind="person", status="draft", wikidata_id="Q999999"
    )
    draft_place = PlaceFactory(slug="hidden-valley", name="Hidden Valley", status="draft")
    draft_source = SourceFactory(
        key="draft-source-key", title="Draft Source Title", status="draft", url="https://draft.example/secret"
    )
    draft_parent = PlaceFactory(slug="hidden-parentland", name="Hidden Parentland", status="draft")
    PlaceFactory(slug="child-province", name="Child Province", parent=draft_parent)
    ally = Property.objects.get(slug="ally")
    leader = Property.objects.get(slug="leader")
    StatementCitationFactory(
        source=public_source, statement=StatementFactory(subject=nrf, property=ally, value_entity=draft_person, value_text="")
    )
    StatementFactory(
        subject=nrf,
        property=leader,
        value_entity=EntityFactory(name="Public Leader"),
        value_text="",
        certainty="claimed",
        claimed_by=draft_person,
    )
    StatementCitationFactory(
        source=draft_source,
        statement=StatementFactory(subject=nrf, property=Property.objects.get(slug="ideology"), value_text="Public ideology"),
    )
    motto = PropertyFactory(slug="motto", label="Motto", wikidata_property="P1451")  # exported as QuickStatements
    StatementCitationFactory(source=draft_source, statement=StatementFactory(subject=nrf, property=motto, value_text="Free"))
    EventFactory(title="Fighting somewhere hidden", slug="fighting-hidden", location=draft_place)
    EventFactory(title="Claimed by a draft", slug="claimed-by-draft", certainty="claimed", claimed_by=draft_person)
    with_participant = EventFactory(title="Meeting with a draft", slug="meeting", summary="They met [@bbc-2021].")
    ParticipationFactory(event=with_participant, entity=draft_person, role="actor")
    ParticipationFactory(event=with_participant, entity=nrf, role="actor")
    cited = EventFactory(
        title="Cited twice", slug="cited-by-draft", summary="Reported [@draft-source-key, p. 2] and [@bbc-2021]."
    )
    EventCitationFactory(event=cited, source=draft_source)
    EventCitationFactory(event=cited, source=public_source)
    SectionFactory(entity=nrf, title="History", position=1, body="Told by [@draft-source-key] and [@bbc-2021].")
    SectionFactory(entity=draft_person, title="Life", position=1, body="A public section of a draft person.")
    EventFactory(title="A first report still in draft", slug="secret-first-report", status="draft")
    EventFactory(title="A second report", slug="second-report", same_as="secret-first-report")
    return nrf


PUBLIC_PAGES = [
    "/",
    "/entities/",
    "/entities/nrf/",
    "/events/",
    "/events/meeting/",
    "/events/cited-by-draft/",
    "/events/second-report/",
    "/sources/",
    "/sources/bbc-2021/",
    "/events/feed/",
    "/sitemap.xml",
    "/search/?q=public",
    "/search/?q=meeting",
    "/search/?q=Draft+Source",
    "/entities/?format=csv",
    "/events/?format=csv",
    "/sources/?format=csv",
    "/events/?participant=nrf",
    "/events/?format=csv&participant=nrf",
    "/api/entities/",
    "/api/entities/nrf/",
    "/api/statements/?page_size=500",
    "/api/sections/",
    "/api/events/",
    "/api/events/?participant=nrf",
    "/api/events/meeting/",
    "/api/events/cited-by-draft/",
    "/api/events/second-report/",
    "/api/sources/",
    "/api/sources/bbc-2021/",
    "/data/",
    "/data/wikidata/",
    "/data/quickstatements.txt",
    "/entities/nrf/quickstatements.txt",
    "/data/popolo.json",
]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_no_public_page_names_a_draft(client, world, url):
    response = client.get(url)

    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode()
    leaked = [secret for secret in SECRETS if secret in text]
    assert not leaked, f"{url} shows {leaked}"


def test_the_public_bundle_names_no_draft_and_still_validates(client, world, tmp_path, settings):
    settings.PUBLIC_BUNDLE_DIR = tmp_path / "built"
    response = client.get("/data/nrfsite-public.zip")
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        archive.extractall(tmp_path / "zip")
        text = "".join(archive.read(name).decode() for name in archive.namelist())

    leaked = [secret for secret in SECRETS if secret in text]
    assert not leaked
    assert "A second report" in text and "Meeting with a draft" in text
    # Every key a public file names is in the public files: frictionless checks the foreign keys.
    valid, errors = frictionless(tmp_path / "zip" / "datapackage.json")
    assert valid, errors


@pytest.mark.parametrize(
    "url",
    [
        "/events/fighting-hidden/",
        "/events/claimed-by-draft/",
        "/entities/secret-draftperson/",
        "/entities/hidden-valley/",
        "/sources/draft-source-key/",
        "/entities/child-province/",
        "/api/events/fighting-hidden/",
        "/api/events/claimed-by-draft/",
        "/api/entities/secret-draftperson/",
        "/api/entities/child-province/",
        "/api/sources/draft-source-key/",
    ],
)
def test_a_fact_that_names_a_draft_has_no_public_page(  # a place inside a draft place names it too
    client, world, url
):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("query", ["Secret", "Draftperson", "Hidden", "Valley", "Parentland", "Life", "Child"])
def test_searching_for_a_draft_finds_nothing(client, world, query):
    text = client.get("/search/", {"q": query}).content.decode()

    assert "No results" in text or "0 results" in text, text[-2000:]


@pytest.mark.parametrize("params", [{"source": "draft-source-key"}, {"q": "Hidden Valley"}, {"q": "Secret"}])
def test_timeline_filters_by_a_draft_find_no_event(client, world, params):
    response = client.get("/events/", params)
    csv = b"".join(client.get("/events/", {**params, "format": "csv"}).streaming_content).decode()

    assert response.context["paginator"].count == 0
    assert len(csv.strip().splitlines()) == 1  # the header alone


def test_the_entity_page_keeps_public_facts_and_drops_those_naming_drafts(client, world):
    text = client.get("/entities/nrf/").content.decode()

    assert "Public ideology" in text  # its only citation is a draft source: shown, with "citation needed"
    assert "Public Leader" not in text  # claimed by a draft: not public
    assert "Meeting with a draft" in text  # its draft participant is left out, the event stays
    assert "Fighting somewhere hidden" not in text
