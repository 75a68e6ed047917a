"""Editorial writes: submit, publish, reject, unpublish, mark reviewed, flag, restore. Each says who and why."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext

from nrfsite.core.dates import PartialDate
from nrfsite.core.publishing import Status
from nrfsite.editorial import pending
from nrfsite.editorial.diff import person
from nrfsite.editorial.models import PendingChange, PendingState
from nrfsite.editorial.roles import can_review


def require_reviewer(user, model):
    """Publishing, rejecting, unpublishing, reviewing, flagging and restoring are a reviewer's, whoever asks."""
    if user is None or not can_review(user, model):
        raise PermissionDenied(
            gettext("Only a reviewer may do that to %(items)s.") % {"items": model._meta.verbose_name_plural}
        )


def _save(obj, *, user, reason, fields=None):
    obj._history_user = user
    obj._change_reason = reason
    obj.save(update_fields=fields) if fields else obj.save()


def mark_published(obj, user):
    """Set the published state on an unsaved object: status, who, when."""
    obj.status = Status.PUBLISHED
    obj.published_at = timezone.now()
    obj.published_by = user


class PendingConflict(Exception):
    """Someone else's change to this item waits for review; saving would replace it."""

    def __init__(self, change):
        super().__init__(
            gettext("%(author)s's change to “%(item)s” waits for review.") % {"author": change.author, "item": change.label}
        )
        self.change = change


class ChangeNotApplied(Exception):
    """A pending change could not be written (it names a row that is gone, say): the reasons, one per line."""

    def __init__(self, errors):
        super().__init__("; ".join(errors))
        self.errors = errors


def is_live(item):
    """Readers see this item now: it is published in the database (whatever an unsaved copy says)."""
    model = type(item)
    return item.pk is not None and model._default_manager.filter(pk=item.pk, status=Status.PUBLISHED).exists()


def held_item(obj, user):
    """The published item a change of `obj` by `user` must wait on, or None if the change may be written.

    The one rule of who changes what the public sees: an Editor's change to a published item (or to a row
    that is part of one: its citations, participants, aliases) is kept as a pending change, and the live
    row stays as readers know it; a Reviewer's change is written.
    """
    item = pending.item_of(obj)
    if item is None or can_review(user, type(item)) or not is_live(item):
        return None
    return item


def waiting_change(item, *, lock=False):
    changes = PendingChange.objects.waiting().of(item).select_related("author")
    # PostgreSQL locks no row of an outer join's nullable side (the author): only the change is locked.
    return (changes.select_for_update(of=("self",)) if lock else changes).first()


def live_rows(item):
    return pending.adapter_for(type(item)).snapshot(item)


@transaction.atomic
def submit_change(*, item, rows, user, reason="", replace=None):
    """Keep `rows` as `user`'s pending change to `item`; the live row is untouched. None if it changes nothing.

    The author's own waiting change is updated. Someone else's is never replaced silently: PendingConflict,
    unless `replace` is that change (the user saw it and chose to keep theirs instead).
    """
    model = type(item)
    live = model._default_manager.select_for_update().get(pk=item.pk)
    existing = waiting_change(item, lock=True)
    if existing is not None and existing.author_id != user.pk:
        if replace is None or replace.pk != existing.pk:
            raise PendingConflict(existing)
        supersede_change(change=existing, user=user)
        existing = None
    if rows == live_rows(live):
        if existing is not None:
            _decide(existing, user, PendingState.WITHDRAWN, "Changed back to the live version")
        return None
    change = existing or PendingChange(content_type=ContentType.objects.get_for_model(model), object_id=item.pk, author=user)
    change.rows, change.base_version, change.reason, change.label = rows, live.version, reason[:300], str(live)[:300]
    change.save()
    return change


def carry_into_waiting_change(item, *, before):
    """After a write that is not an editor's (a job's: the web archive's copy of a source) on `item`, whose rows
    were `before` it: the cells of the item's own row that the change waiting on it left as they were now read
    as the write made them, so publishing that change does not undo the write. A cell the change itself
    changed is the editor's and stays. Call it in the write's transaction."""
    change = waiting_change(item, lock=True)
    if change is None:
        return
    own = next(iter(before))
    old, new, proposed = before[own][0], live_rows(item)[own][0], change.rows[own][0]
    written = {column: cell for column, cell in new.items() if cell != old.get(column)}
    carried = {column: cell for column, cell in written.items() if proposed.get(column) == old.get(column)}
    if carried:
        proposed.update(carried)
        change.save(update_fields=["rows"])  # not updated_at: the change is still the editor's of that time


