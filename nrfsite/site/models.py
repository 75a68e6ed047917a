"""Site-wide state: the content version public page caches are keyed on."""

from django.db import models, transaction
from django.utils import timezone


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

    at = models.DateTimeField(default=timezone.now, help_text="When the change was made: the API's Last-Modified.")

    def __str__(self):
        return f"content version {self.pk}"

    @classmethod
    def current(cls):
        return cls.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    @classmethod
    def latest(cls):
        """(version, when) of the latest content change, or (0, None) before the first."""
        return cls.objects.order_by("-pk").values_list("pk", "at").first() or (0, None)

    @classmethod
    def bump(cls):
        """A new version now, and another once the transaction commits.

        The one written now makes the change's own transaction (and a test's) see a new version. The one
        written after the commit is what makes the cache right: on PostgreSQL a row id is handed out when
        the row is written, not when it commits, so a transaction that unpublishes (version 23) can be
        overtaken by one that commits version 25; a reader who then renders the still-public page caches
        it under 25, and 23 never shows. A version written after the commit is higher than any version a
        reader can have seen before it, so every page cached from the old data becomes unreachable.
        """
        cls._write()
        connection = transaction.get_connection()
        if not connection.in_atomic_block:
            return  # autocommit: the row just written is already committed
        # Once per transaction: a thousand saves in one import need one version after it, not a thousand.
        # Django drops the callbacks of a rolled-back savepoint from run_on_commit, so a later save re-adds it.
        if any(entry[1] == cls._write for entry in connection.run_on_commit):
            return
        transaction.on_commit(cls._write)

    @classmethod
    def _write(cls):
        latest = cls.objects.create()
        if latest.pk % cls.KEEP == 0:
            cls.objects.filter(pk__lt=latest.pk - cls.KEEP).delete()
