"""Where facts come from: sources, and the citation every fact carries."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from nrfsite.core import wikidata
from nrfsite.core.fields import PartialDateField, partial_date_constraints
from nrfsite.core.markup import KEY_PATTERN
from nrfsite.core.publishing import (
    PUBLISHABLE_PERMISSIONS,
    Publishable,
    PublishableQuerySet,
    Status,
    Versioned,
    VisibleQuerySet,
)
from nrfsite.core.translations import translation_of

validate_key = RegexValidator(
    rf"^{KEY_PATTERN}$",
    _('A key is letters, digits and "-_.:", starting with a letter or digit, e.g. "wapo-2021-08-18-massoud".'),
)


class SourceType(models.TextChoices):
    NEWS = "news", _("news")
    OP_ED = "op-ed", _("op-ed")
    STATEMENT = "statement", pgettext_lazy("kind of source: a public statement", "statement")
    INTERVIEW = "interview", _("interview")
    REPORT = "report", pgettext_lazy("kind of source", "report")
    GOVERNMENT_RECORD = "government-record", _("government record")
    SOCIAL_MEDIA = "social-media", _("social media")
    BOOK = "book", _("book")
    ENCYCLOPEDIA = "encyclopedia", _("encyclopedia")
    OTHER = "other", _("other")


class Affiliation(models.TextChoices):
    UNKNOWN = "unknown", _("unknown")
    INDEPENDENT = "independent", _("independent")
    NRF = "nrf", _("NRF")
    TALIBAN = "taliban", _("Taliban")
    STATE = "state", _("a state")
    OTHER = "other", _("other")


def natural_key(text):
    """A sort key that orders digit runs by value: "wp-ref-2" < "wp-ref-13" (plain text order puts 13 first)."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part.casefold()) for part in re.split(r"(\d+)", text) if part]


class Stance(models.TextChoices):
    """What a cited source does with the claim it is cited for."""

    SUPPORTS = "supports", _("supports")
    DISPUTES = "disputes", _("disputes")
    DENIES = "denies", _("denies")
    REPORTS = "reports", _("reports")


class SourceQuerySet(PublishableQuerySet):
    def with_work(self):
        """With the work each source is found in, for the reader's line ("Reference 45 of …"): no query per row."""
        return self.select_related("found_in")

    def without_archive(self):
        return self.filter(archive_url="")

    def to_archive(self):
        """Sources with a link and no archived copy of it: what the web-archive job asks a copy of."""
        return self.exclude(url="").filter(archive_url="")

    def due_for_link_check(self, now):
        """Sources with a link never checked, due to be checked again at `now`, or changed since its check."""
        return self.exclude(url="").filter(
            Q(link_check__isnull=True) | Q(link_check__next_check_at__lte=now) | ~Q(link_check__url=F("url"))
        )

    def with_broken_link(self):
        """Sources whose link failed its last check (a check of an address the source no longer has is not counted)."""
        return self.filter(link_check__broken=True, link_check__url=F("url"))


