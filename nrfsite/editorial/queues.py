"""What needs an editor's attention: the queues of the admin dashboard, each item with why it is listed.

The queues are a registry: the generic ones (flagged, review overdue, "as of" aged, drafts) are built
here for any Reviewable or Publishable model, and each app registers the queues of its own models in
its AppConfig.ready() (`entities/queues.py`, `events/queues.py`, `sources/queues.py`), including queues
only it can compute (uncited statements, stale claims…). The dashboard lists them by urgency.

Every queue is a function of `today`, so tests pin the date. Ageing rules:
- review overdue: last reviewed (or, never reviewed, created) more than its review interval ago;
- "as of" aged: the end of the `as_of` period is more than its review interval ago, and the item has not
  been reviewed within it (a review takes it off the queue until it ages again): `Reviewable.aged_as_of`.
The interval is `review_interval`: the item's `review_every`, or for a statement its property's. Both queues
list the most overdue first.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from nrfsite.core.dates import PartialDate, how_long
from nrfsite.core.translations import LANGUAGE_NAMES, behind, tracked_fields
from nrfsite.editorial.diff import person
from nrfsite.editorial.models import PendingChange, SetAside

SHOWN_PER_BUCKET = 5
SET_ASIDE_DAYS = (30, 90, 365)  # the choices an editor has for how long an item stays off a queue

# Urgency: the dashboard's order, most urgent first; queues of one urgency keep their registration order.
FLAGGED, AS_OF_AGED, REVIEW_DUE, CONTRADICTED, UNCITED, STALE_CLAIM, DRAFT, UNARCHIVED = range(10, 90, 10)
PENDING = DRAFT - 5  # a change to a published item waits: just before the drafts
BEHIND = REVIEW_DUE + 5  # a translation made from an older English: after the reviews due


@dataclass
class Item:
    obj: object
    why: str


@dataclass
class Bucket:
    """One queue as it stands today: its items, most pressing first."""

    key: str
    title: str
    model: type
    items: list = field(default_factory=list)
    set_aside: int = 0  # items an editor took off this queue for now (`SetAside`), not in `items`

    @property
    def count(self):
        return len(self.items)

    @property
    def pks(self):
        return [item.obj.pk for item in self.items]

    @property
    def url(self):
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist") + f"?attention={self.key}"

    @property
    def shown(self):
        return self.items[:SHOWN_PER_BUCKET]


@dataclass(frozen=True)
class Queue:
    key: str
    title: str
    model: type
    build: callable  # today -> [Item]
    urgency: int
    order: int


_queues = {}


def lazy_format(message, **values):
    """`message % values` in the language of whoever reads it: queues are registered once, at start-up, and
    their titles are read on every page, in its language (`message` and the values may be lazy strings)."""
    return _lazy_interpolate(message, values)


_lazy_interpolate = lazy(lambda message, values: str(message) % values, str)


def register(key, *, model, title, build, urgency):
    """Add a queue: `build(today)` returns its items. Registering a key again replaces it."""
    order = _queues[key].order if key in _queues else len(_queues)
    _queues[key] = Queue(key, title, model, build, urgency, order)


def registered():
    return sorted(_queues.values(), key=lambda queue: (queue.urgency, queue.order))


def _bucket(queue, today):
    """The queue's items today, less those an editor has set aside until a later day (one query)."""
    items = queue.build(today)
    aside = set(
        SetAside.objects.current(today)
        .filter(queue=queue.key, content_type=ContentType.objects.get_for_model(queue.model))
        .values_list("object_id", flat=True)
    )
    kept = [item for item in items if item.obj.pk not in aside]
    return Bucket(queue.key, queue.title, queue.model, kept, set_aside=len(items) - len(kept))


