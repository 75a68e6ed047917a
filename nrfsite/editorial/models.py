"""Pending changes: an editor's change to a published item, kept beside the live row until a reviewer decides.

The live row stays exactly as readers know it. The change is the item as CSV rows, as the editor left it:
its own row (with the children its row lists: citations, participants, aliases) and its children's own
rows (a citation's quote, a participant's note), a bundle of one item. One shape serves the admin form,
the CSV import, the reviewer's diff and the publish, which imports those rows as the reviewer. See
docs/DESIGN.md, "Live and pending".
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class PendingState(models.TextChoices):
    PENDING = "pending", _("waiting for review")
    PUBLISHED = "published", _("published")
    REJECTED = "rejected", _("rejected")
    SUPERSEDED = "superseded", _("replaced by a later change")
    WITHDRAWN = "withdrawn", _("withdrawn by its author")


class PendingChangeQuerySet(models.QuerySet):
    def waiting(self):
        return self.filter(state=PendingState.PENDING)

    def of(self, obj):
        return self.filter(content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk)


class PendingChange(models.Model):
    """One editor's change to one published item; at most one waits per item."""

    content_type = models.ForeignKey(ContentType, verbose_name=_("content type"), on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField(verbose_name=_("object id"))
    label = models.CharField(
        verbose_name=_("label"), max_length=300, help_text=_("The item as it was named when the change was made.")
    )
    rows = models.JSONField(
        verbose_name=_("rows"),
        help_text=_("The item with the change, as CSV rows: {file name: [{column: cell}]}, its own file first."),
    )
    base_version = models.PositiveIntegerField(
        verbose_name=_("base version"), help_text=_("The live row's version the change was made on.")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(verbose_name=_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)
    state = models.CharField(
        verbose_name=_("state"), max_length=12, choices=PendingState.choices, default=PendingState.PENDING, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(verbose_name=_("decided at"), null=True, blank=True)
    decision_note = models.CharField(verbose_name=_("decision note"), max_length=300, blank=True)

    objects = PendingChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("pending change")
        verbose_name_plural = _("pending changes")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=models.Q(state="pending"),
                name="one_pending_change_per_item",
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return gettext("Change to “%(item)s” (%(state)s)") % {"item": self.label, "state": self.get_state_display()}

    @property
    def model(self):
        return self.content_type.model_class()

    @cached_property
    def item(self):
        return self.model._default_manager.filter(pk=self.object_id).first()


class SetAsideQuerySet(models.QuerySet):
    def current(self, today):
        return self.filter(until__gte=today)


class SetAside(models.Model):
    """An item an editor took off one needs-attention queue until a date, with why: "no archive exists for
    a citation of a printed book", say. It comes back by itself after `until`, or when the record is deleted."""

    queue = models.CharField(verbose_name=_("queue"), max_length=60, help_text=_("The queue's key, e.g. unarchived-source."))
    content_type = models.ForeignKey(ContentType, verbose_name=_("content type"), on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField(verbose_name=_("object id"))
    label = models.CharField(
        verbose_name=_("label"), max_length=300, help_text=_("The item as it was named when it was set aside.")
    )
    until = models.DateField(verbose_name=_("until"), help_text=_("The item is back on the queue after this day."))
    reason = models.CharField(verbose_name=_("reason"), max_length=300)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)

    objects = SetAsideQuerySet.as_manager()

    class Meta:
        ordering = ["until", "queue", "label"]
        verbose_name = _("item set aside from a queue")
        verbose_name_plural = _("items set aside from queues")
        constraints = [models.UniqueConstraint(fields=["queue", "content_type", "object_id"], name="set_aside_once_per_queue")]

    def __str__(self):
        until = date_format(self.until, "j F Y")
        return gettext("%(item)s (off “%(queue)s” until %(date)s)") % {"item": self.label, "queue": self.queue, "date": until}
