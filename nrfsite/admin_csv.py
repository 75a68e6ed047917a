"""Import and export buttons for a model's admin, backed by its BundleResource."""

from import_export.admin import ImportExportModelAdmin
from import_export.formats import base_formats

from nrfsite.csvio import CSVFileError
from nrfsite.resources import CSVFormat


class CSVAdminMixin(ImportExportModelAdmin):
    """CSV import (with the dry-run preview before confirm) and export of the filtered changelist.

    Import and export each need their own permission (`<app>.import_<model>`,
    `<app>.export_<model>`), so an editor can be allowed one without the other.
    """

    import_formats = [CSVFormat]
    export_formats = [base_formats.CSV]
    import_error_display = ("message",)
    skip_admin_log = False

    def add_data_read_fail_error_to_form(self, form, error):
        if isinstance(error, CSVFileError):
            form.add_error("import_file", str(error))
        else:
            super().add_data_read_fail_error_to_form(form, error)
