"""The editors' whole bundle as a background job: every model's CSV file (drafts and editors' notes included, as
`export_bundle` writes it), the manifest and the Data Package, zipped by a worker and kept in the database as
the job's file, which its page offers to download from any app server.

Who may start one: staff who may view and export every model the bundle holds (`may_export`), since the zip
holds all of them.
"""

import json
import tempfile
import zipfile
from pathlib import Path

from django.contrib import admin
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext

from nrfsite.interchange.bundle import MANIFEST, export_zip
from nrfsite.interchange.registry import resource_classes
from nrfsite.jobs import registry, runner
from nrfsite.jobs.models import FileTooLarge, store_file

KIND = "bundle-export"


def may_export(request, admin_site=admin.site):
    """Whether `request.user` may view and export every model of the bundle, as each model's admin rules it."""
    for resource_class in resource_classes():
        model = resource_class._meta.model
        model_admin = admin_site._registry.get(model)
        if model_admin is None:
            opts = model._meta
            allowed = request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
        else:
            allowed = model_admin.has_view_permission(request) and model_admin.has_export_permission(request)
        if not allowed:
            return False
    return True


def start(request):
    """Queue an export of the whole bundle for `request.user`; return the Job."""
    return runner.start(
        KIND,
        title=gettext("Export of the whole bundle (zip)"),
        user=request.user,
        params={"homepage": request.build_absolute_uri("/")},
    )


def file_name(moment):
    """ "nrfsite-bundle-20261207-0315.zip": the bundle's moment, in the site's time zone."""
    return f"nrfsite-bundle-{timezone.localtime(moment):%Y%m%d-%H%M}.zip"


def run(job, context):
    moment = timezone.now()
    with tempfile.TemporaryDirectory(prefix="nrfsite-bundle-") as work:
        path = export_zip(
            Path(work) / "bundle.zip", public=False, homepage=job.params.get("homepage", ""), on_progress=context.progress
        )
        with zipfile.ZipFile(path) as archive:
            counts = json.loads(archive.read(MANIFEST))["files"]
        stage = gettext("storing the zip")
        try:
            # The file and the job's "done" commit together: a worker killed while storing leaves no half file.
            with transaction.atomic():
                stored = store_file(
                    job=job,
                    path=path,
                    name=file_name(moment),
                    content_type="application/zip",
                    progress=lambda done, total: context.progress(done, total, stage),
                )
                context.finish({"files": counts, "rows": sum(counts.values()), "bytes": stored.size})
        except FileTooLarge as error:
            context.fail(
                gettext(
                    "The bundle's zip is %(size)s, and a job may keep files of at most %(limit)s: nothing was kept. "
                    "Export the bundle on the command line with manage.py export_bundle, or raise JOBS_FILE_MAX_BYTES."
                )
                % {"size": filesizeformat(error.size), "limit": filesizeformat(error.limit)}
            )


registry.register(KIND, run=run, transactional=True)
