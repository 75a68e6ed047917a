from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    """Background jobs: long work (imports, exports, link checks) run by a worker, with progress people can watch."""

    name = "nrfsite.jobs"
    label = "jobs"
    verbose_name = _("Background jobs")
