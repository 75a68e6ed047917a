"""The needs-attention queues of events (registered in EventsConfig.ready()).

An unconfirmed or claimed event is stale when it is still so 30 days after the end of its date's period.
"""

import datetime

from django.db.models import Count

from events.models import Event
from nrfsite.core.certainty import Certainty
from nrfsite.core.markup import citation_keys
from nrfsite.editorial.queues import STALE_CLAIM, UNCITED, Item, days_ago, register, register_draft_queue

UNCONFIRMED_AFTER_DAYS = 30


def uncited_events(today):
    queryset = Event.objects.published().annotate(n=Count("citations")).filter(n=0).order_by("date", "pk")
    return [Item(obj, "no source in its citations or summary") for obj in queryset if not citation_keys(obj.summary)]


def stale_claims(today):
    cutoff = today - datetime.timedelta(days=UNCONFIRMED_AFTER_DAYS)
    queryset = Event.objects.filter(certainty__in=[Certainty.UNCONFIRMED, Certainty.CLAIMED], date__lte=cutoff).order_by(
        "date", "pk"
    )
    return [
        Item(obj, f"still {obj.certainty} {days_ago(obj.date_partial.last_day, today)} days after {obj.date_partial}")
        for obj in queryset
        if days_ago(obj.date_partial.last_day, today) > UNCONFIRMED_AFTER_DAYS
    ]


def register_queues():
    register("uncited-event", model=Event, title="Published events with no citation", build=uncited_events, urgency=UNCITED)
    register(
        "stale-claim",
        model=Event,
        title="Events still unconfirmed or only claimed after 30 days",
        build=stale_claims,
        urgency=STALE_CLAIM,
    )
    register_draft_queue(Event, "Events")
