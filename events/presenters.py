"""What event pages and timelines show: dates at precision, participants by role, casualties, footnotes."""

from dataclasses import dataclass, field
from functools import partial

from django.utils.translation import ngettext

from events.models import Role
from events.rules import dates_disagree
from events.selectors import other_reports
from nrfsite.core.dates import format_range
from nrfsite.core.markup import render
from nrfsite.core.translations import shown
from sources.corroboration import Corroboration
from sources.references import LazyHTML, marker_sources, sources_of

ROLE_ORDER = {role: index for index, role in enumerate(Role.values)}


@dataclass
class OtherReport:
    """Another report of the same happening (an Event, or on the event's own page its EventView, with its
    footnotes), and whether its date disagrees with this one's."""

    event: object
    dates_differ: bool


@dataclass
class EventView:
    event: object
    footnotes: list  # the citations that back the event as a whole
    summary_html: object  # a LazyHTML: rendered where the template shows it, numbering its footnotes there
    participants: list = field(default_factory=list)  # [(role label, [entities])]
    backing: dict = field(default_factory=dict)  # {"date": footnotes, "place": …}: citations of one part each
    same_happening: list = field(default_factory=list)  # other reports of this happening: [OtherReport]
    summary_text: object = None  # the summary shown (`translations.Shown`): in the reader's language, or English

    @property
    def part_cited(self):
        """Some citation backs a part (the date, the place): the event is sourced even with none for the whole."""
        return any(self.backing.values())

    @property
    def date_text(self):
        if not self.event.end:
            return str(self.event.date_partial)
        return format_range(self.event.date_partial, self.event.end_partial)

    @property
    def corroboration(self):
        return Corroboration.of(sources_of([*self.footnotes, *(f for part in self.backing.values() for f in part)]))

    @property
    def dates_differ(self):
        return any(other.dates_differ for other in self.same_happening)

    @property
    def casualties(self):
        """ "12 killed", "12–15 killed", "at least 12 killed", "up to 15 killed"; "" when no source gives a toll."""
        low, high = self.event.fatalities_low, self.event.fatalities_high
        figures = {"low": f"{low:,}" if low is not None else "", "high": f"{high:,}" if high is not None else ""}
        # A whole sentence for each way the sources give a toll, so a translator can order its words.
        if low is not None and high is not None:
            if low == high:
                return ngettext("%(low)s killed", "%(low)s killed", low) % figures
            return ngettext("%(low)s–%(high)s killed", "%(low)s–%(high)s killed", high) % figures
        if low is not None:
            return ngettext("at least %(low)s killed", "at least %(low)s killed", low) % figures
        if high is not None:
            return ngettext("up to %(high)s killed", "up to %(high)s killed", high) % figures
        return ""

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
    reports = other_reports(events, preview=preview)
    cite = references.marker_callback(marker_sources((event.summary for event in events), preview=preview))
    views = []
    for event in events:
        text = shown(event, "summary")  # a translation cites only what its English cites: the markers above
        summary = LazyHTML(partial(render, text.text, cite=cite)) if text else ""
        parts = references.cite_parts(event.citations.all())
        by_role = {}
        for participation in sorted(event.participations.all(), key=lambda p: (ROLE_ORDER[p.role], p.entity.name)):
            by_role.setdefault(Role(participation.role).label, []).append(participation.entity)
        others = [
            OtherReport(other, dates_disagree(event, other))
            for other in reports.get(event.happening, [])
            if other.pk != event.pk
        ]
        views.append(EventView(event, parts.pop("", []), summary, list(by_role.items()), parts, others, text))
    return views


def event_type_text(event_type):
    """ "Battles › Armed clash" in the reader's language where translated, as text (a feed's words); pages
    render `includes/event_type.html`, which marks each untranslated label as English."""
    labels = [event_type.parent, event_type] if event_type.parent_id else [event_type]
    return " › ".join(shown(kind, "label").text for kind in labels)
