"""A bundle file is read streaming, a line at a time: it must read (and refuse) exactly what reading it whole does.

`import_bundle` reads each file through `dialect.FileTable`, so a file of a million rows costs one row's memory;
the admin's upload and the seed's small files are read whole (`parse(decode(bytes))`). Both must see the same
rows, with the same lines, and refuse the same files with the same sentence.
"""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nrfsite.interchange import dialect
from nrfsite.interchange.writer import PkRuns
from tests.csv_helpers import counts

HEADER = b"slug,title,date,event_type\r\n"
PIECES = [b"a", b",", b'"', b"\r", b"\n", b"\r\n", b" ", "ک".encode(), b"\xd8", b"\xff", b"\x00", b"\xef\xbb\xbf"]


def whole(data, encoding=None):
    try:
        table = dialect.parse(dialect.decode(data, encoding))
    except dialect.CSVFileError as error:
        return "refused", str(error)
    return table.header, table.rows


def streamed(path, data, encoding=None):
    path.write_bytes(data)
    try:
        dialect.check_shape(path, encoding)  # what import_bundle runs first, before its transaction
        table = dialect.FileTable(path, encoding)
        rows = list(table.rows)
    except dialect.CSVFileError as error:
        return "refused", str(error)
    assert table.count == len(rows)
    return table.header, rows


CASES = {
    "rows": HEADER + b"a,A,2021,x\r\nb,B,2022,y\r\n",
    "a cell over three lines, LF and CRLF": HEADER + b'a,"one\ntwo\r\nthree",2021,x\nb,B,2022,y',
    "blank lines between rows": HEADER + b"a,A,2021,x\r\n\r\n,,,\r\nb,B,2022,y\r\n",
    "a byte-order mark": b"\xef\xbb\xbf" + HEADER + b"a,A,2021,x\r\n",
    "Dari in UTF-8": HEADER + "a,جبهه مقاومت ملی,2021,x\r\n".encode(),
    "no final newline": HEADER + b"a,A,2021,x",
    "a NUL on line 3": HEADER + b"a,A,2021,x\r\nb,\x00,2022,y\r\n",
    "a PNG": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "a bad byte on line 4": HEADER + b"a,A,2021,x\nb,B,2022,y\nc,\xff,2023,z\n",
    "a character cut short at the end": HEADER + b"a,\xd8",
    "empty": b"",
    "white space only": b"  \r\n\t\n",
    "no header": b"\r\na,A,2021,x\r\n",
    "a row far wider than the header": HEADER + b"a" + b",x" * 40 + b"\r\n",
    "a quote left open": HEADER + b'a,"A,2021,x\r\n',
    "a cell too long": HEADER + b"a," + b"x" * (dialect.MAX_CELL_CHARS + 1) + b",2021,x\r\n",
}


@pytest.mark.parametrize("case", CASES)
def test_the_streamed_read_sees_and_refuses_what_the_whole_read_does(tmp_path, case):
    data = CASES[case]
    assert streamed(tmp_path / "events.csv", data) == whole(data)


def test_an_encoding_other_than_utf8_is_read_as_the_whole_read_reads_it(tmp_path):
    data = HEADER + "a,جبهه مقاومت ملي,2021,x\r\n".encode("cp1256")  # Arabic yeh: cp1256 has no Farsi one
    expected = whole(data, "cp1256")
    assert expected[1][0][1][1] == "جبهه مقاومت ملي"
    assert streamed(tmp_path / "events.csv", data, "cp1256") == expected
    assert streamed(tmp_path / "events.csv", data) == whole(data)  # as UTF-8 it is refused, at its line
    assert streamed(tmp_path / "events.csv", data, "no-such-codec") == ("refused", 'Unknown encoding "no-such-codec".')


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_any_bytes_are_read_or_refused_alike(tmp_path, pieces):
    data = HEADER + b"".join(pieces)
    assert streamed(tmp_path / "events.csv", data) == whole(data)


@pytest.mark.django_db
def test_a_bad_byte_deep_in_a_bundle_file_is_refused_at_its_line_before_any_row_is_written(tmp_path):
    rows = "".join(f"event-{i},Event {i},2021,armed-clash\r\n" for i in range(3000))
    (tmp_path / "events.csv").write_bytes(HEADER + rows.encode() + b"bad,\xff,2021,armed-clash\r\n")
    before = counts()
    with pytest.raises(CommandError):
        call_command("import_bundle", str(tmp_path), stdout=io.StringIO(), stderr=(err := io.StringIO()))
    assert "events.csv: The file is not valid utf-8-sig: byte 0xff on line 3002 cannot be read." in err.getvalue()
    assert counts() == before


@given(st.lists(st.lists(st.integers(0, 200), max_size=30), max_size=20))
def test_pk_runs_hold_exactly_the_pks_added(batches):
    runs, added = PkRuns(), set()
    for batch in batches:
        runs.update(batch)
        added |= set(batch)
    assert [pk for pk in range(-5, 210) if pk in runs] == sorted(added)
    assert all(stop < start for stop, start in zip(runs.stops, runs.starts[1:], strict=False))  # merged, in order
