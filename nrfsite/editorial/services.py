"""Editorial writes: publish, unpublish, mark reviewed, flag, restore. Each leaves a revision saying who and why."""

import datetime

from django.db import transaction
from django.utils import timezone

from nrfsite.core.dates import PartialDate
from nrfsite.core.publishing import Status
from nrfsite.editorial.roles import can_review


def _save(obj, *, user, reason, fields=None):
    obj._history_user = user
    obj._change_reason = reason
    obj.save(update_fields=fields) if fields else obj.save()


def mark_published(obj, user):
    """Set the published state on an unsaved object: status, who, when, nothing pending."""
    obj.status = Status.PUBLISHED
    obj.pending_review = False
    obj.published_at = timezone.now()
    obj.published_by = user


def hold_for_review(*, obj, user):
    """An editor's change to a public item becomes a draft that waits for a reviewer; True if it was held.

    Every way an editor changes an item in the admin (its own form, an inline on another form) applies
    this, so the rule of who may change what the public sees is `can_review`, once.
    """
    if obj.pk is None or can_review(user, type(obj)) or not (obj.status == Status.PUBLISHED or obj.pending_review):
        return False
    obj.status = Status.DRAFT
    obj.pending_review = True
    return True


def publishable_publish(*, obj, user):
    """Make a draft public; records who and when."""
    if obj.status == Status.PUBLISHED:
        return False
    mark_published(obj, user)
    _save(obj, user=user, reason=f"Published by {user.get_username()}")
    return True


def publishable_unpublish(*, obj, user):
    """Take an item off the public site: it becomes a draft, and nothing of it stays public.

    An item whose change awaits review is a draft whose last published version readers still see:
    unpublishing it withdraws that version too. False if the public saw nothing of it.
    """
    if obj.status != Status.PUBLISHED and not obj.pending_review:
        return False
    obj.status = Status.DRAFT
    obj.pending_review = False
    _save(obj, user=user, reason=f"Unpublished by {user.get_username()}")
    return True


def reviewable_mark_reviewed(*, obj, user, note="", today=None):
    """Checked against the sources today: clears the flag; the item leaves the review queue."""
    obj.reviewed_on = today or datetime.date.today()
    obj.reviewed_by = user
    obj.needs_update = False
    obj.update_reason = ""
    obj.flagged_on_partial = None
    reason = f"Marked reviewed by {user.get_username()}" + (f": {note}" if note else "")
    _save(obj, user=user, reason=reason)


def reviewable_flag(*, obj, user, reason, today=None):
    """Flag as needing an update, with the reason readers will see and today's date."""
    obj.needs_update = True
    obj.update_reason = reason
    obj.flagged_on_partial = PartialDate.from_date(today or datetime.date.today())
    _save(obj, user=user, reason=f"Flagged by {user.get_username()}: {reason}")


@transaction.atomic
def history_restore(*, record, user):
    """Bring an item back to an earlier revision, or back from deletion; the restore is itself a revision."""
    instance = record.instance
    model = type(instance)
    current = model._default_manager.filter(pk=instance.pk).first()
    if current is not None and hasattr(current, "version"):
        instance.version = current.version  # the save raises it past what editors have open
    when = record.history_date.strftime("%-d %B %Y %H:%M")
    verb = "Restored the revision of" if current is not None else "Brought back from deletion, as of"
    _save(instance, user=user, reason=f"{verb} {when} ({user.get_username()})")
    return instance
