"""Check constraints evaluated in Python, so an import checks every row without a query."""

from django.db.models import CheckConstraint, F, Q
from django.db.models.constants import LOOKUP_SEP


def _value(obj, name):
    if name == "pk":
        return obj.pk
    field = obj._meta.get_field(name)
    return getattr(obj, field.attname)


def _lookup(obj, key, expected):
    name, _, lookup = key.partition(LOOKUP_SEP)
    actual = _value(obj, name)
    lookup = lookup or "exact"
    if lookup == "isnull":
        return (actual is None) == expected
    if lookup == "exact" and expected is None:
        return actual is None  # Django turns `field=None` into IS NULL
    if isinstance(expected, F):
        expected = _value(obj, expected.name)
    if lookup == "exact":
        return None if actual is None or expected is None else actual == expected
    if lookup == "in":
        return actual in expected
    if actual is None or expected is None:
        return None  # SQL's unknown: a comparison with NULL passes a check constraint
    return {"gte": actual >= expected, "lte": actual <= expected, "gt": actual > expected, "lt": actual < expected}[lookup]


def evaluate(q, obj):
    """A check constraint's condition evaluated on an unsaved object, with SQL's three-valued logic.

    Covers the lookups our constraints use (exact, isnull, in, gt/gte/lt/lte,
    F() of the same row), so an import checks every row without a query.
    """
    results = []
    for child in q.children:
        results.append(evaluate(child, obj) if isinstance(child, Q) else _lookup(obj, *child))
    if q.connector == Q.AND:
        value = False if False in results else (None if None in results else True)
    else:
        value = True if True in results else (None if None in results else False)
    if q.negated and value is not None:
        value = not value
    return value


def check_constraints(obj):
    """The violation messages of every check constraint the object breaks."""
    messages = []
    for constraint in obj._meta.constraints:
        if isinstance(constraint, CheckConstraint) and evaluate(constraint.condition, obj) is False:
            messages.append(constraint.get_violation_error_message())
    return messages
