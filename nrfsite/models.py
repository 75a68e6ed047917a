"""Site-wide state: the content version public page caches are keyed on."""

from django.db import models
from django.db.models import F


class ContentVersion(models.Model):
    """One row whose number rises with every content change (save, delete, publish, import, restore).

    Cached public pages are stored under the version they were rendered at, so a
    change makes every cached page unreachable at once, in every worker and on
    every server, because the number lives in the shared database and rises in the
    same transaction as the change.
    """

    number = models.PositiveBigIntegerField(default=1)

    def __str__(self):
        return f"content version {self.number}"

    @classmethod
    def current(cls):
        return cls.objects.filter(pk=1).values_list("number", flat=True).first() or 0

    @classmethod
    def bump(cls):
        if not cls.objects.filter(pk=1).update(number=F("number") + 1):
            cls.objects.get_or_create(pk=1, defaults={"number": 2})
