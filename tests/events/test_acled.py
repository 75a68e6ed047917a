"""ACLED's format both ways: a file written from ACLED's codebook imports as drafts, and exports back."""

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from events.acled import COLUMNS
from events.models import Event
from sources.models import Source
from tests.factories import EventFactory, ParticipationFactory, member

pytestmark = pytest.mark.django_db

GOOD = {
    "event_id_cnty": "AFG51001",
    "event_date": "2021-09-02",
    "year": "2021",
    "time_precision": "1",
    "disorder_type": "Political violence",
    "event_type": "Battles",
    "sub_event_type": "Armed clash",
    "actor1": "National Resistance Front",
    "assoc_actor_1": "",
    "inter1": "2",
    "actor2": "Taliban",
    "assoc_actor_2": "",
    "inter2": "1",
    "interaction": "12",
    "civilian_targeting": "",
    "iso": "4",
    "region": "Caucasus and Central Asia",
    "country": "Afghanistan",
    "admin1": "Panjshir",
    "admin2": "",
    "admin3": "",
    "location": "",
    "latitude": "35.3",
    "longitude": "69.5",
    "geo_precision": "3",
    "source": "Pajhwok Afghan News; Khaama Press",
    "source_scale": "National",
    "notes": "On 2 September 2021, NRF fighters clashed with the Taliban in Panjshir. 12 fatalities.",
    "fatalities": "12",
    "tags": "",
    "timestamp": "1630627200",
}


def acled_file(tmp_path, *rows):
    path = tmp_path / "acled-afghanistan.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({**GOOD, **row})
    return path


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_acled", str(path), *args, stdout=out, stderr=err)
    except CommandError as error:
        return False, out.getvalue() + err.getvalue() + str(error)
    return True, out.getvalue() + err.getvalue()


@pytest.fixture
def seed():
    call_command("load_seed", stdout=io.StringIO())


def test_every_row_that_cannot_be_mapped_is_reported_and_nothing_is_written(seed, tmp_path):
    path = acled_file(
        tmp_path,
        {},
        {"event_id_cnty": "AFG51002", "actor2": "Islamic State (Afghanistan)"},
        {"event_id_cnty": "AFG51003", "admin1": "Atlantis"},
        {"event_id_cnty": "AFG51004", "sub_event_type": "Teleportation"},
        {"event_id_cnty": "AFG51005", "event_date": "31-02-2021"},
        {"event_id_cnty": "AFG51006", "time_precision": "4"},
        {"event_id_cnty": "AFG51007", "country": "Pakistan"},
        {"event_id_cnty": "AFG51001"},
    )
    events_before = Event.objects.count()

    ok, output = run(path)

    assert not ok
    for expected in [
        'line 3, column actor2: No entity is named "Islamic State (Afghanistan)"',
        'line 4, column admin1: No place is named "Atlantis"',
        'line 5, column sub_event_type: "Battles: Teleportation" is not an event type of this site.',
        'line 6, column event_date: "31-02-2021" is not a date ACLED writes',
        'line 7, column time_precision: "4" is not an ACLED time precision',
        'line 8, column country: "Pakistan" is not Afghanistan',
        'line 9, column event_id_cnty: "AFG51001" is also on line 2.',
    ]:
        assert expected in output, output
    assert "7 row error(s): nothing was imported." in output
    assert Event.objects.count() == events_before
    assert not Source.objects.filter(key__startswith="acled-").exists()


def test_a_dry_run_maps_every_row_and_writes_nothing(seed, tmp_path):
    ok, output = run(acled_file(tmp_path, {}, {"event_id_cnty": "AFG51002", "time_precision": "3"}), "--dry-run")

    assert ok, output
    assert "Dry run: 4 new" in output  # two sources, two events
    assert not Event.objects.filter(slug__startswith="acled-").exists()


