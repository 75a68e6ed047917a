from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterchangeConfig(AppConfig):
    """The CSV engine: apps register their resources (and so the bundle's order) with it."""

    name = "nrfsite.interchange"
    label = "interchange"
    verbose_name = _("CSV interchange")

    def ready(self):
        from nrfsite.interchange import jobs  # noqa: F401  (registers the import job kinds)
