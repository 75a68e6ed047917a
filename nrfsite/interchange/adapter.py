"""django-import-export's side of the admin's CSV buttons, answered by our importer.

The admin's import and export views stay django-import-export's own (preview, confirm, permissions); what
they call on a resource (`import_data`, the file format's `create_dataset`) is answered here, by the
strict all-or-nothing importer, and our report is handed back as the Result those views render.
"""

from collections import defaultdict

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext
from import_export.formats import base_formats
from import_export.results import Error, Result, RowResult

from nrfsite.interchange import dialect
from nrfsite.interchange.report import ImportFailed, ImportReport

ROW_TYPES = {
    "new": RowResult.IMPORT_TYPE_NEW,
    "update": RowResult.IMPORT_TYPE_UPDATE,
    "held": RowResult.IMPORT_TYPE_UPDATE,  # shown as a change, named as one that waits for review
    "skip": RowResult.IMPORT_TYPE_SKIP,
}


class CSVFormat(base_formats.CSV):
    """CSV for the admin: read as bytes so our decoder reports encoding problems, and keeps line numbers."""

    encoding = None

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        table = dialect.parse(dialect.decode(in_stream, self.encoding))
        width = len(table.header)
        dataset = tablib.Dataset(headers=table.header)
        for _line, cells in table.rows:
            dataset.append((cells + [""] * width)[:width])
        dataset.nrf_table = table
        return dataset


class AdminImportMixin:
    """`import_data`, the entry point the admin calls, run through `run_import` in one transaction."""

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None, **kwargs):
        """django-import-export's entry point (the admin), answered by our importer."""
        table = getattr(dataset, "nrf_table", None)
        if table is None:
            table = dialect.Table(
                list(dataset.headers or []),
                [(number + 2, ["" if cell is None else str(cell) for cell in row]) for number, row in enumerate(dataset)],
            )
        return self.as_result(
            self.import_table(table, dry_run=dry_run, file_name=kwargs.get("file_name"), user=kwargs.get("user"))
        )

    def import_table(
        self, table, *, dry_run=False, file_name=None, user=None, keep_rows=True, progress=None, before_commit=None
    ):
        """Import one parsed file in one transaction; return its report. What the admin's import runs, in a request
        or in a background job: nothing is written if a row fails, or with `dry_run`. `before_commit(report)` is
        called inside the transaction after the last row (a job records its end there)."""
        file_name = file_name or self.file_name
        problems = self.header_problems(table.header)  # before the transaction: no lock is held for a bad file
        if problems:
            return ImportReport(file_name, header=list(table.header)[:100]).refuse_header(problems)
        try:
            with transaction.atomic():
                report = self.run_import(
                    table,
                    file_name=file_name,
                    user=user,
                    reason=f"CSV import: {file_name}",
                    keep_rows=keep_rows,
                    progress=progress,
                )
                if report.errors or dry_run:
                    raise ImportFailed([report])
                if before_commit is not None:
                    before_commit(report)
        except ImportFailed as rollback:
            report = rollback.reports[0]
        return report

    def as_result(self, report):
        """Our report as django-import-export's Result, for the admin's preview and confirm pages."""
        result = Result()
        result.diff_headers = report.header or self.get_export_headers()
        file_errors = [error for error in report.errors if not error.line]
        for error in file_errors:
            result.append_base_error(Error(ValueError(str(error))))  # Error wants an exception
        by_line = defaultdict(dict)
        for error in report.errors:
            if error.line:
                by_line[error.line].setdefault(error.column or NON_FIELD_ERRORS, []).append(error.message)
        values = {row.line: row.values for row in report.rows}
        for line in sorted(by_line):
            result.append_invalid_row(
                line, dict(zip(result.diff_headers, values.get(line, []), strict=False)), ValidationError(by_line[line])
            )
        if not report.errors:
            for row in report.rows:
                row_result = RowResult()
                row_result.import_type = ROW_TYPES[row.kind]
                row_result.object_repr = (
                    gettext("%(key)s (waits for a reviewer)") % {"key": row.key} if row.kind == "held" else row.key
                )
                row_result.diff = row.values
                row_result.instance = row.instance
                row_result.object_id = getattr(row_result.instance, "pk", None)
                result.append_row_result(row_result)
                result.increment_row_result_total(row_result)
            for kind, count in report.tally.items():  # rows a long file's report counted without keeping them
                result.totals[ROW_TYPES[kind]] += count
        result.totals[RowResult.IMPORT_TYPE_INVALID] = len(by_line)
        result.held = 0 if report.errors else report.count("held")  # the admin names these rows apart
        return result
