"""What the sources say of an entity: properties (the vocabulary) and statements with their citations."""

import builtins
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from entities.models.entities import Entity, public_entity
from nrfsite.core import wikidata
from nrfsite.core.certainty import Certainty
from nrfsite.core.fields import PartialDateField, partial_date_constraints, range_constraint
from nrfsite.core.publishing import (
    CONTENT_PERMISSIONS,
    PUBLISHABLE_PERMISSIONS,
    Publishable,
    PublishableQuerySet,
    Reviewable,
    Versioned,
)
from nrfsite.core.translations import translation_of
from sources.models import Citation


class ValueType(models.TextChoices):
    ENTITY = "entity", _("entity")
    TEXT = "text", _("text")
    QUANTITY = "quantity", _("quantity")


class Property(Versioned):
    """What a statement says of its subject: "leader" (led by), "active region", "size"."""

    slug = models.SlugField(verbose_name=_("slug"), max_length=60, unique=True)
    label = models.CharField(verbose_name=_("label"), max_length=100, help_text=_('How the infobox labels it: "Leader".'))
    label_prs = translation_of(label, "prs")
    label_ps = translation_of(label, "ps")
    inverse_label = models.CharField(
        verbose_name=_("inverse label"), max_length=100, blank=True, help_text=_('Read from the value\'s side: "leader of".')
    )
    inverse_label_prs = translation_of(inverse_label, "prs")
    inverse_label_ps = translation_of(inverse_label, "ps")
    value_type = models.CharField(verbose_name=_("value type"), max_length=10, choices=ValueType.choices)
    infobox_position = models.PositiveSmallIntegerField(
        verbose_name=_("infobox position"),
        null=True,
        blank=True,
        help_text=_("Order in the infobox; empty keeps it out of the infobox."),
    )
    description = models.CharField(verbose_name=_("description"), max_length=300, blank=True)
    wikidata_property = models.CharField(
        verbose_name=_("wikidata property"),
        max_length=12,
        blank=True,
        validators=[wikidata.validate_property],
        help_text=_(
            'The Wikidata property that says the same, "P488" (chairperson) for "leader": QuickStatements '
            "export this property's statements with it. Map only a property whose Wikidata value is of the same kind "
            "(an item for an entity, a string for text, a quantity). Empty: not exported, and listed as such."
        ),
    )
    membership_role = models.CharField(
        verbose_name=_("membership role"),
        max_length=60,
        blank=True,
        help_text=_(
            'For a statement that links a person and an organization: the person\'s role in it, "leader", '
            '"spokesperson", "member". Popolo exports such statements as memberships. Empty: not a membership.'
        ),
    )
    several_values = models.BooleanField(
        verbose_name=_("several values"),
        default=False,
        help_text=_(
            "Several values may hold at once (active regions, allies). When off, overlapping statements with "
            "different values contradict each other and are shown side by side."
        ),
    )
    review_every = models.PositiveIntegerField(
        verbose_name=_("review every"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Days after which a statement of this property is due for review and its 'as of' date has aged: "
            "a spokesperson goes stale in months (180), an ideology in years (1825). Empty: each statement's own."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = [F("infobox_position").asc(nulls_last=True), "label"]
        verbose_name = _("property")
        verbose_name_plural = _("properties")
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
    PREFERRED = "preferred", _("preferred")
    NORMAL = "normal", _("normal")
    DEPRECATED = "deprecated", _("deprecated (superseded; kept, greyed)")


PLAIN_CERTAINTIES = (Certainty.CONFIRMED, Certainty.REPORTED)


class StatementQuerySet(PublishableQuerySet):
    def public(self):
        """Published statements about a public entity whose value and claimant (if any) are public too."""
        return self.published().filter(
            public_entity("subject"),
            public_entity("value_entity", optional=True),
            public_entity("claimed_by", optional=True),
        )

    def plain_facts(self):
        """Statements a format that knows no claims, doubts or ranks (Wikidata's QuickStatements, Popolo) may
        state as fact: confirmed or reported, and not deprecated."""
        return self.filter(certainty__in=PLAIN_CERTAINTIES).exclude(rank=Rank.DEPRECATED)


class Statement(Publishable, Reviewable):
    """One sourced claim about an entity: "Ahmad Massoud leads the NRF since 17 August 2021"."""

    key = models.CharField(
        verbose_name=_("key"),
        max_length=200,
        unique=True,
        blank=True,
        help_text=_('Stable identifier used in CSV, filled in when left empty: "nrf.leader.ahmad-massoud".'),
    )
    subject = models.ForeignKey(Entity, verbose_name=_("subject"), on_delete=models.CASCADE, related_name="statements")
    property = models.ForeignKey(Property, verbose_name=_("property"), on_delete=models.PROTECT, related_name="statements")
    # A copy of property.value_type, so the database itself can check that the
    # right value column is filled (a check constraint cannot look at another table).
    value_type = models.CharField(verbose_name=_("value type"), max_length=10, choices=ValueType.choices, editable=False)
    value_entity = models.ForeignKey(
        Entity,
        verbose_name=_("value entity"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referenced_by",
        help_text=_("For properties whose value is an entity (leader, ally, active region)."),
    )
    value_text = models.CharField(
        verbose_name=_("value text"),
        max_length=500,
        blank=True,
        help_text=_('For text properties (ideology), or "unknown" for a quantity.'),
    )
    quantity_low = models.DecimalField(verbose_name=_("quantity low"), max_digits=20, decimal_places=4, null=True, blank=True)
    quantity_best = models.DecimalField(verbose_name=_("quantity best"), max_digits=20, decimal_places=4, null=True, blank=True)
    quantity_high = models.DecimalField(verbose_name=_("quantity high"), max_digits=20, decimal_places=4, null=True, blank=True)
    quantity_unit = models.CharField(
        verbose_name=_("quantity unit"), max_length=50, blank=True, help_text=_('"fighters", "people".')
    )
    start = PartialDateField(verbose_name=_("start"), null=True, blank=True, help_text=_("Since when it holds."))
    end = PartialDateField(
        verbose_name=_("end"), null=True, blank=True, help_text=_("Until when it held; empty while it still holds.")
    )
    end_reason = models.CharField(
        verbose_name=_("end reason"), max_length=100, blank=True, help_text=_('Why it ended: "killed", "resigned".')
    )
    certainty = models.CharField(
        verbose_name=_("certainty"),
        max_length=12,
        choices=Certainty.choices,
        default=Certainty.REPORTED,
        help_text=_("How sure the sources are. 'claimed' needs claimed_by."),
    )
    claimed_by = models.ForeignKey(
        Entity,
        verbose_name=_("claimed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claimed_statements",
        help_text=_('Whose claim it is: the NRF for "NRF reported claim of 5,000 fighters".'),
    )
    rank = models.CharField(verbose_name=_("rank"), max_length=10, choices=Rank.choices, default=Rank.NORMAL)
    rank_reason = models.CharField(
        verbose_name=_("rank reason"),
        max_length=500,
        blank=True,
        help_text=_(
            "Why editors prefer this statement, or deprecated it; readers see it after "
            "'editors prefer this because': \"the infobox gives the term as the NRF announced it\"."
        ),
    )
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("superseded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supersedes",
        help_text=_(
            "For a deprecated statement: the statement of the same property editors prefer to it. "
            "Readers see both, side by side."
        ),
    )
    note = models.TextField(
        verbose_name=_("note"), blank=True, help_text=_("A note for readers: how sources disagree, how a date was inferred.")
    )

    history = HistoricalRecords()
    objects = StatementQuerySet.as_manager()

    class Meta:
        ordering = ["subject", "property", "start"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
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
                violation_error_message=_("The value does not match the property's value type."),
            ),
            models.CheckConstraint(
                condition=Q(quantity_low__isnull=True)
                | Q(quantity_best__isnull=True)
                | Q(quantity_low__lte=F("quantity_best")),
                name="statement_quantity_low_le_best",
                violation_error_message=_("The low figure is above the best figure."),
            ),
            models.CheckConstraint(
                condition=Q(quantity_best__isnull=True)
                | Q(quantity_high__isnull=True)
                | Q(quantity_best__lte=F("quantity_high")),
                name="statement_quantity_best_le_high",
                violation_error_message=_("The best figure is above the high figure."),
            ),
            models.CheckConstraint(
                condition=Q(quantity_low__isnull=True)
                | Q(quantity_high__isnull=True)
                | Q(quantity_low__lte=F("quantity_high")),
                name="statement_quantity_low_le_high",
                violation_error_message=_("The low figure is above the high figure."),
            ),
            models.CheckConstraint(
                condition=~Q(certainty=Certainty.CLAIMED) | Q(claimed_by__isnull=False),
                name="statement_claim_has_claimant",
                violation_error_message=_("A claimed statement needs 'claimed by'."),
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
    @builtins.property  # `property` in this class body is the field above
    def review_interval(self):
        """A statement ages as facts of its kind do: its property's interval when the property has one (a
        spokesperson in months, an ideology in years), else its own `review_every`."""
        return self.property.review_every or self.review_every

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
            raise ValidationError(
                {
                    "value_entity": gettext('"%(label)s" takes an entity: fill in value entity, not value text.')
                    % {"label": label}
                }
            )
        if self.value_type != ValueType.ENTITY and self.value_entity_id:
            message = gettext('"%(label)s" takes %(value_type)s, not an entity: leave value entity empty.')
            value_type = ValueType(self.value_type).label
            raise ValidationError({"value_entity": message % {"label": label, "value_type": value_type}})
        has_quantity = any(v is not None for v in (self.quantity_low, self.quantity_best, self.quantity_high))
        if self.value_type == ValueType.TEXT and (has_quantity or not self.value_text):
            raise ValidationError(
                {"value_text": gettext('"%(label)s" takes text: fill in value text, not quantities.') % {"label": label}}
            )
        self.clean_resolution()

    def clean_resolution(self):
        """A statement superseded by another is deprecated, says why, and names a live one of the same fact."""
        if not self.superseded_by_id:
            return
        if self.rank != Rank.DEPRECATED:
            raise ValidationError(
                {
                    "superseded_by": gettext(
                        "Only a deprecated statement is superseded: set its rank to deprecated, or clear this."
                    )
                }
            )
        if not self.rank_reason.strip():
            raise ValidationError(
                {"rank_reason": gettext("Say why editors prefer the other statement: readers see the reason.")}
            )
        preferred = self.superseded_by
        if preferred.pk == self.pk:
            raise ValidationError({"superseded_by": gettext("A statement cannot be superseded by itself.")})
        if (preferred.subject_id, preferred.property_id) != (self.subject_id, self.property_id):
            raise ValidationError(
                {
                    "superseded_by": gettext(
                        "“%(statement)s” is about another subject or property: it cannot supersede this one."
                    )
                    % {"statement": preferred}
                }
            )
        if preferred.rank == Rank.DEPRECATED:
            raise ValidationError(
                {
                    "superseded_by": gettext("“%(statement)s” is deprecated itself: name the statement editors prefer.")
                    % {"statement": preferred}
                }
            )

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

    statement = models.ForeignKey(Statement, verbose_name=_("statement"), on_delete=models.CASCADE, related_name="citations")

    BACKS = {"value": _("value"), "start": _("start date"), "end": _("end date")}

    history = HistoricalRecords()

    class Meta:
        ordering = ["statement", "id"]
        verbose_name = _("statement citation")
        verbose_name_plural = _("statement citations")
        default_permissions = CONTENT_PERMISSIONS
        constraints = [
            models.UniqueConstraint(fields=["statement", "source", "locator"], name="statementcitation_unique"),
        ]
