"""Site-wide state: the content version public page caches are keyed on; editors' watchlists and their digests."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from nrfsite.editorial.roles import ROLES


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


def watchers():
    """The users who may keep a watchlist: active staff in an editorial role (Editor or Reviewer), and superusers.

    The one rule: the admin's "My watchlist" asks it of the person signed in (`may_watch`), and a digest run asks
    it again of everyone due (`WatchlistQuerySet.sending`), so losing the role or being deactivated stops the
    digests at once. The role is membership of one of the groups `nrfsite.editorial.roles.ROLES` names.
    """
    editorial = Q(groups__name__in=list(ROLES)) | Q(is_superuser=True)
    return get_user_model().objects.filter(editorial, is_active=True, is_staff=True)


def may_watch(user):
    """Whether `user` may keep a watchlist (`watchers`); asked once per request and user object."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    if not hasattr(user, "_may_watch"):
        user._may_watch = watchers().filter(pk=user.pk).exists()
    return user._may_watch


class Frequency(models.TextChoices):
    OFF = "off", _("never (no digest)")
    DAILY = "daily", _("daily")
    WEEKLY = "weekly", _("weekly")


PERIODS = {Frequency.DAILY: datetime.timedelta(days=1), Frequency.WEEKLY: datetime.timedelta(days=7)}
# Cron starts a daily run at about the same time each day, a few seconds early or late: a digest is due an hour
# before its period has passed, so yesterday's 06:00:05 does not make today's 06:00:02 wait a day.
SLACK = datetime.timedelta(hours=1)


class WatchlistQuerySet(models.QuerySet):
    def sending(self):
        """Watchlists whose digests go out: switched on, of a user who may watch (`watchers`) and has an address."""
        return self.exclude(frequency=Frequency.OFF).exclude(user__email="").filter(user__in=watchers().values("pk"))

    def due(self, now, frequency=None):
        """Those of `sending` whose period (less `SLACK`) has passed since their last digest, or that never had one."""
        due = Q()
        for name, period in PERIODS.items():
            if frequency in (None, name):
                due |= Q(frequency=name) & (Q(last_sent_at__isnull=True) | Q(last_sent_at__lte=now - period + SLACK))
        return self.sending().filter(due) if due else self.none()  # "off" has no period: nothing is due


class Watchlist(models.Model):
    """One editor's or reviewer's digest setting: how often the email comes, and when the last one went.

    Example: rahima's weekly digest of the NRF, Panjshir and "Armed clash", last sent on Monday. What she
    watches is her `Watch` rows; the digest goes to her account's email address.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="watchlist"
    )
    frequency = models.CharField(
        verbose_name=_("email digest"),
        max_length=8,
        choices=Frequency.choices,
        default=Frequency.DAILY,
        help_text=_(
            "How often an email lists the published changes and the items needing attention of what you watch. "
            "Every email has a link that switches it off."
        ),
    )
    last_sent_at = models.DateTimeField(
        verbose_name=_("last digest sent"),
        null=True,
        blank=True,
        help_text=_("The next digest lists what changed since then."),
    )
    # What the last digest listed as needing attention (a digest of its items' addresses): a digest with no
    # change and the same items is not sent again. Bookkeeping, not shown.
    last_attention = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(verbose_name=_("created"), default=timezone.now)

    objects = WatchlistQuerySet.as_manager()

    class Meta:
        verbose_name = _("my watchlist")
        verbose_name_plural = _("my watchlist")

    def __str__(self):
        return gettext("Watchlist of %(user)s") % {"user": self.user.get_username()}


class Watch(models.Model):
    """One thing a watchlist follows: an entity ("National Resistance Front"), a province by its ISO 3166-2 code
    ("AF-PAN", Panjshir: its places and events), or an event type ("Armed clash", with its sub-types)."""

    watchlist = models.ForeignKey(Watchlist, verbose_name=_("watchlist"), on_delete=models.CASCADE, related_name="watches")
    entity = models.ForeignKey(
        "entities.Entity",
        verbose_name=_("entity"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Its page: the entity, its sections and statements, and the events it is in."),
    )
    province = models.CharField(
        verbose_name=_("province"),
        max_length=10,
        blank=True,
        help_text=_("Its ISO 3166-2 code (AF-PAN): the province, the places in it, and the events there."),
    )
    event_type = models.ForeignKey(
        "events.EventType",
        verbose_name=_("event type"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Events of this type and of its sub-types."),
    )
    created_at = models.DateTimeField(verbose_name=_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("watched item")
        verbose_name_plural = _("watched items")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(entity__isnull=False, province="", event_type__isnull=True)
                    | (Q(entity__isnull=True, event_type__isnull=True) & ~Q(province=""))
                    | Q(entity__isnull=True, province="", event_type__isnull=False)
                ),
                name="watch_one_target",
                violation_error_message=_("Choose one thing to watch: an entity, a province or an event type."),
            ),
            models.UniqueConstraint(
                fields=["watchlist", "entity"], condition=Q(entity__isnull=False), name="watch_entity_once"
            ),
            models.UniqueConstraint(fields=["watchlist", "province"], condition=~Q(province=""), name="watch_province_once"),
            models.UniqueConstraint(
                fields=["watchlist", "event_type"], condition=Q(event_type__isnull=False), name="watch_event_type_once"
            ),
        ]

    def __str__(self):
        return str(self.entity or self.event_type or self.province)
