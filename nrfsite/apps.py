from django.apps import AppConfig


class NrfsiteConfig(AppConfig):
    name = "nrfsite"
    verbose_name = "Site"

    def ready(self):
        from nrfsite.cache import connect_signals

        connect_signals()
