"""Domain rules about statements that pages and queues both apply."""

import datetime

from entities.models import Rank


def _span(statement):
    start = statement.start_partial.value if statement.start else datetime.date.min
    end = statement.end_partial.last_day if statement.end else datetime.date.max
    return start, end


def pairs(statements, key):
    """Every pair of statements that share `key`: grouped first, so the work grows with each group, not the whole list."""
    groups = {}
    for statement in statements:
        groups.setdefault(key(statement), []).append(statement)
    for group in groups.values():
        for index, first in enumerate(group):
            for second in group[index + 1 :]:
                yield first, second


def value_of(statement):
    """What a statement says, for comparing two: equal values are the same fact, however often it is stated."""
    return (
        statement.value_entity_id,
        statement.value_text,
        statement.quantity_low,
        statement.quantity_best,
        statement.quantity_high,
    )


def contradictions(statements):
    """The statements that contradict another: same subject and single-valued property, overlapping dates,
    different values. Deprecated statements contradict nothing; one value ending the day the next begins is a
    handover, not a contradiction."""
    found = set()
    live = [s for s in statements if s.rank != Rank.DEPRECATED and not s.property.several_values]
    for first, second in pairs(live, lambda s: (s.subject_id, s.property_id)):
        if value_of(first) == value_of(second):
            continue
        (a_start, a_end), (b_start, b_end) = _span(first), _span(second)
        handover = (first.end and second.start and a_end == b_start) or (second.end and first.start and b_end == a_start)
        if a_start <= b_end and b_start <= a_end and not handover:
            found.update((first.pk, second.pk))
    return found


def compatible(first, second):
    """Two partial dates that can name the same day: "2021" and "6 September 2021" can, 6 and 23 September cannot."""
    return first.value <= second.last_day and second.value <= first.last_day


def date_contradictions(statements):
    """The statements that give one value incompatible dates: the same subject, property and value, both with a
    start (or both with an end) that cannot name the same day ("6 September 2021" and "23 November 2021"), of a
    single-valued property. A several-valued one (active regions) may hold a value for several periods: the page
    shows it once, from its earliest start to its latest end."""
    found = set()
    live = [s for s in statements if s.rank != Rank.DEPRECATED and not s.property.several_values]
    for first, second in pairs(live, lambda s: (s.subject_id, s.property_id, value_of(s))):
        starts_differ = first.start and second.start and not compatible(first.start_partial, second.start_partial)
        ends_differ = first.end and second.end and not compatible(first.end_partial, second.end_partial)
        if starts_differ or ends_differ:
            found.update((first.pk, second.pk))
    return found


def contradicted(statements):
    """The statements that contradict another in value or in dates: what pages show side by side."""
    return contradictions(statements) | date_contradictions(statements)
