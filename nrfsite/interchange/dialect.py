"""The one CSV dialect of every import, export and download: decoding, rows with line numbers, safe cells, errors.

Nothing here knows a model; the importer and the exporters are built on it.
"""

import codecs
import csv
import io
import re
from dataclasses import dataclass

from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

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
        where = {"file": self.file or gettext("the file"), "line": self.line, "column": self.column, "message": self.message}
        if self.line and self.column:
            return gettext("%(file)s, line %(line)d, column %(column)s: %(message)s") % where
        if self.line:
            return gettext("%(file)s, line %(line)d: %(message)s") % where
        if self.column:
            return gettext("%(file)s, column %(column)s: %(message)s") % where
        return f"{where['file']}: {self.message}"


class CSVFileError(ValueError):
    """A file that cannot be read as CSV at all (binary, wrong encoding, empty)."""


class HeaderTooLong(CSVFileError):
    """A header row too long for any file of a bundle."""


class NoHeader(CSVFileError):
    """A file whose first row is empty."""


class UndecodableFile(CSVFileError):
    """Bytes the encoding cannot read: the codec, the first bad byte, its offset in the file (from 0) and its line.

    Its message is the command line's sentence; the admin words its own from the parts.
    """

    def __init__(self, message, *, codec, byte, offset, line):
        super().__init__(message)
        self.codec, self.byte, self.offset, self.line = codec, byte, offset, line


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
    empty file, or bytes that are not in the encoding (`UndecodableFile`, which
    says where). UTF-16 and UTF-32 write every ASCII character with NUL bytes,
    so in them a NUL is looked for in the text, not in the bytes.
    """
    if isinstance(data, str):
        text = data
    else:
        if not data.strip():
            raise CSVFileError(gettext("The file is empty."))
        codec = encoding or "utf-8-sig"
        wide = _wide(codec)
        nul = -1 if wide else data.find(b"\x00")  # anywhere in the file: one past the first 8 KB was once stripped silently
        if nul >= 0:
            raise _not_text(data[:nul].count(b"\n") + 1)
        decoding = _byte_order(codec, data)
        try:
            text = data.decode(decoding)
        except LookupError:
            raise CSVFileError(gettext('Unknown encoding "%(encoding)s".') % {"encoding": encoding}) from None
        except UnicodeDecodeError as error:
            start = error.start + _bom_skipped(codec, True, data)
            before = data[:start].decode(decoding, "replace") if wide else data[:start]
            line = before.count("\n" if wide else b"\n") + 1
            raise _undecodable(codec, encoding, data[start], start, line) from None
        nul = text.find("\x00") if wide else -1
        if nul >= 0:
            raise _not_text(text[:nul].count("\n") + 1)
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise CSVFileError(gettext("The file is empty."))
    return text


HINT = _('Save it as "CSV UTF-8", or give its encoding (e.g. --encoding cp1256).')


def _undecodable(codec, encoding, byte, offset, line):
    message = gettext("The file is not valid %(encoding)s: byte %(byte)s on line %(line)d cannot be read.") % {
        "encoding": codec,
        "byte": f"0x{byte:02x}",
        "line": line,
    }
    return UndecodableFile(
        message if encoding else f"{message} {HINT}",
        codec=codec,
        byte=byte,
        offset=offset,
        line=line,
    )


def _wide(codec):
    """Whether `codec` writes ASCII with NUL bytes (UTF-16, UTF-32): there a NUL byte is no sign of a binary file."""
    try:
        return b"\x00" in "\n".encode(codec)
    except LookupError:
        return False  # refused as an unknown encoding where it is used, after the NUL check, as before


def _byte_order(codec, head):
    """The codec to read a file starting with `head` with: UTF-16 or UTF-32 without a byte-order mark is read
    little-endian, as Windows writes it (Python's whole read would take the machine's order, and its streaming
    read refuses such a file)."""
    try:
        name = codecs.lookup(codec).name
    except LookupError:
        return codec
    if name == "utf-16" and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16-le"
    if name == "utf-32" and not head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32-le"
    return codec


def _bom_skipped(codec, first, data):
    """How many bytes the utf-8-sig decoder cut from `data` before counting its error's position (its BOM)."""
    return 3 if first and codecs.lookup(codec).name == "utf-8-sig" and data.startswith(codecs.BOM_UTF8) else 0


MAX_HEADER_BYTES = 1024 * 1024


