"""What happened, when, where, and who took part: the timeline."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from entities.models import Entity, EntityKind, public_entity
from nrfsite.core import wikidata
from nrfsite.core.certainty import Certainty
from nrfsite.core.fields import PartialDateField, partial_date_constraints, range_constraint
from nrfsite.core.publishing import (
    CONTENT_PERMISSIONS,
    PUBLISHABLE_PERMISSIONS,
    Publishable,
    PublishableQuerySet,
    Versioned,
)
from nrfsite.core.translations import (
    TracksTranslations,
    basis_field,
    english_date_field,
    english_hash_field,
    translation_of,
)
from sources.citations import translation_marker_errors, validate_markers
from sources.models import Citation, Source


class EventType(Versioned):
    """A two-level taxonomy aligned with ACLED's: "Battles" › "Armed clash"; plus political types."""

    slug = models.SlugField(verbose_name=_("slug"), max_length=60, unique=True)
    label = models.CharField(verbose_name=_("label"), max_length=100)
    label_prs = translation_of(label, "prs")
    label_ps = translation_of(label, "ps")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subtypes",
        help_text=_("The top-level type this is a sub-type of; empty for a top-level type."),
    )
    position = models.PositiveSmallIntegerField(verbose_name=_("position"), default=0)
    description = models.CharField(verbose_name=_("description"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "label"]
        verbose_name = _("event type")
        verbose_name_plural = _("event types")
        default_permissions = CONTENT_PERMISSIONS
        constraints = [
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="eventtype_not_its_own_parent"),
        ]

    def __str__(self):
        return f"{self.parent.label} › {self.label}" if self.parent_id else self.label

    def with_subtypes(self):
        """This type and its sub-types: what "of type Battles" takes in (a sub-type has none of its own)."""
        return EventType.objects.filter(Q(pk=self.pk) | Q(parent=self.pk))

    def clean(self):
        if self.parent_id and self.parent.parent_id:
            raise ValidationError({"parent": gettext("Event types have two levels: a sub-type's parent must be top-level.")})
        if self.parent_id and self.pk and self.subtypes.exists():
            raise ValidationError({"parent": gettext("This type has sub-types, so it cannot become a sub-type itself.")})


class LocationPrecision(models.TextChoices):
    EXACT = "exact", _("exact place")
    DISTRICT = "district", _("within a district")
    PROVINCE = "province", _("within a province")
    COUNTRY = "country", _("within the country")
    UNKNOWN = "unknown", _("unknown")


def any_of(*event_ids):
    """A condition on events: the pk is in any of these querysets of event ids.

    One IN over their UNION, not an OR of INs: PostgreSQL cannot read an OR of two IN subqueries
    through indexes (it filtered every event of the timeline index against both), while each
    branch of a UNION reads its own index, on both engines.
    """
    first, *others = (ids.order_by() for ids in event_ids)
    return Q(pk__in=first.union(*others) if others else first)


class EventQuerySet(PublishableQuerySet):
    def involving(self, entity):
        """Events `entity` took part in, or that happened in it (a province and its districts): what its page
        lists, and what its kept count (`EventEntityCount`) counts."""
        ids = [Participation.objects.filter(entity=entity).values("event_id")]
        if entity.kind == EntityKind.PLACE:
            ids.append(Event.objects.filter(location__in=Entity.objects.pks_at(entity)).values("pk"))
        return self.filter(any_of(*ids))

    def public(self):
        """Published events whose place and claimant (if any) are public too."""
        return self.published().filter(public_entity("location", optional=True), public_entity("claimed_by", optional=True))

    def with_public_links(self):
        """Each event with `public_same_as`: its `same_as` if that first report is public, else "" (a public
        surface never names a draft event). The one rule every public surface reads the link through."""
        # A correlated subquery with LIMIT 1: PostgreSQL runs it for each row read (an index lookup), where
        # an EXISTS became a hashed subplan over every public event (120 ms at 100,000 events).
        first = Event.objects.public().filter(slug=OuterRef("same_as")).values("slug")[:1]
        return self.annotate(public_same_as=Coalesce(Subquery(first), models.Value("")))


# The columns a filtered timeline's Summary reads besides the date (`events.charts.summarize`, with the
# public rule and the filters): what the filter indexes carry on PostgreSQL for an index-only scan.
SUMMARY = ["date_precision", "location", "status", "claimed_by", "certainty", "event_type", "id"]


