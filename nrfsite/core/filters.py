"""Filters the public lists share: a partial-date bound, and a fast <select>."""

import django_filters
from django import forms
from django.db.models import Q
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nrfsite.core.dates import Precision, period_starts
from nrfsite.core.fields import PartialDateFormField

TEXT_LIMIT = 200  # characters a text filter takes, as the search box does (nrfsite.site.views.search_view)


class TextFilter(django_filters.CharFilter):
    """A free-text filter of at most TEXT_LIMIT characters: a longer one is a form error ("at most 200
    characters"), never a query (a 100,000-character LIKE pattern is an error of SQLite: "pattern too complex")."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", TEXT_LIMIT)
        super().__init__(*args, **kwargs)
        self.extra["widget"] = reading_direction(self.extra.get("widget"))


def reading_direction(widget=None):
    """A text box that takes a name or a date in any script: `dir="auto"`, so "پنجشیر" is typed right to
    left in an English page and "Panjshir" left to right in a Dari one."""
    widget = widget or forms.TextInput()
    widget.attrs.setdefault("dir", "auto")
    return widget


def ends_on_or_after(field, day):
    """Q: rows whose partial date `field` (a path: "date", "participations__event__date") has a day on or after
    `day`: its period starts then or later, or it is a month or a year, of either calendar, that holds `day`.

    From the first day and the precision alone, which no calendar changes (see `nrfsite.core.dates`): the
    month-precision first days that hold 10 August 2021 are 1 August (Gregorian) and 23 July (1 Asad 1400),
    and no Gregorian month starts on a Solar Hijri month's first day, so none is mistaken for the other. The
    range on the date comes first, so the indexes that start with the date serve it.
    """
    starts = period_starts(day)
    earliest = min(first for firsts in starts.values() for first in firsts)
    return Q(**{f"{field}__gte": earliest}) & (
        Q(**{f"{field}__gte": day})
        | Q(**{f"{field}_precision": Precision.MONTH, f"{field}__in": starts[Precision.MONTH]})
        | Q(**{f"{field}_precision": Precision.YEAR, f"{field}__in": starts[Precision.YEAR]})
    )


def starts_on_or_before(field, day):
    """Q: rows whose partial date `field` has a day on or before `day`: its period starts then or earlier."""
    return Q(**{f"{field}__lte": day})


def overlapping(field, first=None, last=None):
    """Q: rows whose partial date `field` shares at least one day with the period of the PartialDates `first`
    to `last` (either may be None: open). The one rule of every date-range filter: "from 2021-08-01 to
    2021-08-31" finds "Asad 1400" (23 July – 22 August 2021) and "2021"; "from Sunbula 1400" (23 August 2021)
    does not find "Asad 1400"."""
    condition = Q()
    if first is not None:
        condition &= ends_on_or_after(field, first.value)
    if last is not None:
        condition &= starts_on_or_before(field, last.last_day)
    return condition


class PartialDateBoundFilter(django_filters.CharFilter):
    """One end of a date range, in any calendar (`overlapping`): "from 2021-08" keeps dates with a day on or after
    1 August 2021 ("2021" and "Asad 1400" too), "to 2021-08" those with a day on or before 31 August 2021."""

    field_class = PartialDateFormField  # the admin's date box: the same parsing, length limit and messages

    def __init__(self, *args, bound, start=None, **kwargs):
        self.bound = bound
        self.start = start  # for a "to" bound: the name of its "from" bound (`OrderedBounds`)
        kwargs.setdefault("lookup_expr", "gte" if bound == "from" else "lte")
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": gettext_lazy("2021-08-17 or Asad 1400"), "size": 14}))
        kwargs["widget"] = reading_direction(kwargs["widget"])
        kwargs.setdefault("help_text", "")
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        if self.distinct:
            qs = qs.distinct()
        bounds = {"first": value} if self.bound == "from" else {"last": value}
        return self.get_method(qs)(overlapping(self.field_name, **bounds))


class OrderedBounds:
    """A FilterSet mixin: a date range whose From falls after its To is a form error on the To box, which says
    so, instead of a list that is silently empty. One rule for every way the filterset is read (the page,
    its CSV, its feed, the API)."""

    def get_form_class(self):
        form_class = super().get_form_class()
        ranges = [
            (bound.start, name)
            for name, bound in self.filters.items()
            if isinstance(bound, PartialDateBoundFilter) and bound.start
        ]

        def clean(form):
            cleaned = form_class.clean(form)
            for start, end in ranges:
                first, last = cleaned.get(start), cleaned.get(end)
                if first and last and first.value > last.last_day:
                    message = _(
                        "%(to_label)s %(to)s comes before %(from_label)s %(from)s, so no date is in between: swap the "
                        "two dates, or clear one."
                    )
                    values = {"to_label": form.fields[end].label, "to": last, "from_label": form.fields[start].label}
                    form.add_error(end, message % {**values, "from": first})
            return cleaned

        return type(form_class.__name__, (form_class,), {"clean": clean}) if ranges else form_class


class YearFilter(django_filters.NumberFilter):
    """A year, 1 to 9999: what a date can hold. "0", "-1", "99999" or "1e5" are a form error, never a 500."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 9999)
        super().__init__(*args, **kwargs)


class FastSelect(forms.Select):
    """A <select> rendered in Python: Django's per-option templates cost ~0.1 ms an option, and the
    timeline's participant and place lists have hundreds."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(v) for v in (value if isinstance(value, list | tuple) else [value]) if v not in (None, "")}
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (str(option_value), " selected" if str(option_value) in selected else "", label)
                for option_value, label in self.choices
            ),
        )
        return format_html("<select{}>{}</select>", flatatt(final_attrs), options)
