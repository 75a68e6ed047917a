from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "Events"

    def ready(self):
        from entities.resources import PropertyResource
        from events import queues
        from events.resources import EventCitationResource, EventResource, EventTypeResource, ParticipationResource
        from nrfsite.interchange import registry
        from sources.resources import register_pending

        # Event types name nothing but each other: the bundle lists them with the other vocabulary, properties.
        registry.register(EventTypeResource, after=PropertyResource)
        registry.register(EventResource, ParticipationResource, EventCitationResource)
        register_pending(EventTypeResource, EventResource, ParticipationResource, EventCitationResource)
        queues.register_queues()
