"""Import and export buttons for a model's admin, backed by its BundleResource."""

import codecs
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from import_export.admin import ImportExportModelAdmin
from import_export.formats import base_formats
from import_export.forms import ImportForm
from import_export.results import RowResult

from nrfsite.interchange import dialect, export_jobs
from nrfsite.interchange import jobs as import_jobs
from nrfsite.interchange.adapter import CSVFormat
from nrfsite.interchange.columns import KeyWidget
from nrfsite.interchange.dialect import CSVFileError
from nrfsite.interchange.registry import resource_classes
from nrfsite.jobs.models import Job

# The encodings an editor may pick: (codec, the name people know it by, the choice's label). "" is the
# default every import shares with the command line: UTF-8, with or without a byte-order mark. A label that
# is only the encoding's name is not translated.
ENCODINGS = (
    ("", "UTF-8", _("Detect (UTF-8, with or without BOM)")),
    ("utf-8", "UTF-8", "UTF-8"),
    ("utf-16", "UTF-16", "UTF-16"),
    ("cp1252", "Windows-1252", _("Windows-1252 (Excel on Windows, Western European)")),
    ("iso-8859-1", "ISO-8859-1", _("ISO-8859-1 (Latin-1)")),
    ("cp1256", "Windows-1256", _("Windows-1256 (Excel on Windows, Arabic script: Dari, Pashto)")),
)
ENCODING_NAMES = {codec: name for codec, name, _label in ENCODINGS}


class SizedImportForm(ImportForm):
    """The admin's import form: a file of at most IMPORT_MAX_UPLOAD_BYTES, read in the encoding the editor picks.

    The file is decoded here, in the picked encoding, by the decoder every import uses (`dialect.decode`, which
    `--encoding` sets on the command line), and handed on as UTF-8 text: what django-import-export stores for
    the confirm step, and what both steps read, is that text, so the confirm step imports exactly what the
    preview showed and needs no encoding of its own (a hidden field could name another one).
    """

    encoding = forms.ChoiceField(
        label=_("Encoding"),
        choices=[(codec, label) for codec, _name, label in ENCODINGS],
        required=False,
        help_text=_("How the file's characters are stored. Keep Detect for a file saved as “CSV UTF-8”."),
    )
    field_order = ["resource", "import_file", "encoding", "format"]

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        limit = settings.IMPORT_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise ValidationError(
                gettext(
                    "The file is %(size)s; imports take up to %(limit)s. Split it, or import it on the command line "
                    "with import_bundle."
                ),
                code="file_too_large",
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            )
        return upload

    def clean(self):
        cleaned = super().clean()
        upload, codec = cleaned.get("import_file"), cleaned.get("encoding") or ""
        if upload is None:
            return cleaned
        data = b"".join(upload.chunks())
        try:
            text = dialect.decode(data, codec or None)
        except dialect.UndecodableFile as error:
            self.add_error("import_file", undecodable_message(error, codec))
        except CSVFileError as error:
            hint = ""
            if not codec and data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                hint = gettext("It starts as a UTF-16 file does: pick UTF-16 as its encoding.")
            self.add_error("import_file", f"{error} {hint}" if hint else str(error))
        else:
            cleaned["import_file"] = SimpleUploadedFile(upload.name, text.encode(), content_type="text/csv; charset=utf-8")
        return cleaned


def undecodable_message(error, codec):
    """What the form says of bytes the picked encoding cannot read: which encoding, and where the first bad byte is."""
    name = ENCODING_NAMES.get(codec, error.codec)
    return gettext(
        "This file cannot be read as %(encoding)s: byte %(byte)s on line %(line)d (at byte offset %(offset)s of the "
        "file) is not %(encoding)s text. Pick the encoding the file was saved in (Excel on Windows saves plain “CSV” "
        "as Windows-1252, or as Windows-1256 on a Dari or Pashto system), or save it again as “CSV UTF-8”."
    ) % {"encoding": name, "byte": f"0x{error.byte:02x}", "line": error.line, "offset": f"{error.offset:,}"}


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
    parts = [
        gettext("line %(line)d %(columns)s")
        % {"line": row.line, "columns": ", ".join(row.columns) or gettext("the row as a whole")}
        for row in rows
    ]
    summary = ngettext("%(count)d row has errors: %(lines)s", "%(count)d rows have errors: %(lines)s", len(rows)) % {
        "count": len(rows),
        "lines": "; ".join(parts),
    }
    return rows, summary


@dataclass(frozen=True)
class PreviewRow:
    """A row the import adds, changes or deletes, as the preview lists it: its key and each column it sets."""

    kind: str  # new, update, delete
    label: str  # the row's key as the importer names it: "nrf", "nrf (waits for a reviewer)"
    cells: list  # [(column, now, after)]: a new row's filled columns, a changed row's changed ones

    @property
    def kind_label(self):
        return {"new": gettext("New"), "update": gettext("Changed"), "delete": gettext("Deleted")}[self.kind]