def test_an_acled_file_becomes_draft_events_cited_to_the_acled_record(seed, tmp_path):
    editor = member("Editor", username="ed")
    path = acled_file(
        tmp_path,
        {"assoc_actor_1": "NRF", "fatalities": ""},
        {"event_id_cnty": "AFG51002", "event_date": "2021-09-20", "time_precision": "3", "admin1": "Baghlan"},
        {"event_id_cnty": "AFG51003", "event_date": "06 September 2021", "time_precision": "2"},
    )

    ok, output = run(path, "--user", editor.username)

    assert ok, output
    first = Event.objects.get(acled_id="AFG51001")
    assert first.status == "draft" and first.slug == "acled-afg51001"
    assert first.date_partial.isoformat() == "2021-09-02"
    assert first.location.slug == "panjshir" and first.location_precision == "province"
    assert first.fatalities_low is None  # an empty ACLED count stays unknown, not 0
    assert sorted((p.role, p.entity.slug) for p in first.participations.all()) == [
        ("actor", "nrf"),
        ("counterpart", "taliban"),
    ]  # "NRF" is an alias of the same entity: one participation
    source = first.citations.get().source
    assert source.key == "acled-afg51001" and source.status == "draft"
    assert "Pajhwok Afghan News; Khaama Press" in source.notes
    assert Event.objects.get(acled_id="AFG51002").date_partial.isoformat() == "2021-09"
    assert Event.objects.get(acled_id="AFG51003").date_partial.isoformat() == "c. 2021-09-06"
    assert first.history.first().history_user == editor
    # Importing the same file again changes nothing.
    ok, output = run(path, "--user", editor.username)
    assert ok and "0 new, 0 updated, 6 unchanged" in output, output


def export(client, **params):
    response = client.get("/events/", {**params, "format": "acled"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return response, list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_an_imported_file_exports_back_with_the_documented_losses_only(seed, tmp_path, client):
    ok, output = run(acled_file(tmp_path, {}))
    assert ok, output
    Event.objects.filter(acled_id="AFG51001").update(status="published")
    Source.objects.filter(key="acled-afg51001").update(status="published")

    response, rows = export(client, q="AFG51001")

    assert 'filename="events-afg51001-acled.csv"' in response["Content-Disposition"]
    (row,) = rows
    assert list(row) == COLUMNS
    kept = [c for c in COLUMNS if c not in ("inter1", "inter2", "interaction", "source", "source_scale", "timestamp")]
    assert {c: row[c] for c in kept} == {c: GOOD[c] for c in kept} | {
        "latitude": "35.31",
        "longitude": "69.52",
        "location": "Panjshir",
    }
    # The documented losses: actor types, ACLED's own sources (now the ACLED record), a new timestamp, the
    # province written as the location, at the province's coordinates (its capital's, from the seed).
    assert row["source"] == "ACLED" and row["inter1"] == "" and int(row["timestamp"]) > 1630627200


def test_the_export_maps_precision_roles_and_what_acled_has_no_column_for(client, seed):
    Event.objects.all().delete()
    event = EventFactory(
        slug="month-clash",
        date_partial="September 2021",
        event_type_id=_type("armed-clash"),
        certainty="claimed",
        claimed_by_id=_id("nrf"),
        fatalities_low=None,
    )
    ParticipationFactory(event=event, entity_id=_id("nrf"), role="actor")
    ParticipationFactory(event=event, entity_id=_id("taliban"), role="target")
    ParticipationFactory(event=event, entity_id=_id("ahmad-massoud"), role="claimant")
    EventFactory(slug="year-only", date_partial="2022")
    appointment = EventFactory(slug="appointed", date_partial="c. 23 November 2021", event_type_id=_type("appointment"))

    _response, rows = export(client)

    by_id = {row["event_id_cnty"]: row for row in rows}
    assert "year-only" not in by_id  # ACLED has no precision for a year: left out, not moved to a day
    month = by_id["month-clash"]
    assert (month["event_date"], month["time_precision"]) == ("2021-09-15", "3")
    assert (month["actor1"], month["actor2"]) == ("National Resistance Front", "Taliban")
    assert "claimant: Ahmad Massoud" in month["tags"] and "certainty: claimed" in month["tags"]
    assert month["fatalities"] == ""
    other = by_id[appointment.slug]
    assert (other["time_precision"], other["event_type"], other["sub_event_type"]) == ("2", "Strategic developments", "Other")
    assert "nrfsite type: Appointment" in other["tags"]


def test_the_export_reads_a_bounded_number_of_queries(client, seed, django_assert_max_num_queries):
    for number in range(40):
        event = EventFactory(slug=f"clash-{number}", date_partial="2021-09-0" + str(number % 9 + 1))
        ParticipationFactory(event=event, entity_id=_id("nrf"), role="actor")
    with django_assert_max_num_queries(12):
        _response, rows = export(client)
    assert len(rows) >= 40


def _id(slug):
    from entities.models import Entity

    return Entity.objects.get(slug=slug).pk


def _type(slug):
    from events.models import EventType

    return EventType.objects.get(slug=slug).pk
