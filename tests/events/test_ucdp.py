"""The timeline in UCDP GED's columns: codes where our data says them, empty where it does not."""

import csv
import io

import pytest
from django.core.management import call_command

from entities.models import Entity
from events.models import Event, EventType
from events.ucdp import COLUMNS
from tests.factories import (
    EntityFactory,
    EventCitationFactory,
    EventFactory,
    ParticipationFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed():
    call_command("load_seed", stdout=io.StringIO())
    Event.objects.all().delete()


def export(client, **params):
    response = client.get("/events/", {**params, "format": "ucdp"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    return response, {row["relid"]: row for row in csv.DictReader(io.StringIO(text))}


def entity(slug):
    return Entity.objects.get(slug=slug)


def kind(slug):
    return EventType.objects.get(slug=slug)


def test_dates_places_and_sides_take_ucdps_codes(client, seed):
    clash = EventFactory(
        slug="clash",
        date_partial="2021-09-02",
        event_type=kind("armed-clash"),
        location=entity("panjshir"),
        location_precision="province",
        fatalities_low=12,
        fatalities_high=12,
    )
    ParticipationFactory(event=clash, entity=entity("nrf"), role="actor")
    ParticipationFactory(event=clash, entity=entity("taliban"), role="counterpart")
    ParticipationFactory(event=clash, entity=entity("ahmad-massoud"), role="claimant")
    EventCitationFactory(event=clash, source=SourceFactory(key="bbc-x", publisher="BBC", title="Fighting in Panjshir"))
    EventFactory(slug="a-week", date_partial="2021-09-01", end_partial="2021-09-05", fatalities_low=3, fatalities_high=40)
    EventFactory(slug="a-month", date_partial="2021-09")
    EventFactory(slug="a-year", date_partial="2022", location=None, location_precision="unknown")

    response, rows = export(client)

    assert 'filename="events-ucdp.csv"' in response["Content-Disposition"]
    assert list(rows["clash"]) == COLUMNS
    row = rows["clash"]
    assert (row["side_a"], row["side_b"], row["dyad_name"]) == (
        "National Resistance Front",
        "Taliban",
        "National Resistance Front - Taliban",
    )
    assert (row["date_prec"], row["date_start"], row["date_end"]) == ("1", "2021-09-02", "2021-09-02")
    assert (row["where_prec"], row["adm_1"], row["country_id"]) == ("4", "Panjshir Province", "700")
    assert (row["best"], row["low"], row["high"], row["deaths_unknown"]) == ("12", "12", "12", "12")
    assert row["deaths_a"] == row["deaths_b"] == row["deaths_civilians"] == ""  # not split by side in our data
    assert row["type_of_violence"] == ""  # neither side is a state: not ours to guess
    assert (row["number_of_sources"], row["source_article"]) == ("1", 'BBC, "Fighting in Panjshir"')
    week = rows["a-week"]
    assert (week["date_prec"], week["date_end"], week["best"], week["low"], week["high"]) == ("2", "2021-09-05", "", "3", "40")
    assert (rows["a-month"]["date_prec"], rows["a-month"]["date_end"]) == ("4", "2021-09-30")
    assert (rows["a-year"]["date_prec"], rows["a-year"]["where_prec"], rows["a-year"]["adm_1"]) == ("5", "", "")


def test_type_of_violence_only_where_our_data_makes_it_certain(client, seed):
    state = EntityFactory(slug="a-state", name="A State", kind="state")
    battle = EventFactory(slug="state-battle", event_type=kind("armed-clash"))
    ParticipationFactory(event=battle, entity=state, role="actor")
    ParticipationFactory(event=battle, entity=entity("nrf"), role="counterpart")
    EventFactory(slug="one-sided", event_type=kind("attack"))

    _response, rows = export(client)

    assert rows["state-battle"]["type_of_violence"] == "1"
    assert rows["one-sided"]["type_of_violence"] == "3"


def test_the_timelines_filters_apply_and_drafts_never_appear(client, seed):
    kept = EventFactory(slug="in-panjshir", location=entity("panjshir"), location_precision="province")
    EventFactory(slug="in-baghlan", location=entity("baghlan"), location_precision="province")
    ParticipationFactory(event=kept, entity=EntityFactory(slug="secret-person", name="Secret Person", status="draft"))
    EventCitationFactory(event=kept, source=SourceFactory(key="draft-src", title="Draft Title", status="draft"))
    EventFactory(slug="draft-event", status="draft", location=entity("panjshir"))

    response, rows = export(client, place="panjshir")

    assert set(rows) == {"in-panjshir"}
    assert 'filename="events-panjshir-ucdp.csv"' in response["Content-Disposition"]
    text = str(rows)
    assert "Secret Person" not in text and "Draft Title" not in text
    assert rows["in-panjshir"]["number_of_sources"] == "0"


def test_the_export_reads_a_bounded_number_of_queries(client, seed, django_assert_max_num_queries):
    for number in range(50):
        event = EventFactory(slug=f"clash-{number}", location=entity("panjshir"))
        ParticipationFactory(event=event, entity=entity("nrf"), role="actor")
        EventCitationFactory(event=event, source=SourceFactory(key=f"src-{number}"))
    with django_assert_max_num_queries(12):
        _response, rows = export(client)
    assert len(rows) == 50


def test_the_timeline_links_both_formats(client, seed):
    text = client.get("/events/", {"place": "panjshir"}).content.decode()
    assert "?place=panjshir&amp;format=ucdp" in text and "?place=panjshir&amp;format=acled" in text
