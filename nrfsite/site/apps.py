from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    """The top layer: home, search, cross-app pages, sitemaps, the page cache and its content version, watchlists
    and their digests (the "digest" job).

    Its label stays "nrfsite" (the package it grew out of), so its table and migration history are unchanged.
    """

    name = "nrfsite.site"
    label = "nrfsite"
    verbose_name = _("Site")

    def ready(self):
        from nrfsite.site import digests
        from nrfsite.site.signals import connect_signals

        connect_signals()
        digests.register_jobs()
