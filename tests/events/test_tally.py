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
from tests.events.charting import charted
from tests.factories import (
    EntityFactory,
    EventCitationFactory,
    EventFactory,
    ParticipationFactory,
    PlaceFactory,
    SourceFactory,
)

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
    assert charted(response) == tally.total()
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


def source_page_count(client, key):
    response = client.get(f"/sources/{key}/")
    assert response.status_code == 200
    return response.context["events_total"], [event.slug for event in response.context["events"]]


def test_every_write_keeps_the_count_of_events_citing_a_source(client):
    panjshir = PlaceFactory(slug="panjshir", iso_code="AF-PAN")
    wapo, bbc = SourceFactory(key="wapo"), SourceFactory(key="bbc")
    shown = EventFactory(slug="shown", date_partial="2021-08-17", location=panjshir)
    draft = EventFactory(slug="draft", date_partial="2021-09", status="draft")
    first = EventCitationFactory(event=shown, source=wapo)
    second = EventCitationFactory(event=shown, source=wapo, locator="p. 2")  # the same event counts once
    EventCitationFactory(event=draft, source=bbc)
    assert agrees() and source_page_count(client, "wapo") == (1, ["shown"])
    assert source_page_count(client, "bbc") == (0, [])

    draft.status = "published"  # its citation of bbc now counts
    draft.save()
    assert agrees() and source_page_count(client, "bbc") == (1, ["draft"])
    second.delete()
    assert agrees() and source_page_count(client, "wapo")[0] == 1
    first.source = bbc  # a citation moved to another source: both counts change
    first.save()
    assert agrees() and source_page_count(client, "wapo")[0] == 0 and source_page_count(client, "bbc")[0] == 2
    panjshir.status = "draft"  # hides the event at it
    panjshir.save()
    assert agrees() and source_page_count(client, "bbc") == (1, ["draft"])
    draft.delete()  # its citations go first, then the event
    assert agrees() and source_page_count(client, "bbc") == (0, [])


def test_imports_keep_the_count_of_events_citing_a_source(client, tmp_path):
    PlaceFactory(slug="panjshir", iso_code="AF-PAN")
    EntityFactory(slug="nrf")
    for key in ("wapo", "bbc", "afp"):
        SourceFactory(key=key)
    header = "slug,title,date,event_type,location,participants,sources,summary,status\n"
    row = "e-{i},Event {i},2021-09-{day:02d},armed-clash,panjshir,actor:nrf,{sources},Reported.{markers},published\n"
    write_csv(
        tmp_path / "a",
        "events.csv",
        header + "".join(row.format(i=i, day=i + 1, sources="wapo", markers=" [@afp]" if i < 2 else "") for i in range(5)),
    )
    assert import_(tmp_path / "a")[0]
    assert agrees() and source_page_count(client, "wapo")[0] == 5 and source_page_count(client, "afp")[0] == 2

    # The same events, now citing bbc instead of wapo: wapo's count falls to 0 as bbc's rises to 5.
    write_csv(
        tmp_path / "b",
        "events.csv",
        header + "".join(row.format(i=i, day=i + 1, sources="bbc", markers="") for i in range(5)),
    )
    assert import_(tmp_path / "b")[0]
    assert agrees() and [source_page_count(client, key)[0] for key in ("wapo", "bbc", "afp")] == [0, 5, 0]

    write_csv(tmp_path / "c", "event_citations.csv", "event,source,locator\ne-0,wapo,p. 1\ne-1,wapo,\n")
    assert import_(tmp_path / "c")[0]
    assert agrees() and source_page_count(client, "wapo") == (2, ["e-0", "e-1"])


@pytest.mark.parametrize("citing", [3, 125])
def test_a_source_page_lists_the_first_events_citing_it_whether_few_or_most_do(client, citing, django_assert_max_num_queries):
    # 3 of 130 events: read from the citation index; 125 of 130: read along the timeline (see events_citing).
    source = SourceFactory(key="acled")
    made = [EventFactory(slug=f"e-{i:03d}", date_partial=f"20{10 + i % 12}-0{1 + i % 9}") for i in range(130)]
    for event in made[::-1][:citing]:
        EventCitationFactory(event=event, source=source)
    made[-1].status = "draft"
    made[-1].save()
    expected = list(
        Event.objects.public()
        .filter(citations__source=source)
        .distinct()
        .order_by("date", "slug")
        .values_list("slug", flat=True)
    )

    with django_assert_max_num_queries(12):
        total, listed = source_page_count(client, "acled")

    assert total == len(expected) == citing - 1
    assert listed == expected[:100]


