"""Bundles move the whole dataset through CSV exactly, idempotently and with history."""

import io
import os

import pytest
from django.core.management import call_command
from django.db import connection

from entities.models import Entity, Section, Statement
from events.models import Event
from tests.csv_helpers import counts, delete_content, export, import_, make_full_dataset

pytestmark = pytest.mark.django_db


def test_export_then_import_into_an_empty_database_then_export_is_byte_identical(tmp_path):
    make_full_dataset()
    first = export(tmp_path / "first")
    delete_content()
    assert counts()["Entity"] == 0

    ok, _out, err = import_(tmp_path / "first")
    assert ok, err
    second = export(tmp_path / "second")
    assert second == first
    assert set(first) == {
        "manifest.json",
        "datapackage.json",
        "sources.csv",
        "properties.csv",
        "event_types.csv",
        "entities.csv",
        "aliases.csv",
        "statements.csv",
        "statement_citations.csv",
        "sections.csv",
        "events.csv",
        "participations.csv",
        "event_citations.csv",
    }


def test_bundle_rows_carry_natural_keys_and_partial_dates(tmp_path):
    make_full_dataset()
    files = export(tmp_path)
    events = files["events.csv"].decode()
    assert "taliban-claim-panjshir,Taliban claim control of Panjshir,2021-09-06,2021-09-07," in events
    assert "claimant:taliban; denier:nrf" in events
    statements = files["statements.csv"].decode()
    assert "bbc-2021-09-07; wapo-2021-08-18-massoud, para. 2" in statements
    assert "nrf.size.5000,nrf,size,,,4000,5000,5000.5,fighters,2021,2023-04," in statements
    assert "panjshir,place,Panjshir Province,A province in north-eastern Afghanistan,,,afghanistan,AF-PAN,35.3,69.5," in (
        files["entities.csv"].decode()
    )


def test_reimporting_the_same_bundle_changes_nothing(tmp_path):
    make_full_dataset()
    files = export(tmp_path)
    history_before = Statement.history.count() + Event.history.count() + Entity.history.count()

    ok, out, err = import_(tmp_path)

    assert ok, err
    assert " 0 new, 0 updated," in out
    assert "Imported 0 new, 0 updated, " in out
    assert Statement.history.count() + Event.history.count() + Entity.history.count() == history_before
    assert export(tmp_path / "again") == files


def test_imported_rows_get_revisions_with_the_file_as_reason(tmp_path):
    make_full_dataset()
    export(tmp_path)
    delete_content()

    ok, _, err = import_(tmp_path)

    assert ok, err
    revision = Event.history.filter(slug="taliban-claim-panjshir").latest("history_date")
    assert revision.history_type == "+"
    assert revision.history_change_reason == f"CSV import: {tmp_path.name}/events.csv"
    assert Section.history.filter(history_type="+", history_change_reason__startswith="CSV import").count() == 2
    assert Event.objects.get(slug="taliban-claim-panjshir").participations.count() == 2


def test_dry_run_reports_and_writes_nothing(tmp_path):
    make_full_dataset()
    export(tmp_path)
    delete_content()

    ok, out, err = import_(tmp_path, "--dry-run")

    assert ok, err
    assert "events.csv: 2 new, 0 updated, 0 unchanged, 0 errors" in out
    assert "Dry run: nothing was written" in out
    assert counts() == dict.fromkeys(counts(), 0)


def test_the_documented_example_bundle_imports_and_exports_unchanged(tmp_path):
    from django.conf import settings

    examples = settings.BASE_DIR / "docs" / "csv-examples"
    ok, _out, err = import_(examples)
    assert ok, err
    exported = export(tmp_path)
    assert exported == {path.name: path.read_bytes() for path in examples.iterdir()}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner statistics are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_a_large_import_gives_postgresqls_planner_the_new_row_counts():
    # Until ANALYZE, the planner takes a freshly loaded table for empty and picks plans that are slow
    # on 100,000 rows; autovacuum may be minutes away or off.
    call_command("load_seed", stdout=io.StringIO())  # the event types (an earlier test may have flushed them)
    call_command("generate_events", "1200", stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples FROM pg_class WHERE relname IN "
            "('events_event', 'events_participation', 'events_historicalevent')"
        )
        estimates = dict(cursor.fetchall())
    assert estimates["events_event"] >= 1200
    assert estimates["events_participation"] >= 2400
    assert estimates["events_historicalevent"] >= 1200


