from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SourcesConfig(AppConfig):
    name = "sources"
    verbose_name = _("Sources")

    def ready(self):
        from nrfsite.interchange import registry
        from sources import jobs, queues
        from sources.resources import SourceResource, register_pending

        registry.register(SourceResource)
        register_pending(SourceResource)
        queues.register_queues()
        jobs.register_jobs()
