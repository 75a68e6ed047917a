"""Exported cells never run as spreadsheet formulas, and import restores them exactly."""

import csv
import io

import pytest

from sources.models import Source
from tests.csv_helpers import delete_content, export, import_
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db

DANGEROUS = ["=1+1", "+1", "-1", "@SUM(A1)", "\tTab", "\rReturn", "'quoted", "''twice", "plain", "a=b"]


def test_formula_cells_are_neutralised_on_export_and_restored_on_import(tmp_path):
    for number, text in enumerate(DANGEROUS):
        SourceFactory(key=f"s{number:02d}", notes=text)

    files = export(tmp_path)
    rows = list(csv.DictReader(io.StringIO(files["sources.csv"].decode(), newline="")))
    exported = [row["notes"] for row in rows]
    assert exported == ["'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tTab", "'\rReturn", "''quoted", "'''twice", "plain", "a=b"]

    delete_content()
    ok, _, err = import_(tmp_path)

    assert ok, err
    assert list(Source.objects.order_by("key").values_list("notes", flat=True)) == DANGEROUS
