from django.apps import AppConfig


class EntitiesConfig(AppConfig):
    name = "entities"
    verbose_name = "Entities and statements"

    def ready(self):
        from entities import queues
        from entities.resources import (
            AliasResource,
            EntityResource,
            PropertyResource,
            SectionResource,
            StatementCitationResource,
            StatementResource,
        )
        from nrfsite.interchange import registry
        from sources.resources import register_pending

        resources = (
            PropertyResource,
            EntityResource,
            AliasResource,
            StatementResource,
            StatementCitationResource,
            SectionResource,
        )
        registry.register(*resources)
        register_pending(*resources)
        queues.register_queues()