PREVIEW_ROWS = import_jobs.KEPT_ROWS  # a page an editor can read; the import itself writes every row
# The confirm form names the check job it confirms by its id, signed: a form cannot name another's upload.
CONFIRM_SALT = "nrfsite.interchange.confirm"
CONFIRM_MAX_AGE = 24 * 3600  # a check not confirmed within a day is no longer accepted


def import_preview(resource, result):
    """The rows a checked import changes, each with its changing columns as now → after, and the summary above
    them ("3 new, 2 changed, 70 unchanged (not shown), 0 deleted"): unchanged rows are counted, not listed.

    "Now" is the row as an export writes it (the dry run's writes were rolled back); "after" is the file's cell.
    """
    headers = list(result.diff_headers)
    changing = [row for row in result.valid_rows() if row.import_type != RowResult.IMPORT_TYPE_SKIP]
    listed = changing[:PREVIEW_ROWS]
    live = exported_rows(resource, [row.object_id for row in listed if row.import_type == RowResult.IMPORT_TYPE_UPDATE])
    rows = []
    for row in listed:
        cells = list(zip(headers, row.diff or [], strict=False))
        if row.import_type == RowResult.IMPORT_TYPE_NEW:
            changes = [(column, "", cell) for column, cell in cells if cell.strip()]
        elif row.import_type == RowResult.IMPORT_TYPE_DELETE:
            changes = [(column, cell, "") for column, cell in cells if cell.strip()]
        else:
            now = live.get(row.object_id, {})
            changes = [
                (column, now.get(column, ""), cell)
                for column, cell in cells
                if not same_cell(resource, column, now.get(column, ""), cell)
            ]
        rows.append(PreviewRow(row.import_type, row.object_repr, changes))
    totals = result.totals
    summary = gettext("%(new)d new, %(changed)d changed, %(unchanged)d unchanged (not shown), %(deleted)d deleted") % {
        "new": totals[RowResult.IMPORT_TYPE_NEW],
        "changed": totals[RowResult.IMPORT_TYPE_UPDATE],
        "unchanged": totals[RowResult.IMPORT_TYPE_SKIP],
        "deleted": totals[RowResult.IMPORT_TYPE_DELETE],
    }
    changing_in_all = sum(
        totals[kind] for kind in (RowResult.IMPORT_TYPE_NEW, RowResult.IMPORT_TYPE_UPDATE, RowResult.IMPORT_TYPE_DELETE)
    )
    return {"summary": summary, "rows": rows, "not_listed": changing_in_all - len(listed)}


EXPORTED_CHUNK = 500  # rows read at a time: one query each (and one per child set), whatever the file's size


def exported_rows(resource, pks):
    """{pk: {column: cell}}: the rows as an export writes them now."""
    header = resource.get_export_headers()
    found = {}
    for start in range(0, len(pks), EXPORTED_CHUNK):
        queryset = resource.filter_export(resource.model._default_manager.filter(pk__in=pks[start : start + EXPORTED_CHUNK]))
        for obj in queryset:
            found[obj.pk] = dict(zip(header, resource.export_resource(obj), strict=True))
    return found


def same_cell(resource, column, now, after):
    """Whether two cells of `column` say the same as the importer reads them: "August 2021" is "2021-08", "1,000"
    is "1000", "b; a" is "a; b". A cell that does not parse is compared as it is written."""
    now, after = dialect.unescape_cell(now), dialect.unescape_cell(after)
    if now == after:
        return True
    child_set = next((child for child in resource.child_sets if child.column and child.column == column), None)
    field = resource.columns().get(column)
    try:
        if child_set is not None:
            return resource.parse_child_cell(child_set, now).keys() == resource.parse_child_cell(child_set, after).keys()
        if field is None or column == resource.self_reference or isinstance(field.widget, KeyWidget):
            return now.strip() == after.strip()  # a key names its row exactly, and needs no query to compare
        return resource.cell_value(field, now) == resource.cell_value(field, after)
    except (ValueError, ValidationError):
        return False


