"""Model and form fields for the primitives: a partial date stored as a date and its companion columns.

`PartialDateField("start")` keeps the first day of the period in `start` (a real
DateField, so it sorts, filters and indexes), and adds three companion columns,
`start_precision`, `start_circa` and `start_calendar` (`gregorian` or
`solar_hijri`: the calendar the date was written in, so "Asad 1400" stays a
Solar Hijri month). The attribute `start_partial` reads and writes them all as
one `PartialDate`; ModelForms (the admin) and the CSV importer use one text box
that parses "July 2021", "c. 2021" or "26 Asad 1400". The period's last day is
not stored: the date and its precision fix it (see `nrfsite.core.dates`).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nrfsite.core.dates import Calendar, PartialDate, PartialDateError, Precision, period_start

HELP_TEXT = gettext_lazy(
    'A date at its own precision: "2021", "July 2021", "17 August 2021", or in Solar Hijri "Asad 1400", '
    '"26 Asad 1400" or "1400-05-26 SH"; with "c." for an approximate one.'
)


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
        # The box shows what parses back to the same date, in any page's language ("26 Asad 1400 SH"), not the
        # reading form, which on a Dari page is two calendars at once.
        return value.input_text() if isinstance(value, PartialDate) else value

    def to_python(self, value):
        if isinstance(value, PartialDate):
            return value
        text = super().to_python(value)
        if len(text) > self.max_text_length:
            raise ValidationError(
                _("A date is at most %(limit)s characters; this has %(length)s.")
                % {"limit": self.max_text_length, "length": len(text)},
                code="max_length",
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


class CalendarField(_CompanionMixin, models.CharField):
    """The calendar a partial date was written in: Gregorian (also when there is no date) or Solar Hijri."""

    def __init__(self, *args, **kwargs):
        kwargs.update(max_length=11, default=Calendar.GREGORIAN, choices=Calendar.choices, editable=False)
        super().__init__(*args, **kwargs)


COMPANIONS = (("precision", PrecisionField), ("circa", CircaField), ("calendar", CalendarField))


class PartialDateField(models.DateField):
    """The first day of a partial date's period; see the module docstring."""

    def contribute_to_class(self, cls, name, **kwargs):
        super().contribute_to_class(cls, name, **kwargs)
        existing = {field.name for field in cls._meta.local_fields}
        for position, (suffix, field_class) in enumerate(COMPANIONS, start=1):
            # A model a migration renders ("__fake__") has the companions its migrations list, and no others:
            # adding `_calendar` there would put it in tables made before the migration that adds it.
            if f"{name}_{suffix}" not in existing and cls.__module__ != "__fake__":
                companion = field_class()
                # Keep the companions right behind the date in forms, migrations and history.
                companion.creation_counter = self.creation_counter + position / 10
                cls.add_to_class(f"{name}_{suffix}", companion)
        setattr(cls, f"{name}_partial", _partial_property(name))

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PartialDateFormField, **kwargs})

    def value_from_object(self, obj):
        return getattr(obj, f"{self.attname}_partial")

    def save_form_data(self, instance, data):
        setattr(instance, f"{self.attname}_partial", data)


def _partial_property(name):
    companions = [f"{name}_{suffix}" for suffix, _field in COMPANIONS]

    def get(instance):
        value = getattr(instance, name)
        if value is None:
            return None
        deferred = [field for field in companions if field not in instance.__dict__]
        if deferred := [field for field in deferred if hasattr(type(instance), field)]:  # not in an old migration
            # A queryset's `.only("date", "date_precision")`: load the rest in one query, not one each.
            instance.refresh_from_db(fields=deferred)
        precision = getattr(instance, f"{name}_precision") or Precision.DAY
        calendar = getattr(instance, f"{name}_calendar", None) or Calendar.GREGORIAN
        value = period_start(value, precision, calendar)  # a row written past the model: its period's first day
        return PartialDate(value, Precision(precision), getattr(instance, f"{name}_circa"), Calendar(calendar))

    def set(instance, partial):
        if isinstance(partial, str):
            partial = PartialDate.parse(partial) if partial.strip() else None
        setattr(instance, name, partial.value if partial else None)
        setattr(instance, f"{name}_precision", partial.precision.value if partial else "")
        setattr(instance, f"{name}_circa", partial.circa if partial else False)
        setattr(instance, f"{name}_calendar", partial.calendar.value if partial else Calendar.GREGORIAN.value)

    # A real `property`, so Model(start_partial=...) and factories accept it as a keyword.
    return property(get, set, doc=f"`{name}` as a PartialDate (date, precision, circa, calendar).")


def partial_date_constraints(*names):
    """Check constraints keeping each partial date's precision and calendar consistent with its date."""
    constraints = []
    for name in names:
        label = name.replace("_", " ").capitalize()
        constraints.append(
            models.CheckConstraint(
                condition=(
                    Q(**{f"{name}__isnull": True, f"{name}_precision": "", f"{name}_circa": False})
                    | Q(**{f"{name}__isnull": False, f"{name}_precision__in": Precision.values})
                ),
                name=f"%(app_label)s_%(class)s_{name}_precision",
                violation_error_message=f"{label}: a date needs a precision.",
            )
        )
        # Its own constraint, so adding the calendar added it and changed none: "gregorian" when there is no date,
        # so an empty date has one form, as its precision and circa do.
        constraints.append(
            models.CheckConstraint(
                condition=(
                    Q(**{f"{name}__isnull": True, f"{name}_calendar": Calendar.GREGORIAN})
                    | Q(**{f"{name}__isnull": False, f"{name}_calendar__in": Calendar.values})
                ),
                name=f"%(app_label)s_%(class)s_{name}_calendar",
                violation_error_message=f"{label}: a date's calendar is Gregorian or Solar Hijri.",
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
