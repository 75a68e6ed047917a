"""The querysets event pages read: published events with what a timeline shows, and an entity's events."""

from django.db.models import Exists, OuterRef, Prefetch, Q

from entities.models import Entity, EntityKind
from events import tally
from events.models import Event, EventCitation, Participation
from sources.citations import citing


def public_events(*, preview=False):
    """Public events (all, for an editor's preview) with everything a timeline shows, in a fixed number of
    queries."""
    return (
        Event.objects.visible(preview=preview)
        .with_public_links()
        .select_related("event_type__parent", "location__parent", "claimed_by")
        .prefetch_related(
            Prefetch(
                "participations",
                queryset=Participation.objects.public().select_related("entity"),
            ),
            Prefetch(
                "citations",
                queryset=EventCitation.objects.visible(preview=preview).select_related("source__found_in").order_by("pk"),
            ),
        )
    )


def events_of(entity):
    """Published events an entity took part in, or that happened in it (a province and its districts)."""
    return public_events().involving(entity).order_by("date", "slug")


def latest_events_of(entity, limit):
    """The latest `limit` public events involving `entity`, in timeline order, and how many there are in all.

    The count is kept (`tally`) and chooses the query, as `events_citing` does: for an entity in a good part
    of the archive (the benchmark's busiest actor is in one event in 8), walk the timeline's index from the
    newest and stop at `limit`, testing each event with an index lookup, instead of gathering all its events
    (125,000 at a million) to sort them; for one in few events, gather them through its own indexes.
    """
    total = tally.entity_count(entity)
    events = public_events().order_by("-date", "-slug")
    if total * total > limit * tally.total():
        condition = Exists(Participation.objects.filter(event=OuterRef("pk"), entity=entity))
        if entity.kind == EntityKind.PLACE:
            condition |= Q(location__in=Entity.objects.pks_at(entity))
        latest = list(events.filter(condition)[:limit])
    else:
        latest = list(events.involving(entity)[:limit])
    return latest[::-1], total


def events_citing(source, limit):
    """The first `limit` public events citing `source`, in timeline order, and how many there are in all.

    The count is kept (`tally`). It also says which of two equal queries reads fewer rows, which SQLite,
    keeping no statistics, cannot tell: a source cited by few events is best read from the citation index
    and its events sorted; one cited by a good part of the archive (an ACLED import cites one source for
    each event) is best read by walking the timeline's index and stopping at `limit`, which meets a citing
    event every total/count rows. The first costs about `count` rows, the second `limit × total / count`.
    """
    total = tally.source_count(source)
    events = Event.objects.public().select_related("event_type").order_by("date", "slug")
    if total * total > limit * tally.total():
        cites = EventCitation.objects.filter(event=OuterRef("pk"), source=source)
        return list(events.filter(Exists(cites))[:limit]), total
    return list(events.filter(citing(source.key, EventCitation, "event"))[:limit]), total


def other_reports(events, *, preview=False):
    """Every report of the happenings `events` report (events linked as "same event as"), {happening: [events]},
    dates and titles only (each report is read in full on its own page).

    The links are found through the indexes first (reports naming these happenings by `same_as`, first reports
    by their slug), and only those few rows go through the public rule: an OR of the two across the public
    filter's joins scanned the events table (329 ms at 100,000 events on SQLite, against 2 ms).
    """
    happenings = {event.happening for event in events}
    if not happenings:
        return {}
    pks = set(Event.objects.filter(same_as__in=happenings).values_list("pk", flat=True))
    firsts = {event.same_as for event in events if event.same_as}
    if firsts:
        pks |= set(Event.objects.filter(slug__in=firsts).values_list("pk", flat=True))
    if not pks:
        return {}
    reports = {}
    linked = Event.objects.visible(preview=preview).filter(pk__in=pks | {event.pk for event in events})
    for event in linked.only("slug", "title", "same_as", "date", "date_precision", "status").order_by("date", "slug"):
        reports.setdefault(event.happening, []).append(event)
    return reports
