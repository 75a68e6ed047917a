"""The jobs in the admin: a list of one's own jobs (every job for a superuser), and each job's page.

A job's page shows its progress bar while it waits or runs (static/js/job-progress.js asks the status URL
every second and shows the finished job's page when it ends; without script, the page says to reload), then
the finished job's own page: its kind's (an import's report) or the outcome and error, with Retry when it failed,
and the files it made to download (a bundle export's zip), each only to the one who may see the job.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, SuspiciousFileOperation, ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.text import get_valid_filename
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from nrfsite.jobs import registry, runner
from nrfsite.jobs.models import Job


def page_url(job):
    return reverse("admin:jobs_job_change", args=[job.pk])


def attachment_name(name):
    """A file name a browser saves as it is: its last part only, in letters, digits, "-", "_" and "."."""
    try:
        return get_valid_filename(name.replace("\\", "/").rsplit("/", 1)[-1])
    except SuspiciousFileOperation:  # nothing left of it ("..")
        return "download"


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("title", "state_column", "created_by", "created_at", "finished_at", "attempts")
    list_filter = ("state", "kind")
    search_fields = ("title",)
    date_hierarchy = "created_at"
    list_select_related = ("created_by",)

    def get_queryset(self, request):
        jobs = super().get_queryset(request).defer("payload")
        if request.user.is_superuser:
            return jobs
        return jobs.filter(created_by=request.user)

    # Jobs are started by what they do (an import, an export), never added or edited here.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    @admin.display(description=_("state"), ordering="state")
    def state_column(self, job):
        return format_html('<span class="job-state job-{}">{}</span>', job.state, job.get_state_display())

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<uuid:job_id>/status/", wrap(self.status_view), name="jobs_job_status"),
            path("<uuid:job_id>/retry/", wrap(require_POST(self.retry_view)), name="jobs_job_retry"),
            path("<uuid:job_id>/cancel/", wrap(require_POST(self.cancel_view)), name="jobs_job_cancel"),
            path("<uuid:job_id>/files/<int:file_id>/", wrap(require_safe(self.file_view)), name="jobs_job_file"),
            *super().get_urls(),
        ]

    @staticmethod
    def is_owner(request, job):
        return job.created_by_id == request.user.pk or request.user.is_superuser

    def visible_job(self, request, job_id):
        """The job, if `request.user` may see it (their own; any, for a superuser); else 404. The one rule for a
        job's page, its status, its buttons and its files."""
        return get_object_or_404(self.get_queryset(request).select_related("created_by"), pk=job_id)

    def file_view(self, request, job_id, file_id):
        """A done job's file, streamed a part at a time as an attachment no cache keeps."""
        job = self.visible_job(request, job_id)
        if job.state != Job.State.DONE:  # a file is the job's only once the job is done (it commits with "done")
            raise Http404
        stored = get_object_or_404(job.files, pk=file_id)
        response = StreamingHttpResponse(stored.read(), content_type=stored.content_type)
        response["Content-Length"] = str(stored.size)
        response["Content-Disposition"] = content_disposition_header(True, attachment_name(stored.name))
        add_never_cache_headers(response)  # private, no-store: the editors' data, drafts included
        return response

    def status_view(self, request, job_id):
        job = self.visible_job(request, job_id)
        return JsonResponse(runner.status(job), headers={"Cache-Control": "no-store"})

    def retry_view(self, request, job_id):
        job = self.visible_job(request, job_id)
        if not self.is_owner(request, job):
            raise PermissionDenied
        if runner.retry(job):
            messages.info(request, gettext("The job is queued again."))
        return HttpResponseRedirect(page_url(job))

    def cancel_view(self, request, job_id):
        job = self.visible_job(request, job_id)
        if not self.is_owner(request, job):
            raise PermissionDenied
        if runner.cancel(job, request.user):
            messages.info(request, gettext("The job is cancelled: it will not run."))
        else:
            messages.warning(request, gettext("The job had already started or ended: it was not cancelled."))
        return HttpResponseRedirect(page_url(job))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        try:
            job = self.visible_job(request, object_id)
        except (ValueError, ValidationError, Http404):
            # As Django's admin answers for any object it cannot find: a message on the admin's index.
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        status = runner.status(job)
        if job.finished:
            present = registry.kind(job.kind).present
            response = present(request, job) if present else None
            if response is not None:
                return response
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": job.title,
            "job": job,
            "status": status,
            "status_url": reverse("admin:jobs_job_status", args=[job.pk]),
            "retry_url": reverse("admin:jobs_job_retry", args=[job.pk]),
            "cancel_url": reverse("admin:jobs_job_cancel", args=[job.pk]),
            "may_retry": job.state == Job.State.FAILED and self.is_owner(request, job),
            "may_cancel": job.state == Job.State.QUEUED and self.is_owner(request, job),
            "files": list(job.files.all()) if job.state == Job.State.DONE else [],
        }
        return TemplateResponse(request, "admin/jobs/job.html", context)
