"""What an entity page shows, computed in Python so templates only loop: infobox rows, sections, relations."""

import datetime
from dataclasses import dataclass, field
from functools import partial
from itertools import groupby

from django.utils.translation import gettext

from entities.models import Rank, Section, ValueType, section_anchor
from entities.rules import contradicted as contradicted_statements
from entities.rules import value_of
from entities.selectors import live_sections, public_statements, rank_decisions
from nrfsite.core.dates import format_range
from nrfsite.core.markup import citation_keys, render
from nrfsite.core.translations import shown
from sources.corroboration import Corroboration
from sources.references import LazyHTML, marker_sources, sources_of


@dataclass
class StatementView:
    """One value as a page shows it; `statements` are every statement of that value it stands for."""

    statement: object
    footnotes: list  # the citations of the value (or of the statement as a whole)
    range: str
    contradicted: bool = False
    statements: list = field(default_factory=list)
    date_footnotes: list = field(default_factory=list)  # the citations of its start or end, shown beside the dates
    superseded: list = field(default_factory=list)  # views of the statements editors preferred this one to
    decided: tuple = ()  # (when, username) the editors' preference was recorded
    stale_as_of: object = None  # the "as of" date readers are shown, when it is older than the fact's interval

    @property
    def resolution(self):
        """Editors preferred this value to others the sources give, and said why."""
        return bool(self.superseded) and bool(self.statement.rank_reason)

    @property
    def deprecated(self):
        return self.statement.rank == Rank.DEPRECATED

    @property
    def corroboration(self):
        return Corroboration.of(sources_of([*self.footnotes, *self.date_footnotes]))

    @property
    def notes(self):
        """The editors' notes of every statement shown here, once each."""
        return list(dict.fromkeys(s.note for s in self.statements or [self.statement] if s.note))

    @property
    def certainty(self):
        return self.statement.certainty

    @property
    def claimed_by(self):
        return self.statement.claimed_by

    def __getattr__(self, name):
        return getattr(self.statement, name)


SHOWN_VALUES = 5  # an infobox row shows this many values and folds the rest ("and 14 more")


@dataclass
class InfoboxRow:
    property: object
    current: list = field(default_factory=list)
    deprecated: list = field(default_factory=list)

    @property
    def contested(self):
        return any(view.contradicted for view in self.current)

    @property
    def shown(self):
        """The values the row shows at once: all of a contested row (its accounts stand side by side)."""
        return self.current if self.contested else self.current[:SHOWN_VALUES]

    @property
    def more(self):
        """The values folded behind "and N more": a phone showed the NRF's infobox 3,800 pixels tall."""
        return [] if self.contested else self.current[SHOWN_VALUES:]


def cite_statements(references, statements):
    """The footnotes of statements shown as one value: (the value's, the dates'), each citation once in each.

    A citation that backs only the start or the end stands beside the dates; one that names no part, or the
    value, beside the value.
    """
    value, dates = [], []
    for statement in statements:
        for citation in statement.citations.all():
            backed = citation.backed()
            if not backed or "value" in backed:
                value.append(references.cite_row(citation))
            if "start" in backed or "end" in backed:
                dates.append(references.cite_row(citation))
    return value, dates


def view_of(statement, references, today):
    footnotes, date_footnotes = cite_statements(references, [statement])
    return StatementView(
        statement,
        footnotes,
        statement_range(statement, today),
        date_footnotes=date_footnotes,
        stale_as_of=stale_as_of([statement], today),
    )


def stale_as_of(statements, today):
    """The "as of" date a value is marked with: the latest of its statements' when every one of them that has
    an "as of" has aged past its interval (`Reviewable.aged_as_of`); None when one is still current."""
    dated = [s for s in statements if s.as_of is not None]
    aged = [s.aged_as_of(today) for s in dated]
    if not dated or None in aged:
        return None
    return max(aged, key=lambda date: date.sort_key)


def statement_range(statement, today):
    return statements_range([statement], today)


def statements_range(statements, today):
    """The earliest start and the latest end the statements give ("2021 – August 2024"); no end if one has none."""
    first = statements[0]
    starts = [s.start_partial for s in statements if s.start]
    ends = [s.end_partial for s in statements if s.end]
    start = min(starts, key=lambda date: date.sort_key) if starts else None
    end = max(ends, key=lambda date: date.sort_key) if ends and len(ends) == len(statements) else None
    ongoing = first.property.value_type != ValueType.QUANTITY and first.rank != Rank.DEPRECATED
    return format_range(start, end, today=today, ongoing=ongoing)


