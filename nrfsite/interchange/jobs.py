"""The admin's CSV import as background jobs: the upload is stored with its job, a worker checks it (the
preview) and, once the editor confirms, imports it in one transaction; the job's page shows the progress bar,
then the report the import page always showed (every refused row with its line, column and reason).

Two kinds, one function: "import-check" (a dry run, rolled back) and "import" (written, and marked done inside
its own transaction, so the rows and the job's end commit together or not at all).
"""

from django.apps import apps
from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext

from nrfsite.interchange import dialect
from nrfsite.interchange.adapter import ROW_TYPES
from nrfsite.interchange.report import report_data, report_from_data
from nrfsite.jobs import registry, runner
from nrfsite.jobs.models import Job

CHECK, IMPORT = "import-check", "import"
KEPT_ROWS = 500  # the rows a report keeps whole: the preview lists this many (admin.PREVIEW_ROWS)


def start(kind, model_admin, request, *, file_name, resource_index, text, checked=None):
    """Queue a check or an import of `text` (the upload, decoded) into `model_admin`'s model; return the Job.
    An import names the check it was confirmed from (`checked`)."""
    opts = model_admin.model._meta
    title = (
        gettext("Check of %(file)s for import into %(model)s")
        if kind == CHECK
        else gettext("Import of %(file)s into %(model)s")
    ) % {"file": file_name, "model": opts.verbose_name_plural}
    return runner.start(
        kind,
        title=title,
        user=request.user,
        params={
            "model": opts.label,
            "resource": resource_index,
            "file_name": file_name,
            **({"checked": str(checked.pk)} if checked else {}),
        },
        payload=text.encode(),
    )


def model_admin_of(job):
    return admin.site._registry[apps.get_model(job.params["model"])]


def resource_of(model_admin, job):
    """The resource the editor picked on the upload form (by its index among the admin's import resources)."""
    return model_admin.get_import_resource_classes(None)[int(job.params.get("resource") or 0)]()


def run(job, context):
    model_admin = model_admin_of(job)
    resource = resource_of(model_admin, job)
    context.progress(0, None, gettext("reading the file"))
    table = dialect.parse(job.input.decode())
    rows = len(table.rows)
    stage = gettext("checking and writing rows") if job.kind == IMPORT else gettext("checking rows")
    context.progress(0, rows, stage)

    def progress(done, _in_all):
        context.progress(done, rows, stage)

    def before_commit(report):
        log_rows(model_admin, job, report)
        # The stored upload is not needed once imported: its check cannot be confirmed a second time.
        Job.objects.filter(pk__in=[job.pk, job.params.get("checked", job.pk)]).update(payload=None)
        context.finish(report_data(report))  # in the import's transaction: the rows and "done" commit together

    report = resource.import_table(
        table,
        dry_run=job.kind == CHECK,
        file_name=job.params["file_name"],
        user=job.created_by,
        keep_rows=KEPT_ROWS,
        progress=progress,
        before_commit=before_commit if job.kind == IMPORT else None,
    )
    return report_data(report)


def log_rows(model_admin, job, report):
    """The admin's "recent actions" for the rows the report kept (every row has its revision regardless)."""
    if model_admin.get_skip_admin_log() or job.created_by_id is None:
        return
    rows = {}  # by django-import-export's import type; a row held for a reviewer is a change, as on the preview
    for row in report.rows:
        if row.instance is not None and row.kind in ROW_TYPES and row.kind != "skip":
            rows.setdefault(ROW_TYPES[row.kind], []).append(row.instance)
    model_admin._create_log_entries(job.created_by_id, rows)


def present(request, job):
    """The finished job's page: the import page with its preview or its errors, or, after an import, the list."""
    if job.state != job.State.DONE:
        return None  # failed: the generic job page, with the reason and Retry
    model_admin = model_admin_of(job)
    report = report_from_data(job.outcome)
    resource = resource_of(model_admin, job)
    result = resource.as_result(report)
    if job.kind == IMPORT and not (result.has_errors() or result.has_validation_errors()):
        model_admin.add_success_message(result, request)
        opts = model_admin.model._meta
        return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    return model_admin.import_report_page(request, job, result, resource)


registry.register(CHECK, run=run, present=present)
registry.register(IMPORT, run=run, present=present, transactional=True)
