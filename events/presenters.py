"""What event pages and timelines show: dates at precision, participants by role, casualties, footnotes."""

from dataclasses import dataclass, field
from functools import partial

from events.models import Role
from nrfsite.core.dates import format_range
from nrfsite.core.markup import render
from sources.corroboration import Corroboration
from sources.references import LazyHTML, marker_sources, sources_of

ROLE_ORDER = {role: index for index, role in enumerate(Role.values)}


@dataclass
class EventView:
    event: object
    footnotes: list
    summary_html: object  # a LazyHTML: rendered where the template shows it, numbering its footnotes there
    participants: list = field(default_factory=list)  # [(role label, [entities])]

    @property
    def date_text(self):
        if not self.event.end:
            return str(self.event.date_partial)
        return format_range(self.event.date_partial, self.event.end_partial)

    @property
    def corroboration(self):
        return Corroboration.of(sources_of(self.footnotes))

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


def event_views(events, references, *, preview=False):
    """Views of events in the given order, citing into the page's reference list."""
    events = list(events)
    cite = references.marker_callback(marker_sources((event.summary for event in events), preview=preview))
    views = []
    for event in events:
        summary = LazyHTML(partial(render, event.summary, cite=cite)) if event.summary else ""
        footnotes = references.cite_all(event.citations.all())
        by_role = {}
        for participation in sorted(event.participations.all(), key=lambda p: (ROLE_ORDER[p.role], p.entity.name)):
            by_role.setdefault(Role(participation.role).label, []).append(participation.entity)
        views.append(EventView(event, footnotes, summary, list(by_role.items())))
    return views
