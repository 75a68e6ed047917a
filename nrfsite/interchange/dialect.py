"""The one CSV dialect of every import, export and download: decoding, rows with line numbers, safe cells, errors.

Nothing here knows a model; the importer and the exporters are built on it.
"""

import csv
import io
import re
from dataclasses import dataclass

# A cell a spreadsheet would run as a formula starts with one of these.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"
NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")  # a plain number is no formula: "-5" stays a number


@dataclass(frozen=True, order=True)
class CellError:
    """One reason a file cannot be imported, with where it is: "events.csv, line 12, column date: …"."""

    file: str
    line: int  # 0 when the error is about the whole file
    column: str
    message: str

    def __str__(self):
        where = [self.file or "the file"]
        if self.line:
            where.append(f"line {self.line}")
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}"


class CSVFileError(ValueError):
    """A file that cannot be read as CSV at all (binary, wrong encoding, empty)."""


class HeaderTooLong(CSVFileError):
    """A header row too long for any file of a bundle."""


# Cells -----------------------------------------------------------------


def escape_cell(text):
    """Neutralise a cell a spreadsheet would run as a formula, reversibly.

    A cell starting with = + - @ tab or carriage return gets a leading
    apostrophe (spreadsheets show it as text); a cell that already starts with
    an apostrophe gets one more, so `unescape_cell` can always undo exactly
    what was added. A plain number ("-5", "-2.5") stays as it is: a spreadsheet
    reads it as a number, and a numeric column of the Table Schema must too.
    """
    if text and (text.startswith(FORMULA_TRIGGERS) or text.startswith(ESCAPE)) and not NUMBER.fullmatch(text):
        return ESCAPE + text
    return text


def unescape_cell(text):
    """Undo `escape_cell`, and only it: drop the apostrophe it put before a formula trigger or an apostrophe.

    A hand-written cell such as "'tis" was never escaped (the exporter writes it "''tis") and keeps its
    apostrophe.
    """
    if text and text.startswith(ESCAPE) and text[1:].startswith((*FORMULA_TRIGGERS, ESCAPE)):
        return text[1:]
    return text


# Files -----------------------------------------------------------------


def decode(data, encoding=None):
    """Bytes of a CSV file as text: UTF-8 with or without BOM unless told otherwise.

    Raises CSVFileError with a sentence a user can act on for a binary file, an
    empty file, or bytes that are not in the encoding.
    """
    if isinstance(data, str):
        text = data
    else:
        if not data.strip():
            raise CSVFileError("The file is empty.")
        nul = data.find(b"\x00")  # anywhere in the file: one past the first 8 KB was once stripped silently
        if nul >= 0:
            line = data[:nul].count(b"\n") + 1
            raise CSVFileError(
                f"This is not a text file (it contains NUL bytes, the first on line {line}): "
                "export the sheet as CSV, UTF-8, and try again."
            )
        codec = encoding or "utf-8-sig"
        try:
            text = data.decode(codec)
        except LookupError:
            raise CSVFileError(f'Unknown encoding "{encoding}".') from None
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            hint = "" if encoding else ' Save it as "CSV UTF-8", or give its encoding (e.g. --encoding cp1256).'
            raise CSVFileError(
                f"The file is not valid {codec}: byte 0x{data[error.start]:02x} on line {line} cannot be read.{hint}"
            ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise CSVFileError("The file is empty.")
    return text


MAX_HEADER_BYTES = 1024 * 1024


def read_header(path, encoding=None):
    """The header row of a CSV file, reading no more than its first line (at most 1 MiB)."""
    with open(path, "rb") as stream:
        line = stream.readline(MAX_HEADER_BYTES + 1)
    if len(line) > MAX_HEADER_BYTES:
        raise HeaderTooLong("The header row is longer than 1 MiB: this is not a bundle file.")
    return parse(decode(line, encoding)).header


@dataclass
class Table:
    """A parsed CSV file: its header and its rows, each with the line it starts on."""

    header: list
    rows: list  # [(line, [cells])]


MAX_CELL_CHARS = 131_072  # csv's own field limit: no field of the site holds more
EXTRA_CELLS_ALLOWED = 10  # a row a little wider than its header is reported row by row; far wider is no file of ours


def _shape_error(line, error):
    if "field larger than field limit" in str(error):
        return CSVFileError(f"Line {line}: a cell is longer than {MAX_CELL_CHARS:,} characters; no field of the site is.")
    return CSVFileError(f"Line {line}: this is not well-formed CSV ({error}).")


def _check_width(line, cells, width):
    if len(cells) > width + EXTRA_CELLS_ALLOWED:
        raise CSVFileError(
            f"Line {line} has {len(cells):,} cells where the header has {width}: this is not a file of the site."
        )


def parse(text):
    """Split CSV text into a header and rows; Windows line endings and cells spanning lines are fine.

    A row far wider than the header, or a cell longer than any field, refuses the whole file (its shape
    is absurd); a row a few cells off is left for the importer to report with its line.
    """
    csv.field_size_limit(MAX_CELL_CHARS)  # again each time: a library (frictionless) may have raised it
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows = []
    header = None
    line = 1
    try:
        for cells in reader:
            if header is None:
                header = [cell.strip() for cell in cells]
            else:
                _check_width(line, cells, len(header))
                if any(cell.strip() for cell in cells):
                    rows.append((line, cells))
            line = reader.line_num + 1
    except csv.Error as error:
        raise _shape_error(reader.line_num, error) from None
    if not header or not any(header):
        raise CSVFileError("The file has no header row.")
    return Table(header, rows)


def check_shape(path, encoding=None):
    """Read a file once, streaming, for its shape only: well-formed CSV, row widths, cell lengths.

    A bundle import runs it on every file before its transaction begins, so a file of absurd shape is
    refused without taking the database's write lock; memory holds one row at a time. Text that does not
    decode is left to the full read, which reports it with a hint.
    """
    csv.field_size_limit(MAX_CELL_CHARS)
    with open(path, encoding=encoding or "utf-8-sig", errors="replace", newline="") as stream:
        reader = csv.reader(stream, strict=True)
        line = 1
        try:
            width = len(next(reader, None) or [])
            line = reader.line_num + 1
            for cells in reader:
                _check_width(line, cells, width)
                line = reader.line_num + 1
        except csv.Error as error:
            raise _shape_error(reader.line_num, error) from None


def write(rows, stream):
    """Write rows of cells (strings, already escaped) to a text stream: the one CSV dialect our exports use."""
    writer = csv.writer(stream, lineterminator="\r\n")  # RFC 4180; also makes csv quote a lone "\r"
    writer.writerows(rows)
