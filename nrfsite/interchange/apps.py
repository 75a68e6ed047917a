from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterchangeConfig(AppConfig):
    """The CSV engine: apps register their resources (and so the bundle's order) with it."""

    name = "nrfsite.interchange"
    label = "interchange"
    verbose_name = _("CSV interchange")

    def ready(self):
        from nrfsite.interchange import export_jobs, jobs  # noqa: F401  (register the import and export job kinds)
