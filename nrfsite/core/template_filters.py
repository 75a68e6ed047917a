"""Filters every template has without `{% load %}` (settings.TEMPLATES' "builtins").

`{{ count|digits }}`: a number, or any text, in the reader's digits ("1234"; "۱۲۳۴" on a Dari or Pashto page),
by `nrfsite.core.numerals`, the one place that decides which digits a language writes.
"""

from django import template

from nrfsite.core.numerals import local_digits

register = template.Library()


@register.filter
def digits(value):
    return local_digits(value)
