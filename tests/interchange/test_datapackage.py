"""The bundle is a Frictionless Data Package: its schema validates with `frictionless`, and breaking it is refused."""

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command

from entities.models import Entity, Statement
from events.models import Event
from nrfsite.core.dates import ISO_PATTERN, PartialDate
from nrfsite.interchange import dialect
from tests.csv_helpers import counts, export, frictionless, import_, make_full_dataset

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[2] / "fixtures" / "seed"


def rows_of(path):
    with open(path, encoding="utf-8", newline="") as stream:
        return list(csv.reader(stream))


def write_rows(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as stream:
        csv.writer(stream, lineterminator="\r\n").writerows(rows)


def set_cell(path, slug, column, value):
    rows = rows_of(path)
    index = rows[0].index(column)
    for row in rows[1:]:
        if row[0] == slug:
            row[index] = value
    write_rows(path, rows)


def test_the_exported_seed_bundle_validates_with_frictionless(tmp_path):
    call_command("load_seed", stdout=io.StringIO())
    export(tmp_path)

    valid, errors = frictionless(tmp_path / "datapackage.json")

    assert valid, errors
    package = json.loads((tmp_path / "datapackage.json").read_text())
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert [resource["path"] for resource in package["resources"]] == list(manifest["files"])
    events = next(resource for resource in package["resources"] if resource["name"] == "events")
    fields = {field["name"]: field for field in events["schema"]["fields"]}
    assert fields["date"]["constraints"] == {"required": True, "pattern": ISO_PATTERN}
    assert fields["fatalities_low"]["type"] == "integer"
    assert fields["certainty"]["constraints"]["enum"][:2] == ["confirmed", "reported"]
    assert events["schema"]["primaryKey"] == ["slug"]
    assert {"fields": ["location"], "reference": {"resource": "entities", "fields": ["slug"]}} in events["schema"][
        "foreignKeys"
    ]
    assert {"fields": ["same_as"], "reference": {"resource": "", "fields": ["slug"]}} in events["schema"]["foreignKeys"]
    assert events["stats"] == {"rows": 42}


def test_the_committed_seed_descriptor_is_the_one_the_site_writes_and_validates(tmp_path):
    committed = (SEED / "datapackage.json").read_text(encoding="utf-8")
    for path in SEED.iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())

    call_command("describe_bundle", str(tmp_path), stdout=io.StringIO())

    rewritten = (tmp_path / "datapackage.json").read_text(encoding="utf-8")
    assert rewritten == committed, "run manage.py describe_bundle fixtures/seed"
    valid, errors = frictionless(SEED / "datapackage.json")
    assert valid, errors


def test_exporting_twice_writes_the_same_descriptor(tmp_path):
    make_full_dataset()
    assert export(tmp_path / "a")["datapackage.json"] == export(tmp_path / "b")["datapackage.json"]


def test_a_negative_number_is_written_as_a_number_and_still_round_trips(tmp_path):
    make_full_dataset()
    Statement.objects.filter(quantity_low__isnull=False).update(quantity_low=-5)
    files = export(tmp_path)

    assert ",-5," in files["statements.csv"].decode()
    valid, errors = frictionless(tmp_path / "datapackage.json")
    assert valid, errors
    ok, _out, err = import_(tmp_path)
    assert ok, err
    assert Statement.objects.filter(quantity_low=-5).exists()


BREAKS = [
    # (column, bad cell, frictionless's error type, the sentence import_bundle starts with: the importer's
    # own where it refuses the cell too, else the schema's: "August 2021" reads, but is not a bundle's form)
    ("fatalities_low", "many", "type-error", '"many" is not a whole number.'),
    ("fatalities_high", "-3", "constraint-error", "Ensure this value is greater than or equal to 0."),
    ("date", "sometime in 2021", "constraint-error", '"sometime in 2021" is not a valid date'),
    ("date", "August 2021", "constraint-error", '"August 2021" is not in the form a bundle writes dates'),
    ("certainty", "rumoured", "constraint-error", "Value 'rumoured' is not a valid choice."),
    ("title", "", "constraint-error", "This field cannot be blank."),
]


