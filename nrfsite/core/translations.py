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

import functools
import hashlib
import unicodedata

from django.db import models
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from nrfsite.core.dates import PartialDate
from nrfsite.core.languages import CONTENT_LANGUAGE, base_language, marked, marked_attrs, reading_language
from nrfsite.core.markup import clean_text

# The languages content is translated into, and their names in the admin's labels ("Name (Dari)").
TRANSLATION_LANGUAGES = {"prs": _("Dari"), "ps": _("Pashto")}
# A text quoted in its own language (a source's title as published) is translated into English too.
LANGUAGE_NAMES = {CONTENT_LANGUAGE: _("English"), **TRANSLATION_LANGUAGES}


HELP_TEXT = _("In {language}. Empty: not translated yet, and readers see the English.")


class TranslationField:
    """A model field holding the translation of the field named by its name's stem into `language`.

    Never required; not translated yet is NULL, however it is written ("" or spaces from a form or a CSV
    cell are stored as NULL), so there is one "empty". Nullable without a default, the column is added to a table
    of any size without rewriting it (SQLite included). Edited right to left and marked with its language."""

    def __init__(self, *args, language, **kwargs):
        self.language = language
        kwargs["null"] = kwargs["blank"] = True
        super().__init__(*args, **kwargs)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return None if isinstance(value, str) and not value.strip() else value

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


def english_hash_field():
    """`body_hash`: the fingerprint of the English text (`digest`), kept by every write, so a query can tell
    which translations were made from another English (the needs-attention queue)."""
    # Nullable, no default: added to a table of any size without rewriting it; a row written before it has
    # no translation yet, and gets its fingerprint with its next write.
    return models.CharField(verbose_name=_("English text's fingerprint"), max_length=16, null=True, blank=True, editable=False)


def basis_field(translation):
    """`body_prs_basis`: the fingerprint of the English the translation was made from."""
    return models.CharField(
        verbose_name=format_lazy(_("{} made from"), translation.verbose_name),
        max_length=16,
        null=True,
        blank=True,
        editable=False,
        help_text=_("The fingerprint of the English text this translation was made from: another one means it may be behind."),
    )


def english_date_field():
    """The day the English of a tracked text last changed: the D of "may be behind the English version of D"."""
    return models.DateField(verbose_name=_("English last changed on"), null=True, blank=True, editable=False)


def digest(text):
    """The fingerprint of an English text: 16 hex digits of the SHA-256 of its NFC form, stripped. A hash and
    not a revision number: it is the same in every database and in the CSV bundle, and an English text
    changed back makes its translations current again."""
    text = unicodedata.normalize("NFC", clean_text(text).strip())  # as stored: no NUL, no bidi override
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@functools.cache  # a model's fields are fixed once apps are loaded; the importer asks for every row
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


@functools.cache
def tracked_fields(model):
    """The translated texts whose translations can fall behind their English (those with a `<field>_hash`
    column): {"body": {"prs": "body_prs", "ps": "body_ps"}}."""
    names = {field.name for field in model._meta.concrete_fields}
    return {field: columns for field, columns in translated_fields(model).items() if f"{field}_hash" in names}


@functools.cache
def tracking_columns(model):
    """The columns `track_translations` writes."""
    columns = []
    for field, translations in tracked_fields(model).items():
        columns += [f"{field}_hash", *(f"{column}_basis" for column in translations.values())]
    return (*columns, "english_changed_on") if columns else ()


