"""Public statements as Wikidata QuickStatements (version 1), so an editor can give sourced facts to Wikidata.

One tab-separated line per statement: the subject's item, the property's Wikidata property
(`Property.wikidata_property`, data and not code), the value, the qualifiers P580 (start time) and P582
(end time) at the date's own precision (/9 year, /10 month, /11 day), P1480 Q5727902 ("circa") for an
approximate date, and every reference: S854 reference URL, S248 stated in, S577 publication date and
S813 retrieved; a second reference starts with `!S`.

Only what the public sees is exported (`public_statements()`: published statements of public entities,
citations of published sources). A statement that cannot be said in QuickStatements is never dropped
in silence: `export()` returns it among `skipped`, with the reason an editor can act on.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext

from entities.models import Rank, Statement, ValueType
from entities.selectors import public_statements
from nrfsite.core.certainty import Certainty
from nrfsite.core.dates import PartialDate, Precision
from sources.models import Stance

CIRCA = ("P1480", "Q5727902")  # sourcing circumstances: circa
REFERENCE_STANCES = (Stance.SUPPORTS, Stance.REPORTS)
UNSAFE_IN_STRING = ("\t", "\n", "\r", '"')
_PRECISION = {Precision.YEAR: 9, Precision.MONTH: 10, Precision.DAY: 11}


class Unexportable(Exception):
    """Why a statement cannot be said in QuickStatements, in words an editor can act on."""


@dataclass
class Skipped:
    statement: Statement
    reason: str


@dataclass
class Export:
    lines: list = field(default_factory=list)
    skipped: list = field(default_factory=list)

    def text(self):
        return "".join(f"{line}\n" for line in self.lines)


def time_value(value):
    """A partial date (or a `datetime.date`) as a QuickStatements time: "+2021-08-00T00:00:00Z/10"."""
    if not isinstance(value, PartialDate):
        value = PartialDate.from_date(value)
    value = value.gregorian()  # Wikidata's times are Gregorian: an SH month is the Gregorian period holding it
    day = value.value
    month = f"{day.month:02d}" if value.precision != Precision.YEAR else "00"
    day_of_month = f"{day.day:02d}" if value.precision == Precision.DAY else "00"
    return f"+{day.year:04d}-{month}-{day_of_month}T00:00:00Z/{_PRECISION[value.precision]}"


def number(value):
    """A decimal without exponent or trailing zeros: Decimal("5000.0000") → "5000"."""
    return format(Decimal(value).normalize(), "f")


def quoted(text, what):
    if any(char in text for char in UNSAFE_IN_STRING):
        raise Unexportable(
            gettext("%(what)s holds a tab, a line break or a double quote, which QuickStatements cannot carry.")
            % {"what": what}
        )
    return f'"{text}"'


def value_of(statement):
    if statement.value_type == ValueType.ENTITY:
        entity = statement.value_entity
        if not entity.wikidata_id:
            raise Unexportable(gettext('The value "%(name)s" has no Wikidata id.') % {"name": entity.name})
        return entity.wikidata_id
    if statement.value_type == ValueType.TEXT:
        return quoted(statement.value_text, gettext("The text"))
    low, best, high = statement.quantity_low, statement.quantity_best, statement.quantity_high
    if best is None:
        raise Unexportable(gettext("The quantity has no best figure; QuickStatements needs one and we invent none."))
    if low is None and high is None:
        return number(best)
    if low is not None and high is not None and best - low == high - best:
        return f"{number(best)}~{number(best - low)}"
    raise Unexportable(
        f"The range {number(low) if low is not None else '?'}–{number(high) if high is not None else '?'} is not "
        f"symmetric around {number(best)}; QuickStatements can carry a figure ± a tolerance only."
    )


def qualifiers(statement):
    parts, start, end = [], statement.start_partial, statement.end_partial
    if start:
        parts += ["P580", time_value(start)]
    if end:
        parts += ["P582", time_value(end)]
    if any(date and date.circa for date in (start, end)):
        parts += list(CIRCA)
    return parts


def reference(source):
    """One reference block for a source, [] when Wikidata could not follow it (no URL, no item)."""
    parts = []
    if source.url:
        parts += ["S854", quoted(source.url.replace('"', "%22"), gettext("The URL"))]
    if source.wikidata_id:
        parts += ["S248", source.wikidata_id]
    if not parts:
        return []
    if source.published_on:
        parts += ["S577", time_value(source.published_on_partial)]
    if source.url and source.accessed_on:
        parts += ["S813", time_value(source.accessed_on)]
    return parts


def references(statement):
    supporting = [c for c in statement.citations.all() if c.stance in REFERENCE_STANCES]
    if not supporting:
        raise Unexportable(gettext("No public citation supports it (a disputing or denying source is not a reference)."))
    blocks, seen = [], set()
    for citation in supporting:
        if citation.source_id in seen:
            continue
        seen.add(citation.source_id)
        block = reference(citation.source)
        if block:
            block[0] = block[0] if not blocks else f"!{block[0]}"
            blocks.append(block)
    if not blocks:
        raise Unexportable(gettext("None of its sources has a URL or a Wikidata item, so Wikidata could not follow them."))
    return [part for block in blocks for part in block]


def check_kind(statement, plain):
    wikidata_property = statement.property.wikidata_property
    if not wikidata_property:
        raise Unexportable(
            gettext('"%(property)s" has no Wikidata property: set one on the property.')
            % {"property": statement.property.label}
        )
    if statement.pk in plain:
        return wikidata_property
    if statement.rank == Rank.DEPRECATED:
        raise Unexportable(gettext("It is deprecated: editors prefer another statement of the same fact."))
    if statement.certainty == Certainty.CLAIMED:
        raise Unexportable(
            f"It is {statement.claimed_by.name}'s claim: QuickStatements cannot say whose; add it by hand with its qualifier."
        )
    raise Unexportable(
        gettext("It is %(certainty)s: Wikidata takes what its references support; word it by hand.")
        % {"certainty": statement.get_certainty_display()}
    )


def statements(entities=None):
    """The public statements of public entities that carry a Wikidata id, optionally of `entities` only."""
    queryset = public_statements().exclude(subject__wikidata_id="")
    if entities is not None:
        queryset = queryset.filter(subject__in=entities)
    return queryset.order_by("subject__name", "subject__pk", "property__slug", "start", "key")


def export(entities=None):
    """QuickStatements lines for the public statements (see the module docstring) and what was skipped, why."""
    result, said = Export(), {}
    queryset = statements(entities)
    plain = set(queryset.plain_facts().values_list("pk", flat=True))
    for statement in queryset:
        try:
            wikidata_property = check_kind(statement, plain)
            value = value_of(statement)
            claim = (statement.subject.wikidata_id, wikidata_property, value)
            if claim in said:
                raise Unexportable(
                    f"QuickStatements would merge it into the statement of the same value ({said[claim]}): add it "
                    "by hand as a second statement."
                )
            line = [*claim, *qualifiers(statement), *references(statement)]
        except Unexportable as reason:
            result.skipped.append(Skipped(statement, str(reason)))
            continue
        said[claim] = statement.key
        result.lines.append("\t".join(line))
    return result
