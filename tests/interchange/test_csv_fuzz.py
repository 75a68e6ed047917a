"""The CSV importer under random input: never a traceback, never a partial import."""

import io
import string

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.csv_helpers import counts, write_csv
from tests.factories import EntityFactory, SourceFactory

pytestmark = pytest.mark.django_db

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
EVENT_COLUMNS = [
    "slug",
    "title",
    "date",
    "end",
    "event_type",
    "location",
    "summary",
    "certainty",
    "claimed_by",
    "participants",
    "sources",
    "fatalities_low",
    "fatalities_high",
    "status",
    "colour",
]
CELLS = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            "2021",
            "2021-08",
            "32 August 2021",
            "c. 2021",
            "armed-clash",
            "nrf",
            "actor:nrf",
            "bbc",
            "claimed",
            "published",
            "-1",
            "1e9",
            "=cmd",
            "[@bbc]",
            "[@nope]",
            "'",
            "\x00",
            "\ufeff",
        ]
    ),
    st.text(alphabet=string.digits + "-", max_size=12),
)


@pytest.fixture
def references():
    EntityFactory(slug="nrf")
    SourceFactory(key="bbc")


def run_import(directory):
    """import_bundle through its command; True if it imported, False if it refused with a CommandError."""
    try:
        call_command("import_bundle", str(directory), stdout=io.StringIO(), stderr=io.StringIO())
    except CommandError:
        return False
    return True


@FUZZ
@given(data=st.binary(max_size=2000))
def test_random_bytes_are_refused_or_imported_never_a_traceback(tmp_path_factory, references, data):
    directory = write_csv(tmp_path_factory.mktemp("bytes"), "events.csv", data)
    before = counts()

    imported = run_import(directory)

    if not imported:
        assert counts() == before


@FUZZ
@given(
    header=st.lists(st.sampled_from(EVENT_COLUMNS), min_size=1, max_size=8, unique=True),
    rows=st.lists(st.lists(CELLS, min_size=0, max_size=9), max_size=8),
)
def test_random_rows_are_all_or_nothing(tmp_path_factory, references, header, rows):
    buffer = io.StringIO()
    import csv

    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    directory = write_csv(tmp_path_factory.mktemp("rows"), "events.csv", buffer.getvalue().encode("utf-8", "replace"))
    before = counts()

    imported = run_import(directory)

    if not imported:
        assert counts() == before
    else:
        assert counts()["Event"] - before["Event"] <= len(rows)


@FUZZ
@given(data=st.one_of(st.binary(max_size=1500), st.text(max_size=1500).map(lambda text: text.encode("utf-8"))))
def test_admin_import_preview_never_fails_on_random_files(admin_client, references, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = counts()
    upload = SimpleUploadedFile("events.csv", data, content_type="text/csv")

    response = admin_client.post(
        "/admin/events/event/import/", {"resource": 0, "format": 0, "import_file": upload}, follow=True
    )

    assert response.status_code == 200
    assert b"Traceback" not in response.content
    assert counts() == before
