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
from django.utils.functional import cached_property


class PendingState(models.TextChoices):
    PENDING = "pending", "waiting for review"
    PUBLISHED = "published", "published"
    REJECTED = "rejected", "rejected"
    SUPERSEDED = "superseded", "replaced by a later change"
    WITHDRAWN = "withdrawn", "withdrawn by its author"


class PendingChangeQuerySet(models.QuerySet):
    def waiting(self):
        return self.filter(state=PendingState.PENDING)

    def of(self, obj):
        return self.filter(content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk)


class PendingChange(models.Model):
    """One editor's change to one published item; at most one waits per item."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    label = models.CharField(max_length=300, help_text="The item as it was named when the change was made.")
    rows = models.JSONField(
        help_text="The item with the change, as CSV rows: {file name: [{column: cell}]}, its own file first."
    )
    base_version = models.PositiveIntegerField(help_text="The live row's version the change was made on.")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    state = models.CharField(max_length=12, choices=PendingState.choices, default=PendingState.PENDING, db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)

    objects = PendingChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=models.Q(state="pending"),
                name="one_pending_change_per_item",
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"Change to “{self.label}” ({self.get_state_display()})"

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

    queue = models.CharField(max_length=60, help_text="The queue's key, e.g. unarchived-source.")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    label = models.CharField(max_length=300, help_text="The item as it was named when it was set aside.")
    until = models.DateField(help_text="The item is back on the queue after this day.")
    reason = models.CharField(max_length=300)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SetAsideQuerySet.as_manager()

    class Meta:
        ordering = ["until", "queue", "label"]
        verbose_name = "item set aside from a queue"
        verbose_name_plural = "items set aside from queues"
        constraints = [models.UniqueConstraint(fields=["queue", "content_type", "object_id"], name="set_aside_once_per_queue")]

    def __str__(self):
        return f"{self.label} (off “{self.queue}” until {self.until:%-d %B %Y})"
