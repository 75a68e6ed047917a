"""Abstract models that content models mix in: publishing and review state."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nrfsite.core.fields import PartialDateField

# Every content model gets import/export permissions beside Django's four, so the
# admin's CSV buttons can be granted separately (django-import-export checks
# "<app>.import_<model>" and "<app>.export_<model>").
CONTENT_PERMISSIONS = ("add", "change", "delete", "view", "import", "export")
PUBLISHABLE_PERMISSIONS = (*CONTENT_PERMISSIONS, "publish")


class Status(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")


class VisibleQuerySet(models.QuerySet):
    """`public()` is what readers may see; `visible(preview=True)` is everything, for an editor's preview."""

    def public(self):
        return self.all()

    def visible(self, *, preview=False):
        return self.all() if preview else self.public()


class PublishableQuerySet(VisibleQuerySet):
    def published(self):
        """Never a draft. A model that names other rows narrows `public()` further."""
        return self.filter(status=Status.PUBLISHED)

    def public(self):
        return self.published()

    def drafts(self):
        return self.filter(status=Status.DRAFT)


class Versioned(models.Model):
    """A version number raised on every save, so an edit made on an older version can be refused.

    Every content model has one (publishable or not: an alias, a citation, a property), so no save
    silently replaces another editor's.
    """

    version = models.PositiveIntegerField(
        verbose_name=_("version"),
        default=0,
        editable=False,
        help_text=_("Raised on every save; an edit made on an older version is refused."),
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # One model's own invariant: every save is a new version (the admin's edit-conflict check reads it).
        self.version = (self.version or 0) + 1
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "version"}
        super().save(*args, **kwargs)


class Publishable(Versioned):
    """Draft or published, with timestamps. Public querysets call `.published()`.

    A published row is what readers see; an editor's change to it waits beside it as a pending change
    (nrfsite.editorial.models.PendingChange) until a reviewer publishes or rejects it.
    """

    status = models.CharField(
        verbose_name=_("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        # No index: nearly every row is published, so an index on it selects nothing, and SQLite (which
        # keeps no statistics) would take it over the selective ones (place, type, date) and read them all.
        help_text=_("Drafts never appear on a public page, list, search, feed, sitemap or download."),
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)
    published_at = models.DateTimeField(verbose_name=_("published at"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        abstract = True

    @property
    def is_published(self):
        return self.status == Status.PUBLISHED


class Reviewable(models.Model):
    """Review state: how current a text is, who last checked it, and whether it needs an update.

    "Outdated" means flagged, or its review is overdue, or the date it is true
    "as of" is older than its review interval.
    """

    as_of = PartialDateField(
        verbose_name=_("as of"),
        null=True,
        blank=True,
        help_text=_('The date the text is true as of, as the source says: "As of August 2024" → "August 2024".'),
    )
    reviewed_on = models.DateField(
        verbose_name=_("reviewed on"), null=True, blank=True, help_text=_("When an editor last checked this against sources.")
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Who last checked it."),
    )
    review_every = models.PositiveIntegerField(
        verbose_name=_("review every"),
        default=180,
        help_text=_("Days after which this should be checked again (and after which an 'as of' date ages)."),
    )
    needs_update = models.BooleanField(verbose_name=_("needs update"), default=False, help_text=_("Flagged as out of date."))
    update_reason = models.CharField(
        verbose_name=_("update reason"), max_length=300, blank=True, help_text=_("Why it needs an update, shown to readers.")
    )
    flagged_on = PartialDateField(
        verbose_name=_("flagged on"),
        null=True,
        blank=True,
        help_text=_('When it was flagged, at the precision known: "September 2022".'),
    )

    class Meta:
        abstract = True

    @property
    def review_interval(self):
        """Days after which this is due for review and its "as of" date has aged: the one rule the queues and
        the public pages read. A model whose interval comes from elsewhere (a statement's, from its
        property) overrides it."""
        return self.review_every

    def aged_as_of(self, today):
        """The "as of" date when it is older than the review interval (and no review since renewed it), else
        None: what a page marks "as of D" and the queue lists."""
        if self.as_of is None:
            return None
        as_of = self.as_of_partial
        interval = self.review_interval
        if self.reviewed_on and (today - self.reviewed_on).days <= interval:
            return None
        return as_of if (today - as_of.last_day).days > interval else None
