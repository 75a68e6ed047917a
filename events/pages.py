"""What event pages and timelines show: dates at precision, participants by role, casualties, footnotes."""

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q

from entities.models import Entity
from events.models import Event, EventCitation, Participation, Role
from nrfsite.dates import format_range
from nrfsite.markup import citation_keys, render
from nrfsite.workflow import Status
from sources.models import Source

ROLE_ORDER = {role: index for index, role in enumerate(Role.values)}


def published_events(*, drafts=False):
    """Published events (all, for an editor's preview) with everything a timeline shows, in a fixed number of
    queries."""
    return (
        (Event.objects.all() if drafts else Event.objects.published())
        .select_related("event_type__parent", "location__parent", "claimed_by")
        .prefetch_related(
            Prefetch(
                "participations",
                queryset=Participation.objects.filter(entity__status=Status.PUBLISHED).select_related("entity"),
            ),
            Prefetch("citations", queryset=EventCitation.objects.select_related("source").order_by("pk")),
        )
    )


@dataclass
class EventView:
    event: object
    footnotes: list
    summary_html: str
    participants: list = field(default_factory=list)  # [(role label, [entities])]

    @property
    def date_text(self):
        if not self.event.end:
            return str(self.event.date_partial)
        return format_range(self.event.date_partial, self.event.end_partial)

    @property
    def casualties(self):
        low, high = self.event.fatalities_low, self.event.fatalities_high
        if low is None and high is None:
            return ""
        if low is not None and high is not None:
            figure = f"{low:,}" if low == high else f"{low:,}–{high:,}"
        else:
            figure = f"at least {low:,}" if low is not None else f"up to {high:,}"
        return f"{figure} killed"

    @property
    def certainty(self):
        return self.event.certainty

    @property
    def claimed_by(self):
        return self.event.claimed_by

    def __getattr__(self, name):
        return getattr(self.event, name)


def marker_sources(texts):
    keys = {key for text in texts for key in citation_keys(text)}
    return {source.key: source for source in Source.objects.filter(key__in=keys)} if keys else {}


def event_views(events, references):
    """Views of events in the given order, citing into the page's reference list."""
    events = list(events)
    cite = references.marker_callback(marker_sources(event.summary for event in events))
    views = []
    for event in events:
        summary = render(event.summary, cite=cite) if event.summary else ""
        footnotes = references.cite_all(event.citations.all())
        by_role = {}
        for participation in sorted(event.participations.all(), key=lambda p: (ROLE_ORDER[p.role], p.entity.name)):
            by_role.setdefault(Role(participation.role).label, []).append(participation.entity)
        views.append(EventView(event, footnotes, summary, list(by_role.items())))
    return views


def events_of(entity):
    """Published events an entity took part in, or that happened in it (a province and its districts)."""
    # A subquery instead of a join: no DISTINCT over every joined row, and each branch of the OR can use
    # its own index.
    condition = Q(pk__in=Participation.objects.filter(entity=entity).values("event_id"))
    if entity.kind == "place":
        places = Entity.objects.filter(Q(pk=entity.pk) | Q(parent=entity))
        condition |= Q(location__in=places.values("pk"))
    return published_events().filter(condition).order_by("date", "slug")