def set_aside(key, objs, *, days, reason, user, today=None):
    """Take `objs` off queue `key` for `days` days, with the editor's reason: a set-aside item comes back by
    itself after that. Setting one aside again moves its day. Returns how many items were set aside."""
    queue = _queues[key]
    today = today or datetime.date.today()
    content_type = ContentType.objects.get_for_model(queue.model)
    listed = {item.obj.pk for item in queue.build(today)}
    until = today + datetime.timedelta(days=days)
    done = 0
    for obj in objs:
        if obj.pk not in listed:
            continue  # not on the queue: nothing to set aside
        SetAside.objects.update_or_create(
            queue=key,
            content_type=content_type,
            object_id=obj.pk,
            defaults={"label": str(obj)[:300], "until": until, "reason": reason, "by": user},
        )
        done += 1
    return done


def buckets(today=None, *, models=None):
    """Every queue (of the given models), most urgent first; empty queues included."""
    today = today or datetime.date.today()
    return [_bucket(queue, today) for queue in registered() if models is None or queue.model in models]


def bucket(key, today=None):
    queue = _queues.get(key)
    return _bucket(queue, today or datetime.date.today()) if queue else None


def for_model(model):
    """The queue keys and titles that list this model, for its changelist filter."""
    return [(queue.key, queue.title) for queue in registered() if queue.model is model]


# Generic queues -------------------------------------------------------------------


def days_ago(value, today):
    return (today - value).days


def _review_overdue_days(obj, today):
    """How many days past its review interval an item is (0 or less: not due); never reviewed counts from
    its creation."""
    last = obj.reviewed_on or obj.created_at.date()
    return days_ago(last, today) - obj.review_interval


def flagged(model, related=()):
    def build(today):
        queryset = model.objects.filter(needs_update=True).order_by("flagged_on", "pk").select_related(*related)
        return [
            Item(
                obj,
                gettext("flagged %(date)s: %(reason)s")
                % {
                    "date": obj.flagged_on_partial or gettext("undated"),
                    "reason": obj.update_reason or gettext("no reason given"),
                },
            )
            for obj in queryset
        ]

    return build


def _most_overdue_first(found):
    """[(days overdue, Item)] as the queue lists them: the most overdue first (a stable sort: ties in the
    order found)."""
    return [item for _days, item in sorted(found, key=lambda pair: -pair[0])]


def review_overdue(model, related=()):
    """Items whose review interval (`review_interval`: a statement's is its property's) has passed since
    they were last reviewed, the most overdue first."""

    def build(today):
        found = []
        for obj in model.objects.filter(needs_update=False).select_related(*related).order_by("reviewed_on", "pk"):
            overdue = _review_overdue_days(obj, today)
            if overdue > 0:
                since = (
                    gettext("last reviewed %(date)s") % {"date": date_format(obj.reviewed_on, "j F Y")}
                    if obj.reviewed_on
                    else gettext("never reviewed")
                )
                why = gettext("%(since)s; to be checked every %(interval)s, %(overdue)s overdue") % {
                    "since": since,
                    "interval": how_long(obj.review_interval),
                    "overdue": how_long(overdue),
                }
                found.append((overdue, Item(obj, why)))
        return _most_overdue_first(found)

    return build


def as_of_aged(model, related=()):
    """Items whose "as of" date is older than their review interval (`Reviewable.aged_as_of`, the rule the
    public pages mark "as of" by), the most overdue first."""

    def build(today):
        found = []
        for obj in model.objects.filter(as_of__isnull=False).select_related(*related).order_by("as_of", "pk"):
            if (as_of := obj.aged_as_of(today)) is not None:
                overdue = days_ago(as_of.last_day, today) - obj.review_interval
                why = gettext("as of %(date)s: older than %(interval)s, %(overdue)s overdue") % {
                    "date": as_of,
                    "interval": how_long(obj.review_interval),
                    "overdue": how_long(overdue),
                }
                found.append((overdue, Item(obj, why)))
        return _most_overdue_first(found)

    return build


def drafts(model, related=()):
    def build(today):
        queryset = model.objects.drafts().order_by("-updated_at").select_related(*related)
        return [
            Item(obj, gettext("draft, last changed %(date)s") % {"date": date_format(obj.updated_at, "j F Y")})
            for obj in queryset
        ]

    return build


