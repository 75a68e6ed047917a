"""Who and what the knowledge base is about: entities and their other names."""

import unicodedata

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from nrfsite.core import wikidata
from nrfsite.core.fields import PartialDateField, partial_date_constraints, range_constraint
from nrfsite.core.publishing import (
    CONTENT_PERMISSIONS,
    PUBLISHABLE_PERMISSIONS,
    Publishable,
    PublishableQuerySet,
    Status,
    Versioned,
)
from nrfsite.core.translations import translation_of


class EntityKind(models.TextChoices):
    PERSON = "person", _("person")
    ORGANIZATION = "organization", _("organization")
    STATE = "state", _("state")
    PLACE = "place", _("place")
    TOPIC = "topic", _("topic")


def public_entity(path="", *, optional=False):
    """The condition that the entity at `path` ("subject", "location"; "" for the row itself) is public:
    published, and so is the place it lies in. With `optional`, no entity there is fine too.

    This is the one rule of what readers may see of entities; every model that names an entity builds
    its `public()` on it, so a draft's name, slug or text never reaches a public surface.
    """
    prefix = f"{path}__" if path else ""
    condition = Q(**{f"{prefix}status": Status.PUBLISHED}) & (
        Q(**{f"{prefix}parent__isnull": True}) | Q(**{f"{prefix}parent__status": Status.PUBLISHED})
    )
    return (Q(**{f"{path}__isnull": True}) | condition) if optional else condition


class EntityQuerySet(PublishableQuerySet):
    def public(self):
        """Published entities whose parent place (if any) is published too."""
        return self.filter(public_entity())

    def places(self):
        return self.filter(kind=EntityKind.PLACE)

    def at(self, place):
        """The place and the places within it (a province's districts): what "at Panjshir" takes in."""
        return self.filter(Q(pk=place.pk) | Q(parent=place.pk))

    def pks_at(self, place):
        """The pks of `at(place)`, read now: a filter on them shows the planner the place's own ids.

        Through a subquery PostgreSQL knows only that some place is meant and estimates the average
        events per place (128 at 100,000 events); with the ids it reads the place's own statistics (12,778
        for the benchmark's busiest), so a page of that place's events walks the timeline's index to its
        first rows instead of sorting all 11,377 matches (`/api/events/?place=…&page_size=1`, 93 ms).
        """
        return list(self.at(place).values_list("pk", flat=True))


class AliasQuerySet(models.QuerySet):
    def public(self):
        return self.filter(public_entity("entity"))


class Entity(Publishable):
    """A person, organization, state, place or topic: "Ahmad Massoud", "National Resistance Front", "Panjshir"."""

    kind = models.CharField(verbose_name=_("kind"), max_length=12, choices=EntityKind.choices, db_index=True)
    name = models.CharField(verbose_name=_("name"), max_length=200, help_text=_("The name most English sources use."))
    name_prs = translation_of(name, "prs")
    name_ps = translation_of(name, "ps")
    slug = models.SlugField(
        verbose_name=_("slug"),
        max_length=120,
        unique=True,
        help_text=_('Stable identifier used in URLs and CSV: "ahmad-massoud".'),
    )
    description = models.CharField(
        verbose_name=_("description"),
        max_length=300,
        blank=True,
        help_text=_('One line that says what it is: "Afghan politician, leader of the NRF".'),
    )
    description_prs = translation_of(description, "prs")
    description_ps = translation_of(description, "ps")
    start = PartialDateField(
        verbose_name=_("start"), null=True, blank=True, help_text=_("Founded or born, at the precision known.")
    )
    end = PartialDateField(
        verbose_name=_("end"), null=True, blank=True, help_text=_("Dissolved or died, at the precision known.")
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("For a place: the place it lies in (Panjshir → Afghanistan)."),
    )
    iso_code = models.CharField(
        verbose_name=_("iso code"),
        max_length=10,
        blank=True,
        help_text=_('For a place: its ISO 3166 code, "AF-PAN" for Panjshir, "TJ" for Tajikistan.'),
    )
    latitude = models.DecimalField(
        verbose_name=_("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        verbose_name=_("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    wikidata_id = models.CharField(
        verbose_name=_("wikidata id"),
        max_length=20,
        blank=True,
        validators=[wikidata.validate_item],
        help_text=_('Its Wikidata item, "Q107472524": QuickStatements export its public statements to it.'),
    )

    history = HistoricalRecords()
    objects = EntityQuerySet.as_manager()

    # What a search reads (nrfsite.core.fulltext.search): names in every language and script, then the rest.
    NAME_FIELDS = ("name", "name_prs", "name_ps", "aliases__name")
    SEARCH_FIELDS = (*NAME_FIELDS, "slug", "description", "description_prs", "description_ps")

    class Meta:
        ordering = ["name"]
        verbose_name = _("entity")
        verbose_name_plural = _("entities")
        default_permissions = PUBLISHABLE_PERMISSIONS
        constraints = [
            models.CheckConstraint(condition=~Q(slug=""), name="entity_slug_not_empty"),
            models.UniqueConstraint(
                fields=["iso_code"],
                condition=~Q(iso_code=""),
                name="entity_iso_code_unique",
                violation_error_message=_("Another place already has this ISO code."),
            ),
            models.CheckConstraint(
                condition=Q(kind=EntityKind.PLACE) | (Q(iso_code="") & Q(parent__isnull=True)),
                name="entity_place_fields_only_on_places",
                violation_error_message=_("Only a place has an ISO code or a parent place."),
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
    _('A language code (BCP 47) is 2-3 lowercase letters, optionally with subtags: "en", "prs", "ps", "fa-AF".'),
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


class Alias(Versioned):
    """Another name of an entity, in its language: "NRF"; Dari «جبهه مقاومت ملی»; Pashto «د ملي مقاومت جبهه»."""

    entity = models.ForeignKey(Entity, verbose_name=_("entity"), on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(verbose_name=_("name"), max_length=200)
    language = models.CharField(
        verbose_name=_("language"),
        max_length=16,
        blank=True,
        validators=[validate_language],
        help_text=_('Language code (BCP 47): "en", "prs" for Dari, "ps" for Pashto.'),
    )
    note = models.CharField(
        verbose_name=_("note"), max_length=200, blank=True, help_text=_('What kind of name: "abbreviation", "former name".')
    )

    history = HistoricalRecords()
    objects = AliasQuerySet.as_manager()

    class Meta:
        ordering = ["entity", "language", "name"]
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")
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
