"""What changed, for readers: the published revisions of entities, their sections and statements, and events.

One rule says which revisions readers may see (`public_revisions`, in nrfsite/site/revisions.py with `scope`,
what a page takes in): one made while its item was published (and, for a section or a statement, while its
entity was too), of an item readers see now. A draft's
revisions, a change waiting for review (a `PendingChange` writes no revision until a reviewer publishes it)
and a deleted or unpublished item never show. Each revision is compared with the one readers saw before it
(the item's previous published revision) by the editors' own diff (`revision_changes`), once what readers
may not see is taken out of both (`_readable`): editors' notes, the markers of draft sources, the names of
draft entities. A revision that then changes nothing readers see (a review stamp) is not listed. Its note is
the reviewer's reason without the names of the people who acted (`public_note`).

The entity's and the event's changes pages, the recent changes page and its feed all read `changes_page`.
"""

import datetime
import functools
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from entities.models import Entity, Property, Section, Statement, section_anchor
from events.models import Event, EventType
from events.presenters import event_type_text
from nrfsite.core.dates import PartialDate
from nrfsite.core.fields import PartialDateFormField
from nrfsite.core.filters import FastSelect, reading_direction
from nrfsite.core.languages import CONTENT_LANGUAGE, reading_language
from nrfsite.core.markup import citation_keys, keep_citations
from nrfsite.core.translations import shown
from nrfsite.editorial.diff import is_bookkeeping, revision_changes
from nrfsite.site.filters import provinces
from nrfsite.site.revisions import KIND, Cursor, Kind, order, public_revisions, scope
from sources.citations import validate_markers
from sources.models import Source

PAGE_SIZE = 50
# Revisions that change nothing readers see (a review stamp) are skipped; a page reads at most this many
# batches of PAGE_SIZE to fill itself, so its query count is bounded whatever the history holds.
BATCHES = 3

# What editors read and readers do not (the public pages and the API leave them out): editors' notes, how
# often a text is due for review, and the slug a "same event as" link names, which may be a draft's (readers
# get that link only through `Event.objects.with_public_links`).
HIDDEN = frozenset({"note", "review_every", "same_as"})


# The reasons `nrfsite.editorial.services` writes name who acted ("Published by rahima", "Marked reviewed by
# rahima: checked"): readers get the why (the named group), never the who.
SERVICE_REASONS = (
    re.compile(r"Published by [^:]*"),
    re.compile(r"Unpublished by [^:]*"),
    re.compile(r"Published .*?'s change, reviewed by .*?(?:: (?P<note>.*))?", re.S),
    re.compile(r"Marked reviewed by [^:]*?(?:: (?P<note>.*))?", re.S),
    re.compile(r"Flagged by [^:]*?: (?P<note>.*)", re.S),
    re.compile(r"(?P<note>(?:Restored the revision of|Brought back from deletion, as of) .*?) \([^()]*\)", re.S),
)


def public_note(record):
    """The reason a revision records, as readers may read it: what the reviewer wrote, without who acted.

    The names of the revision's author are taken out of what a reviewer typed too ("checked by rahima"),
    whatever its case: editors' identities are private.
    """
    note = (record.history_change_reason or "").strip()
    for pattern in SERVICE_REASONS:
        if match := pattern.fullmatch(note):
            note = (match.group("note") if "note" in pattern.groupindex else None) or ""
            break
    user = record.history_user
    if user is not None:
        for name in {user.get_username().strip(), user.get_full_name().strip()}:
            if len(name) > 1:  # English, as the note around it is
                note = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", "an editor", note, flags=re.I)
    return note.strip()


class Name:
    """A row a revision names (its place, its property), as readers may read it: its public name, or that
    it is not public. The diff reads it as the revision's related object, so naming costs no query per row."""

    __slots__ = ("text",)

    def __init__(self):
        self.text = ""

    def __str__(self):
        return self.text


# How readers name each model a revision may point at, read from its public rows only.
NAMING = {
    Entity: (lambda: Entity.objects.public(), lambda entity: shown(entity, "name").text),
    Property: (lambda: Property.objects.all(), lambda prop: shown(prop, "label").text),
    EventType: (lambda: EventType.objects.select_related("parent"), event_type_text),
    Statement: (
        lambda: Statement.objects.public().select_related("subject", "property", "value_entity"),
        lambda s: f"{shown(s.subject, 'name').text} — {shown(s.property, 'label').text}: {s.value_display()}",
    ),
}


