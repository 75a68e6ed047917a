"""The needs-attention queues of events (registered in EventsConfig.ready()).

An unconfirmed or claimed event is stale when it is still so 30 days after the end of its date's period.
"""

import datetime

from django.db.models import Count, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from events.models import Event
from events.rules import date_contradictions
from nrfsite.core.certainty import Certainty
from nrfsite.core.dates import how_long
from nrfsite.core.markup import citation_keys
from nrfsite.editorial.queues import (
    CONTRADICTED,
    STALE_CLAIM,
    UNCITED,
    Item,
    days_ago,
    register,
    register_draft_queue,
    register_translation_queue,
)

UNCONFIRMED_AFTER_DAYS = 30


def uncited_events(today):
    queryset = Event.objects.published().annotate(n=Count("citations")).filter(n=0).order_by("date", "pk")
    return [Item(obj, gettext("no source in its citations or summary")) for obj in queryset if not citation_keys(obj.summary)]


def stale_claims(today):
    cutoff = today - datetime.timedelta(days=UNCONFIRMED_AFTER_DAYS)
    queryset = Event.objects.filter(certainty__in=[Certainty.UNCONFIRMED, Certainty.CLAIMED], date__lte=cutoff).order_by(
        "date", "pk"
    )
    return [
        Item(
            obj,
            gettext("still %(certainty)s %(how_long)s after %(date)s")
            % {
                "certainty": obj.get_certainty_display(),
                "how_long": how_long(days_ago(obj.date_partial.last_day, today)),
                "date": obj.date_partial,
            },
        )
        for obj in queryset
        if days_ago(obj.date_partial.last_day, today) > UNCONFIRMED_AFTER_DAYS
    ]


def contradicting_reports(today):
    """Published reports of one happening (linked as "same event as") whose dates cannot agree."""
    named = Event.objects.published().exclude(same_as="").values("same_as")
    linked = list(Event.objects.published().filter(~Q(same_as="") | Q(slug__in=named)).order_by("date", "slug"))
    found = date_contradictions(linked)
    reports = {}
    for event in linked:
        reports.setdefault(event.happening, []).append(event)
    return [
        Item(
            event,
            gettext("dated %(date)s; another report of the same event: %(others)s")
            % {
                "date": event.date_partial,
                "others": ", ".join(str(other.date_partial) for other in reports[event.happening] if other.pk != event.pk),
            },
        )
        for event in linked
        if event.pk in found
    ]


def register_queues():
    register(
        "contradiction-event",
        model=Event,
        title=_("Reports of one event that give different dates"),
        build=contradicting_reports,
        urgency=CONTRADICTED,
    )
    register("uncited-event", model=Event, title=_("Published events with no citation"), build=uncited_events, urgency=UNCITED)
    register(
        "stale-claim",
        model=Event,
        title=_("Events still unconfirmed or only claimed after 30 days"),
        build=stale_claims,
        urgency=STALE_CLAIM,
    )
    register_draft_queue(Event, _("Events"))
    register_translation_queue(Event, _("Events"))
