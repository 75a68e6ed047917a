from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EntitiesConfig(AppConfig):
    name = "entities"
    verbose_name = _("Entities and statements")

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
