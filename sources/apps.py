from django.apps import AppConfig


class SourcesConfig(AppConfig):
    name = "sources"
    verbose_name = "Sources"

    def ready(self):
        from nrfsite.interchange import registry
        from sources import queues
        from sources.resources import SourceResource, register_pending

        registry.register(SourceResource)
        register_pending(SourceResource)
        queues.register_queues()
