from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EditorialConfig(AppConfig):
    """Publishing and review: services, roles, the base admin and the needs-attention queues apps register."""

    name = "nrfsite.editorial"
    label = "editorial"
    verbose_name = _("Editorial")

    def ready(self):
        from nrfsite.editorial import schedule  # noqa: F401  (registers the scheduled publication job)