class Source(Publishable):
    """A publication a fact is taken from: "Ahmad Massoud, op-ed, The Washington Post, 18 August 2021"."""

    key = models.CharField(
        verbose_name=_("key"),
        max_length=100,
        unique=True,
        validators=[validate_key],
        help_text=_(
            'Readable unique key used in citation markers, e.g. "wapo-2021-08-18-massoud" → [@wapo-2021-08-18-massoud].'
        ),
    )
    title = models.CharField(
        verbose_name=_("title"), max_length=500, blank=True, help_text=_("Exactly as published; leave empty if unknown.")
    )  # The title is quoted as published, in the source's language; these translate it for readers of others.
    title_en = translation_of(title, "en")
    title_prs = translation_of(title, "prs")
    title_ps = translation_of(title, "ps")

    authors = models.CharField(
        verbose_name=_("authors"), max_length=500, blank=True, help_text=_('Author names separated by ";".')
    )
    publisher = models.CharField(
        verbose_name=_("publisher"), max_length=200, blank=True, help_text=_("Newspaper, broadcaster, organization.")
    )
    source_type = models.CharField(
        verbose_name=_("source type"), max_length=20, choices=SourceType.choices, default=SourceType.NEWS
    )
    language = models.CharField(
        verbose_name=_("language"), max_length=16, blank=True, help_text=_('Language code: "en", "prs" (Dari), "ps" (Pashto).')
    )
    published_on = PartialDateField(
        verbose_name=_("published on"), null=True, blank=True, help_text=_("Publication date, at the precision known.")
    )
    url = models.URLField(
        verbose_name=_("url"), max_length=1000, blank=True, help_text=_("Leave empty unless known: never guess a URL.")
    )
    archive_url = models.URLField(
        verbose_name=_("archive url"), max_length=1000, blank=True, help_text=_("An archived copy (e.g. the Wayback Machine).")
    )
    archived_on = models.DateField(
        verbose_name=_("archived on"),
        null=True,
        blank=True,
        help_text=_("The day the archived copy was made (the Wayback Machine's capture date)."),
    )
    accessed_on = models.DateField(
        verbose_name=_("accessed on"), null=True, blank=True, help_text=_("When the URL was last read.")
    )
    affiliation = models.CharField(
        verbose_name=_("affiliation"),
        max_length=12,
        choices=Affiliation.choices,
        default=Affiliation.UNKNOWN,
        help_text=_("Whose side the publisher is on, if any: a reader weighs an NRF statement differently."),
    )
    found_in = models.ForeignKey(
        "self",
        verbose_name=_("found in"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="references",
        help_text=_(
            "When the publication is known only as a reference of another work (an encyclopedia article's "
            'footnote), that work; readers see "Reference 45 of …" until the publication is identified.'
        ),
    )
    found_as = models.CharField(
        verbose_name=_("found as"),
        max_length=20,
        blank=True,
        help_text=_('Its number or label in that work\'s reference list: "45".'),
    )
    wikidata_id = models.CharField(
        verbose_name=_("wikidata id"),
        max_length=20,
        blank=True,
        validators=[wikidata.validate_item],
        help_text=_(
            'The Wikidata item of this work, or of the periodical or site it appeared in: "Q166032" for The '
            'Washington Post. QuickStatements give it as the reference\'s "stated in" (S248).'
        ),
    )
    notes = models.TextField(
        verbose_name=_("notes"),
        blank=True,
        help_text=_("Editors' notes: what is known of this source and what is not (shown to editors only)."),
    )

    SEARCH_FIELDS = ("key", "title", "title_en", "title_prs", "title_ps", "authors", "publisher")  # what a search reads

    history = HistoricalRecords()
    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["key"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        default_permissions = PUBLISHABLE_PERMISSIONS
        constraints = [
            models.CheckConstraint(condition=~Q(key=""), name="source_key_not_empty"),
            *partial_date_constraints("published_on"),
        ]

    def __str__(self):
        return f"{self.key} — {self.title}" if self.title else self.key

    def get_absolute_url(self):
        return reverse("sources:detail", args=[self.key])

    def found_in_loops(self, work):
        """Whether making this source a reference of `work` would make it a reference of itself (A → B → A).

        The admin form asks it (a query per level); an import checks every row's chain at once, without a
        query per row (`ShapeChecksMixin.check_hierarchy`), so this is not part of clean().
        """
        seen = {self.pk} if self.pk else set()
        while work is not None:
            if work.pk in seen:
                return True
            seen.add(work.pk)
            work = work.found_in
        return False

    @property
    def identified(self):
        """Whether readers can tell what publication this is: it has a title, or at least a publisher or URL."""
        return bool(self.title or self.publisher or self.url)

    @property
    def title_ends_sentence(self):
        """The title ends with its own full stop, question or exclamation mark: a reference line adds none."""
        return self.title.rstrip().endswith((".", "?", "!"))

    @property
    def work(self):
        """The published work this source is a reference of, if any (a draft one is not named to readers)."""
        return self.found_in if self.found_in_id and self.found_in.is_published else None

    @property
    def kind_phrase(self):
        """What kind of work it is, as a reference line names it: "encyclopedia article", "news report"."""
        return {SourceType.ENCYCLOPEDIA: gettext("encyclopedia article"), SourceType.NEWS: gettext("news report")}.get(
            self.source_type, self.get_source_type_display()
        )

    @property
    def display_title(self):
        """What readers call it: its title, else "Reference 45 of National Resistance Front", else its key."""
        if self.title:
            return self.title
        if self.work:
            if self.found_as:
                return gettext("Reference %(number)s of %(work)s") % {"number": self.found_as, "work": self.work.display_title}
            return gettext("A reference of %(work)s") % {"work": self.work.display_title}
        return self.key


class LinkCheck(models.Model):
    """How a source's link answered when last checked: "200, text/html, 7 December 2026", or "404 Not Found".

    Kept apart from the source (the link-check job writes it, sources/links.py): a check changes no content, so it
    makes no revision of the source and refreshes no cached page.
    """

    derived = True  # written by the link checker, not by editors: its writes change no content (no cache bump)

    source = models.OneToOneField(Source, verbose_name=_("source"), on_delete=models.CASCADE, related_name="link_check")
    url = models.CharField(verbose_name=_("url"), max_length=1000, help_text=_("The link as it was checked."))
    checked_at = models.DateTimeField(verbose_name=_("checked at"), default=timezone.now)
    status = models.PositiveSmallIntegerField(
        verbose_name=_("status"), null=True, blank=True, help_text=_("The HTTP status of the last answer; empty: none came.")
    )
    final_url = models.CharField(
        verbose_name=_("final url"), max_length=1000, blank=True, help_text=_("Where the redirects, if any, led.")
    )
    content_type = models.CharField(verbose_name=_("content type"), max_length=200, blank=True)
    error = models.TextField(
        verbose_name=_("error"), blank=True, help_text=_("Why no answer came (timed out, refused…); empty when one did.")
    )
    broken = models.BooleanField(
        verbose_name=_("broken"), default=False, help_text=_("No answer came, or it was an error (4xx, 5xx).")
    )
    tries = models.PositiveSmallIntegerField(verbose_name=_("tries"), default=1)
    next_check_at = models.DateTimeField(verbose_name=_("next check at"), db_index=True)

    class Meta:
        verbose_name = _("link check")
        verbose_name_plural = _("link checks")
        default_permissions = ()  # no admin page: editors read it through the needs-attention queue

    def __str__(self):
        return f"{self.url}: {self.status or self.error}"


class CitationQuerySet(VisibleQuerySet):
    def public(self):
        """Citations a reader may follow: those of a published source (the cited fact's own rule is its model's)."""
        return self.filter(source__status=Status.PUBLISHED)


class Citation(Versioned):
    """Where in a source a fact is found. Concrete subclasses live with the thing cited."""

    source = models.ForeignKey(
        Source,
        verbose_name=_("source"),
        on_delete=models.PROTECT,  # a cited source cannot be deleted
        related_name="%(class)ss",
        help_text=_("The source; a source that is cited cannot be deleted."),
    )
    locator = models.CharField(
        verbose_name=_("locator"), max_length=100, blank=True, help_text=_('Page, timestamp or paragraph: "p. 4", "12:30".')
    )
    stance = models.CharField(
        verbose_name=_("stance"),
        max_length=10,
        choices=Stance.choices,
        default=Stance.REPORTS,
        help_text=_(
            "What the source does with the claim: supports it (evidence of its own), disputes it, denies it "
            "(a party rejecting it), or only reports it (someone else's claim)."
        ),
    )
    backs = models.CharField(
        verbose_name=_("backs"),
        max_length=100,
        blank=True,
        help_text=_(
            "The part(s) of the fact this source backs, comma-separated (an event's date, place, casualties, "
            "actors; a statement's value, start, end). Empty: the fact as a whole."
        ),
    )
    quote = models.TextField(
        verbose_name=_("quote"), blank=True, help_text=_("The passage that supports the fact, in the original language.")
    )
    quote_translation = models.TextField(
        verbose_name=_("quote translation"), blank=True, help_text=_("An English translation of the quote, if needed.")
    )

    objects = CitationQuerySet.as_manager()

    # The parts of the cited fact a citation may back, {name: what readers call it}: each subclass sets its own.
    BACKS = {}

    class Meta:
        abstract = True

    def named_parts(self):
        """The parts the `backs` text names, as written."""
        return [part.strip() for part in self.backs.split(",") if part.strip()]

    def backed(self):
        """The parts this citation backs, in the fact's own order; [] for the fact as a whole."""
        named = set(self.named_parts())
        return [name for name in self.BACKS if name in named]

    def clean(self):
        super().clean()
        unknown = [name for name in self.named_parts() if name not in self.BACKS]
        if unknown:
            allowed = ", ".join(self.BACKS) if self.BACKS else gettext("nothing but the whole text")
            message = ngettext(
                "Unknown part(s): %(parts)s. A %(model)s may back: %(allowed)s.",
                "Unknown part(s): %(parts)s. A %(model)s may back: %(allowed)s.",
                len(unknown),
            )
            parts = {"parts": ", ".join(unknown), "model": self._meta.verbose_name, "allowed": allowed}
            raise ValidationError({"backs": message % parts})
        self.backs = ",".join(self.backed())  # one spelling, so an export re-imports as "unchanged"

    def __str__(self):
        return f"{self.source.key}, {self.locator}" if self.locator else self.source.key
