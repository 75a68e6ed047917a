from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running the site: backups and their restore, benchmarks, synthetic data."""

    name = "nrfsite.ops"
    label = "ops"
    verbose_name = "Operations"