def _decide(change, user, state, note=""):
    change.state, change.decided_by, change.decided_at, change.decision_note = state, user, timezone.now(), note[:300]
    change.save(update_fields=["state", "decided_by", "decided_at", "decision_note", "updated_at"])


@transaction.atomic
def publish_change(*, change, user, note=""):
    """Write a pending change as the reviewer `user`: readers see it from the commit on."""
    require_reviewer(user, change.model)
    item = change.model._default_manager.select_for_update().filter(pk=change.object_id).first()
    if item is None:
        raise ChangeNotApplied([gettext("The item this change was made to has been deleted.")])
    author = person(change.author) if change.author else "a deleted user"
    reason = f"Published {author}'s change, reviewed by {person(user)}"
    if change.reason:
        reason += f": {change.reason}"
    errors = pending.adapter_for(change.model).apply(item, change.rows, user=user, reason=reason)
    if errors:
        raise ChangeNotApplied(errors)
    type(item)._default_manager.filter(pk=item.pk, status=Status.PUBLISHED).update(
        published_at=timezone.now(), published_by=user
    )
    _decide(change, user, PendingState.PUBLISHED, note)
    return item


def reject_change(*, change, user, note=""):
    """The reviewer turns a pending change down: nothing is written, the author sees why."""
    require_reviewer(user, change.model)
    _decide(change, user, PendingState.REJECTED, note)


def supersede_change(*, change, user):
    """`user` chose to keep their own edit over this waiting change: it stays in the record, superseded."""
    _decide(change, user, PendingState.SUPERSEDED, f"Replaced by {user.get_username()}'s change")


def withdraw_change(*, change, user):
    _decide(change, user, PendingState.WITHDRAWN, "Withdrawn by its author")


def publishable_publish(*, obj, user):
    """Make a draft public, or publish the change that waits on a published item; records who and when."""
    require_reviewer(user, type(obj))
    change = waiting_change(obj)
    if change is not None:
        publish_change(change=change, user=user)
        obj.refresh_from_db()
        if obj.status == Status.PUBLISHED:
            return True
    if obj.status == Status.PUBLISHED:
        return change is not None
    mark_published(obj, user)
    _save(obj, user=user, reason=f"Published by {user.get_username()}")
    return True


def publishable_unpublish(*, obj, user):
    """Take a published item off the public site: it becomes a draft. False if readers did not see it.

    A change waiting on it keeps waiting: publishing it publishes the item again.
    """
    require_reviewer(user, type(obj))
    if obj.status != Status.PUBLISHED:
        return False
    obj.status = Status.DRAFT
    _save(obj, user=user, reason=f"Unpublished by {user.get_username()}")
    return True


def reviewable_mark_reviewed(*, obj, user, note="", today=None):
    """Checked against the sources today: clears the flag; the item leaves the review queue."""
    require_reviewer(user, type(obj))
    obj.reviewed_on = today or datetime.date.today()
    obj.reviewed_by = user
    obj.needs_update = False
    obj.update_reason = ""
    obj.flagged_on_partial = None
    reason = f"Marked reviewed by {user.get_username()}" + (f": {note}" if note else "")
    _save(obj, user=user, reason=reason)


def reviewable_flag(*, obj, user, reason, today=None):
    """Flag as needing an update, with the reason readers will see and today's date."""
    require_reviewer(user, type(obj))
    obj.needs_update = True
    obj.update_reason = reason
    obj.flagged_on_partial = PartialDate.from_date(today or datetime.date.today())
    _save(obj, user=user, reason=f"Flagged by {user.get_username()}: {reason}")


@transaction.atomic
def delete_items(*, objs, user, reason=""):
    """Delete items (each with what cascades from it) as a reviewer; each deletion is a revision that can be undone.

    Any waiting change to a deleted item is withdrawn with it: there is nothing left to publish it onto.
    """
    for obj in objs:
        require_reviewer(user, type(obj))
        change = waiting_change(obj, lock=True) if pending.adapter_for(type(obj)) else None
        if change is not None:
            _decide(change, user, PendingState.WITHDRAWN, f"The item was deleted by {user.get_username()}")
        obj._history_user = user
        obj._change_reason = reason or f"Deleted by {user.get_username()}"
        obj.delete()


@transaction.atomic
def history_restore(*, record, user):
    """Bring an item back to an earlier revision, or back from deletion; the restore is itself a revision.

    Brought back from deletion, the item comes back whole: the rows its deletion took with it (its
    citations, participants, aliases, statements…, found through the model's CASCADE relations) come
    back as they were, each with its own revision.
    """
    instance = record.instance
    model = type(instance)
    require_reviewer(user, model)
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
