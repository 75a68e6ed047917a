"""What an entity page shows, computed in Python so templates only loop: infobox rows, sections, relations."""

import datetime
from dataclasses import dataclass, field
from functools import partial
from itertools import groupby

from entities.models import Rank, Section, ValueType, section_anchor
from entities.rules import contradictions
from entities.selectors import live_sections, public_statements
from nrfsite.core.dates import format_range
from nrfsite.core.markup import citation_keys, render
from sources.models import Source
from sources.references import LazyHTML


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


def statement_range(statement, today):
    ongoing = statement.property.value_type != ValueType.QUANTITY and statement.rank != Rank.DEPRECATED
    return format_range(statement.start_partial, statement.end_partial, today=today, ongoing=ongoing)


def infobox(statements, references, today):
    """Rows in property order (infobox properties only), each with its current and deprecated values."""
    contradicted = contradictions(statements)
    shown = sorted(
        (s for s in statements if s.property.infobox_position is not None),
        key=lambda s: (
            s.property.infobox_position,
            s.property.slug,
            s.rank != Rank.PREFERRED,
            s.start_partial.sort_key if s.start else (datetime.date.min,),
            s.pk,
        ),
    )
    rows = []
    for _property_id, group in groupby(shown, key=lambda s: s.property_id):
        group = list(group)
        row = InfoboxRow(group[0].property)
        for statement in group:
            view = StatementView(
                statement,
                references.cite_all(statement.citations.all()),
                statement_range(statement, today),
                statement.pk in contradicted,
            )
            (row.deprecated if view.deprecated else row.current).append(view)
        rows.append(row)
    return rows


def other_statements(statements, references, today):
    """Statements outside the infobox (child of, member of when not listed), as a list."""
    return [
        StatementView(s, references.cite_all(s.citations.all()), statement_range(s, today))
        for s in statements
        if s.property.infobox_position is None
    ]


def inverse_statements(entity, references, today):
    """What others say with this entity as the value: "leader of NRF"."""
    statements = (
        public_statements().filter(value_entity=entity).order_by("property__infobox_position", "subject__name", "start")
    )
    return [StatementView(s, references.cite_all(s.citations.all()), statement_range(s, today)) for s in statements]


@dataclass
class SectionView:
    section: object  # a Section, or the last published revision of one
    html: LazyHTML  # rendered where the template shows it, so its footnotes number in reading order

    @property
    def anchor(self):
        return section_anchor(self.section)

    def __getattr__(self, name):
        return getattr(self.section, name)


def sections(entity, references, *, preview=False):
    """The lead and sections in order, rendered with the page's footnotes (drafts too in an editor's preview)."""
    rows = list(Section.objects.filter(entity=entity).order_by("position", "title")) if preview else (live_sections(entity))
    keys = {key for section in rows for key in citation_keys(section.body)}
    sources = {source.key: source for source in Source.objects.visible(preview=preview).filter(key__in=keys)}
    cite = references.marker_callback(sources)
    return [SectionView(section, LazyHTML(partial(render, section.body, cite=cite))) for section in rows]
