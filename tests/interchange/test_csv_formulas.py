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
    # "-1" is a plain number, which a spreadsheet reads as a number: it stays one (numeric columns need it).
    assert exported == ["'=1+1", "'+1", "-1", "'@SUM(A1)", "'\tTab", "'\rReturn", "''quoted", "'''twice", "plain", "a=b"]

    delete_content()
    ok, _, err = import_(tmp_path)

    assert ok, err
    assert list(Source.objects.order_by("key").values_list("notes", flat=True)) == DANGEROUS


def test_a_hand_written_leading_apostrophe_is_kept(tmp_path):
    (tmp_path / "sources.csv").write_text(
        "key,title,notes,status\r\ntis,'Tis the season,'tis so,draft\r\nformula,'=SUM(A1),''quoted,draft\r\n", encoding="utf-8"
    )

    ok, _, err = import_(tmp_path)

    assert ok, err
    assert dict(Source.objects.values_list("key", "title")) == {"tis": "'Tis the season", "formula": "=SUM(A1)"}
    assert Source.objects.get(key="formula").notes == "'quoted"


def test_a_nul_byte_anywhere_in_a_file_refuses_it_and_names_its_line(tmp_path):
    rows = "".join(f"s{number},Title {number},draft\r\n" for number in range(2000))  # ~40 KB before the NUL
    (tmp_path / "sources.csv").write_bytes(f"key,title,status\r\n{rows}bad,Ti\x00tle,draft\r\n".encode())

    ok, _, err = import_(tmp_path)

    assert not ok
    assert "contains NUL bytes, the first on line 2002" in err
    assert not Source.objects.exists()
