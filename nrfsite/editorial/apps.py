from django.apps import AppConfig


class EditorialConfig(AppConfig):
    """Publishing and review: services, roles, the base admin and the needs-attention queues apps register."""

    name = "nrfsite.editorial"
    label = "editorial"
    verbose_name = "Editorial"
