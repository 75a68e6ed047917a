"""Model and form fields for the primitives: a partial date stored as a column trio.

`PartialDateField("start")` keeps the first day of the period in `start` (a real
DateField, so it sorts, filters and indexes), and adds two companion columns,
`start_precision` and `start_circa`. The attribute `start_partial` reads and
writes all three as one `PartialDate`; ModelForms (the admin) and the CSV
importer use one text box that parses "July 2021" or "c. 2021".
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from nrfsite.core.dates import PartialDate, PartialDateError, Precision

HELP_TEXT = 'A date at its own precision: "2021", "July 2021", "17 August 2021", or with "c." for an approximate one.'


class PartialDateFormField(forms.CharField):
    """One text box for a partial date; cleans to a `PartialDate` or None."""

    max_text_length = 40

    def __init__(self, **kwargs):
        # The text length is checked in to_python: CharField's max_length
        # validator would run on the cleaned PartialDate, not on the text.
        kwargs.pop("max_length", None)
        kwargs.setdefault("help_text", HELP_TEXT)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"placeholder": "e.g. 17 August 2021", "size": 20, "maxlength": self.max_text_length}),
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return str(value) if isinstance(value, PartialDate) else value

    def to_python(self, value):
        if isinstance(value, PartialDate):
            return value
        text = super().to_python(value)
        if len(text) > self.max_text_length:
            raise ValidationError(
                f"A date is at most {self.max_text_length} characters; this has {len(text)}.", code="max_length"
            )
        try:
            return PartialDate.parse_optional(text)
        except PartialDateError as error:
            raise ValidationError(str(error), code="invalid_partial_date") from error


class _CompanionMixin:
    """A column a PartialDateField adds; skips itself when the column is already there.

    Migrations and django-simple-history list the companions explicitly beside
    the date field, so whichever of the two arrives second must not add it again.
    """

    def contribute_to_class(self, cls, name, **kwargs):
        if any(field.name == name for field in cls._meta.local_fields):
            return
        super().contribute_to_class(cls, name, **kwargs)


class PrecisionField(_CompanionMixin, models.CharField):
    """The precision column of a partial date: year, month, day, or empty when there is no date."""

    def __init__(self, *args, **kwargs):
        kwargs.update(max_length=5, blank=True, default="", choices=Precision.choices, editable=False)
        super().__init__(*args, **kwargs)


class CircaField(_CompanionMixin, models.BooleanField):
    """The "circa" flag of a partial date."""

    def __init__(self, *args, **kwargs):
        kwargs.update(default=False, editable=False)
        super().__init__(*args, **kwargs)


class PartialDateField(models.DateField):
    """The first day of a partial date's period; see the module docstring."""

    def contribute_to_class(self, cls, name, **kwargs):
        super().contribute_to_class(cls, name, **kwargs)
        existing = {field.name for field in cls._meta.local_fields}
        for suffix, field_class in (("precision", PrecisionField), ("circa", CircaField)):
            if f"{name}_{suffix}" not in existing:
                companion = field_class()
                # Keep the companions right behind the date in forms, migrations and history.
                companion.creation_counter = self.creation_counter + (0.1 if suffix == "precision" else 0.2)
                cls.add_to_class(f"{name}_{suffix}", companion)
        setattr(cls, f"{name}_partial", _partial_property(name))

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PartialDateFormField, **kwargs})

    def value_from_object(self, obj):
        return getattr(obj, f"{self.attname}_partial")

    def save_form_data(self, instance, data):
        setattr(instance, f"{self.attname}_partial", data)


def _partial_property(name):
    def get(instance):
        value = getattr(instance, name)
        if value is None:
            return None
        precision = getattr(instance, f"{name}_precision") or Precision.DAY
        if precision == Precision.YEAR:
            value = value.replace(month=1, day=1)
        elif precision == Precision.MONTH:
            value = value.replace(day=1)
        return PartialDate(value, Precision(precision), getattr(instance, f"{name}_circa"))

    def set(instance, partial):
        if isinstance(partial, str):
            partial = PartialDate.parse(partial) if partial.strip() else None
        setattr(instance, name, partial.value if partial else None)
        setattr(instance, f"{name}_precision", partial.precision.value if partial else "")
        setattr(instance, f"{name}_circa", partial.circa if partial else False)

    # A real `property`, so Model(start_partial=...) and factories accept it as a keyword.
    return property(get, set, doc=f"`{name}` as a PartialDate (date, precision, circa).")


def partial_date_constraints(*names):
    """Check constraints keeping each partial date's precision consistent with its date."""
    constraints = []
    for name in names:
        constraints.append(
            models.CheckConstraint(
                condition=(
                    Q(**{f"{name}__isnull": True, f"{name}_precision": "", f"{name}_circa": False})
                    | Q(**{f"{name}__isnull": False, f"{name}_precision__in": Precision.values})
                ),
                name=f"%(app_label)s_%(class)s_{name}_precision",
                violation_error_message=f"{name.replace('_', ' ').capitalize()}: a date needs a precision.",
            )
        )
    return constraints


def range_constraint(start, end, *, label):
    """A check constraint: the end's period does not begin before the start's."""
    return models.CheckConstraint(
        condition=Q(**{f"{start}__isnull": True}) | Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": models.F(start)}),
        name=f"%(app_label)s_%(class)s_{end}_not_before_{start}",
        violation_error_message=f"{label}: the end date is before the start date.",
    )
