"""Site-wide state: the content version public page caches are keyed on."""

from django.db import models


class ContentVersion(models.Model):
    """One row per content change (save, delete, publish, import, restore); the version is the latest row's id.

    Cached public pages are stored under the version they were rendered at, so a
    change makes every cached page unreachable at once, in every worker and on
    every server, because the row is written in the shared database in the same
    transaction as the change. A new row per change (not one row updated) keeps
    a transaction that changes many items linear: PostgreSQL would otherwise
    walk an ever longer chain of versions of that one row on every update.
    """

    KEEP = 1000  # older rows are pruned now and then; only the latest id matters

    def __str__(self):
        return f"content version {self.pk}"

    @classmethod
    def current(cls):
        return cls.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    @classmethod
    def bump(cls):
        latest = cls.objects.create()
        if latest.pk % cls.KEEP == 0:
            cls.objects.filter(pk__lt=latest.pk - cls.KEEP).delete()
