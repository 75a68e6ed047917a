"""Editorial writes: publish, unpublish, mark reviewed, flag, restore. Each leaves a revision saying who and why."""

import datetime

from django.db import models, transaction
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
    if obj.pk is None or can_review(user, type(obj)) or not obj.has_public_version:
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
    if not obj.has_public_version:
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
    """Bring an item back to an earlier revision, or back from deletion; the restore is itself a revision.

    Brought back from deletion, the item comes back whole: the rows its deletion took with it (its
    citations, participants, aliases, statements…, found through the model's CASCADE relations) come
    back as they were, each with its own revision.
    """
    instance = record.instance
    model = type(instance)
    current = model._default_manager.filter(pk=instance.pk).first()
    if current is not None and hasattr(current, "version"):
        instance.version = current.version  # the save raises it past what editors have open
    when = record.history_date.strftime("%-d %B %Y %H:%M")
    verb = "Restored the revision of" if current is not None else "Brought back from deletion, as of"
    reason = f"{verb} {when} ({user.get_username()})"
    _save(instance, user=user, reason=reason)
    if current is None and record.history_type == "-":
        _restore_cascaded(instance, deleted_at=record.history_date, user=user, reason=reason)
    return instance


# The rows a cascade deletes are deleted in the same transaction just before their parent, so their
# deletion revisions are dated within moments of the parent's; a child deleted on its own earlier stays deleted.
CASCADE_WINDOW = datetime.timedelta(seconds=10)


def _restore_cascaded(parent, *, deleted_at, user, reason):
    for relation in parent._meta.related_objects:
        child_model = relation.related_model
        if relation.on_delete is not models.CASCADE or not hasattr(child_model, "history") or relation.many_to_many:
            continue
        fk = relation.field.attname
        records = child_model.history.filter(
            **{fk: parent.pk},
            history_type="-",
            history_date__gte=deleted_at - CASCADE_WINDOW,
            history_date__lte=deleted_at,
        ).order_by("history_date")
        pk_name = child_model._meta.pk.attname
        for child_record in records:
            pk = getattr(child_record, pk_name)
            if child_model._default_manager.filter(pk=pk).exists():
                continue
            child = child_record.instance
            _save(child, user=user, reason=reason)
            _restore_cascaded(child, deleted_at=deleted_at, user=user, reason=reason)
