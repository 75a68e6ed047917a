"""Start a job, run it on a worker, follow it: the one way every long piece of work goes.

- `start()` records the job and hands its id to the task backend (django-tasks: the database backend by
  default, RQ on Redis with TASKS_BACKEND=rq; `manage.py jobs_worker` runs either's worker). The task goes
  with the job's transaction: in it on the database backend, once it commits on a queue outside the database.
- `execute()` is what a worker runs: it claims the job with one conditional UPDATE, so a job delivered twice
  runs once, beats a heartbeat while it works, and records the outcome or the failure.
- `status()` is what a page shows. A running job whose heartbeat has stopped (its worker was killed, or its
  machine went down) is reported failed there, by whoever looks first; `retry()` queues it again.

Progress and heartbeats live in the cache named by settings.JOBS_CACHE (Redis in production, a file cache on
one machine): a worker writes them outside the job's own transaction, where a page can read them at once.
"""

import contextlib
import logging
import os
import socket
import threading
import time

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django_tasks import task
from django_tasks.backends.dummy import DummyBackend
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks_db import DatabaseBackend

from nrfsite.jobs import registry
from nrfsite.jobs.models import Job

logger = logging.getLogger(__name__)

BEAT_SECONDS = 2  # how often a working job says it is alive
PROGRESS_SECONDS = 0.25  # progress is written at most this often

# Backends whose tasks go with the job's transaction: the database backend writes its task row in it, the
# immediate one runs the job inside it, the dummy one only keeps it in memory. Any other (RQ on Redis) queues
# outside the database, where a worker could take the task before the job's row commits, find no queued job
# and drop it, the job then waiting for ever: there the task is sent once the row has committed, and not at
# all if it rolls back.
IN_TRANSACTION_BACKENDS = (DatabaseBackend, ImmediateBackend, DummyBackend)


def lost_after():
    """Seconds without a heartbeat after which a running job's worker counts as gone."""
    return settings.JOBS_LOST_AFTER_SECONDS


def jobs_cache():
    return caches[settings.JOBS_CACHE]


def _key(job_id, what):
    return f"nrfsite-job:{job_id}:{what}"


class JobLost(Exception):
    """The job is no longer this worker's: it was reported lost (and maybe retried) while it ran."""


def worker_name():
    return f"{socket.gethostname()}:{os.getpid()}"


def start(kind, *, title, user=None, params=None, payload=None, run_after=None):
    """Record a job of `kind` and queue it; return the Job."""
    registry.kind(kind)  # an unknown kind is refused here, not on a worker
    job = Job.objects.create(
        kind=kind,
        title=title[:300],
        params=params or {},
        payload=None if payload is None else Job.pack(payload),
        created_by=user if user is not None and user.is_authenticated else None,
        run_after=run_after,
    )
    _enqueue(job)
    return job


def run_here(kind, *, title, params=None):
    """Record a job of `kind` and run it in this process, as a worker would (cron on a machine with no worker);
    return the Job, finished."""
    registry.kind(kind)
    job = Job.objects.create(kind=kind, title=title[:300], params=params or {})
    execute(job.pk)
    job.refresh_from_db()
    return job


def _enqueue(job):
    """Send `job`'s task to the backend: at once when the task goes with the job's transaction, else on commit
    (IN_TRANSACTION_BACKENDS). start(), retry() and a scheduled job's run_after all come through here."""
    task = run_job.using(run_after=job.run_after) if job.run_after else run_job
    if isinstance(task.get_backend(), IN_TRANSACTION_BACKENDS):
        task.enqueue(str(job.pk))
    else:
        transaction.on_commit(lambda: _send(task, job))


def stopped_by(error):
    """What a failed job's page says of the exception that stopped it."""
    return gettext("The job stopped with an error: %(error)s") % {"error": f"{type(error).__name__}: {error}"}


def _send(task, job):
    """After the commit: a queue that refuses the task (Redis unreachable) fails the job, saying why, where its
    page offers Retry, instead of leaving it waiting for a task that never comes."""
    try:
        task.enqueue(str(job.pk))
    except Exception as error:
        logger.exception("job %s could not be queued", job.pk)
        Job.objects.filter(pk=job.pk, state=Job.State.QUEUED).update(
            state=Job.State.FAILED,
            finished_at=timezone.now(),
            error=stopped_by(error),
        )


@task()
def run_job(job_id):
    """The task every job travels as: its id, nothing else (the job's input is in its row)."""
    if execute(job_id):
        return
    # A scheduled job still queued now was not due when its task came: it is sent again for its time rather
    # than dropped. RQ's scheduler counts in whole seconds (a job due at 12:00:03.7 is let out at 12:00:03), and
    # its clock may be another machine's.
    early = Job.objects.filter(pk=job_id, state=Job.State.QUEUED, run_after__isnull=False).first()
    if early is not None:
        _enqueue(early)


