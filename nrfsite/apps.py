from django.apps import AppConfig


class NrfsiteConfig(AppConfig):
    name = "nrfsite"
    verbose_name = "Site"

    def ready(self):
        from nrfsite.signals import connect_signals

        connect_signals()
