"""An entity's narrative sections and the sources their text cites."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from simple_history.models import HistoricalRecords

from entities.models.entities import Entity, public_entity
from nrfsite.core.fields import partial_date_constraints
from nrfsite.core.publishing import (
    CONTENT_PERMISSIONS,
    PUBLISHABLE_PERMISSIONS,
    Publishable,
    PublishableQuerySet,
    Reviewable,
)
from nrfsite.core.translations import (
    TracksTranslations,
    basis_field,
    english_date_field,
    english_hash_field,
    translation_of,
)
from sources.citations import translation_marker_errors, validate_markers
from sources.models import Citation


class SectionQuerySet(PublishableQuerySet):
    def public(self):
        """Published sections of a public entity."""
        return self.published().filter(public_entity("entity"))


class Section(TracksTranslations, Publishable, Reviewable):
    """A narrative section of an entity's page; the lead is the section with no title.

    Example: "Status of the resistance", flagged "This section needs to be updated (September 2022)".
    """

    entity = models.ForeignKey(Entity, verbose_name=_("entity"), on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(
        verbose_name=_("title"), max_length=200, blank=True, help_text=_("Empty for the lead, the page's opening text.")
    )
    title_prs = translation_of(title, "prs")
    title_ps = translation_of(title, "ps")
    position = models.PositiveSmallIntegerField(
        verbose_name=_("position"), default=0, help_text=_("Order on the page; the lead comes first.")
    )
    body = models.TextField(
        verbose_name=_("body"),
        validators=[validate_markers],
        help_text=_("Markdown. Cite with [@source-key], [@source-key, p. 4] or [@a; @b]; unknown keys are refused."),
    )
    body_prs = translation_of(body, "prs")
    body_ps = translation_of(body, "ps")
    # Which English each translation was made from (nrfsite.core.translations.track_translations).
    title_hash = english_hash_field()
    body_hash = english_hash_field()
    title_prs_basis = basis_field(title_prs)
    title_ps_basis = basis_field(title_ps)
    body_prs_basis = basis_field(body_prs)
    body_ps_basis = basis_field(body_ps)
    english_changed_on = english_date_field()
    note = models.TextField(
        verbose_name=_("note"), blank=True, help_text=_("Editorial note on the text (e.g. what the source repeated).")
    )

    history = HistoricalRecords()
    objects = SectionQuerySet.as_manager()

    SEARCH_FIELDS = ("title", "title_prs", "title_ps", "body", "body_prs", "body_ps")  # what a search reads

    class Meta:
        ordering = ["entity", "position", "id"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        default_permissions = PUBLISHABLE_PERMISSIONS
        constraints = [
            models.UniqueConstraint(
                fields=["entity", "title"],
                name="section_title_unique_per_entity",
                violation_error_message=_("This entity already has a section with this title (or already has a lead)."),
            ),
            *partial_date_constraints("as_of", "flagged_on"),
        ]

    def clean(self):
        if errors := translation_marker_errors(self, "body"):
            raise ValidationError(errors)

    def __str__(self):
        title = self.title or pgettext("section", "lead")  # the untitled opening section
        return f"{self.entity}: {title}"

    @property
    def anchor(self):
        return section_anchor(self)

    def get_absolute_url(self):
        return reverse("entities:detail", args=[self.entity.slug]) + f"?preview=1#{self.anchor}"


def section_anchor(section):
    """The id of a section on its entity's page: "lead" for the untitled introduction, "section-3" for others.

    Takes a Section or one of its revisions (a page may show the last published revision of a section).
    """
    return f"section-{section.position}" if section.title else "lead"


class SectionCitation(Citation):
    """A source a section's text cites; kept in step with the [@key] markers of its body."""

    section = models.ForeignKey(Section, verbose_name=_("section"), on_delete=models.CASCADE, related_name="citations")

    history = HistoricalRecords()

    class Meta:
        ordering = ["section", "id"]
        verbose_name = _("section citation")
        verbose_name_plural = _("section citations")
        default_permissions = CONTENT_PERMISSIONS
        constraints = [
            models.UniqueConstraint(fields=["section", "source", "locator"], name="sectioncitation_unique"),
        ]
