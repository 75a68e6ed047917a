"""What needs an editor's attention: the queues of the admin dashboard, each item with why it is listed.

Every bucket is a function of `today`, so tests pin the date. Ageing rules:
- review overdue: last reviewed (or, never reviewed, created) more than `review_every` days ago;
- "as of" aged: the end of the `as_of` period is more than `review_every` days ago, and the item has not
  been reviewed within `review_every` days (a review takes it off the queue until it ages again);
- unconfirmed or claimed events: still so 30 days after the end of their date's period.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.urls import reverse

from entities.models import Certainty, Entity, Section, Statement
from entities.pages import contradictions
from events.models import Event
from nrfsite.markup import citation_keys
from sources.models import Source

UNCONFIRMED_AFTER_DAYS = 30
SHOWN_PER_BUCKET = 5


@dataclass
class Item:
    obj: object
    why: str


@dataclass
class Bucket:
    key: str
    title: str
    model: type
    items: list = field(default_factory=list)

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


def _days_ago(value, today):
    return (today - value).days


def _review_due(obj, today):
    last = obj.reviewed_on or obj.created_at.date()
    return _days_ago(last, today) > obj.review_every


def flagged(model, label):
    items = [
        Item(obj, f"flagged {obj.flagged_on_partial or 'undated'}: {obj.update_reason or 'no reason given'}")
        for obj in model.objects.filter(needs_update=True).order_by("flagged_on", "pk").select_related(*_related(model))
    ]
    return Bucket(f"flagged-{model._meta.model_name}", f"{label} flagged as needing an update", model, items)


def review_overdue(model, label, today):
    items = []
    for obj in model.objects.filter(needs_update=False).select_related(*_related(model)).order_by("reviewed_on", "pk"):
        if _review_due(obj, today):
            since = f"last reviewed {obj.reviewed_on:%-d %B %Y}" if obj.reviewed_on else "never reviewed"
            items.append(Item(obj, f"{since}; to be checked every {obj.review_every} days"))
    return Bucket(f"review-{model._meta.model_name}", f"{label} due for review", model, items)


def as_of_aged(model, label, today):
    items = []
    for obj in model.objects.filter(as_of__isnull=False).select_related(*_related(model)).order_by("as_of", "pk"):
        as_of = obj.as_of_partial
        recently_reviewed = obj.reviewed_on and _days_ago(obj.reviewed_on, today) <= obj.review_every
        if _days_ago(as_of.last_day, today) > obj.review_every and not recently_reviewed:
            items.append(Item(obj, f"as of {as_of}: older than {obj.review_every} days"))
    return Bucket(f"asof-{model._meta.model_name}", f"{label} whose “as of” date has aged", model, items)


def uncited_statements():
    queryset = (Statement.objects.published().annotate(n=Count("citations")).filter(n=0)
                .select_related("subject", "property").order_by("subject__name", "pk"))
    return Bucket("uncited-statement", "Published statements with no citation", Statement,
                  [Item(obj, "shows “citation needed” on the public page") for obj in queryset])


def uncited_events():
    queryset = (Event.objects.published().annotate(n=Count("citations")).filter(n=0)
                .order_by("date", "pk"))
    items = [Item(obj, "no source in its citations or summary") for obj in queryset if not citation_keys(obj.summary)]
    return Bucket("uncited-event", "Published events with no citation", Event, items)


def uncited_sections():
    queryset = Section.objects.published().select_related("entity").order_by("entity__name", "position")
    items = [Item(obj, "its text has no citation marker") for obj in queryset if not citation_keys(obj.body)]
    return Bucket("uncited-section", "Published sections with no citation", Section, items)


def stale_claims(today):
    cutoff = today - datetime.timedelta(days=UNCONFIRMED_AFTER_DAYS)
    queryset = (Event.objects.filter(certainty__in=[Certainty.UNCONFIRMED, Certainty.CLAIMED], date__lte=cutoff)
                .order_by("date", "pk"))
    items = [
        Item(obj, f"still {obj.certainty} {_days_ago(obj.date_partial.last_day, today)} days after {obj.date_partial}")
        for obj in queryset if _days_ago(obj.date_partial.last_day, today) > UNCONFIRMED_AFTER_DAYS
    ]
    return Bucket("stale-claim", "Events still unconfirmed or only claimed after 30 days", Event, items)


def unarchived_sources():
    queryset = Source.objects.filter(archive_url="").order_by("key")
    items = [Item(obj, "no archived copy" + ("" if obj.url else " and no link")) for obj in queryset]
    return Bucket("unarchived-source", "Sources without an archived link", Source, items)


def drafts(model, label):
    queryset = model.objects.drafts().order_by("-updated_at")
    if model is Statement:
        queryset = queryset.select_related("subject", "property")
    if model is Section:
        queryset = queryset.select_related("entity")
    items = [Item(obj, f"draft, last changed {obj.updated_at:%-d %B %Y}") for obj in queryset]
    return Bucket(f"draft-{model._meta.model_name}", f"{label} waiting for review (drafts)", model, items)


def contradicting_statements():
    statements = list(
        Statement.objects.published().select_related("subject", "property", "value_entity")
        .filter(Q(property__several_values=False)).order_by("subject", "property", "pk")
    )
    found = contradictions(statements)
    items = [Item(obj, f"contradicts another published “{obj.property}” of {obj.subject}")
             for obj in statements if obj.pk in found]
    return Bucket("contradiction-statement", "Statements contradicting another published statement", Statement, items)


def _related(model):
    return {"Statement": ("subject", "property"), "Section": ("entity",)}.get(model.__name__, ())


BUILDERS = [
    ("flagged-section", Section, lambda today: flagged(Section, "Sections")),
    ("flagged-statement", Statement, lambda today: flagged(Statement, "Statements")),
    ("asof-section", Section, lambda today: as_of_aged(Section, "Sections", today)),
    ("asof-statement", Statement, lambda today: as_of_aged(Statement, "Statements", today)),
    ("review-section", Section, lambda today: review_overdue(Section, "Sections", today)),
    ("review-statement", Statement, lambda today: review_overdue(Statement, "Statements", today)),
    ("contradiction-statement", Statement, lambda today: contradicting_statements()),
    ("uncited-statement", Statement, lambda today: uncited_statements()),
    ("uncited-section", Section, lambda today: uncited_sections()),
    ("uncited-event", Event, lambda today: uncited_events()),
    ("stale-claim", Event, stale_claims),
    ("draft-section", Section, lambda today: drafts(Section, "Sections")),
    ("draft-statement", Statement, lambda today: drafts(Statement, "Statements")),
    ("draft-event", Event, lambda today: drafts(Event, "Events")),
    ("draft-entity", Entity, lambda today: drafts(Entity, "Entities")),
    ("draft-source", Source, lambda today: drafts(Source, "Sources")),
    ("unarchived-source", Source, lambda today: unarchived_sources()),
]
TITLES = {
    "flagged-section": "Sections flagged as needing an update",
    "flagged-statement": "Statements flagged as needing an update",
    "asof-section": "Sections whose “as of” date has aged",
    "asof-statement": "Statements whose “as of” date has aged",
    "review-section": "Sections due for review",
    "review-statement": "Statements due for review",
    "contradiction-statement": "Statements contradicting another published statement",
    "uncited-statement": "Published statements with no citation",
    "uncited-section": "Published sections with no citation",
    "uncited-event": "Published events with no citation",
    "stale-claim": "Events still unconfirmed or only claimed after 30 days",
    "draft-section": "Sections waiting for review (drafts)",
    "draft-statement": "Statements waiting for review (drafts)",
    "draft-event": "Events waiting for review (drafts)",
    "draft-entity": "Entities waiting for review (drafts)",
    "draft-source": "Sources waiting for review (drafts)",
    "unarchived-source": "Sources without an archived link",
}


def buckets(today=None, *, models=None):
    """Every queue (of the given models), most urgent first; empty queues included."""
    today = today or datetime.date.today()
    return [build(today) for key, model, build in BUILDERS if models is None or model in models]


def bucket(key, today=None):
    today = today or datetime.date.today()
    return next((build(today) for k, _model, build in BUILDERS if k == key), None)


def for_model(model):
    """The bucket keys and titles that list this model, for its changelist filter."""
    return [(key, TITLES[key]) for key, m, _build in BUILDERS if m is model]