def test_a_manifest_count_mismatch_leaves_the_database_unchanged(tmp_path):
    make_full_dataset()
    export(tmp_path / "bundle")
    events = (
        (tmp_path / "bundle" / "events.csv")
        .read_text(encoding="utf-8")
        .replace("Taliban claim control of Panjshir", "Taliban claim control of all Panjshir")
    )
    (tmp_path / "bundle" / "events.csv").write_text(events, encoding="utf-8")
    manifest = (tmp_path / "bundle" / "manifest.json").read_text()
    (tmp_path / "bundle" / "manifest.json").write_text(manifest.replace('"events.csv": 2', '"events.csv": 3'))
    before = export(tmp_path / "before")

    ok, _out, err = import_(tmp_path / "bundle")

    assert not ok
    assert "events.csv: manifest.json lists 3 rows but the file has 2." in err
    assert export(tmp_path / "after") == before  # the changed title was not written either


def test_an_imported_change_moves_updated_at_so_feeds_and_sitemaps_see_it(tmp_path, client):
    make_full_dataset()
    export(tmp_path)
    event = Event.objects.get(slug="taliban-claim-panjshir")
    stamped = event.updated_at
    rows = (
        (tmp_path / "events.csv")
        .read_text(encoding="utf-8")
        .replace("Taliban claim control of Panjshir", "Taliban claim full control of Panjshir")
    )
    (tmp_path / "events.csv").write_text(rows, encoding="utf-8")

    ok, _out, err = import_(tmp_path)

    assert ok, err
    event.refresh_from_db()
    assert event.updated_at > stamped
    sitemap = client.get("/sitemap.xml").content.decode()
    assert f"<lastmod>{event.updated_at.date().isoformat()}</lastmod>" in sitemap


def test_a_change_to_an_events_participants_alone_moves_its_updated_at(tmp_path):
    make_full_dataset()
    export(tmp_path)
    event = Event.objects.get(slug="taliban-claim-panjshir")
    stamped, version = event.updated_at, event.version
    rows = (tmp_path / "events.csv").read_text(encoding="utf-8").replace("claimant:taliban; denier:nrf", "claimant:taliban")
    (tmp_path / "events.csv").write_text(rows, encoding="utf-8")
    (tmp_path / "participations.csv").unlink()  # the file would put the denier back
    (tmp_path / "manifest.json").unlink()

    ok, _out, err = import_(tmp_path)

    assert ok, err
    event.refresh_from_db()
    assert (event.updated_at > stamped, event.version) == (True, version + 1)
    assert [p.role for p in event.participations.all()] == ["claimant"]


def _bundle_with(tmp_path, name, make):
    make_full_dataset()
    export(tmp_path / "bundle")
    (tmp_path / "bundle" / "manifest.json").unlink()
    target = tmp_path / "bundle" / name
    target.unlink()
    make(target)
    return tmp_path / "bundle"


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("sources.csv", lambda path: path.symlink_to("/etc/passwd"), "sources.csv is a link"),
        ("events.csv", lambda path: path.symlink_to("/dev/zero"), "events.csv is a link"),
        ("events.csv", lambda path: path.mkdir(), "events.csv is not a regular file"),
        ("events.csv", lambda path: os.mkfifo(path), "events.csv is not a regular file"),
    ],
)
def test_a_bundle_file_that_is_not_a_regular_file_is_refused_before_it_is_read(tmp_path, name, make, message):
    bundle = _bundle_with(tmp_path, name, make)
    before = export(tmp_path / "before")

    ok, _out, err = import_(bundle)  # a FIFO would hang here if it were opened

    assert not ok and message in err
    assert export(tmp_path / "after") == before


def test_a_bundle_file_over_the_size_limit_is_refused(tmp_path, settings):
    settings.BUNDLE_FILE_MAX_BYTES = 200
    make_full_dataset()
    export(tmp_path)

    ok, _out, err = import_(tmp_path)

    assert not ok and "a bundle file may have 200 at most" in err
