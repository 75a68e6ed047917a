"""What an entity page shows, computed in Python so templates only loop: infobox rows, sections, relations."""

import datetime
from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Prefetch, Q

from entities.models import Rank, Section, Statement, StatementCitation, ValueType
from nrfsite.dates import format_range
from nrfsite.markup import citation_keys, render
from nrfsite.workflow import Status
from sources.models import Source


def published_statements():
    """Published statements whose value and claimant are public too, with what a page shows of them."""
    return (
        Statement.objects.published()
        .filter(Q(value_entity__isnull=True) | Q(value_entity__status=Status.PUBLISHED))
        .select_related("subject", "property", "value_entity", "claimed_by")
        .prefetch_related(
            Prefetch("citations", queryset=StatementCitation.objects.select_related("source").order_by("pk"))
        )
    )


@dataclass
class StatementView:
    statement: object
    footnotes: list
    range: str
    contradicted: bool = False

    @property
    def deprecated(self):
        return self.statement.rank == Rank.DEPRECATED

    @property
    def certainty(self):
        return self.statement.certainty

    @property
    def claimed_by(self):
        return self.statement.claimed_by

    def __getattr__(self, name):
        return getattr(self.statement, name)


@dataclass
class InfoboxRow:
    property: object
    current: list = field(default_factory=list)
    deprecated: list = field(default_factory=list)

    @property
    def contested(self):
        return any(view.contradicted for view in self.current)


def _span(statement):
    start = statement.start_partial.value if statement.start else datetime.date.min
    end = statement.end_partial.last_day if statement.end else datetime.date.max
    return start, end


def _value(statement):
    return (statement.value_entity_id, statement.value_text, statement.quantity_low, statement.quantity_best,
            statement.quantity_high)


def contradictions(statements):
    """The statements that contradict another: same subject and single-valued property, overlapping dates,
    different values. Deprecated statements contradict nothing; one value ending the day the next begins is a
    handover, not a contradiction."""
    found = set()
    live = [s for s in statements if s.rank != Rank.DEPRECATED and not s.property.several_values]
    for index, first in enumerate(live):
        for second in live[index + 1:]:
            if (first.subject_id, first.property_id) != (second.subject_id, second.property_id):
                continue
            if _value(first) == _value(second):
                continue
            (a_start, a_end), (b_start, b_end) = _span(first), _span(second)
            handover = (first.end and second.start and a_end == b_start) or (second.end and first.start and b_end == a_start)
            if a_start <= b_end and b_start <= a_end and not handover:
                found.update((first.pk, second.pk))
    return found


def statement_range(statement, today):
    ongoing = statement.property.value_type != ValueType.QUANTITY and statement.rank != Rank.DEPRECATED
    return format_range(statement.start_partial, statement.end_partial, today=today, ongoing=ongoing)


def infobox(statements, references, today):
    """Rows in property order (infobox properties only), each with its current and deprecated values."""
    contradicted = contradictions(statements)
    shown = sorted(
        (s for s in statements if s.property.infobox_position is not None),
        key=lambda s: (s.property.infobox_position, s.property.slug, s.rank != Rank.PREFERRED,
                       s.start_partial.sort_key if s.start else (datetime.date.min,), s.pk),
    )
    rows = []
    for _property_id, group in groupby(shown, key=lambda s: s.property_id):
        group = list(group)
        row = InfoboxRow(group[0].property)
        for statement in group:
            view = StatementView(statement, references.cite_all(statement.citations.all()),
                                 statement_range(statement, today), statement.pk in contradicted)
            (row.deprecated if view.deprecated else row.current).append(view)
        rows.append(row)
    return rows


def other_statements(statements, references, today):
    """Statements outside the infobox (child of, member of when not listed), as a list."""
    return [
        StatementView(s, references.cite_all(s.citations.all()), statement_range(s, today))
        for s in statements if s.property.infobox_position is None
    ]


def inverse_statements(entity, references, today):
    """What others say with this entity as the value: "leader of NRF"."""
    statements = published_statements().filter(value_entity=entity, subject__status=Status.PUBLISHED).order_by(
        "property__infobox_position", "subject__name", "start"
    )
    return [StatementView(s, references.cite_all(s.citations.all()), statement_range(s, today)) for s in statements]


@dataclass
class SectionView:
    section: object
    html: str

    def __getattr__(self, name):
        return getattr(self.section, name)


def live_sections(entity):
    """Published sections, and for a section whose change awaits review, its last published revision."""
    current = list(Section.objects.filter(entity=entity))
    rows = [section for section in current if section.status == Status.PUBLISHED]
    pending = [section.pk for section in current if section.pending_review]
    if pending:
        seen = set()
        for record in Section.history.filter(id__in=pending, status=Status.PUBLISHED).order_by("id", "-history_date"):
            if record.id not in seen:
                seen.add(record.id)
                rows.append(record)
    return sorted(rows, key=lambda section: (section.position, section.title))


def sections(entity, references, *, preview=False):
    """The lead and sections in order, rendered with the page's footnotes (drafts too in an editor's preview)."""
    rows = list(Section.objects.filter(entity=entity).order_by("position", "title")) if preview else (
        live_sections(entity)
    )
    keys = {key for section in rows for key in citation_keys(section.body)}
    sources = {source.key: source for source in Source.objects.filter(key__in=keys)}
    cite = references.marker_callback(sources)
    return [SectionView(section, render(section.body, cite=cite)) for section in rows]