class Names(dict):
    """{(model, pk): Name}, filled in one query per model (`resolve`)."""

    def attach(self, kind, record):
        for model_field in kind.model._meta.concrete_fields:
            if not model_field.is_relation or is_bookkeeping(kind.model, model_field):
                continue
            pk = getattr(record, model_field.attname)
            if pk is not None:
                name = self.setdefault((model_field.related_model, pk), Name())
                record._meta.get_field(model_field.name).set_cached_value(record, name)

    def resolve(self):
        wanted = defaultdict(list)
        for model, pk in self:
            wanted[model].append(pk)
        for model, pks in wanted.items():
            rows, text = NAMING.get(model, (model._default_manager.none, str))
            for row in rows().filter(pk__in=pks):
                self[model, row.pk].text = text(row)
        for name in self.values():
            name.text = name.text or gettext("(not public)")


def _readable(pairs, names):
    """Take out of these revisions what readers may not see, before any diff reads them."""
    markup = defaultdict(list)
    for kind, record in pairs:
        for model_field in kind.model._meta.concrete_fields:
            if model_field.name in HIDDEN:
                setattr(record, model_field.attname, None)
            elif validate_markers in model_field.validators and getattr(record, model_field.attname):
                markup[kind].append((record, model_field.attname))
        names.attach(kind, record)
    texts = [getattr(record, attname) for fields in markup.values() for record, attname in fields]
    keys = {key for text in texts for key in citation_keys(text)}
    if keys:
        public = set(Source.objects.public().filter(key__in=keys).values_list("key", flat=True))
        for fields in markup.values():
            for record, attname in fields:
                setattr(record, attname, keep_citations(getattr(record, attname), public))


@dataclass(frozen=True)
class FieldView:
    """One changed field as a page shows it: the editors' `FieldChange`, and the attributes marking a text in
    another language than the page's (an English body on a Dari page, a Dari name on an English one)."""

    label: str
    diff: str
    attrs: str


@functools.cache
def _labelled(model, language):
    """{label: field} of `model` in `language`: which field a `FieldChange` (which has only its label) is of."""
    return {str(capfirst(f.verbose_name)): f for f in model._meta.concrete_fields}


def _fields(kind, previous, record):
    by_label = _labelled(kind.model, get_language())
    views = []
    for change in revision_changes(kind.model, previous, record):
        model_field = by_label.get(str(change.label))
        textual = isinstance(model_field, models.CharField | models.TextField) and not model_field.choices
        language = getattr(model_field, "language", CONTENT_LANGUAGE)
        attrs = ""
        if textual and language != reading_language():
            # Content is written in English or translated into Dari and Pashto, both right to left.
            attrs = format_html(' lang="{}" dir="{}"', language, "ltr" if language == CONTENT_LANGUAGE else "rtl")
        views.append(FieldView(change.label, change.diff, attrs))
    return views


@dataclass
class Change:
    """A published revision as readers read it: when, of what, which fields changed and how, and why."""

    kind: Kind
    record: object
    previous: object  # the revision readers saw before it; None: the item was first published then
    item: object = None  # the live row, as it is now
    fields: list = field(default_factory=list)

    @property
    def first(self):
        return self.previous is None

    @property
    def when(self):
        return self.record.history_date

    @functools.cached_property
    def date(self):
        """The day, in the reader's calendar and digits."""
        return PartialDate.from_date(timezone.localdate(self.when))

    @functools.cached_property
    def note(self):
        return public_note(self.record)

    @property
    def entity(self):
        """The entity whose page shows the item (None for an event)."""
        if self.kind.name == "section":
            return self.item.entity
        if self.kind.name == "statement":
            return self.item.subject
        return self.item if self.kind.name == "entity" else None

    @property
    def url(self):
        if self.kind.name == "event":
            return reverse("events:detail", args=[self.item.slug])
        page = reverse("entities:detail", args=[self.entity.slug])
        if self.kind.name == "section":
            return f"{page}#{section_anchor(self.item)}"
        return f"{page}#infobox" if self.kind.name == "statement" else page

    @property
    def changes_url(self):
        if self.kind.name == "event":
            return reverse("events:changes", args=[self.item.slug])
        return reverse("entities:changes", args=[self.entity.slug])

    @property
    def anchor(self):
        return f"change-{self.kind.name}-{self.record.history_id}"

    @property
    def title_text(self):
        """What changed, as plain text (a feed's title)."""
        item = self.item
        if self.kind.name == "event":
            return shown(item, "title").text
        if self.kind.name == "section":
            title = shown(item, "title").text if item.title else gettext("Introduction")
            return f"{shown(item.entity, 'name').text}: {title}"
        if self.kind.name == "statement":
            return f"{shown(item.subject, 'name').text}: {shown(item.property, 'label').text}"
        return shown(item, "name").text


@dataclass(frozen=True)
class ChangesPage:
    changes: list
    older: Cursor | None  # where the next page starts; None on the last page


LIVE = {
    "entity": lambda: Entity.objects.public(),
    "section": lambda: Section.objects.public().select_related("entity"),
    "statement": lambda: Statement.objects.public().select_related("subject", "property"),
    "event": lambda: Event.objects.public(),
}