def pending_changes(model, related=()):
    def build(today):
        changes = {
            change.object_id: change
            for change in PendingChange.objects.waiting()
            .filter(content_type__app_label=model._meta.app_label, content_type__model=model._meta.model_name)
            .select_related("author")
        }
        objs = model.objects.filter(pk__in=changes).select_related(*related)
        return [
            Item(
                obj,
                gettext("%(author)s changed it on %(date)s")
                % {"author": _author(changes[obj.pk]), "date": date_format(changes[obj.pk].updated_at, "j F Y")},
            )
            for obj in sorted(objs, key=lambda obj: changes[obj.pk].updated_at)
        ]

    return build


def _author(change):
    return person(change.author) if change.author else gettext("a deleted user")


def register_review_queues(model, label, *, related=()):
    """The three queues of a Reviewable model: flagged, "as of" aged, review overdue.

    `label` names the items in the titles ("Sections"): pass a lazy translation (`gettext_lazy`), as the
    titles are put into words when a page shows them, in its language."""
    name = model._meta.model_name
    register(
        f"flagged-{name}",
        model=model,
        title=lazy_format(_("%(items)s flagged as needing an update"), items=label),
        build=flagged(model, related),
        urgency=FLAGGED,
    )
    register(
        f"asof-{name}",
        model=model,
        title=lazy_format(_("%(items)s whose “as of” date has aged"), items=label),
        build=as_of_aged(model, related),
        urgency=AS_OF_AGED,
    )
    register(
        f"review-{name}",
        model=model,
        title=lazy_format(_("%(items)s due for review"), items=label),
        build=review_overdue(model, related),
        urgency=REVIEW_DUE,
    )


def register_draft_queue(model, label, *, related=()):
    """The queues of a Publishable model waiting for a reviewer: changes to published items, and drafts.

    `label` names the items in the titles ("Sources"), a lazy translation as for `register_review_queues`."""
    register(
        f"pending-{model._meta.model_name}",
        model=model,
        title=lazy_format(_("%(items)s: published, with changes pending review"), items=label),
        build=pending_changes(model, related),
        urgency=PENDING,
    )
    register(
        f"draft-{model._meta.model_name}",
        model=model,
        title=lazy_format(_("%(items)s waiting for review (drafts)"), items=label),
        build=drafts(model, related),
        urgency=DRAFT,
    )


def translations_behind(model, related=()):
    """Items with a translation made from an older English (`translations.behind`): the query finds each row
    whose translation's basis is not its English's fingerprint; longest behind first."""

    def build(today):
        condition = Q()
        for text, columns in tracked_fields(model).items():
            for column in columns.values():
                made_from = Q(**{f"{column}_basis__isnull": True}) | ~Q(**{f"{column}_basis": F(f"{text}_hash")})
                condition |= Q(**{f"{column}__isnull": False}) & made_from
        queryset = model.objects.filter(condition).select_related(*related).order_by("english_changed_on", "pk")
        items = []
        for obj in queryset:
            languages = [
                str(LANGUAGE_NAMES[language])
                for language in dict.fromkeys(
                    language
                    for text, columns in tracked_fields(model).items()
                    for language in columns
                    if behind(obj, text, language)
                )
            ]
            if languages:  # the fingerprint column is of a write before tracking: the English decides
                since = PartialDate.from_date(obj.english_changed_on) if obj.english_changed_on else gettext("undated")
                items.append(
                    Item(
                        obj,
                        gettext("%(languages)s behind the English of %(date)s")
                        % {"languages": ", ".join(languages), "date": since},
                    )
                )
        return items

    return build


def register_translation_queue(model, label, *, related=()):
    """The queue of a model's items whose translations may be behind their English (MediaWiki's "outdated
    translations"); `label` names the items, a lazy translation as for `register_review_queues`."""
    register(
        f"behind-{model._meta.model_name}",
        model=model,
        title=lazy_format(_("%(items)s with translations behind the English"), items=label),
        build=translations_behind(model, related),
        urgency=BEHIND,
    )
