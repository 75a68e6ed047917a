"""Domain rules about statements that pages and queues both apply."""

import datetime

from entities.models import Rank


def _span(statement):
    start = statement.start_partial.value if statement.start else datetime.date.min
    end = statement.end_partial.last_day if statement.end else datetime.date.max
    return start, end


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
    for index, first in enumerate(live):
        for second in live[index + 1 :]:
            if (first.subject_id, first.property_id) != (second.subject_id, second.property_id):
                continue
            if value_of(first) == value_of(second):
                continue
            (a_start, a_end), (b_start, b_end) = _span(first), _span(second)
            handover = (first.end and second.start and a_end == b_start) or (second.end and first.start and b_end == a_start)
            if a_start <= b_end and b_start <= a_end and not handover:
                found.update((first.pk, second.pk))
    return found
