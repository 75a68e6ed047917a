"""Who and what the knowledge base is about, and what the sources say of them."""

import unicodedata
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from nrfsite.fields import PartialDateField, partial_date_constraints, range_constraint
from nrfsite.workflow import (
    CONTENT_PERMISSIONS,
    PUBLISHABLE_PERMISSIONS,
    Publishable,
    PublishableQuerySet,
    Reviewable,
)
from sources.citations import validate_markers
from sources.models import Citation


class Certainty(models.TextChoices):
    """How sure the sources are of a fact; shared by statements and events."""

    CONFIRMED = "confirmed", "confirmed"
    REPORTED = "reported", "reported"
    CLAIMED = "claimed", "claimed"
    ALLEGED = "alleged", "alleged"
    DISPUTED = "disputed", "disputed"
    UNCONFIRMED = "unconfirmed", "unconfirmed"


class EntityKind(models.TextChoices):
    PERSON = "person", "person"
    ORGANIZATION = "organization", "organization"
    STATE = "state", "state"
    PLACE = "place", "place"
    TOPIC = "topic", "topic"


class EntityQuerySet(PublishableQuerySet):
    def places(self):
        return self.filter(kind=EntityKind.PLACE)


class Entity(Publishable):
    """A person, organization, state, place or topic: "Ahmad Massoud", "National Resistance Front", "Panjshir"."""

    kind = models.CharField(max_length=12, choices=EntityKind.choices, db_index=True)
    name = models.CharField(max_length=200, help_text="The name most English sources use.")
    slug = models.SlugField(max_length=120, unique=True, help_text='Stable identifier used in URLs and CSV: "ahmad-massoud".')
    description = models.CharField(
        max_length=300, blank=True, help_text='One line that says what it is: "Afghan politician, leader of the NRF".'
    )
    start = PartialDateField(null=True, blank=True, help_text="Founded or born, at the precision known.")
    end = PartialDateField(null=True, blank=True, help_text="Dissolved or died, at the precision known.")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="For a place: the place it lies in (Panjshir → Afghanistan).",
    )
    iso_code = models.CharField(
        max_length=10, blank=True, help_text='For a place: its ISO 3166 code, "AF-PAN" for Panjshir, "TJ" for Tajikistan.'
    )
    latitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    wikidata_id = models.CharField(
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^Q[1-9][0-9]*$", 'A Wikidata id looks like "Q107472524".')],
    )

    history = HistoricalRecords()
    objects = EntityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "entities"
        default_permissions = PUBLISHABLE_PERMISSIONS
        constraints = [
            models.CheckConstraint(condition=~Q(slug=""), name="entity_slug_not_empty"),
            models.UniqueConstraint(
                fields=["iso_code"],
                condition=~Q(iso_code=""),
                name="entity_iso_code_unique",
                violation_error_message="Another place already has this ISO code.",
            ),
            models.CheckConstraint(
                condition=Q(kind=EntityKind.PLACE) | (Q(iso_code="") & Q(parent__isnull=True)),
                name="entity_place_fields_only_on_places",
                violation_error_message="Only a place has an ISO code or a parent place.",
            ),
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="entity_not_its_own_parent"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="entity_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="entity_longitude_range",
            ),
            *partial_date_constraints("start", "end"),
            range_constraint("start", "end", label="Entity"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("entities:detail", args=[self.slug])


validate_language = RegexValidator(
    r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$",
    'A language code (BCP 47) is 2-3 lowercase letters, optionally with subtags: "en", "prs", "ps", "fa-AF".',
)


def text_direction(text):
    """ "rtl" when the first strongly directional character is right-to-left (Dari, Pashto), else "ltr"."""
    for char in text:
        bidi = unicodedata.bidirectional(char)
        if bidi in ("R", "AL"):
            return "rtl"
        if bidi == "L":
            return "ltr"
    return "ltr"


class Alias(models.Model):
    """Another name of an entity, in its language: "NRF"; Dari «جبهه مقاومت ملی»; Pashto «د ملي مقاومت جبهه»."""

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)
    language = models.CharField(
        max_length=16, blank=True, validators=[validate_language],
        help_text='Language code (BCP 47): "en", "prs" for Dari, "ps" for Pashto.',
    )
    note = models.CharField(max_length=200, blank=True, help_text='What kind of name: "abbreviation", "former name".')

    history = HistoricalRecords()

    class Meta:
        ordering = ["entity", "language", "name"]
        verbose_name_plural = "aliases"
        default_permissions = CONTENT_PERMISSIONS
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="alias_name_not_empty"),
            models.UniqueConstraint(fields=["entity", "name", "language"], name="alias_unique_per_entity"),
        ]

    def __str__(self):
        return self.name

    @property
    def direction(self):
        return text_direction(self.name)


class ValueType(models.TextChoices):
    ENTITY = "entity", "entity"
    TEXT = "text", "text"
    QUANTITY = "quantity", "quantity"