class Event(TracksTranslations, Publishable):
    """Something that happened on a date: "The Taliban claim control of Panjshir; the NRF denies it" (6 September 2021)."""

    title = models.CharField(verbose_name=_("title"), max_length=300)
    title_prs = translation_of(title, "prs")
    title_ps = translation_of(title, "ps")
    slug = models.SlugField(verbose_name=_("slug"), max_length=160, unique=True)
    date = PartialDateField(verbose_name=_("date"), help_text=_("When it happened, at the precision the sources give."))
    end = PartialDateField(
        verbose_name=_("end"), null=True, blank=True, help_text=_("For events spanning days: when it ended.")
    )
    event_type = models.ForeignKey(EventType, verbose_name=_("event type"), on_delete=models.PROTECT, related_name="events")
    location = models.ForeignKey(
        Entity,
        verbose_name=_("location"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events_here",
        limit_choices_to={"kind": EntityKind.PLACE},
        help_text=_("The place it happened (a place entity)."),
    )
    location_precision = models.CharField(
        verbose_name=_("location precision"),
        max_length=10,
        choices=LocationPrecision.choices,
        default=LocationPrecision.UNKNOWN,
    )
    summary = models.TextField(
        verbose_name=_("summary"),
        blank=True,
        validators=[validate_markers],
        help_text=_("Markdown. Cite with [@source-key]; unknown keys are refused."),
    )
    summary_prs = translation_of(summary, "prs")
    summary_ps = translation_of(summary, "ps")
    # Which English each translation was made from (nrfsite.core.translations.track_translations).
    summary_hash = english_hash_field()
    summary_prs_basis = basis_field(summary_prs)
    summary_ps_basis = basis_field(summary_ps)
    english_changed_on = english_date_field()
    fatalities_low = models.PositiveIntegerField(verbose_name=_("fatalities low"), null=True, blank=True)
    fatalities_high = models.PositiveIntegerField(verbose_name=_("fatalities high"), null=True, blank=True)
    casualty_note = models.CharField(
        verbose_name=_("casualty note"),
        max_length=500,
        blank=True,
        help_text=_('What the figures count: "killed or injured Taliban fighters".'),
    )
    certainty = models.CharField(
        verbose_name=_("certainty"),
        max_length=12,
        choices=Certainty.choices,
        default=Certainty.REPORTED,
        help_text=_("How sure the sources are. 'claimed' needs claimed_by."),
    )
    claimed_by = models.ForeignKey(
        Entity, verbose_name=_("claimed by"), null=True, blank=True, on_delete=models.PROTECT, related_name="claimed_events"
    )
    same_as = models.SlugField(
        _("same event as"),
        max_length=160,
        blank=True,
        db_index=True,
        help_text=_(
            "The slug of the first report of this same happening, when sources report it as two events "
            "(say, on different dates): the pages show the reports side by side."
        ),
    )
    acled_id = models.CharField(_("ACLED id"), max_length=40, blank=True)
    ucdp_id = models.CharField(_("UCDP id"), max_length=40, blank=True)
    wikidata_id = models.CharField(_("Wikidata id"), max_length=20, blank=True, validators=[wikidata.validate_item])
    note = models.TextField(
        verbose_name=_("note"), blank=True, help_text=_('Editorial note: "year inferred from the preceding paragraph".')
    )

    # What the full-text index holds (events/apps.py) and so what a search reads, the translations included.
    SEARCH_FIELDS = ("title", "title_prs", "title_ps", "summary", "summary_prs", "summary_ps", "casualty_note")

    history = HistoricalRecords()
    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["date", "date_precision", "slug"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        default_permissions = PUBLISHABLE_PERMISSIONS
        indexes = [
            # Each filter the timeline offers has an index that starts with it and goes on in date order;
            # none starts with status (see Publishable.status). tests/events/test_query_plans.py checks them.
            # On PostgreSQL the place and certainty ones also carry what a filtered timeline's count, chart
            # and map read (`SUMMARY`), so that grouped count is an index-only scan: at a million events the
            # busiest place's 114,000 matches read 52,632 table pages in 230 ms, against 44 ms from the index.
            # SQLite makes them without the INCLUDE (its plans do not change).
            models.Index(fields=["date", "slug"], name="event_timeline_order"),
            # The type filter is not among them: it matches a type and its sub-types through a subquery, and
            # no plan read (event_type, date) alone for it, so the INCLUDE would only cost imports.
            models.Index(fields=["event_type", "date"], name="event_type_date"),
            *(
                models.Index(fields=[field, "date"], include=[c for c in SUMMARY if c != field], name=f"event_{name}_date")
                for field, name in (("location", "place"), ("certainty", "certainty"))
            ),
            models.Index(fields=["updated_at"], name="event_latest_changes"),  # the home page
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(slug=""), name="event_slug_not_empty"),
            models.CheckConstraint(
                condition=~Q(same_as=F("slug")),
                name="event_not_same_as_itself",
                violation_error_message=_("An event cannot be the same event as itself."),
            ),
            models.CheckConstraint(
                condition=Q(fatalities_low__isnull=True)
                | Q(fatalities_high__isnull=True)
                | Q(fatalities_low__lte=F("fatalities_high")),
                name="event_fatalities_low_le_high",
                violation_error_message=_("The low fatality figure is above the high one."),
            ),
            models.CheckConstraint(
                condition=~Q(certainty=Certainty.CLAIMED) | Q(claimed_by__isnull=False),
                name="event_claim_has_claimant",
                violation_error_message=_("A claimed event needs 'claimed by'."),
            ),
            *partial_date_constraints("date", "end"),
            range_constraint("date", "end", label="Event"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:detail", args=[self.slug])

    def clean(self):
        # The one check of a link that needs no query; the others read other rows (`events.rules.same_as_errors`).
        errors = translation_marker_errors(self, "summary")
        if self.same_as and self.same_as == self.slug:
            errors["same_as"] = gettext("An event cannot be the same event as itself.")
        if errors:
            raise ValidationError(errors)

    @property
    def happening(self):
        """What every report of one happening shares: the first report's slug."""
        return self.same_as or self.slug


class Role(models.TextChoices):
    ACTOR = "actor", _("actor")
    COUNTERPART = "counterpart", _("counterpart")
    TARGET = "target", _("target")
    ALLY = "ally", _("ally")
    CLAIMANT = "claimant", _("claimant")
    DENIER = "denier", _("denier")
    MENTIONED = "mentioned", _("mentioned")


class ParticipationQuerySet(models.QuerySet):
    def public(self):
        """Participations of a public entity (the event's own rule is Event.objects.public())."""
        return self.filter(public_entity("entity"))


class Participation(Versioned):
    """Who took part in an event, and how: the Taliban as claimant, the NRF as denier."""

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="participations")
    entity = models.ForeignKey(Entity, verbose_name=_("entity"), on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(verbose_name=_("role"), max_length=12, choices=Role.choices, default=Role.ACTOR)
    note = models.CharField(verbose_name=_("note"), max_length=300, blank=True)

    history = HistoricalRecords()
    objects = ParticipationQuerySet.as_manager()

    class Meta:
        ordering = ["event", "role", "id"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        default_permissions = CONTENT_PERMISSIONS
        constraints = [
            models.UniqueConstraint(fields=["event", "entity", "role"], name="participation_unique"),
        ]

    def __str__(self):
        return f"{self.entity} ({self.role})"


class EventCitation(Citation):
    """An event's footnote."""

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="citations")

    BACKS = {"date": _("date"), "place": _("place"), "casualties": _("casualty figures"), "actors": _("who took part")}

    history = HistoricalRecords()

    class Meta:
        ordering = ["event", "id"]
        verbose_name = _("event citation")
        verbose_name_plural = _("event citations")
        default_permissions = CONTENT_PERMISSIONS
        constraints = [
            models.UniqueConstraint(fields=["event", "source", "locator"], name="eventcitation_unique"),
        ]


class EventMonthCount(models.Model):
    """How many public events fall in each month, at each date precision: the timeline's chart and count,
    kept as data so that an unfiltered timeline does not count the archive (`events.tally` keeps it)."""

    derived = True  # kept by events.tally from the content rows: its writes change no content (no cache bump)

    month = models.DateField(
        verbose_name=_("month"), help_text=_("The first day of the month (of the year, for year-precision events).")
    )
    precision = models.CharField(verbose_name=_("precision"), max_length=5)
    count = models.PositiveIntegerField(verbose_name=_("count"))

    class Meta:
        verbose_name = _("event month count")
        verbose_name_plural = _("event month counts")
        constraints = [models.UniqueConstraint(fields=["month", "precision"], name="eventmonthcount_unique")]

    def __str__(self):
        return f"{self.month:%Y-%m} ({self.precision}): {self.count}"


class EventPlaceCount(models.Model):
    """How many public events happened at each place: the timeline's map, kept as data (`events.tally`)."""

    derived = True  # kept by events.tally from the content rows: its writes change no content (no cache bump)

    location = models.OneToOneField(Entity, verbose_name=_("location"), on_delete=models.CASCADE, related_name="+")
    count = models.PositiveIntegerField(verbose_name=_("count"))

    class Meta:
        verbose_name = _("event place count")
        verbose_name_plural = _("event place counts")

    def __str__(self):
        return f"place {self.location_id}: {self.count}"


class EventSourceCount(models.Model):
    """How many public events cite each source: the count on a source's page, kept as data (`events.tally`).
    At 100,000 events, counting the 12,500 that cite one source took 60 ms a page."""

    derived = True  # kept by events.tally from the content rows: its writes change no content (no cache bump)

    source = models.OneToOneField(Source, verbose_name=_("source"), on_delete=models.CASCADE, related_name="+")
    count = models.PositiveIntegerField(verbose_name=_("count"))

    class Meta:
        verbose_name = _("event source count")
        verbose_name_plural = _("event source counts")

    def __str__(self):
        return f"source {self.source_id}: {self.count}"


class EventEntityCount(models.Model):
    """How many public events each entity took part in or was the place of (`Event.objects.involving`): the
    total on its page, kept as data (`events.tally`). At a million events, counting the 125,000 of the
    benchmark's busiest actor took longer than the rest of its page."""

    derived = True  # kept by events.tally from the content rows: its writes change no content (no cache bump)

    entity = models.OneToOneField(Entity, verbose_name=_("entity"), on_delete=models.CASCADE, related_name="+")
    count = models.PositiveIntegerField(verbose_name=_("count"))

    class Meta:
        verbose_name = _("event entity count")
        verbose_name_plural = _("event entity counts")

    def __str__(self):
        return f"entity {self.entity_id}: {self.count}"
