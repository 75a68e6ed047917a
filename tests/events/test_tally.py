"""The kept event counts (events.tally) equal a full count after every kind of write, and the timeline reads them."""

import io
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from entities.models import Entity
from events import tally
from events.models import Event, EventMonthCount
from tests.csv_helpers import import_, write_csv
from tests.factories import EntityFactory, EventFactory, PlaceFactory, SourceFactory

pytestmark = pytest.mark.django_db


def events_csv(count):
    """Events over many months and years, some at no place, some at month or year precision."""
    dates = ["2021-08-17", "2021-09", "2022", "2023-01-31", "c. 2024-05-02"]
    rows = [
        f"event-{i},Event {i},{dates[i % len(dates)]},armed-clash,{'panjshir' if i % 3 else ''},actor:nrf,"
        f"{'draft' if i % 7 == 0 else 'published'}"
        for i in range(count)
    ]
    return "slug,title,date,event_type,location,participants,status\n" + "\n".join(rows) + "\n"


def agrees():
    problems = tally.check()
    assert problems == [], problems
    return True


def test_every_single_write_keeps_the_counts(client):
    panjshir = PlaceFactory(slug="panjshir", iso_code="AF-PAN")
    district = PlaceFactory(slug="rukha", parent=panjshir)
    claimant = EntityFactory(slug="claimant")
    event = EventFactory(date_partial="2021-08-17", location=district)
    EventFactory(date_partial="2021", location=None)
    EventFactory(date_partial="2021-09", location=panjshir, claimed_by=claimant)
    draft = EventFactory(date_partial="2021-09-02", status="draft")
    assert agrees() and tally.total() == 3

    event.date_partial = "2022-01-05"  # moves month
    event.location = panjshir  # and place
    event.save()
    assert agrees()
    draft.status = "published"
    draft.save()
    assert agrees() and tally.total() == 4
    panjshir.status = "draft"  # hides the events in it and in its district
    panjshir.save()
    assert agrees() and tally.total() == 2
    panjshir.status = "published"
    panjshir.save()
    claimant.status = "draft"
    claimant.save()
    assert agrees() and tally.total() == 3
    event.delete()
    assert agrees() and tally.total() == 2


def test_imports_keep_the_counts_and_the_timeline_reads_them(client, tmp_path, django_assert_max_num_queries):
    PlaceFactory(slug="panjshir")
    EntityFactory(slug="nrf")
    EntityFactory(slug="taliban")
    SourceFactory(key="bbc-2021-09-07")
    write_csv(tmp_path, "events.csv", events_csv(120))
    ok, _out, err = import_(tmp_path)
    assert ok, err
    assert agrees() and tally.total() == Event.objects.public().count() > 0

    response = client.get("/events/")
    assert response.context["paginator"].count == tally.total()
    assert sum(bar.count for bar in response.context["chart"]["bars"]) == tally.total()
    # A filtered timeline counts its own events.
    filtered = client.get("/events/", {"date_from": "2099"})
    assert filtered.context["paginator"].count == 0 and filtered.context["chart"]["bars"] == []


def test_an_entities_import_that_withdraws_a_place_is_counted(tmp_path):
    call_command("load_seed", stdout=io.StringIO())
    assert agrees()
    before = tally.total()
    panjshir = Entity.objects.get(slug="panjshir")
    at_panjshir = Event.objects.public().filter(location=panjshir).count()
    assert at_panjshir > 0
    call_command("export_bundle", str(tmp_path / "bundle"), stdout=io.StringIO())
    entities = (tmp_path / "bundle" / "entities.csv").read_bytes().decode("utf-8")
    lines = entities.split("\r\n")
    lines = [line[: -len("published")] + "draft" if line.startswith("panjshir,") else line for line in lines]
    (tmp_path / "bundle" / "entities.csv").write_bytes("\r\n".join(lines).encode("utf-8"))

    call_command("import_bundle", str(tmp_path / "bundle"), stdout=io.StringIO(), stderr=io.StringIO())

    assert Entity.objects.get(slug="panjshir").status == "draft"
    assert agrees()
    assert tally.total() < before


def test_the_command_rebuilds_and_checks():
    EventFactory(date_partial="2021-08-17")
    EventMonthCount.objects.all().delete()  # counts lost (say, a restore from an old backup)

    with pytest.raises(CommandError, match="differ from a full count"):
        call_command("count_events", "--check", stdout=io.StringIO())
    out = io.StringIO()
    call_command("count_events", stdout=out)
    assert "Counted 1 public events." in out.getvalue()
    call_command("count_events", "--check", stdout=out)
    assert "agree with a full count: 1 public events" in out.getvalue()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers are PostgreSQL's (SQLite has one)")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_saves_in_one_month_are_both_counted():
    from tests.factories import restore_vocabulary

    restore_vocabulary()
    event_type = EventFactory().event_type
    Event.objects.all().delete()
    barrier = threading.Barrier(2)
    errors = []

    def save(number):
        try:
            barrier.wait(timeout=10)  # both start together; the second's count waits for the first's commit
            with transaction.atomic():
                EventFactory(slug=f"concurrent-{number}", date_partial="2021-08-17", event_type=event_type)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert tally.total() == 2
    assert agrees()


def test_an_entity_edit_that_leaves_its_status_and_parent_counts_nothing_again():
    from django.test.utils import CaptureQueriesContext

    place = PlaceFactory(slug="panjshir")
    EventFactory(date_partial="2021-09", location=place)
    place.description = "A province north of Kabul."
    with CaptureQueriesContext(connection) as queries:
        place.save()
    assert not [q["sql"] for q in queries.captured_queries if "events_event" in q["sql"]]
    place.status = "draft"  # this one does change which events are public
    with CaptureQueriesContext(connection) as queries:
        place.save()
    assert [q["sql"] for q in queries.captured_queries if "events_eventmonthcount" in q["sql"]]
    assert agrees() and tally.total() == 0
