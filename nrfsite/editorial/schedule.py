"""Scheduled publishing: a reviewer publishes what they reviewed at a time they choose.

The publication is a background job ("publish") that runs no earlier than that time and publishes through
`publishable_publish`, the one rule every publish takes, as the reviewer who scheduled it, with their rights
checked again when it runs. What was reviewed is what gets published: the job fails, publishing nothing and
saying why, if the item was saved again after it was scheduled, or if the change waiting on it is another one.
Its end is recorded in the publish's own transaction. The page cache follows by itself: publishing saves,
and every save raises the content version public pages are cached under.
"""

import datetime

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from nrfsite.core.publishing import Status
from nrfsite.editorial import services
from nrfsite.jobs import registry, runner
from nrfsite.jobs.models import Job

KIND = "publish"
LONGEST = datetime.timedelta(days=366)


class ScheduleError(ValueError):
    pass


def scheduled(obj):
    """The publication of `obj` that waits for its time, or None."""
    return (
        Job.objects.filter(kind=KIND, state=Job.State.QUEUED, params__model=obj._meta.label, params__pk=str(obj.pk))
        .select_related("created_by")
        .order_by("run_after")
        .first()
    )


def schedule(obj, *, user, at):
    """Schedule the publication of `obj` (a draft, or the change that waits on it) at `at`; return the Job.
    A publication scheduled before for the same item is cancelled: one time per item."""
    services.require_reviewer(user, type(obj))
    now = timezone.now()
    if at <= now:
        raise ScheduleError(gettext("Pick a time in the future, or publish now."))
    if at > now + LONGEST:
        raise ScheduleError(gettext("Pick a time within a year."))
    waiting = services.waiting_change(obj)
    if obj.status == Status.PUBLISHED and waiting is None:
        raise ScheduleError(
            gettext("“%(item)s” is published and no change waits on it: there is nothing to publish.") % {"item": obj}
        )
    with transaction.atomic():
        earlier = scheduled(obj)
        if earlier is not None:
            runner.cancel(earlier, user)
        when = date_format(timezone.localtime(at), "DATETIME_FORMAT")
        return runner.start(
            KIND,
            title=gettext("Publication of “%(item)s” at %(when)s") % {"item": str(obj)[:200], "when": when},
            user=user,
            params={
                "model": obj._meta.label,
                "pk": str(obj.pk),
                "version": obj.version,
                "pending": waiting.pk if waiting else None,
            },
            run_after=at,
        )


def run(job, context):
    model = apps.get_model(job.params["model"])
    with transaction.atomic():
        obj = model._default_manager.select_for_update().filter(pk=job.params["pk"]).first()
        if obj is None:
            context.fail(gettext("The item was deleted after its publication was scheduled: nothing was published."))
            return None
        if obj.version != job.params["version"]:
            context.fail(
                gettext(
                    "“%(item)s” was saved again after its publication was scheduled: nothing was published. Review "
                    "the new version, then publish or schedule it again."
                )
                % {"item": obj}
            )
            return None
        waiting = services.waiting_change(obj, lock=True)
        if (waiting.pk if waiting else None) != job.params["pending"]:
            context.fail(
                gettext(
                    "The change waiting on “%(item)s” is not the one reviewed when the publication was scheduled: "
                    "nothing was published. Review it, then publish or schedule it again."
                )
                % {"item": obj}
            )
            return None
        try:
            services.publishable_publish(obj=obj, user=job.created_by)
        except (services.ChangeNotApplied, PermissionDenied) as error:  # the reviewer may have lost the right
            context.fail(gettext("Nothing was published: %(error)s") % {"error": error})
            return None
        outcome = {"published": str(obj), "at": timezone.now().isoformat()}
        context.finish(outcome)  # in the publish's transaction: published and "done" commit together
    return outcome


registry.register(KIND, run=run, transactional=True)
