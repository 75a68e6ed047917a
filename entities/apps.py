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

        registry.register(
            PropertyResource, EntityResource, AliasResource, StatementResource, StatementCitationResource, SectionResource
        )
        queues.register_queues()