def _candidates(parts, *, since, cursor, size):
    """The `size` newest public revisions after `cursor` of every kind in `parts`, and whether there are more."""
    pairs = []
    for name, part in parts.items():
        kind = KIND[name]
        revisions = public_revisions(kind, part).select_related("history_user")
        if since is not None:
            revisions = revisions.filter(history_date__gte=since)
        if cursor is not None:
            revisions = revisions.filter(cursor.older(kind))
        pairs += [(kind, record) for record in revisions[: size + 1]]
    pairs.sort(key=lambda pair: order(*pair), reverse=True)
    return pairs[:size], len(pairs) > size


def _previous(pairs):
    """{(kind name, history_id): revision}: the revisions these were made on, one query per kind."""
    wanted = defaultdict(set)
    for kind, record in pairs:
        if record.previous_id is not None:
            wanted[kind].add(record.previous_id)
    return {
        (kind.name, record.history_id): record
        for kind, ids in wanted.items()
        for record in kind.model.history.filter(history_id__in=ids)
    }


def changes_page(parts, *, since=None, cursor=None, size=PAGE_SIZE):
    """A page of the published changes `parts` (see `scope`) takes in, newest first, made on or after the
    datetime `since`, after `cursor`; in a bounded number of queries however many revisions it lists."""
    changes, names, more = [], Names(), True
    for _batch in range(BATCHES):
        pairs, more = _candidates(parts, since=since, cursor=cursor, size=size)
        previous = _previous(pairs)
        _readable([*pairs, *((KIND[name], record) for (name, _pk), record in previous.items())], names)
        for index, (kind, record) in enumerate(pairs):
            cursor = Cursor(record.history_date, kind.name, record.history_id)
            before = previous.get((kind.name, record.previous_id))
            if before is not None and not revision_changes(kind.model, before, record):
                continue  # only what readers do not see changed
            changes.append(Change(kind, record, before))
            if len(changes) == size:
                more = more or index < len(pairs) - 1
                break
        if len(changes) == size or not more:
            break
    names.resolve()
    wanted = defaultdict(set)
    for change in changes:
        wanted[change.kind.name].add(change.record.id)
    live = {(name, row.pk): row for name, pks in wanted.items() for row in LIVE[name]().filter(pk__in=pks)}
    shown_changes = []
    for change in changes:
        change.item = live.get((change.kind.name, change.record.id))
        if change.item is None:
            continue  # unpublished in the moment between the two reads
        if change.previous is not None:
            change.fields = _fields(change.kind, change.previous, change.record)
        shown_changes.append(change)
    return ChangesPage(shown_changes, cursor if more else None)


def parse_cursor(text):
    """The `?before=` of a changes page: a Cursor, None for none; ValidationError when it is not one."""
    if not text:
        return None
    try:
        return Cursor.parse(text[:60])
    except ValueError:
        raise ValidationError(gettext("This is not a link to a page of changes: start again from the newest.")) from None


class RecentChangesForm(forms.Form):
    """The recent changes page's filters. A value that names nothing public is an error that says so."""

    entity = forms.SlugField(
        label=_("Entity"),
        required=False,
        max_length=120,
        widget=reading_direction(forms.TextInput(attrs={"size": 18, "placeholder": "nrf"})),
    )
    event_type = forms.ModelChoiceField(
        label=_("Type"),
        queryset=EventType.objects.select_related("parent").order_by("parent__position", "position", "label"),
        to_field_name="slug",
        required=False,
        empty_label=_("any type"),
        widget=FastSelect,
    )
    province = forms.ModelChoiceField(
        label=_("Province"),
        queryset=provinces(),
        to_field_name="slug",
        required=False,
        empty_label=_("any province"),
        widget=FastSelect,
    )
    since = PartialDateFormField(
        label=_("Since"),
        required=False,
        help_text="",
        widget=reading_direction(forms.TextInput(attrs={"placeholder": _("2021-08-17 or Asad 1400"), "size": 14})),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event_type"].label_from_instance = event_type_text
        self.fields["province"].label_from_instance = lambda place: shown(place, "name").text

    def clean_entity(self):
        slug = self.cleaned_data["entity"]
        if not slug:
            return None
        entity = Entity.objects.public().filter(slug=slug).first()
        if entity is None:
            raise ValidationError(gettext("No entity has the address “%(slug)s”.") % {"slug": slug})
        return entity

    def filters(self):
        """(the `scope` of the valid filters, the datetime of `since`)."""
        data = self.cleaned_data
        since = data.get("since")
        start = None
        if since is not None:
            start = datetime.datetime.combine(since.value, datetime.time(), tzinfo=timezone.get_current_timezone())
        return scope(entity=data.get("entity"), event_type=data.get("event_type"), province=data.get("province")), start