def entity_page(client, slug):
    """The entity page's total of events and the slugs it lists (its latest, in timeline order)."""
    response = client.get(f"/entities/{slug}/")
    assert response.status_code == 200
    return response.context["events_total"], [view.event.slug for view in response.context["events"]]


def test_every_write_keeps_the_count_of_events_an_entity_page_shows(client):
    panjshir = PlaceFactory(slug="panjshir", iso_code="AF-PAN")
    rukha = PlaceFactory(slug="rukha", parent=panjshir)
    kabul = PlaceFactory(slug="kabul", iso_code="AF-KAB")
    nrf, taliban = EntityFactory(slug="nrf"), EntityFactory(slug="taliban")
    clash = EventFactory(slug="clash", date_partial="2021-08-17", location=rukha)  # counts for rukha and panjshir
    taking_part = ParticipationFactory(event=clash, entity=nrf)
    ParticipationFactory(event=clash, entity=nrf, role="claimant")  # twice in one event: it counts once
    raid = EventFactory(slug="raid", date_partial="2021-09", location=kabul, status="draft")
    ParticipationFactory(event=raid, entity=nrf)
    ParticipationFactory(event=raid, entity=panjshir)  # a place that takes part elsewhere counts that too
    assert agrees()
    assert [entity_page(client, slug) for slug in ("nrf", "panjshir", "rukha", "kabul", "taliban")] == [
        (1, ["clash"]),
        (1, ["clash"]),
        (1, ["clash"]),
        (0, []),
        (0, []),
    ]

    raid.status = "published"  # its participants and its place now count it
    raid.save()
    assert agrees() and entity_page(client, "nrf") == (2, ["clash", "raid"]) and entity_page(client, "kabul")[0] == 1
    assert entity_page(client, "panjshir") == (2, ["clash", "raid"])
    taking_part.entity = taliban  # a participant moved to another entity: both counts change (nrf stays as claimant)
    taking_part.save()
    assert agrees() and entity_page(client, "taliban") == (1, ["clash"]) and entity_page(client, "nrf")[0] == 2
    clash.location = kabul  # an event moved: the old place and its province lose it, the new one gains it
    clash.save()
    assert agrees() and entity_page(client, "rukha")[0] == 0 and entity_page(client, "kabul") == (2, ["clash", "raid"])
    assert entity_page(client, "panjshir") == (1, ["raid"])  # still a participant there
    clash.location = rukha
    clash.save()
    rukha.parent = kabul  # a district moved to another province: both provinces' totals change
    rukha.save()
    assert agrees() and entity_page(client, "kabul") == (2, ["clash", "raid"]) and entity_page(client, "panjshir")[0] == 1
    kabul.status = "draft"  # hides the events at it and in its districts
    kabul.save()
    assert agrees() and entity_page(client, "nrf")[0] == 0 and entity_page(client, "taliban")[0] == 0
    kabul.status = "published"
    kabul.save()
    raid.delete()  # its participations go first, then the event
    assert agrees() and entity_page(client, "nrf") == (1, ["clash"]) and entity_page(client, "panjshir")[0] == 0


def test_imports_keep_the_count_of_events_an_entity_page_shows(client, tmp_path):
    PlaceFactory(slug="panjshir", iso_code="AF-PAN")
    PlaceFactory(slug="kabul", iso_code="AF-KAB")
    EntityFactory(slug="nrf")
    EntityFactory(slug="taliban")
    header = "slug,title,date,event_type,location,participants,status\n"
    row = "e-{i},Event {i},2021-09-{day:02d},armed-clash,{place},{who},published\n"
    write_csv(
        tmp_path / "a",
        "events.csv",
        header + "".join(row.format(i=i, day=i + 1, place="panjshir", who="actor:nrf") for i in range(5)),
    )
    assert import_(tmp_path / "a")[0]
    assert agrees() and entity_page(client, "nrf")[0] == 5 and entity_page(client, "panjshir")[0] == 5

    # The same events, now in Kabul with the Taliban: the counts move with them.
    write_csv(
        tmp_path / "b",
        "events.csv",
        header + "".join(row.format(i=i, day=i + 1, place="kabul", who="actor:taliban") for i in range(5)),
    )
    assert import_(tmp_path / "b")[0]
    assert agrees()
    assert [entity_page(client, slug)[0] for slug in ("nrf", "panjshir", "taliban", "kabul")] == [0, 0, 5, 5]

    write_csv(tmp_path / "c", "participations.csv", "event,entity,role\ne-0,nrf,denier\ne-1,nrf,actor\n")
    assert import_(tmp_path / "c")[0]
    assert agrees() and entity_page(client, "nrf") == (2, ["e-0", "e-1"])