class Property(models.Model):
    """What a statement says of its subject: "leader" (led by), "active region", "size"."""

    slug = models.SlugField(max_length=60, unique=True)
    label = models.CharField(max_length=100, help_text='How the infobox labels it: "Leader".')
    inverse_label = models.CharField(max_length=100, blank=True, help_text='Read from the value\'s side: "leader of".')
    value_type = models.CharField(max_length=10, choices=ValueType.choices)
    infobox_position = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Order in the infobox; empty keeps it out of the infobox."
    )
    description = models.CharField(max_length=300, blank=True)
    several_values = models.BooleanField(
        default=False,
        help_text="Several values may hold at once (active regions, allies). When off, overlapping statements with "
        "different values contradict each other and are shown side by side.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = [F("infobox_position").asc(nulls_last=True), "label"]
        verbose_name_plural = "properties"
        default_permissions = CONTENT_PERMISSIONS

    def __str__(self):
        return self.label


def unique_key(base, taken):
    """`base`, or `base.2`, `base.3`… whichever is not in `taken` (an iterable of keys)."""
    taken = set(taken)
    base = base[:190]
    key, number = base, 1
    while key in taken:
        number += 1
        key = f"{base}.{number}"
    return key


class Rank(models.TextChoices):
    PREFERRED = "preferred", "preferred"
    NORMAL = "normal", "normal"
    DEPRECATED = "deprecated", "deprecated (superseded; kept, greyed)"


class StatementQuerySet(PublishableQuerySet):
    pass


class Statement(Publishable, Reviewable):
    """One sourced claim about an entity: "Ahmad Massoud leads the NRF since 17 August 2021"."""

    key = models.CharField(
        max_length=200,
        unique=True,
        blank=True,
        help_text='Stable identifier used in CSV, filled in when left empty: "nrf.leader.ahmad-massoud".',
    )
    subject = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="statements")
    property = models.ForeignKey(Property, on_delete=models.PROTECT, related_name="statements")
    # A copy of property.value_type, so the database itself can check that the
    # right value column is filled (a check constraint cannot look at another table).
    value_type = models.CharField(max_length=10, choices=ValueType.choices, editable=False)
    value_entity = models.ForeignKey(
        Entity,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referenced_by",
        help_text="For properties whose value is an entity (leader, ally, active region).",
    )
    value_text = models.CharField(
        max_length=500, blank=True, help_text='For text properties (ideology), or "unknown" for a quantity.'
    )
    quantity_low = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    quantity_best = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    quantity_high = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    quantity_unit = models.CharField(max_length=50, blank=True, help_text='"fighters", "people".')
    start = PartialDateField(null=True, blank=True, help_text="Since when it holds.")
    end = PartialDateField(null=True, blank=True, help_text="Until when it held; empty while it still holds.")
    end_reason = models.CharField(max_length=100, blank=True, help_text='Why it ended: "killed", "resigned".')
    certainty = models.CharField(
        max_length=12,
        choices=Certainty.choices,
        default=Certainty.REPORTED,
        help_text="How sure the sources are. 'claimed' needs claimed_by.",
    )
    claimed_by = models.ForeignKey(
        Entity,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claimed_statements",
        help_text='Whose claim it is: the NRF for "NRF reported claim of 5,000 fighters".',
    )
    rank = models.CharField(max_length=10, choices=Rank.choices, default=Rank.NORMAL)
    note = models.TextField(blank=True, help_text="A note for readers: how sources disagree, how a date was inferred.")

    history = HistoricalRecords()
    objects = StatementQuerySet.as_manager()

    class Meta:
        ordering = ["subject", "property", "start"]
        default_permissions = PUBLISHABLE_PERMISSIONS
        indexes = [models.Index(fields=["subject", "property"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        value_type=ValueType.ENTITY,
                        value_entity__isnull=False,
                        value_text="",
                        quantity_low__isnull=True,
                        quantity_best__isnull=True,
                        quantity_high__isnull=True,
                    )
                    | (
                        Q(
                            value_type=ValueType.TEXT,
                            value_entity__isnull=True,
                            quantity_low__isnull=True,
                            quantity_best__isnull=True,
                            quantity_high__isnull=True,
                        )
                        & ~Q(value_text="")
                    )
                    | (
                        Q(value_type=ValueType.QUANTITY, value_entity__isnull=True)
                        & (
                            ~Q(value_text="")
                            | Q(quantity_low__isnull=False)
                            | Q(quantity_best__isnull=False)
                            | Q(quantity_high__isnull=False)
                        )
                    )
                ),
                name="statement_value_matches_type",
                violation_error_message="The value does not match the property's value type.",
            ),
            models.CheckConstraint(
                condition=Q(quantity_low__isnull=True)
                | Q(quantity_best__isnull=True)
                | Q(quantity_low__lte=F("quantity_best")),
                name="statement_quantity_low_le_best",
                violation_error_message="The low figure is above the best figure.",
            ),
            models.CheckConstraint(
                condition=Q(quantity_best__isnull=True)
                | Q(quantity_high__isnull=True)
                | Q(quantity_best__lte=F("quantity_high")),
                name="statement_quantity_best_le_high",
                violation_error_message="The best figure is above the high figure.",
            ),
            models.CheckConstraint(
                condition=Q(quantity_low__isnull=True)
                | Q(quantity_high__isnull=True)
                | Q(quantity_low__lte=F("quantity_high")),
                name="statement_quantity_low_le_high",
                violation_error_message="The low figure is above the high figure.",
            ),
            models.CheckConstraint(
                condition=~Q(certainty=Certainty.CLAIMED) | Q(claimed_by__isnull=False),
                name="statement_claim_has_claimant",
                violation_error_message="A claimed statement needs 'claimed by'.",
            ),
            models.CheckConstraint(condition=~Q(key=""), name="statement_key_not_empty"),
            *partial_date_constraints("start", "end", "as_of", "flagged_on"),
            range_constraint("start", "end", label="Statement"),
        ]

    def __str__(self):
        return f"{self.subject} — {self.property}: {self.value_display()}"

    def get_absolute_url(self):
        return reverse("entities:detail", args=[self.subject.slug]) + "?preview=1"

    # A method, not a @property: inside this class body `property` is the field above.
    def value_display(self):
        if self.value_type == ValueType.ENTITY:
            return str(self.value_entity) if self.value_entity_id else ""
        if self.value_type == ValueType.QUANTITY and self.quantity_best is not None:
            figure = f"{Decimal(self.quantity_best).normalize():,f}"
            return f"{figure} {self.quantity_unit}".strip()
        return self.value_text

    def clean(self):
        if not self.property_id:
            return
        self.value_type = self.property.value_type
        self.fill_key()
        label = self.property.label
        if self.value_type == ValueType.ENTITY and (self.value_text or not self.value_entity_id):
            raise ValidationError({"value_entity": f'"{label}" takes an entity: fill in value entity, not value text.'})
        if self.value_type != ValueType.ENTITY and self.value_entity_id:
            raise ValidationError(
                {"value_entity": f'"{label}" takes {self.value_type}, not an entity: leave value entity empty.'}
            )
        has_quantity = any(v is not None for v in (self.quantity_low, self.quantity_best, self.quantity_high))
        if self.value_type == ValueType.TEXT and (has_quantity or not self.value_text):
            raise ValidationError({"value_text": f'"{label}" takes text: fill in value text, not quantities.'})

    def key_base(self):
        """The readable start of a generated key: subject, property and value slugs."""
        value = (
            self.value_entity.slug
            if self.value_entity_id
            else slugify(self.value_text)
            or (f"{Decimal(self.quantity_best).normalize():f}" if self.quantity_best is not None else "")
        )
        return ".".join(part for part in (self.subject.slug, self.property.slug, value[:60]) if part)

    def save(self, *args, **kwargs):
        # One model's own invariants: the value type follows the property; a key always exists.
        if self.property_id:
            self.value_type = self.property.value_type
        self.fill_key()
        super().save(*args, **kwargs)

    def fill_key(self):
        if not self.key and self.subject_id and self.property_id:
            base = self.key_base()
            self.key = unique_key(base, Statement.objects.filter(key__startswith=base).values_list("key", flat=True))