def held_message(count):
    return ngettext(
        "%(count)d row(s) change published items: each is kept as your change, waiting for a reviewer; readers see "
        "the published versions until a reviewer publishes them.",
        "%(count)d row(s) change published items: each is kept as your change, waiting for a reviewer; readers see "
        "the published versions until a reviewer publishes them.",
        count,
    ) % {"count": count}


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
    # Import and Export, and "Export the whole bundle (zip)" beside them: where editors already move CSV.
    import_export_change_list_template = "admin/interchange/change_list.html"

    def get_urls(self):
        opts = self.model._meta
        bundle = path(
            "export-bundle/",
            self.admin_site.admin_view(self.export_bundle_view),
            name=f"{opts.app_label}_{opts.model_name}_export_bundle",
        )
        return [bundle, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        may = export_jobs.may_export(request, self.admin_site)
        return super().changelist_view(request, {**(extra_context or {}), "may_export_bundle": may})

    def export_bundle_view(self, request):
        """The whole bundle as a zip, built by a background job: a GET shows what it holds and the button, the
        POST queues the job and sends the editor to its page (its progress, then the download)."""
        if not export_jobs.may_export(request, self.admin_site):
            raise PermissionDenied
        if request.method == "POST":
            job = export_jobs.start(request)
            return HttpResponseRedirect(reverse("admin:jobs_job_change", args=[job.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Export the whole bundle (zip)"),
            "opts": self.model._meta,
            "files": [resource_class.file_name for resource_class in resource_classes()],
            "jobs_url": reverse("admin:jobs_job_changelist") + f"?kind__exact={export_jobs.KIND}",
        }
        return TemplateResponse(request, "admin/interchange/export_bundle.html", context)

    def add_success_message(self, result, request):
        super().add_success_message(result, request)
        held = getattr(result, "held", 0)
        if held:
            messages.warning(request, held_message(held))

    def import_action(self, request, **kwargs):
        """The upload form; a valid upload is stored with a background job that checks it (the preview), and the
        editor is sent to the job's page, which shows its progress, then the preview or every refused row."""
        if request.method != "POST":
            return super().import_action(request, **kwargs)
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = self.create_import_form(request)
        if not form.is_valid():
            return super().import_action(request, **kwargs)  # the form again, with its errors and what was picked
        upload = form.cleaned_data["import_file"]  # UTF-8 text: SizedImportForm decoded it
        job = import_jobs.start(
            import_jobs.CHECK,
            self,
            request,
            file_name=upload.name,
            resource_index=self.get_resource_index(form),
            text=b"".join(upload.chunks()).decode(),
        )
        return HttpResponseRedirect(reverse("admin:jobs_job_change", args=[job.pk]))

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        """The editor confirmed a checked file: queue its import (a job of its own) and show that job's page."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        confirm_form = self.create_confirm_form(request)
        checked = self.checked_job(request, confirm_form) if confirm_form.is_valid() else None
        if checked is None:
            if confirm_form.is_valid():
                confirm_form.add_error(
                    None, gettext("This upload is not one you checked here, or it has expired: upload the file again.")
                )
            context = {
                **self.admin_site.each_context(request),
                "title": gettext("Import"),
                "confirm_form": confirm_form,
                "opts": self.model._meta,
                "errors": confirm_form.errors,
            }
            return TemplateResponse(request, [self.import_template_name], context, status=400)
        job = import_jobs.start(
            import_jobs.IMPORT,
            self,
            request,
            file_name=checked.params["file_name"],
            resource_index=checked.params.get("resource", 0),
            text=checked.input.decode(),
            checked=checked,
        )
        return HttpResponseRedirect(reverse("admin:jobs_job_change", args=[job.pk]))

    def checked_job(self, request, confirm_form):
        """The check job the confirm form names, if this server signed its id for this user and this model and
        the check found nothing wrong; else None."""
        try:
            job_id = signing.loads(confirm_form.cleaned_data["import_file_name"], salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
        except signing.BadSignature:
            return None
        job = Job.objects.filter(
            pk=job_id,
            kind=import_jobs.CHECK,
            state=Job.State.DONE,
            created_by=request.user,
            params__model=self.model._meta.label,
        ).first()
        if job is None or job.payload is None or job.outcome.get("errors"):  # no payload: imported already
            return None
        return job

    def import_report_page(self, request, job, result, resource):
        """A finished check's or import's page: the preview and the confirm button, or every refused row and the
        upload form again; the same template and context the import page has always had."""
        context = {
            **self.get_import_context_data(),
            **self.admin_site.each_context(request),
            "title": gettext("Import"),
            "opts": self.model._meta,
            "result": result,
            "job": job,
            "import_error_display": self.import_error_display,
            "fields_list": [(resource.get_display_name(), [f.column_name for f in resource.get_user_visible_fields()])],
        }
        form = self.create_import_form(request)
        if result.has_errors() or result.has_validation_errors():
            context["form"] = form
            context["media"] = self.media + form.media
            if result.has_validation_errors():
                context["error_rows"], context["error_summary"] = error_rows(result)
        else:
            context["confirm_form"] = self.get_confirm_form_class(request)(
                initial={
                    "import_file_name": signing.dumps(str(job.pk), salt=CONFIRM_SALT),
                    "original_file_name": job.params["file_name"],
                    "format": 0,
                    "resource": job.params.get("resource", 0),
                }
            )
            context["media"] = self.media
            context["preview"] = import_preview(resource, result)
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)

    def add_data_read_fail_error_to_form(self, form, error):
        if isinstance(error, CSVFileError):
            form.add_error("import_file", str(error))
        else:
            super().add_data_read_fail_error_to_form(form, error)
