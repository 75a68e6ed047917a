"""Filters every template has without `{% load %}` (settings.TEMPLATES' "builtins").

`{{ count|digits }}`: a number, or any text, in the reader's digits ("1234"; "۱۲۳۴" on a Dari or Pashto page),
by `nrfsite.core.numerals`, the one place that decides which digits a language writes.

`{{ text|content }}`: a text from the database inside a sentence of the interface, marked as the language it
is written in on a page in another language (`<span lang="en" dir="ltr">killed</span>` on a Dari page); as
it is on an English page. Elements that hold only such text take `{{ content_attrs }}` instead.
"""

from django import template
from django.utils.html import conditional_escape, format_html

from nrfsite.core.languages import CONTENT_LANGUAGE, reads_content_language
from nrfsite.core.numerals import local_digits

register = template.Library()


@register.filter
def digits(value):
    return local_digits(value)


@register.filter
def content(value):
    if reads_content_language():
        return conditional_escape(value)
    return format_html('<span lang="{}" dir="ltr">{}</span>', CONTENT_LANGUAGE, value)
