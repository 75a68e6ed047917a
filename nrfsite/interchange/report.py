"""What an import did or would do: each row's outcome, every error, and the exception that rolls it back."""

from collections import Counter
from dataclasses import dataclass, field

from nrfsite.interchange.dialect import CellError

KINDS = ("new", "update", "skip", "held")


def describe_totals(totals):
    """ "3 new, 1 updated, 5 unchanged", and the rows held for review when there are any."""
    text = f"{totals['new']} new, {totals['update']} updated, {totals['skip']} unchanged"
    return text + (f", {totals['held']} held for review" if totals.get("held") else "")


def describe_reports(reports):
    """The totals of several files' reports, described as one: "12 new, 3 updated, 40 unchanged"."""
    return describe_totals({kind: sum(report.count(kind) for report in reports) for kind in KINDS})


@dataclass(slots=True)
class RowOutcome:
    line: int
    kind: str  # new, update, skip, held (kept for a reviewer, not written), error
    key: str
    values: list
    changes: list = field(default_factory=list)  # column names that change
    instance: object = None  # the model object, for the admin's preview


@dataclass
class ImportReport:
    """What one file's import did, or would do: counts, rows and every error."""

    file: str
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    header: list = field(default_factory=list)
    # False: keep the rows that failed (line and kind) and only a count of the others, so a file of a
    # million rows costs its errors' memory, not its rows'. A number N: keep the first N rows that change
    # or fail whole (what a preview lists), then as False.
    keep_rows: bool | int = True
    tally: Counter = field(default_factory=Counter)  # rows not kept, by kind

    def add_row(self, line, kind, key, cells, changes=(), instance=None):
        if self.keep_rows is not True and (self.keep_rows is False or kind == "skip" or len(self.rows) >= self.keep_rows):
            if kind != "error":
                self.tally[kind] += 1
                return
            cells, changes, instance = [], [], None
        self.rows.append(RowOutcome(line, kind, key, cells, list(changes), instance))

    def refuse_header(self, problems):
        """A bad header: each message of `problems` becomes an error of line 1."""
        self.errors.extend(CellError(self.file, 1, "", message) for message in problems)
        return self

    def refuse(self, line, cells, problems):
        """A bad row: each (column, message) of `problems` becomes an error at its line."""
        self.errors.extend(CellError(self.file, line, column, message) for column, message in problems)
        self.add_row(line, "error", "", cells)

    def count(self, kind):
        return self.tally[kind] + sum(1 for row in self.rows if row.kind == kind)

    @property
    def totals(self):
        return {kind: self.count(kind) for kind in KINDS}

    def summary(self):
        totals = self.totals
        return f"{self.file}: {describe_totals(totals)}, {len(self.errors)} error{'s' if len(self.errors) != 1 else ''}"


def report_data(report):
    """An ImportReport as JSON (a background import's outcome); `report_from_data` reads it back."""
    return {
        "file": report.file,
        "header": list(report.header),
        "errors": [[error.line, error.column, error.message] for error in report.errors],
        "rows": [
            [row.line, row.kind, row.key, row.values, row.changes, getattr(row.instance, "pk", None)] for row in report.rows
        ],
        "tally": dict(report.tally),
    }


@dataclass(frozen=True)
class KeptInstance:
    """What a report read back from JSON knows of a row's object: its primary key."""

    pk: object


def report_from_data(data):
    report = ImportReport(data["file"], header=data["header"], keep_rows=False, tally=Counter(data["tally"]))
    report.errors = [CellError(data["file"], line, column, message) for line, column, message in data["errors"]]
    report.rows = [
        RowOutcome(line, kind, key, values, changes, KeptInstance(pk) if pk is not None else None)
        for line, kind, key, values, changes, pk in data["rows"]
    ]
    return report


class ImportFailed(Exception):
    """Raised inside the import transaction to roll it back; carries the reports."""

    def __init__(self, reports):
        super().__init__("import rolled back")
        self.reports = reports