@pytest.mark.parametrize("involved", [3, 125])
def test_an_entity_page_lists_its_latest_events_whether_it_is_in_few_or_most(client, involved, django_assert_max_num_queries):
    # 3 of 130 events: gathered through its own indexes; 125 of 130: read along the timeline (latest_events_of).
    actor = EntityFactory(slug="actor")
    made = [EventFactory(slug=f"e-{i:03d}", date_partial=f"20{10 + i % 12}-0{1 + i % 9}") for i in range(130)]
    for event in made[:involved]:
        ParticipationFactory(event=event, entity=actor)
    made[0].status = "draft"
    made[0].save()
    expected = list(Event.objects.public().involving(actor).order_by("date", "slug").values_list("slug", flat=True))

    with django_assert_max_num_queries(40):
        total, listed = entity_page(client, "actor")

    assert total == len(expected) == involved - 1
    assert listed == expected[-100:]


def test_a_citation_or_a_participant_written_alone_counts_only_its_own_source_or_entity(django_assert_max_num_queries):
    # Recounting every entity (or month, place, source) for one citation deleted was a query per entity:
    # with 40 entities it would take some 100 queries; the bound does not grow with the archive.
    for i in range(40):
        ParticipationFactory(event=EventFactory(slug=f"e-{i}", location=PlaceFactory(slug=f"p-{i}")), entity=EntityFactory())
    citation = EventCitationFactory(event=Event.objects.get(slug="e-1"))
    participation = Event.objects.get(slug="e-2").participations.get()

    with django_assert_max_num_queries(12):
        citation.delete()
    with django_assert_max_num_queries(12):
        participation.delete()

    assert agrees()


def test_counting_every_entity_again_is_one_query_whatever_their_number(tmp_path, django_assert_max_num_queries):
    call_command("load_seed", stdout=io.StringIO())
    rows = "".join(f"group-{n},organization,Group {n}\r\n" for n in range(60))
    directory = write_csv(tmp_path, "entities.csv", f"slug,kind,name\r\n{rows}")
    for n in range(5):  # events at the new groups' side, so their counts are not all zero
        ParticipationFactory(event=EventFactory(slug=f"g-{n}"), entity=Entity.objects.get(slug="nrf"))

    with django_assert_max_num_queries(12) as captured:
        tally.count_entities()
    # The grouped count, the delete, the insert; before: 215 (a count per entity, a cache bump per deleted row).
    assert len(captured) <= 3
    assert agrees()
    assert import_(directory)[0]  # an entities.csv import counts every entity again, the same way
    assert agrees()


def test_the_grouped_count_follows_involving_when_a_place_is_not_a_place(django_assert_max_num_queries):
    # A location re-kinded to a topic, and a place whose parent is a person (neither is refused by the
    # database): `involving` counts events at or within an entity only when that entity is a place.
    person = EntityFactory(slug="someone", name="Someone", kind="person")
    topic = PlaceFactory(slug="topic", name="A topic")
    under_person = PlaceFactory(slug="under", name="Under a person")
    Entity.objects.filter(pk=under_person.pk).update(parent=person)
    for n in range(3):
        EventFactory(slug=f"t-{n}", location=topic)
        EventFactory(slug=f"u-{n}", location=under_person)
    Entity.objects.filter(pk=topic.pk).update(kind="topic")

    tally.count_entities()

    assert agrees()
    assert tally.entity_count(person) == 0 and tally.entity_count(Entity.objects.get(pk=topic.pk)) == 0