def track_translations(obj, before, today=None):
    """Keep the record of which English each translation of `obj` was made from, before a write.

    `before` holds the stored values ({attname: value}), None for a new row. The English's fingerprint
    follows the English; when it changes, `english_changed_on` is today (a new row has none: nothing is
    behind). A translation written now (new, or changed while its basis was left as it was) is made from
    the English it is saved with; a basis given with it (a CSV cell, a restored revision) is kept as given;
    no translation, no basis. Model.save() and the importer call this, so the admin, inlines, imports,
    publishing a pending change and restores agree. Returns the columns it may have changed."""
    today = today or timezone.localdate()
    tracked = tracked_fields(type(obj))
    for field, translations in tracked.items():
        fingerprint = digest(getattr(obj, field))
        setattr(obj, f"{field}_hash", fingerprint)
        # The English changed (and no other date came with the change, as a CSV cell): its translations' D.
        if (
            before is not None
            and digest(before.get(field)) != fingerprint
            and obj.english_changed_on == before.get("english_changed_on")
        ):
            obj.english_changed_on = today
        for column in translations.values():
            basis = f"{column}_basis"
            text = getattr(obj, column)
            if not text:
                setattr(obj, basis, None)
            elif before is None:
                if not getattr(obj, basis):
                    setattr(obj, basis, fingerprint)
            elif text != before.get(column) and getattr(obj, basis) == before.get(basis):
                setattr(obj, basis, fingerprint)
    return tracking_columns(type(obj))


def behind(obj, field, language):
    """Whether `obj`'s translation of `field` into `language` was made from another English than it has now."""
    if field not in tracked_fields(obj._meta.model):  # a row, a revision, or a view of one (its _meta is the row's)
        return False
    column = f"{field}_{language}"
    return bool(getattr(obj, column, None)) and getattr(obj, f"{column}_basis", None) != digest(getattr(obj, field))


def mark_current(obj):
    """Say that `obj`'s translations still say what its English says: each is made from the English of now."""
    for field, translations in tracked_fields(type(obj)).items():
        for column in translations.values():
            if getattr(obj, column):
                setattr(obj, f"{column}_basis", digest(getattr(obj, field)))


class TracksTranslations(models.Model):
    """A model whose translations may fall behind their English: it remembers the stored values and tracks
    the translations on every save (`track_translations`)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        columns = track_translations(self, getattr(self, "_stored", None))
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *columns}
        super().save(*args, **kwargs)
        self._stored = {f.attname: getattr(self, f.attname) for f in self._meta.concrete_fields}

    @classmethod
    def from_db(cls, db, field_names, values):
        obj = super().from_db(db, field_names, values)
        obj._stored = dict(zip(field_names, values, strict=True))
        return obj


class Shown:
    """A text in the reader's language or, untranslated, in English: `text` is the text; rendered (`{{ }}`,
    which calls str()) it is HTML that marks a fallback `<span lang="en" dir="ltr">`; `attrs` marks an
    element that holds only it."""

    __slots__ = ("behind_since", "language", "text", "wanted")

    def __init__(self, text, language, wanted, behind_since=None):
        self.text, self.language, self.wanted = text, language, wanted
        self.behind_since = behind_since  # a translation made from an older English: the English's date

    @property
    def behind(self):
        """A translation that may be behind its English (made from another version of it)."""
        return self.behind_since is not None

    @property
    def fallback(self):
        """Shown in English on a page in another language: not translated yet."""
        return self.language != self.wanted

    @property
    def attrs(self):
        return marked_attrs(self.language) if self.fallback else mark_safe("")

    @property
    def capfirst(self):
        return Shown(self.text[:1].upper() + self.text[1:], self.language, self.wanted, self.behind_since)

    def or_behind(self, other):
        """This text, said to be behind when `other` (another part of the same item) is."""
        if self.behind or not other.behind:
            return self
        return Shown(self.text, self.language, self.wanted, other.behind_since)

    def __html__(self):
        if self.fallback and self.text:
            return marked(self.text, self.language)
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
            since = None
            if behind(obj, field, wanted):  # the day the English changed, read in the reader's calendar
                since = PartialDate.from_date(getattr(obj, "english_changed_on", None) or timezone.localdate())
            return Shown(translated, wanted, wanted, since)
    return Shown(english, CONTENT_LANGUAGE, wanted)


def translation_for_reader(obj, field, original_language, language=None):
    """The translation of `obj.<field>`, a text quoted in `original_language` (a source's title as published),
    into the reader's language: "" when the reader reads the original's language or none is written."""
    wanted = reading_language(language)
    if base_language(original_language) == wanted:
        return ""
    return getattr(obj, f"{field}_{wanted}", None) or ""
