"""Columns of a CSV shape: widgets that read and write one cell, and the helpers resources declare columns with.

Every widget reads a cell strictly (a bad cell raises ValueError with a sentence that quotes it) and writes
it back in the form it reads, so an export re-imports unchanged.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext
from import_export import resources, widgets

from nrfsite.core.dates import PartialDate
from nrfsite.core.markup import clean_text

LIST_SEPARATOR = ";"  # between the items of a multi-valued cell


class TextWidget(widgets.Widget):
    """Text as it is, minus NUL bytes and bidirectional overrides; an empty cell is an empty string."""

    def clean(self, value, row=None, **kwargs):
        return "" if value is None else clean_text(str(value))

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class TranslationWidget(TextWidget):
    """A translation (nrfsite.core.translations): an empty cell is "not translated yet", stored as NULL."""

    def clean(self, value, row=None, **kwargs):
        text = super().clean(value)
        return text if text.strip() else None


class IntegerWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip()
        if not value:
            return None
        try:
            return int(value)
        except ValueError:
            raise ValueError(gettext('"%(value)s" is not a whole number.') % {"value": value}) from None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class DecimalWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip().replace(",", "")
        if not value:
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise ValueError(gettext('"%(value)s" is not a number.') % {"value": value}) from None
        if not number.is_finite():
            raise ValueError(gettext('"%(value)s" is not a number.') % {"value": value})
        return number

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        text = f"{Decimal(value).normalize():f}"
        return text


class BooleanWidget(widgets.Widget):
    TRUE = {"true", "1", "yes", "y"}
    FALSE = {"false", "0", "no", "n", ""}

    def clean(self, value, row=None, **kwargs):
        text = (value or "").strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValueError(gettext('"%(value)s" is not true or false.') % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return "true" if value else "false"


class DateWidget(widgets.Widget):
    """A full date, as YYYY-MM-DD."""

    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip()
        if not value:
            return None
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise ValueError(gettext('"%(value)s" is not a date in the form YYYY-MM-DD.') % {"value": value}) from None

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class PartialDateWidget(widgets.Widget):
    """A partial date: "2021", "2021-08", "17 August 2021", "c. 2021"; exported in ISO form."""

    def clean(self, value, row=None, **kwargs):
        return PartialDate.parse_optional(value)  # a PartialDateError is a ValueError: the row reports it

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class KeyWidget(widgets.Widget):
    """A foreign key by natural key (slug or source key), resolved through a map loaded once per import."""

    def __init__(self, model, field="slug", *, instances=False, **kwargs):
        super().__init__(**kwargs)
        self.model = model
        self.field = field
        self.instances = instances  # keep whole objects, for models whose clean() reads the related row
        self._map = None

    def reset(self):
        self._map = None

    def mapping(self):
        if self._map is None:
            queryset = self.model._default_manager.all()
            if self.instances:
                self._map = {getattr(obj, self.field): obj for obj in queryset}
            else:
                self._map = dict(queryset.values_list(self.field, "pk"))
        return self._map

    def add(self, key, obj):
        self.mapping()[key] = obj if self.instances else obj.pk

    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip()
        if not value:
            return None
        try:
            return self.mapping()[value]
        except KeyError:
            message = gettext('No %(model)s with %(field)s "%(value)s".')
            raise ValueError(message % {"model": self.model._meta.verbose_name, "field": self.field, "value": value}) from None

    def render(self, value, obj=None, **kwargs):
        return getattr(value, self.field) if value is not None else ""


def text(attribute, column=None):
    return resources.Field(attribute=attribute, column_name=column or attribute, widget=TextWidget())


def translation(attribute):
    return resources.Field(attribute=attribute, column_name=attribute, widget=TranslationWidget())


def integer(attribute):
    return resources.Field(attribute=attribute, column_name=attribute, widget=IntegerWidget())


def decimal(attribute):
    return resources.Field(attribute=attribute, column_name=attribute, widget=DecimalWidget())


def boolean(attribute):
    return resources.Field(attribute=attribute, column_name=attribute, widget=BooleanWidget())


def date(attribute):
    return resources.Field(attribute=attribute, column_name=attribute, widget=DateWidget())


def partial_date(name):
    """The column `name` holding a PartialDateField's trio (`name_partial` on the model)."""
    return resources.Field(attribute=f"{name}_partial", column_name=name, widget=PartialDateWidget())


def ref(attribute, model, field="slug", **kwargs):
    return resources.Field(attribute=attribute, column_name=attribute, widget=KeyWidget(model, field, **kwargs))
