"""Translated content: a text's Dari and Pashto translations are columns of its own row.

English stays in the original column (`name`, which every query, ordering, constraint, import and export
already uses); `name_prs = translation_of(name, "prs")` in a model's body adds its Dari translation beside it.
An empty translation is "not translated yet". A reader's page asks `shown(obj, "name")` for the text in the
page's language; when there is no translation it gets the English, marked as English (`lang="en"`), so the
page can say so. The revision history and the CSV bundle carry the translation columns like any other column.

Why no library (django-modeltranslation, django-parler; docs/translated-content.md): both switch the text on
the *active language*. modeltranslation rewrites queries and the field's descriptor by it: on a Dari page
`values_list("name")` became several columns and broke a UNION at once, `order_by("name")` sorts by the
untranslated (NULL) Dari column, and a model saved while Dari is active writes the Dari text into the English
column. parler moves the text to a second table, which our bulk importer, full-text index, keyset exports and
`Meta.ordering` cannot follow. What they add over these columns is exactly that switching; here English is
always the stored text and the page picks the translation explicitly, in this one function.
"""

from django.db import models
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from nrfsite.core.languages import CONTENT_LANGUAGE, reading_language

# The languages content is translated into, and their names in the admin's labels ("Name (Dari)").
TRANSLATION_LANGUAGES = {"prs": _("Dari"), "ps": _("Pashto")}
# A text quoted in its own language (a source's title as published) is translated into English too.
LANGUAGE_NAMES = {CONTENT_LANGUAGE: _("English"), **TRANSLATION_LANGUAGES}


HELP_TEXT = _("In {language}. Empty: not translated yet, and readers see the English.")


class TranslationField:
    """A model field holding the translation of the field named by its name's stem into `language`.

    Never required; not translated yet is NULL, however it is written ("" from a form or a CSV cell is
    stored as NULL), so there is one "empty". Nullable without a default, the column is added to a table
    of any size without rewriting it (SQLite included). Edited right to left and marked with its language."""

    def __init__(self, *args, language, **kwargs):
        self.language = language
        kwargs["null"] = kwargs["blank"] = True
        super().__init__(*args, **kwargs)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return None if value == "" else value

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("null"), kwargs.pop("blank")  # always: __init__ sets them
        return name, path, args, {**kwargs, "language": self.language}

    def formfield(self, **kwargs):
        formfield = super().formfield(**{"empty_value": None, **kwargs})
        formfield.widget.attrs.update({"lang": self.language, "dir": "rtl"})
        return formfield

    @property
    def translates(self):
        """The name of the field this one translates: "name" for `name_prs`."""
        return self.name.removesuffix(f"_{self.language}")


class TranslationCharField(TranslationField, models.CharField):
    pass


class TranslationTextField(TranslationField, models.TextField):
    pass


def translation_of(field, language):
    """The translation of a text field into `language`: `name_prs = translation_of(name, "prs")`.

    Same length limit and validators (a body's citation markers are checked the same way)."""
    cls = TranslationTextField if isinstance(field, models.TextField) else TranslationCharField
    kwargs = {"validators": field._validators} if field._validators else {}
    if cls is TranslationCharField:
        kwargs["max_length"] = field.max_length
    verbose_name = format_lazy("{} ({})", field.verbose_name, LANGUAGE_NAMES[language])
    help_text = format_lazy(HELP_TEXT, language=LANGUAGE_NAMES[language])
    return cls(verbose_name=verbose_name, help_text=help_text, language=language, **kwargs)


def translated_fields(model):
    """{"name": {"prs": "name_prs", "ps": "name_ps"}, …}: the model's translated texts and their columns.

    Works on a model's revision-history model too (simple-history copies the fields)."""
    fields = {}
    for field in model._meta.concrete_fields:
        if isinstance(field, TranslationField):
            fields.setdefault(field.translates, {})[field.language] = field.name
    return fields


def translation_fieldsets(*fields, languages=TRANSLATION_LANGUAGES):
    """The admin's fieldsets for the translations of `fields`: one per language, folded until opened."""
    return [
        (LANGUAGE_NAMES[language], {"fields": [f"{field}_{language}" for field in fields], "classes": ["collapse"]})
        for language in languages
    ]


class Shown:
    """A text in the reader's language or, untranslated, in English: `text` is the text; rendered (`{{ }}`,
    which calls str()) it is HTML that marks a fallback `<span lang="en" dir="ltr">`; `attrs` marks an
    element that holds only it."""

    __slots__ = ("language", "text", "wanted")

    def __init__(self, text, language, wanted):
        self.text, self.language, self.wanted = text, language, wanted

    @property
    def fallback(self):
        """Shown in English on a page in another language: not translated yet."""
        return self.language != self.wanted

    @property
    def attrs(self):
        if self.fallback:
            return format_html(' lang="{}" dir="ltr"', self.language)
        return mark_safe("")

    @property
    def capfirst(self):
        return Shown(self.text[:1].upper() + self.text[1:], self.language, self.wanted)

    def __html__(self):
        if self.fallback and self.text:
            return format_html('<span lang="{}" dir="ltr">{}</span>', self.language, self.text)
        return conditional_escape(self.text)

    __str__ = __html__  # Django's templates render str(value): the mark must be in it

    def __bool__(self):
        return bool(self.text)

    def __repr__(self):
        return f"Shown({self.text!r}, {self.language!r}, wanted={self.wanted!r})"


def shown(obj, field, language=None):
    """The text of `obj.<field>` for a reader of `language` (by default the page's): its translation when it
    has one, else the English. `obj` is a model row or one of its revisions."""
    wanted = reading_language(language)
    english = getattr(obj, field, None) or ""
    if wanted != CONTENT_LANGUAGE:
        translated = getattr(obj, f"{field}_{wanted}", None) or ""
        if translated.strip():
            return Shown(translated, wanted, wanted)
    return Shown(english, CONTENT_LANGUAGE, wanted)


def translation_for_reader(obj, field, original_language, language=None):
    """The translation of `obj.<field>`, a text quoted in `original_language` (a source's title as published),
    into the reader's language: "" when the reader reads the original's language or none is written."""
    wanted = reading_language(language)
    if (original_language or "").split("-")[0].lower() == wanted:
        return ""
    return getattr(obj, f"{field}_{wanted}", None) or ""