def same_fact(statement):
    """Statements shown as one value: equal value, rank, certainty and claimant."""
    return (value_of(statement), statement.rank == Rank.DEPRECATED, statement.certainty, statement.claimed_by_id)


def infobox(statements, references, today):
    """Rows in property order (infobox properties only), each with its current and deprecated values."""
    contradicted = contradicted_statements(statements)
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
        facts = {}  # one value stated several times is shown once, with all its footnotes
        for statement in group:
            # Statements that contradict another stay apart, so readers see each value with its own dates.
            key = (same_fact(statement), statement.pk if statement.pk in contradicted else None)
            facts.setdefault(key, []).append(statement)
        for statements in facts.values():
            footnotes, date_footnotes = cite_statements(references, statements)
            view = StatementView(
                statements[0],
                footnotes,
                statements_range(statements, today),
                any(s.pk in contradicted for s in statements),
                statements,
                date_footnotes,
                stale_as_of=stale_as_of(statements, today),
            )
            (row.deprecated if view.deprecated else row.current).append(view)
        attach_resolutions(row)
        rows.append(row)
    decisions = rank_decisions([view.statement for row in rows for view in row.current if view.resolution])
    for view in (view for row in rows for view in row.current if view.resolution):
        view.decided = decisions.get(view.statement.pk, ())
    return rows


def attach_resolutions(row):
    """A deprecated value that names the value editors prefer to it is shown beside that one, not under
    "Superseded": readers see both values, their footnotes, and why editors prefer one."""
    by_statement = {s.pk: view for view in row.current for s in view.statements}
    kept = []
    for view in row.deprecated:
        preferred = by_statement.get(view.statement.superseded_by_id)
        (preferred.superseded if preferred is not None else kept).append(view)
    row.deprecated = kept


def other_statements(statements, references, today):
    """Statements outside the infobox (child of, member of when not listed), as a list."""
    return [view_of(s, references, today) for s in statements if s.property.infobox_position is None]


def inverse_statements(entity, references, today):
    """What others say with this entity as the value: "leader of NRF"."""
    statements = (
        public_statements().filter(value_entity=entity).order_by("property__infobox_position", "subject__name", "start")
    )
    return [view_of(s, references, today) for s in statements]


@dataclass
class SectionView:
    section: object  # a Section, or the last published revision of one
    html: LazyHTML  # rendered where the template shows it, so its footnotes number in reading order
    text: object = None  # the body shown (`translations.Shown`): in the reader's language, or English

    @property
    def anchor(self):
        return section_anchor(self.section)

    def __getattr__(self, name):
        return getattr(self.section, name)


def sections(entity, references, *, preview=False):
    """The lead and sections in order, rendered with the page's footnotes (drafts too in an editor's preview)."""
    rows = list(Section.objects.filter(entity=entity).order_by("position", "title")) if preview else (live_sections(entity))
    cite = references.marker_callback(marker_sources((section.body for section in rows), preview=preview))
    # A translation cites only what its English cites (sources.citations.translation_marker_errors), so the
    # English markers fetch every source and the footnotes number as the reader's text cites them.
    views = []
    for section in rows:
        body = shown(section, "body").or_behind(shown(section, "title"))
        views.append(SectionView(section, LazyHTML(partial(render, body.text, cite=cite)), body))
    return views


CONTENTS_AFTER = 3  # a page with more titled sections than this gets a table of contents (as MediaWiki does)


def contents(parts):
    """The page's table of contents, [(anchor, title)], from its parts (`EntityDetailView.page_parts` and what
    the site adds): its titled sections, then the fixed parts it has. Empty for a page of few sections."""
    titled = [(section.anchor, shown(section, "title")) for section in parts["sections"] if section.title]
    if len(titled) <= CONTENTS_AFTER:
        return []
    fixed = [
        ("related-heading", gettext("Related"), parts.get("other_statements") or parts.get("inverse_statements")),
        ("places-heading", gettext("Places"), parts.get("places")),
        ("timeline-heading", gettext("Timeline"), parts.get("events")),
        # The sections' footnotes are numbered as the template renders them, after this: their markers count.
        (
            "references-heading",
            gettext("References"),
            parts["references"].entries or any(citation_keys(s.body) for s in parts["sections"]),
        ),
    ]
    return titled + [(anchor, title) for anchor, title, present in fixed if present]
