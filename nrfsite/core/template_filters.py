"""Filters every template has without `{% load %}` (settings.TEMPLATES' "builtins").

`{{ count|digits }}`: a number, or any text, in the reader's digits ("1234"; "۱۲۳۴" on a Dari or Pashto page),
by `nrfsite.core.numerals`, the one place that decides which digits a language writes.

`{{ text|content }}`: a text from the database inside a sentence of the interface, marked as the language it
is written in on a page in another language (`<span lang="en" dir="ltr">killed</span>` on a Dari page); as
it is on an English page. Elements that hold only such text take `{{ content_attrs }}` instead.

`{{ entity|shown:"name" }}`: a translated text (`nrfsite.core.translations`) in the reader's language, or,
not translated yet, in English marked `lang="en"`; `{% with t=event|shown:"title" %}` gives `t.attrs`,
`t.fallback` and `t.capfirst` too.
"""

from django import template
from django.utils.html import conditional_escape, format_html

from nrfsite.core import translations
from nrfsite.core.languages import base_language, marked, reading_language, reads_content_language
from nrfsite.core.numerals import local_digits

register = template.Library()


@register.filter
def digits(value):
    return local_digits(value)


@register.filter
def content(value):
    if reads_content_language():
        return conditional_escape(value)
    return marked(value)


@register.filter
def shown(obj, field):
    return translations.shown(obj, field)


@register.filter
def shown_text(obj, field):
    """The same text without its mark, for `<title>` and attributes."""
    return translations.shown(obj, field).text


@register.filter
def translated_quote(obj, field):
    """`{{ source|translated_quote:"title" }}`: the reader's translation of a text quoted in `obj.language`."""
    return translations.translation_for_reader(obj, field, getattr(obj, "language", ""))


@register.filter
def quoted(obj, field):
    """`{{ source|quoted:"title" }}`: a text quoted as written, in `obj.language`; isolated and marked with its
    language (`<bdi lang="prs">`) on a page in another language, as it is on a page in its own."""
    language = getattr(obj, "language", "") or ""
    text = getattr(obj, field)
    if not language or base_language(language) == reading_language():
        return conditional_escape(text)
    return format_html('<bdi lang="{}">{}</bdi>', language, text)
