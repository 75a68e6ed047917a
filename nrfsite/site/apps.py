from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The top layer: home, search, cross-app pages, sitemaps, the page cache and its content version.

    Its label stays "nrfsite" (the package it grew out of), so its table and migration history are unchanged.
    """

    name = "nrfsite.site"
    label = "nrfsite"
    verbose_name = "Site"

    def ready(self):
        from nrfsite.site.signals import connect_signals

        connect_signals()
