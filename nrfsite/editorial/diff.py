"""Readable differences between two versions of an item, and who made a revision: for the history, its compare
page and edit conflicts.

A text reads as a word diff: `word_diff("Old text.", "Old text, now longer.")` is
`Old <del>text.</del> <ins>text, now longer.</ins>`, every word escaped. A revision's other values read as
an editor typed them ("September 2022", "yes", the entity's name), and the fields that only keep the books
(ids, versions, timestamps, who published) are left out: `BOOKKEEPING`, plus what apps register.
"""

import datetime
import difflib
from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext

from nrfsite.core.fields import PartialDateField

# Unchanged words kept on each side of a change in a revision's diff; the rest of a long unchanged run is "…".
CONTEXT_WORDS = 8

# Fields every content model may have that a revision records but no editor writes: the row's version,
# its timestamps, who published it and when, and the review stamp ("Marked reviewed by …" is the revision's
# reason). Primary keys and fields an editor cannot edit (a partial date's precision and circa columns, read
# as part of the date; a statement's value type, derived from its property) are left out too.
BOOKKEEPING = frozenset({"version", "created_at", "updated_at", "published_at", "published_by", "reviewed_on", "reviewed_by"})

_bookkeeping = {}  # model -> the names an app registered beside BOOKKEEPING


def register_bookkeeping(model, *names):
    """Leave `names` of `model` (and of its subclasses) out of its history and compare pages; call in `ready()`."""
    _bookkeeping.setdefault(model, set()).update(names)


def is_bookkeeping(model, field):
    """True for a field a revision records but an editor does not write (see BOOKKEEPING)."""
    if field.primary_key or not field.editable or field.name in BOOKKEEPING:
        return True
    return any(field.name in _bookkeeping.get(cls, ()) for cls in model.__mro__)


def word_diff(old, new, *, context=None):
    """An HTML word diff of two texts (escaped): deletions in <del>, insertions in <ins>.

    With `context`, a run of unchanged words longer than that on each side of a change is cut to "…"
    (a changed word is never cut).
    """
    old, new = str(old or ""), str(new or "")
    old_words, new_words = old.split(), new.split()
    if old_words == new_words:
        return format_html("<em>{}</em>", gettext("only spacing or line breaks changed")) if old != new else format_html("")
    opcodes = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False).get_opcodes()
    parts = []
    for index, (op, a1, a2, b1, b2) in enumerate(opcodes):
        if op == "equal":
            parts += _unchanged(old_words[a1:a2], context, leading=index == 0, trailing=index == len(opcodes) - 1)
            continue
        if a2 > a1:
            parts.append(format_html("<del>{}</del>", " ".join(old_words[a1:a2])))
        if b2 > b1:
            parts.append(format_html("<ins>{}</ins>", " ".join(new_words[b1:b2])))
    return format_html_join(" ", "{}", ((part,) for part in parts))


def _unchanged(words, context, *, leading, trailing):
    """A run of unchanged words, cut to `context` words beside the changes around it."""
    keep_before = 0 if leading else context  # the words just after the change before the run
    keep_after = 0 if trailing else context  # the words just before the change after it
    if context is None or len(words) <= keep_before + keep_after + 2:  # cutting one or two words helps no one
        return [format_html("{}", " ".join(words))]
    before, after = words[:keep_before], words[len(words) - keep_after :]
    hidden = len(words) - len(before) - len(after)
    gap = format_html(
        '<span class="diff-gap">…<span class="visually-hidden"> ({}) </span></span>',
        ngettext("%(count)d unchanged word", "%(count)d unchanged words", hidden) % {"count": hidden},
    )
    return [
        *([format_html("{}", " ".join(before))] if before else []),
        gap,
        *([format_html("{}", " ".join(after))] if after else []),
    ]


def value_diff(old, new):
    """Two values that are not text (a date, a choice, a name, yes/no): the whole value removed and added."""
    parts = [format_html("<del>{}</del>", old)] if old else []
    parts += [format_html("<ins>{}</ins>", new)] if new else []
    return format_html_join(" ", "{}", ((part,) for part in parts))


@dataclass(frozen=True)
class FieldChange:
    """One field that differs between two revisions: its label, both values as read, and their diff."""

    label: str
    old: str
    new: str
    diff: SafeString


def revision_changes(model, older, newer, *, context=CONTEXT_WORDS):
    """[FieldChange] for the fields an editor writes that differ from revision `older` to `newer` of `model`."""
    if older is None or newer is None:
        return []
    changes = []
    for field in model._meta.concrete_fields:
        if is_bookkeeping(model, field) or not hasattr(newer, field.attname):
            continue
        if field.value_from_object(older) == field.value_from_object(newer):
            continue
        old, new = shown(field, older), shown(field, newer)
        textual = isinstance(field, models.CharField | models.TextField) and not field.choices
        diff = word_diff(old, new, context=context) if textual else value_diff(old, new)
        changes.append(FieldChange(capfirst(field.verbose_name), old, new, diff))
    return changes


def shown(field, record):
    """A field of a revision as an editor reads it: a date at its precision, a choice's label, a name; "" if empty."""
    if isinstance(field, PartialDateField):
        value = field.value_from_object(record)
        return str(value) if value else ""
    if field.is_relation:
        related_id = getattr(record, field.attname)
        if related_id is None:
            return ""
        try:
            return str(getattr(record, field.name))
        except ObjectDoesNotExist:
            return gettext("#%(id)s (deleted since)") % {"id": related_id}
    value = getattr(record, field.attname)
    if value is None or value == "":
        return ""
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "j F Y H:i")
    if isinstance(value, datetime.date):
        return date_format(value, "j F Y")
    return str(value)


def revision_author(record):
    """Who made a revision: the user's name. Without a user there was no signed-in request: a command-line
    import (every import command records why: "Seed dataset", "CSV import: bundle/events.csv"), or else the
    system (a script, a data migration)."""
    user = record.history_user
    if user is not None:
        return person(user)
    return gettext("a command-line import") if record.history_change_reason else gettext("the system")


def person(user):
    """How the editorial pages name a user: the full name, or the username when there is none."""
    return user.get_full_name() or user.get_username()


def rows_changes(live, proposed):
    """[(file, row label, column, live, proposed, html diff)] between two {file: [{column: cell}]} snapshots.

    The first file is the item's own: its one row is compared with its one row. Children's rows are
    matched by their key (their first three cells: parent, then source, locator; name, language; or
    entity, role); a row only one side has is shown against nothing.
    """
    changes = []
    for index, file_name in enumerate(dict.fromkeys([*live, *proposed])):
        old_by, new_by = _keyed(live.get(file_name, []), index), _keyed(proposed.get(file_name, []), index)
        for key in dict.fromkeys([*old_by, *new_by]):
            old, new = old_by.get(key, {}), new_by.get(key, {})
            for column in dict.fromkeys([*old, *new]):
                a, b = old.get(column, ""), new.get(column, "")
                if a != b:
                    changes.append((file_name, key, column, a, b, word_diff(a, b)))
    return changes


def _keyed(rows, index):
    if index == 0:
        return {"": rows[0]} if rows else {}
    return {" · ".join(cell for cell in list(row.values())[:3] if cell): row for row in rows}