class Context:
    """What a running job may tell: its progress, and its end (inside its transaction if it has one)."""

    def __init__(self, job):
        self.job = job
        self.finished = False
        self._last = 0.0

    def progress(self, done, total=None, stage=""):
        now = time.monotonic()
        if now - self._last < PROGRESS_SECONDS and (total is None or done < total):
            return
        self._last = now
        jobs_cache().set(_key(self.job.pk, "progress"), {"done": done, "total": total, "stage": str(stage)}, timeout=24 * 3600)

    def finish(self, outcome):
        """Record the job done with `outcome`. Call it inside the job's transaction, if it has one: the job's
        writes and its "done" then commit together; if it was reported lost meanwhile, JobLost rolls back."""
        done = Job.objects.filter(pk=self.job.pk, state=Job.State.RUNNING, attempts=self.job.attempts).update(
            state=Job.State.DONE, outcome=outcome, finished_at=timezone.now(), error=""
        )
        if not done:
            raise JobLost(self.job.pk)
        self.finished = True

    def fail(self, error, outcome=None):
        Job.objects.filter(pk=self.job.pk, state=Job.State.RUNNING, attempts=self.job.attempts).update(
            state=Job.State.FAILED, outcome=outcome, finished_at=timezone.now(), error=str(error)[:10000]
        )
        self.finished = True

    @contextlib.contextmanager
    def beating(self):
        """A heartbeat every BEAT_SECONDS in a thread, while the job's own code holds the main one."""
        stop = threading.Event()
        key, timeout = _key(self.job.pk, "beat"), max(lost_after(), 1)

        def beat():
            while True:
                try:
                    jobs_cache().set(key, time.time(), timeout=timeout)
                except Exception:  # a cache hiccup must not kill the job; the next beat tries again
                    logger.warning("job %s: heartbeat not written", self.job.pk, exc_info=True)
                if stop.wait(BEAT_SECONDS):
                    return

        thread = threading.Thread(target=beat, name=f"job-{self.job.pk}-heartbeat", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join(timeout=BEAT_SECONDS + 1)
            jobs_cache().delete(key)


def execute(job_id):
    """Run job `job_id` if it is still queued and due (not when another worker has it, or had it, or it was
    cancelled, or its time has not come); return whether this call ran it."""
    due = Q(run_after__isnull=True) | Q(run_after__lte=timezone.now())  # a scheduled job never runs early
    claimed = Job.objects.filter(due, pk=job_id, state=Job.State.QUEUED).update(
        state=Job.State.RUNNING,
        started_at=timezone.now(),
        finished_at=None,
        attempts=F("attempts") + 1,
        worker=worker_name(),
        error="",
        outcome=None,
    )
    if not claimed:
        return False
    job = Job.objects.get(pk=job_id)
    context = Context(job)
    jobs_cache().delete(_key(job.pk, "progress"))
    with context.beating():
        try:
            outcome = registry.kind(job.kind).run(job, context)
            if not context.finished:
                context.finish(outcome)
        except JobLost:
            logger.warning("job %s was reported lost while it ran; its transaction was rolled back", job.pk)
        except Exception as error:
            logger.exception("job %s (%s) failed", job.pk, job.kind)
            context.fail(stopped_by(error))
    return True


def notice_lost(job):
    """A running job whose worker stopped beating is failed, with why; return the job as it now stands."""
    if job.state != Job.State.RUNNING or jobs_cache().get(_key(job.pk, "beat")) is not None:
        return job
    if job.started_at and (timezone.now() - job.started_at).total_seconds() < lost_after():
        return job  # a worker that has just claimed it may not have beaten yet
    kind_of = registry.kind(job.kind)
    message = gettext(
        "The worker running this job stopped before it finished (it was killed, or its machine went down): "
        "no sign of it since %(time)s."
    ) % {"time": date_format(timezone.localtime(job.started_at), "DATETIME_FORMAT")}
    if kind_of.transactional:
        message += " " + gettext("Its transaction was rolled back: nothing of it was written. Retry it.")
    Job.objects.filter(pk=job.pk, state=Job.State.RUNNING, attempts=job.attempts).update(
        state=Job.State.FAILED, finished_at=timezone.now(), error=message
    )
    job.refresh_from_db()
    return job


def status(job):
    """Where `job` stands, as the job page and its JSON show it (`job` is brought up to date when it was lost)."""
    job = notice_lost(job)
    progress = jobs_cache().get(_key(job.pk, "progress")) or {}
    done, total = progress.get("done") or 0, progress.get("total")
    if job.state == Job.State.DONE:
        done = total = total or done or 1
    percent = int(100 * done / total) if total else None
    return {
        "state": job.state,
        "state_label": str(job.get_state_display()),
        "finished": job.finished,
        "done": done,
        "total": total,
        "percent": percent,
        "stage": progress.get("stage", ""),
        "error": job.error,
        "attempts": job.attempts,
        "worker": job.worker,  # host:pid of the worker that has (or had) it
    }


def cancel(job, user):
    """Cancel a job that waits (a scheduled publication, say); return whether it was still waiting."""
    who = user.get_username() if user is not None else "the system"
    cancelled = Job.objects.filter(pk=job.pk, state=Job.State.QUEUED).update(
        state=Job.State.CANCELLED, finished_at=timezone.now(), error=gettext("Cancelled by %(user)s.") % {"user": who}
    )
    job.refresh_from_db()
    return bool(cancelled)


def retry(job):
    """Queue a failed job again (its stored input is kept); return whether it was queued."""
    queued = Job.objects.filter(pk=job.pk, state=Job.State.FAILED).update(
        state=Job.State.QUEUED, error="", outcome=None, started_at=None, finished_at=None
    )
    if queued:
        job.refresh_from_db()
        _enqueue(job)
    return bool(queued)
