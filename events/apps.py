from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def count_if_missing(**kwargs):
    """A database that had events before the counts existed gets them at its first migrate."""
    from django.db import connection

    from entities.models import Entity
    from events import tally
    from events.models import Event, EventCitation, EventEntityCount, EventMonthCount, EventSourceCount

    tables = connection.introspection.table_names()
    if EventMonthCount._meta.db_table not in tables:
        return  # migrated back to before the counts
    if not EventMonthCount.objects.exists() and Event.objects.public().exists():
        tally.recount(everything=True)
        return
    if EventSourceCount._meta.db_table in tables and not EventSourceCount.objects.exists() and EventCitation.objects.exists():
        tally.recount(sources=EventCitation.objects.values_list("source_id", flat=True).distinct())
    if EventEntityCount._meta.db_table in tables and not EventEntityCount.objects.exists() and Event.objects.public().exists():
        tally.recount(entities=Entity.objects.values_list("pk", flat=True))


def index_text(using, **kwargs):
    from nrfsite.core import fulltext

    fulltext.ensure(using)


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self):
        from entities.resources import PropertyResource
        from events import queues, tally
        from events.models import Event
        from events.resources import EventCitationResource, EventResource, EventTypeResource, ParticipationResource
        from nrfsite.core import fulltext
        from nrfsite.interchange import registry
        from sources.resources import register_pending

        # Event types name nothing but each other: the bundle lists them with the other vocabulary, properties.
        registry.register(EventTypeResource, after=PropertyResource)
        registry.register(EventResource, ParticipationResource, EventCitationResource)
        register_pending(EventTypeResource, EventResource, ParticipationResource, EventCitationResource)
        queues.register_queues()
        tally.connect()
        post_migrate.connect(count_if_missing, sender=self, dispatch_uid="event-counts-after-migrate")
        # Search the table that grows through a full-text index (what the site search and the API's `q` use).
        fulltext.register(Event, Event.SEARCH_FIELDS)
        post_migrate.connect(index_text, sender=self, dispatch_uid="event-text-index-after-migrate")