class StatementCitation(Citation):
    """A statement's footnote: which source backs it, where, in whose words."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="citations")

    history = HistoricalRecords()

    class Meta:
        ordering = ["statement", "id"]
        default_permissions = CONTENT_PERMISSIONS
        constraints = [
            models.UniqueConstraint(fields=["statement", "source", "locator"], name="statementcitation_unique"),
        ]


class SectionQuerySet(PublishableQuerySet):
    pass


class Section(Publishable, Reviewable):
    """A narrative section of an entity's page; the lead is the section with no title.

    Example: "Status of the resistance", flagged "This section needs to be updated (September 2022)".
    """

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(max_length=200, blank=True, help_text="Empty for the lead, the page's opening text.")
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on the page; the lead comes first.")
    body = models.TextField(
        validators=[validate_markers],
        help_text="Markdown. Cite with [@source-key], [@source-key, p. 4] or [@a; @b]; unknown keys are refused.",
    )
    note = models.TextField(blank=True, help_text="Editorial note on the text (e.g. what the source repeated).")

    history = HistoricalRecords()
    objects = SectionQuerySet.as_manager()

    class Meta:
        ordering = ["entity", "position", "id"]
        default_permissions = PUBLISHABLE_PERMISSIONS
        constraints = [
            models.UniqueConstraint(
                fields=["entity", "title"],
                name="section_title_unique_per_entity",
                violation_error_message="This entity already has a section with this title (or already has a lead).",
            ),
            *partial_date_constraints("as_of", "flagged_on"),
        ]

    def __str__(self):
        return f"{self.entity}: {self.title or 'lead'}"

    def get_absolute_url(self):
        anchor = f"section-{self.position}" if self.title else "lead"
        return reverse("entities:detail", args=[self.entity.slug]) + f"?preview=1#{anchor}"


class SectionCitation(Citation):
    """A source a section's text cites; kept in step with the [@key] markers of its body."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="citations")

    history = HistoricalRecords()

    class Meta:
        ordering = ["section", "id"]
        default_permissions = CONTENT_PERMISSIONS
        constraints = [
            models.UniqueConstraint(fields=["section", "source", "locator"], name="sectioncitation_unique"),
        ]
