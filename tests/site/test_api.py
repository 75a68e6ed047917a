"""The read API: the pages' rules and filters, cursor pages, conditional GET, CORS, rate limit, and its schema."""

import json

import pytest
from django.urls import reverse

from entities.models import Property
from events.models import Event
from tests.events.test_timeline import events, listed  # noqa: F401 - the timeline's fixture, reused
from tests.factories import (
    EntityFactory,
    EventCitationFactory,
    EventFactory,
    ParticipationFactory,
    SourceFactory,
    StatementCitationFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db


def get(client, url, params=None, **headers):
    response = client.get(url, params or {}, **headers)
    assert response.status_code == 200, response.content[:500]
    return response.json()


def every_page(client, url, params):
    """Follow `next` links to the end; return every result."""
    results, page = [], get(client, url, params)
    results += page["results"]
    while page["next"]:
        page = get(client, page["next"])
        results += page["results"]
    return results


TIMELINE_FILTERS = [
    {},
    {"date_from": "2021-08", "date_to": "2021"},
    {"date_to": "July 2021"},
    {"event_type": "battles"},
    {"event_type": "armed-clash"},
    {"place": "baghlan"},
    {"place": "panjshir"},
    {"participant": "nrf"},
    {"certainty": "claimed"},
    {"source": "bbc-2021-09-07"},
    {"q": "panjshir"},
    {"independent": "1"},
    {"participant": "nrf", "date_from": "2021-09", "event_type": "battles"},
]


@pytest.mark.parametrize("params", TIMELINE_FILTERS)
def test_the_api_filters_events_exactly_as_the_timeline(client, events, params):  # noqa: F811
    api = [event["slug"] for event in every_page(client, "/api/events/", {**params, "page_size": 2})]

    assert api == listed(client, **params)


def test_a_bad_filter_is_a_400_that_says_why(client, events):  # noqa: F811
    response = client.get("/api/events/", {"date_from": "17 Smarch 2021", "place": "atlantis"})

    assert response.status_code == 400
    errors = response.json()
    assert "is not a valid date" in errors["date_from"][0] and "place" in errors


def test_an_event_carries_its_dates_at_precision_participants_and_citations_with_stance_and_parts(client):
    nrf = EntityFactory(slug="nrf", name="NRF")
    event = EventFactory(slug="clash", date_partial="c. August 2021", fatalities_low=10, fatalities_high=30)
    ParticipationFactory(event=event, entity=nrf, role="denier")
    EventCitationFactory(event=event, source=SourceFactory(key="s", title="T"), stance="denies", backs="date,casualties")

    data = get(client, "/api/events/clash/")

    assert data["date"] == {"value": "2021-08", "precision": "month", "approximate": True, "text": "c. August 2021"}
    assert data["participants"] == [{"entity": {"slug": "nrf", "name": "NRF"}, "role": "denier", "note": ""}]
    assert data["citations"][0] | {"quote": ""} == {
        "source": "s",
        "source_title": "T",
        "locator": "",
        "stance": "denies",
        "backs": ["date", "casualties"],
        "quote": "",
        "quote_translation": "",
    }
    assert (data["fatalities_low"], data["fatalities_high"]) == (10, 30)


def test_an_entity_carries_its_names_and_its_public_infobox_statements(client):
    nrf = EntityFactory(slug="nrf", name="NRF")
    massoud = EntityFactory(slug="massoud", kind="person", name="Ahmad Massoud")
    leader = StatementFactory(
        subject=nrf, property=Property.objects.get(slug="leader"), value_entity=massoud, value_text="", start_partial="2021"
    )
    StatementCitationFactory(statement=leader, source=SourceFactory(key="s"))
    StatementFactory(subject=nrf, property=Property.objects.get(slug="ideology"), value_text="Draft idea", status="draft")

    data = get(client, "/api/entities/nrf/")

    assert [s["value"] for s in data["infobox"]] == ["Ahmad Massoud"]
    assert data["infobox"][0]["start"]["precision"] == "year" and data["infobox"][0]["citations"][0]["source"] == "s"


def test_cursor_pages_walk_every_event_once_in_date_order(client):
    for day in range(1, 24):
        EventFactory(slug=f"e{day:02}", date_partial=f"{day} August 2021")
    EventFactory(slug="draft", status="draft")

    slugs = [event["slug"] for event in every_page(client, "/api/events/", {"page_size": 5})]

    assert slugs == [f"e{day:02}" for day in range(1, 24)]


def test_a_page_size_above_the_limit_is_capped(client):
    EventFactory.create_batch(3)

    response = client.get("/api/events/", {"page_size": 10**9})

    assert response.status_code == 200 and len(response.json()["results"]) == 3


@pytest.mark.parametrize("count", [5, 120])
def test_queries_per_list_do_not_grow_with_its_length(client, count, django_assert_max_num_queries):
    nrf, source = EntityFactory(slug="nrf"), SourceFactory(key="s")
    for index in range(count):
        event = EventFactory(slug=f"e{index}", summary="Text [@s].")
        ParticipationFactory(event=event, entity=nrf)
        EventCitationFactory(event=event, source=source)
        StatementCitationFactory(
            statement=StatementFactory(subject=nrf, property=Property.objects.get(slug="ideology"), value_text=f"Idea {index}"),
            source=source,
        )

    for url in ("/api/events/?page_size=100", "/api/statements/?page_size=100", "/api/entities/?page_size=100"):
        with django_assert_max_num_queries(10):
            assert client.get(url).status_code == 200


def test_updated_since_returns_only_what_changed_after(client):
    old = EventFactory(slug="old")
    Event.objects.filter(pk=old.pk).update(updated_at="2022-01-01T00:00:00Z")
    EventFactory(slug="new")

    data = get(client, "/api/events/", {"updated_since": "2023-01-01T00:00:00Z"})

    assert [event["slug"] for event in data["results"]] == ["new"]
    assert client.get("/api/events/", {"updated_since": "yesterday"}).status_code == 400


def test_a_conditional_get_is_answered_304_until_something_public_changes(client):
    event = EventFactory(slug="clash", title="Before")
    first = client.get("/api/events/")
    etag = first["ETag"]

    assert client.get("/api/events/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    event.title = "After"
    event.save()
    again = client.get("/api/events/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200 and again["ETag"] != etag and "After" in again.content.decode()


def test_last_modified_answers_if_modified_since_until_anything_public_changes(client):
    import time

    EventFactory(slug="clash")
    source = SourceFactory(key="s", title="Old title")
    EventCitationFactory(event=Event.objects.get(slug="clash"), source=source)
    response = client.get("/api/events/clash/")
    since = response["Last-Modified"]

    assert response["Cache-Control"] == "public, max-age=60"
    assert client.get("/api/events/clash/", HTTP_IF_MODIFIED_SINCE=since).status_code == 304
    time.sleep(1.1)  # HTTP dates count whole seconds
    source.title = "New title"  # the event's own row is unchanged, but its answer names the source's title
    source.save()
    again = client.get("/api/events/clash/", HTTP_IF_MODIFIED_SINCE=since)
    assert again.status_code == 200 and "New title" in again.content.decode()


def test_any_origin_may_read_the_api_but_not_the_pages(client):
    EventFactory(slug="clash")

    api = client.get("/api/events/", HTTP_ORIGIN="https://research.example")
    page = client.get("/events/", HTTP_ORIGIN="https://research.example")

    assert api["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in page


def test_the_api_is_read_only(client):
    EventFactory(slug="clash")

    for method in (client.post, client.put, client.patch, client.delete):
        assert method("/api/events/clash/", {}).status_code in (403, 405)
    assert Event.objects.filter(slug="clash").exists()


def test_an_anonymous_caller_over_the_rate_gets_429_with_retry_after(client, settings):
    settings.API_ANON_RATE = "3/min"
    EventFactory(slug="clash")

    statuses = [client.get("/api/events/").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    limited = client.get("/api/events/")
    assert "throttled" in limited.json()["detail"] and int(limited["Retry-After"]) > 0


def test_the_schema_is_openapi_3_and_describes_every_endpoint(client):
    response = client.get("/api/schema/", {"format": "json"})

    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    for path in ("/api/entities/", "/api/statements/", "/api/sections/", "/api/events/", "/api/sources/{key}/"):
        assert path in schema["paths"], path
    parameters = {p["name"] for p in schema["paths"]["/api/events/"]["get"]["parameters"]}
    assert {"date_from", "place", "participant", "independent", "updated_since", "cursor"} <= parameters


def test_the_schema_validates(tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi: 3")


def test_the_documentation_page_loads_its_files_from_this_site(client):
    response = client.get(reverse("api:docs"))

    html = response.content.decode()
    assert response.status_code == 200 and "swagger-ui" in html
    assert "cdn" not in html.lower() and "https://" not in html
    assert "script-src 'self'" in response["Content-Security-Policy"]


# The living dataset: what left the public set, and feeds that follow a filter or a page


def deletions(client, **params):
    return get(client, "/api/deletions/", params)["results"]


def test_the_deletions_list_names_what_was_deleted_or_unpublished_and_when(client):
    from nrfsite.editorial.services import delete_items, publishable_unpublish
    from tests.factories import member

    reviewer = member("Reviewer")
    gone = EventFactory(slug="gone")
    hidden = StatementFactory(key="nrf.ideology.x", property=Property.objects.get(slug="ideology"), value_text="X")
    draft = EventFactory(slug="never-public", status="draft")
    EventFactory(slug="stays")

    delete_items(objs=[gone], user=reviewer, reason="duplicate")
    publishable_unpublish(obj=hidden, user=reviewer)
    delete_items(objs=[draft], user=reviewer, reason="not needed")  # never public: nothing to remove

    entries = deletions(client)
    assert [(e["type"], e["key"], e["reason"]) for e in entries] == [
        ("event", "gone", "deleted"),
        ("statement", "nrf.ideology.x", "unpublished"),
    ]
    assert deletions(client, since=entries[1]["at"]) == entries[1:]
    assert client.get("/api/deletions/", {"since": "last week"}).status_code == 400


def test_editing_a_draft_after_unpublishing_it_is_listed_once(client):
    from nrfsite.editorial.services import publishable_unpublish
    from tests.factories import member

    event = EventFactory(slug="e")
    publishable_unpublish(obj=event, user=member("Reviewer"))
    event.refresh_from_db()
    event.title = "Edited while a draft"
    event.save()

    assert [(e["key"], e["reason"]) for e in deletions(client)] == [("e", "unpublished")]


def test_the_events_feed_follows_the_timelines_filters(client, events):  # noqa: F811
    feed = client.get("/events/feed/", {"place": "panjshir"}).content.decode()

    assert "/events/claim/" in feed  # the fixture's claim is in Panjshir
    assert "/events/uprising/" not in feed and "/events/attack/" not in feed
    assert "<author><name>NRF knowledge base editors</name></author>" in feed
    everything = client.get("/events/feed/").content.decode()
    assert "/events/uprising/" in everything and "/events/attack/" in everything
    assert "<entry>" not in client.get("/events/feed/", {"date_from": "17 Smarch"}).content.decode()


def test_a_feed_entry_names_its_sources(client, events):  # noqa: F811
    feed = client.get("/events/feed/", {"source": "bbc-2021-09-07"}).content.decode()

    assert "Sources:" in feed


def test_an_entity_has_a_feed_of_what_changed_on_its_page(client):
    nrf = EntityFactory(slug="nrf", name="NRF")
    statement = StatementFactory(subject=nrf, property=Property.objects.get(slug="ideology"), value_text="Republicanism")
    StatementCitationFactory(statement=statement, source=SourceFactory(key="s", title="A report"))
    StatementFactory(subject=nrf, property=Property.objects.get(slug="ideology"), value_text="Secret", status="draft")
    event = EventFactory(slug="meeting", title="A meeting")
    ParticipationFactory(event=event, entity=nrf)

    feed = client.get("/entities/nrf/feed/").content.decode()

    assert "Ideology: Republicanism" in feed and "Sources: A report" in feed
    assert "A meeting" in feed and "Secret" not in feed
    assert 'type="application/atom+xml" title="Changes to NRF"' in client.get("/entities/nrf/").content.decode()
    assert client.get("/entities/no-such/feed/").status_code == 404


# Public downloads say what they are


def test_a_public_download_has_no_editors_notes_or_status_and_its_name_says_the_filter(client, events):  # noqa: F811
    Event.objects.filter(slug="claim").update(note="Editors only: check the date")

    response = client.get("/events/", {"place": "panjshir", "date_from": "2021-09", "format": "csv"})

    body = b"".join(response.streaming_content).decode()
    header = body.splitlines()[0].split(",")
    assert "note" not in header and "status" not in header and "slug" in header
    assert "Editors only" not in body
    assert response["Content-Disposition"] == 'attachment; filename="events-2021-09-panjshir.csv"'
    assert 'rel="describedby"' in response["Link"] and "format=datapackage" in response["Link"]


def test_the_sidecar_data_package_names_the_site_the_licence_and_the_file(client, events):  # noqa: F811
    response = client.get("/events/", {"place": "panjshir", "format": "datapackage"})

    package = response.json()
    assert package["licenses"][0]["name"] == "CC-BY-SA-4.0" and package["sources"][0]["title"] == "NRF knowledge base"
    resource = package["resources"][0]
    assert resource["path"].endswith("/events/?place=panjshir&format=csv") and resource["name"] == "events-panjshir"
    csv_header = b"".join(client.get(resource["path"]).streaming_content).decode().splitlines()[0].split(",")
    assert [field["name"] for field in resource["schema"]["fields"]] == csv_header
    assert package["homepage"].endswith("/events/?place=panjshir")


def test_a_bundle_export_keeps_every_column(tmp_path):
    from tests.csv_helpers import export

    EventFactory(slug="e", note="Editors' note")

    header = export(tmp_path)["events.csv"].decode().splitlines()[0].split(",")

    assert "note" in header and "status" in header


@pytest.mark.parametrize(
    "params",
    [
        {"cursor": "%%%"},
        {"cursor": "bz0xMDAwMDAwMDAwMDAwMDAwMDAwMA=="},  # "o=1000000000000000000000"
        {"cursor": "cD0nOyBEUk9QIFRBQkxFIGV2ZW50czst"},  # "p='; DROP TABLE events;-"
        {"page_size": "-1"},
        {"page_size": "abc"},
        {"q": "x" * 100_000},
        {"updated_since": "9999-99-99T99:99:99"},
        {"updated_since": ""},
        {"date_from": "\x00"},
        {"place": "<script>alert(1)</script>"},
    ],
)
def test_hostile_or_malformed_api_parameters_never_answer_500(client, params):
    EventFactory.create_batch(3)

    response = client.get("/api/events/", params)

    assert response.status_code in (200, 400, 404), response.content[:300]
    assert "<script>" not in response.content.decode() or response["Content-Type"] == "application/json"
    assert Event.objects.count() == 3


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/events/", "q"),
        ("/events/", "source"),
        ("/entities/", "q"),
        ("/sources/", "q"),
        ("/sources/", "publisher"),
        ("/api/events/", "q"),
        ("/api/entities/", "q"),
        ("/api/sources/", "publisher"),
        ("/api/statements/", "subject"),
    ],
)
def test_a_huge_text_filter_is_a_form_error_not_a_500(client, url, name):
    # SQLite refuses a LIKE pattern of 100,000 characters ("pattern too complex"): the filter stops it first.
    EventFactory()

    response = client.get(url, {name: "x" * 100_000})

    assert response.status_code in (200, 400)
    assert "at most 200 characters" in response.content.decode()


def test_an_entity_feed_never_names_a_draft_source(client):
    nrf = EntityFactory(slug="nrf", name="NRF")
    from tests.factories import SectionFactory

    section = SectionFactory(entity=nrf, title="History", position=1, body="Told [@draft-key] and [@public-key].")
    from entities.models import SectionCitation

    SectionCitation.objects.create(section=section, source=SourceFactory(key="draft-key", title="Draft Title", status="draft"))
    SectionCitation.objects.create(section=section, source=SourceFactory(key="public-key", title="Public Title"))

    feed = client.get("/entities/nrf/feed/").content.decode()

    assert "Public Title" in feed and "Draft Title" not in feed and "draft-key" not in feed
