"""Filters the public lists share: a partial-date bound, and a fast <select>."""

import django_filters
from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join

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


class PartialDateBoundFilter(django_filters.CharFilter):
    """ "from 2021-08" keeps dates on or after 1 August 2021; "to 2021-08" those on or before 31 August 2021."""

    field_class = PartialDateFormField  # the admin's date box: the same parsing, length limit and messages

    def __init__(self, *args, bound, start=None, **kwargs):
        self.bound = bound
        self.start = start  # for a "to" bound: the name of its "from" bound (`OrderedBounds`)
        kwargs.setdefault("lookup_expr", "gte" if bound == "from" else "lte")
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": "2021, 2021-08 or 2021-08-17", "size": 14}))
        kwargs["widget"] = reading_direction(kwargs["widget"])
        kwargs.setdefault("help_text", "")
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return super().filter(qs, value.value if self.bound == "from" else value.last_day)


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
                    form.add_error(
                        end,
                        f"{form.fields[end].label} {last} comes before {form.fields[start].label} {first}, so no "
                        "date is in between: swap the two dates, or clear one.",
                    )
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
