from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Running the site: backups and their restore, benchmarks, synthetic data."""

    name = "nrfsite.ops"
    label = "ops"
    verbose_name = _("Operations")