@pytest.mark.parametrize(("column", "cell", "kind", "sentence"), BREAKS)
def test_a_file_that_breaks_its_schema_is_refused_by_import_and_by_frictionless_alike(tmp_path, column, cell, kind, sentence):
    make_full_dataset()
    export(tmp_path)
    events = tmp_path / "events.csv"
    line, cells = dialect.parse(events.read_text(encoding="utf-8")).rows[1]  # after a row whose cells span lines
    slug = cells[0]
    set_cell(events, slug, column, cell)
    before = counts()
    Event.objects.filter(slug=slug).update(title="Changed in the database")

    valid, errors = frictionless(tmp_path / "datapackage.json")
    ok, out, err = import_(tmp_path)

    assert not valid
    assert [(error[0], error[2]) for error in errors["events"]] == [(kind, column)]
    assert not ok
    message = next(text for text in (out + err).splitlines() if f"column {column}:" in text)
    assert f"events.csv, line {line}, column {column}: {sentence}" in message, message
    assert f"[Table Schema: {kind}:" in message
    assert counts() == before  # nothing written
    assert Event.objects.get(slug=slug).title == "Changed in the database"


def test_a_duplicate_key_is_a_primary_key_error_with_the_line_of_both(tmp_path):
    make_full_dataset()
    export(tmp_path)
    rows = rows_of(tmp_path / "events.csv")
    write_rows(tmp_path / "events.csv", [*rows, rows[1]])

    valid, errors = frictionless(tmp_path / "datapackage.json")
    ok, out, err = import_(tmp_path)

    assert not valid and ("primary-key", len(rows) + 1, "") in errors["events"]
    assert not ok
    assert "appears twice in this file. [Table Schema: primary-key: the same as in the row on line 2]" in out + err


def test_a_bundle_may_still_name_rows_that_only_the_database_holds(tmp_path):
    """Foreign keys are checked against the database and the bundle together: a partial bundle imports."""
    make_full_dataset()
    export(tmp_path)
    for name in ("events.csv", "participations.csv", "event_citations.csv"):
        (tmp_path / "partial").mkdir(exist_ok=True)
        (tmp_path / "partial" / name).write_bytes((tmp_path / name).read_bytes())
    ok, _out, err = import_(tmp_path / "partial")
    assert ok, err


def test_the_partial_date_pattern_matches_exactly_what_isoformat_writes():
    import re

    pattern = re.compile(ISO_PATTERN)
    for text in ["2021", "2021-08", "2021-08-17", "c. 2021", "c. 2021-12-31", "1800", "9999-12-31"]:
        assert pattern.fullmatch(PartialDate.parse(text).isoformat())
    # …and nothing parse refuses: a year before 1800 (a Solar Hijri year, typed as Gregorian) included.
    for text in ["August 2021", "2021-13", "2021-8", "21", "2021-08-32", "c.2021", "2021-08-17T00:00", "1400-05-26", "1799"]:
        assert not pattern.fullmatch(text), text


def test_the_public_bundle_is_a_zip_of_published_data_that_validates(client, tmp_path, settings):
    settings.PUBLIC_BUNDLE_DIR = tmp_path / "built"
    make_full_dataset()
    Entity.objects.filter(slug="ahmad-massoud").update(status="draft")

    response = client.get("/data/nrfsite-public.zip")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert 'filename="nrfsite-public.zip"' in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        archive.extractall(tmp_path / "zip")
    package = json.loads((tmp_path / "zip" / "datapackage.json").read_text())
    assert package["name"] == "nrfsite-public" and package["licenses"][0]["name"] == "CC-BY-SA-4.0"
    valid, errors = frictionless(tmp_path / "zip" / "datapackage.json")
    assert valid, errors  # every key a public file names is in the public files
    everything = "".join(path.read_text() for path in (tmp_path / "zip").glob("*.csv"))
    assert "ahmad-massoud" not in everything
    assert "status" not in rows_of(tmp_path / "zip" / "events.csv")[0]
    # Served again from the same build, and answered 304 to a client that has it.
    built = sorted((tmp_path / "built").glob("*.zip"))
    again = client.get("/data/nrfsite-public.zip", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert sorted((tmp_path / "built").glob("*.zip")) == built


def test_a_change_builds_a_new_public_bundle(client, tmp_path, settings):
    settings.PUBLIC_BUNDLE_DIR = tmp_path
    make_full_dataset()
    first = client.get("/data/nrfsite-public.zip")
    b"".join(first.streaming_content)
    event = Event.objects.public().first()
    event.title = "A new title readers can download"
    event.save()

    second = client.get("/data/nrfsite-public.zip")

    assert second["ETag"] != first["ETag"]
    with zipfile.ZipFile(io.BytesIO(b"".join(second.streaming_content))) as archive:
        assert "A new title readers can download" in archive.read("events.csv").decode()
