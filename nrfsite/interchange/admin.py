"""Import and export buttons for a model's admin, backed by its BundleResource."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from import_export.admin import ImportExportModelAdmin
from import_export.formats import base_formats
from import_export.forms import ImportForm

from nrfsite.interchange.adapter import CSVFormat
from nrfsite.interchange.dialect import CSVFileError


class SizedImportForm(ImportForm):
    """The admin's import form, refusing a file over IMPORT_MAX_UPLOAD_BYTES before reading it."""

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        limit = settings.IMPORT_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise ValidationError(
                f"The file is {filesizeformat(upload.size)}; imports take up to {filesizeformat(limit)}. "
                "Split it, or import it on the command line with import_bundle."
            )
        return upload


@dataclass(frozen=True)
class ErrorRow:
    """A refused row as the import page shows it: its line, its cells with the bad ones marked, and why."""

    line: int
    cells: list  # [(value, is_bad)]
    columns: list  # the refused columns, in the resource's order of errors: ["date"]
    reasons: list  # ["date: August 2021 has 31 days"], then the row's own errors


def error_rows(result):
    """The ErrorRows of an import's result, in file order, and the summary line above them ("2 rows have
    errors: line 2 date; line 3 slug, event_type")."""
    headers = list(result.diff_headers)
    rows = []
    for row in result.invalid_rows:
        columns = list(row.field_specific_errors)
        reasons = [f"{name}: {' '.join(errors)}" for name, errors in row.field_specific_errors.items()]
        reasons += list(row.non_field_specific_errors)
        cells = [(value, header in columns) for header, value in zip(headers, row.values, strict=False)]
        rows.append(ErrorRow(row.number, cells, columns, reasons))
    parts = [f"line {row.line} {', '.join(row.columns) or 'the row as a whole'}" for row in rows]
    summary = f"{len(rows)} row{'s' if len(rows) != 1 else ''} ha{'ve' if len(rows) != 1 else 's'} errors: {'; '.join(parts)}"
    return rows, summary


def held_message(count):
    return (
        f"{count} row(s) change published items: each is kept as your change, waiting for a reviewer; "
        "readers see the published versions until a reviewer publishes them."
    )


class CSVAdminMixin(ImportExportModelAdmin):
    """CSV import (with the dry-run preview before confirm) and export of the filtered changelist.

    Import and export each need their own permission (`<app>.import_<model>`,
    `<app>.export_<model>`), so an editor can be allowed one without the other.
    """

    import_form_class = SizedImportForm
    import_formats = [CSVFormat]
    export_formats = [base_formats.CSV]
    import_error_display = ("message",)
    skip_admin_log = False

    def add_success_message(self, result, request):
        super().add_success_message(result, request)
        held = getattr(result, "held", 0)
        if held:
            messages.warning(request, held_message(held))

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        result = getattr(response, "context_data", {}).get("result")
        if result is not None and not result.has_errors() and result.has_validation_errors():
            response.context_data["error_rows"], response.context_data["error_summary"] = error_rows(result)
        return response

    def add_data_read_fail_error_to_form(self, form, error):
        if isinstance(error, CSVFileError):
            form.add_error("import_file", str(error))
        else:
            super().add_data_read_fail_error_to_form(form, error)
