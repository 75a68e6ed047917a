"""Solar Hijri dates go through CSV exactly: a bundle writes "1400-05-26 SH", "1400-05 SH", "c. 1400 SH", its
Table Schema accepts them, and importing it gives the same dates, calendar included."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from entities.models import Entity, Property, Statement
from events.models import Event
from sources.models import Source
from tests.csv_helpers import delete_content, export, frictionless, import_, write_csv
from tests.factories import EntityFactory, EventFactory, SourceFactory, StatementFactory, UserFactory

pytestmark = pytest.mark.django_db


def rows(files, name):
    return {row[next(iter(row))]: row for row in csv.DictReader(io.StringIO(files[name].decode(), newline=""))}


@pytest.fixture
def solar_hijri_dataset():
    SourceFactory(key="tolo-1400-05-26", published_on_partial="۲۶ اسد ۱۴۰۰", status="published")
    nrf = EntityFactory(slug="nrf", name="National Resistance Front", start_partial="Asad 1400", end_partial=None)
    StatementFactory(
        key="nrf.leader.massoud",
        subject=nrf,
        property=Property.objects.get(slug="leader"),
        value_text="",
        value_entity=EntityFactory(slug="ahmad-massoud", kind="person", name="Ahmad Massoud"),
        start_partial="c. 1400 SH",
        end_partial="1403-12-30 SH",  # 1403 is a leap year: Hut has 30 days
        as_of_partial="Hut 1403",
    )
    EventFactory(slug="announced", title="Resistance announced", date_partial="۱۴۰۰-۰۵-۲۶ ه.ش", end_partial="27 Asad 1400")
    EventFactory(slug="gregorian", title="A Gregorian day", date_partial="17 August 2021")


def test_a_bundle_of_solar_hijri_dates_exports_imports_and_exports_unchanged(tmp_path, solar_hijri_dataset):
    first = export(tmp_path / "first")
    delete_content()

    ok, _out, err = import_(tmp_path / "first")

    assert ok, err
    assert export(tmp_path / "second") == first
    events = rows(first, "events.csv")
    assert (events["announced"]["date"], events["announced"]["end"]) == ("1400-05-26 SH", "1400-05-27 SH")
    assert events["gregorian"]["date"] == "2021-08-17"
    assert rows(first, "entities.csv")["nrf"]["start"] == "1400-05 SH"
    statement = rows(first, "statements.csv")["nrf.leader.massoud"]
    assert (statement["start"], statement["end"], statement["as_of"]) == ("c. 1400 SH", "1403-12-30 SH", "1403-12 SH")
    assert rows(first, "sources.csv")["tolo-1400-05-26"]["published_on"] == "1400-05-26 SH"
    imported = Statement.objects.get(key="nrf.leader.massoud")
    assert (imported.start_calendar, imported.start_precision, imported.start_circa) == ("solar_hijri", "year", True)
    assert Event.objects.get(slug="gregorian").date_calendar == "gregorian"
    assert Source.objects.get(key="tolo-1400-05-26").published_on_partial.isoformat() == "1400-05-26 SH"


def test_the_table_schema_accepts_the_solar_hijri_form(tmp_path, solar_hijri_dataset):
    export(tmp_path)

    valid, errors = frictionless(tmp_path / "datapackage.json")

    assert valid, errors


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("1400-12-30 SH", '"1400-12-30 SH" is not a valid date: Hut 1400 SH has 29 days, so day 30 does not exist.'),
        ("26 Asad 1400", 'constraint "pattern"'),  # a bundle holds the CSV form only, as for "August 2021"
    ],
)
def test_a_bundle_refuses_a_solar_hijri_cell_it_cannot_hold(tmp_path, solar_hijri_dataset, cell, message):
    export(tmp_path)
    events = (tmp_path / "events.csv").read_text(encoding="utf-8").replace("1400-05-27 SH", cell)
    write_csv(tmp_path, "events.csv", events)

    ok, _out, err = import_(tmp_path)

    assert not ok and message in err


def test_the_admin_import_of_one_file_reads_the_written_out_forms(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    upload = SimpleUploadedFile(
        "entities.csv", "slug,kind,name,start\r\nnrf,organization,NRF,۲۶ اسد ۱۴۰۰\r\n".encode(), content_type="text/csv"
    )

    preview = client.post(
        reverse("admin:entities_entity_import"),
        {"resource": 0, "format": 0, "encoding": "", "import_file": upload},
        follow=True,
    )
    client.post(reverse("admin:entities_entity_process_import"), preview.context["confirm_form"].initial)

    assert Entity.objects.get(slug="nrf").start_partial.isoformat() == "1400-05-26 SH"