def read_header(path, encoding=None):
    """The header row of a CSV file, reading no more than its first line (at most 1 MiB)."""
    too_long = HeaderTooLong(gettext("The header row is longer than 1 MiB: this is not a bundle file."))
    with open(path, "rb") as stream:
        if not _wide(encoding or "utf-8-sig"):
            line = stream.readline(MAX_HEADER_BYTES + 1)
            if len(line) > MAX_HEADER_BYTES:
                raise too_long
            return parse(decode(line, encoding)).header
        # In UTF-16 a line ends in two bytes and a 0x0A byte may be half of another character: the first
        # line is read as the streamed read reads it, from no more bytes than 1 MiB of text can take.
        head = stream.read(4 * MAX_HEADER_BYTES + 1)
    try:
        line = next(iter(_Lines(io.BytesIO(head), encoding)), "")
    except UndecodableFile:
        if len(head) > 4 * MAX_HEADER_BYTES:
            raise too_long from None  # cut inside a character: the line did not end within the limit
        raise
    if len(line) > MAX_HEADER_BYTES:
        raise too_long
    return parse(decode(line)).header


@dataclass
class Table:
    """A parsed CSV file: its header and its rows, each with the line it starts on."""

    header: list
    rows: list  # [(line, [cells])]


MAX_CELL_CHARS = 131_072  # csv's own field limit: no field of the site holds more
EXTRA_CELLS_ALLOWED = 10  # a row a little wider than its header is reported row by row; far wider is no file of ours


def _shape_error(line, error):
    if "field larger than field limit" in str(error):
        message = gettext("Line %(line)d: a cell is longer than %(limit)s characters; no field of the site is.")
        return CSVFileError(message % {"line": line, "limit": f"{MAX_CELL_CHARS:,}"})
    return CSVFileError(gettext("Line %(line)d: this is not well-formed CSV (%(error)s).") % {"line": line, "error": error})


def _records(lines):
    """The header, then (line, cells) of every row that is not blank, from an iterable of text lines.

    A row far wider than the header, or a cell longer than any field, refuses the whole file (its shape
    is absurd); a row a few cells off is left for the importer to report with its line.
    """
    csv.field_size_limit(MAX_CELL_CHARS)  # again each time: a library (frictionless) may have raised it
    reader = csv.reader(lines, strict=True)
    header = None
    line = 1
    try:
        for cells in reader:
            if header is None:
                header = [cell.strip() for cell in cells]
                if not any(header):
                    break
                yield header
            else:
                if len(cells) > len(header) + EXTRA_CELLS_ALLOWED:
                    message = ngettext(
                        "Line %(line)d has %(count)s cell where the header has %(header)d: this is not a file of the site.",
                        "Line %(line)d has %(count)s cells where the header has %(header)d: this is not a file of the site.",
                        len(cells),
                    )
                    raise CSVFileError(message % {"line": line, "count": f"{len(cells):,}", "header": len(header)})
                if any(cell.strip() for cell in cells):
                    yield line, cells
            line = reader.line_num + 1
    except csv.Error as error:
        raise _shape_error(reader.line_num, error) from None
    if not header or not any(header):
        raise NoHeader(gettext("The file has no header row."))


def parse(text):
    """Split CSV text into a header and rows; Windows line endings and cells spanning lines are fine."""
    records = _records(io.StringIO(text, newline=""))
    header = next(records, None)
    return Table(header, list(records))


# Where a line ends, as io.StringIO(newline="") splits them for the whole read: CR LF, LF, or a lone CR (one
# at the end of what has been read so far waits: an LF may follow).
_LINE_END = re.compile(r"\r\n|\r(?!\Z)|\n")


class _Lines:
    """The text lines of a CSV file, decoded as they are read, with `decode`'s refusals at their line.

    Memory holds one line; the count of lines read so far says where a bad byte is. With `text_nul=False`
    a UTF-16 or UTF-32 file's NULs are left for a second pass, so its bad bytes are refused first, as
    `decode` refuses them.
    """

    def __init__(self, stream, encoding, *, text_nul=True):
        self.stream, self.codec = stream, encoding or "utf-8-sig"
        try:
            self.decoder = codecs.getincrementaldecoder(self.codec)()
        except LookupError:
            raise CSVFileError(gettext('Unknown encoding "%(encoding)s".') % {"encoding": encoding}) from None
        self.encoding = encoding
        self.wide, self.text_nul = _wide(self.codec), text_nul
        self.head = b""  # a wide codec's first bytes, read ahead for its byte-order mark
        self.decoding = self.codec
        if self.wide:
            self.head = stream.read(4)
            self.decoding = _byte_order(self.codec, self.head)
            self.decoder = codecs.getincrementaldecoder(self.decoding)()
        self.line = 0  # raw lines read; in a wide codec lines are counted in the text instead (`newlines`)
        self.newlines = 0
        self.position = 0  # bytes read before the current raw line
        self.blank = True  # nothing but white space so far
        self.pending = ""

    def __iter__(self):
        for raw in self._raw():  # split at b"\n": one physical line of any ASCII-compatible encoding
            self.line += 1
            if not self.wide and b"\x00" in raw:
                raise _not_text(self.line)
            yield from self._split(self._decode(raw))
            self.position += len(raw)
        yield from self._split(self._decode(b"", final=True))
        if self.pending:
            yield self.pending

    def _raw(self):
        head, self.head = self.head, b""
        for raw in self.stream:
            yield head + raw
            head = b""
        if head:
            yield head

    def _decode(self, raw, final=False):
        state = self.decoder.getstate()
        try:
            text = self.decoder.decode(raw, final=final)
        except UnicodeDecodeError as error:
            raise self._bad_byte(raw, state, error) from None
        if self.wide:
            nul = text.find("\x00") if self.text_nul else -1
            if nul >= 0:
                raise _not_text(self.newlines + text[:nul].count("\n") + 1)
            self.newlines += text.count("\n")
        return text

    def _bad_byte(self, raw, state, error):
        """The error for the decoder's refusal of `raw`, the decoder having been in `state` before it."""
        buffered, first = state  # bytes of a character cut at the end of the line before (wide codecs)
        data = buffered + raw
        start = error.start + _bom_skipped(self.codec, first, data)
        line = self.line
        if self.wide:
            probe = codecs.getincrementaldecoder(self.decoding)()
            probe.setstate(state)
            line = self.newlines + probe.decode(raw[: max(0, start - len(buffered))]).count("\n") + 1
        return _undecodable(self.codec, self.encoding, data[start], self.position - len(buffered) + start, line)

    def _split(self, text):
        if self.line == 1 and not self.pending and text.startswith("\ufeff"):
            text = text[1:]
        if self.blank and text.strip():
            self.blank = False
        self.pending += text
        start = 0
        for end in _LINE_END.finditer(self.pending):
            yield self.pending[start : end.end()]
            start = end.end()
        self.pending = self.pending[start:]


