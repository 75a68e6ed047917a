"""An import's query count does not grow with its rows: references resolve from maps, writes go in bulk."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Event, Participation
from tests.csv_helpers import export, import_, write_csv
from tests.factories import EntityFactory, PlaceFactory, SourceFactory

pytestmark = pytest.mark.django_db


def events_csv(count):
    rows = [
        f"event-{i},Event {i},2021-09-{i % 28 + 1:02d},armed-clash,panjshir,"
        f'actor:nrf; counterpart:taliban,"bbc-2021-09-07, p. {i}",Clash reported.[@bbc-2021-09-07]'
        for i in range(count)
    ]
    return "slug,title,date,event_type,location,participants,sources,summary\n" + "\n".join(rows) + "\n"


@pytest.fixture
def references():
    EntityFactory(slug="nrf")
    EntityFactory(slug="taliban")
    PlaceFactory(slug="panjshir")
    SourceFactory(key="bbc-2021-09-07")


@pytest.mark.parametrize("count", [10, 300])
def test_importing_events_takes_a_bounded_number_of_queries_for_10_or_300_rows(
    tmp_path, references, count, django_assert_max_num_queries
):
    write_csv(tmp_path, "events.csv", events_csv(count))

    # Batches of 500 rows: 300 rows need no more than 10; the kept event counts (events.tally: months, places
    # and the sources cited before and after) take 10 once, the entities involved (nrf, taliban, panjshir)
    # 4 a chunk and about 3 each, once: the bound grows with the entities a file names, not with its rows.
    # On SQLite an INSERT holds at most 999 values, so a wider table takes more INSERTs for the same rows:
    # the translations and the record of which English they were made from (8 columns, in the event and its
    # revision) added 5: still a bound by batches, not by rows.
    with django_assert_max_num_queries(75):
        ok, _, err = import_(tmp_path)

    assert ok, err
    assert Event.objects.count() == count
    assert Participation.objects.count() == 2 * count


def test_reimport_of_300_unchanged_events_takes_a_bounded_number_of_queries(
    tmp_path, references, django_assert_max_num_queries
):
    write_csv(tmp_path, "events.csv", events_csv(300))
    assert import_(tmp_path)[0]

    with django_assert_max_num_queries(25):
        ok, out, err = import_(tmp_path)

    assert ok, err
    assert "events.csv: 0 new, 0 updated, 300 unchanged" in out


def test_exporting_a_bundle_takes_a_bounded_number_of_queries(tmp_path, references, django_assert_max_num_queries):
    write_csv(tmp_path / "in", "events.csv", events_csv(300))
    assert import_(tmp_path / "in")[0]

    with django_assert_max_num_queries(30):
        files = export(tmp_path / "out")

    assert files["events.csv"].count(b"\r\n") == 301


@pytest.mark.parametrize("count", [300, 3000])
def test_exporting_reads_each_table_in_one_pass_whatever_its_size(tmp_path, references, count):
    write_csv(tmp_path / "in", "events.csv", events_csv(count))
    assert import_(tmp_path / "in")[0]

    with CaptureQueriesContext(connection) as queries:
        files = export(tmp_path / "out")

    assert files["events.csv"].count(b"\r\n") == count + 1
    # Paging with LIMIT/OFFSET re-reads every earlier row for each page: quadratic in the table's size.
    assert [query["sql"] for query in queries if "OFFSET" in query["sql"].upper()] == []
    # Each file reads a chunk of up to 2,000 keys, then those rows with their children, until a chunk
    # comes short: 3,000 events (6,000 participations, 6,000 citations) take two or four chunks a file.
    assert len(queries) <= (30 if count < 2000 else 60)