def read_rows(path, encoding=None):
    """The header of a CSV file on disk and an iterator of its (line, cells), read as they are needed.

    What `parse(decode(bytes))` refuses it refuses too, with the same sentences, when it reaches the line;
    memory holds one row.
    """
    stream = open(path, "rb")  # noqa: SIM115 - closed when the rows are exhausted or dropped
    lines = _Lines(stream, encoding)
    records = _records(lines)

    def rows():
        try:
            yield from records
        finally:
            stream.close()

    try:
        header = next(records)
    except CSVFileError:
        stream.close()
        _refuse_undecodable(path, encoding)  # what a whole read refuses first (a blank first line is no header)
        raise
    return header, rows()


class FileTable:
    """A CSV file on disk as a `Table` whose rows are read again, streaming, each time they are asked for.

    A file of a million rows costs the memory of one row; `count` is the number of rows the last full
    read went through.
    """

    def __init__(self, path, encoding=None):
        self.path, self.encoding = path, encoding
        self.header, rows = read_rows(path, encoding)
        rows.close()
        self.count = None

    @property
    def rows(self):
        _header, rows = read_rows(self.path, self.encoding)
        self.count = 0
        for row in rows:
            self.count += 1
            yield row


def check_shape(path, encoding=None):
    """Read a file once, streaming, as an import will: its encoding, well-formed CSV, row widths, cell lengths.

    A bundle import runs it on every file before its transaction begins, so a bad file is refused without
    taking the database's write lock; memory holds one row at a time. Returns the number of rows.
    """
    _refuse_undecodable(path, encoding)  # first, as a whole read's `decode` does
    table = FileTable(path, encoding)
    for _row in table.rows:
        pass
    return table.count


def _refuse_undecodable(path, encoding):
    """Refuse, streaming, what `decode` refuses before any CSV is parsed, in its order: a NUL anywhere (a binary
    file is that, not a text file with a bad byte), then a byte the encoding cannot read, then a blank file.
    In UTF-16 and UTF-32 a NUL is found in the text, so there the bad bytes come first."""
    wide = _wide(encoding or "utf-8-sig")
    if not wide:
        _refuse_nul(path)
    with open(path, "rb") as stream:
        lines = _Lines(stream, encoding, text_nul=False)
        for _text in lines:
            pass
    if wide:
        with open(path, "rb") as stream:
            for _text in _Lines(stream, encoding):
                pass
    if lines.blank:
        raise CSVFileError(gettext("The file is empty."))


def _refuse_nul(path):
    with open(path, "rb") as stream:
        line = 1
        while block := stream.read(1024 * 1024):
            nul = block.find(b"\x00")
            if nul >= 0:
                raise _not_text(line + block.count(b"\n", 0, nul))
            line += block.count(b"\n")


def _not_text(line):
    return CSVFileError(
        gettext(
            "This is not a text file (it contains NUL bytes, the first on line %(line)d): export the sheet as CSV, "
            "UTF-8, and try again."
        )
        % {"line": line}
    )


def write(rows, stream):
    """Write rows of cells (strings, already escaped) to a text stream: the one CSV dialect our exports use."""
    writer = csv.writer(stream, lineterminator="\r\n")  # RFC 4180; also makes csv quote a lone "\r"
    writer.writerows(rows)
