"""A background job as people see it: what it does, who asked, where it stands, and what came of it.

The task library (django-tasks) carries a job's id to a worker; this row is the job's record. A job is
claimed by one conditional UPDATE (queued → running), so a task delivered twice runs once; its end is
written by another (running → done), which a transactional job makes inside its own transaction, so its
writes and its "done" commit together or not at all.

What a job makes for people to download (a bundle export's zip) is a JobFile, kept in the database like the
job's input: the app server that serves it need not be the worker that made it.
"""

import gzip
import itertools
import math
import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

FINISHED_STATES = ("done", "failed", "cancelled")
GZIP_MAGIC = b"\x1f\x8b"  # how a packed input begins; a CSV file never does


class JobQuerySet(models.QuerySet):
    def finished_before(self, when):
        """Jobs that ended (done, failed or cancelled) before `when`; never one that waits or runs."""
        ended = models.Q(finished_at__lt=when) | models.Q(finished_at__isnull=True, created_at__lt=when)
        return self.filter(ended, state__in=FINISHED_STATES)


class Job(models.Model):
    """One piece of long work and its record: "Import of events.csv into events", queued by alice, done."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=64)
    title = models.CharField(_("title"), max_length=300)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    # The stored input (an upload): in the database, so a worker on another machine reads it too; gzip-compressed
    # (`pack`; read it as `job.input`).
    payload = models.BinaryField(null=True, blank=True, editable=False)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    run_after = models.DateTimeField(_("not before"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    worker = models.CharField(_("worker"), max_length=120, blank=True)
    outcome = models.JSONField(_("outcome"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        indexes = [models.Index(fields=["state", "created_at"], name="jobs_state_created")]

    def __str__(self):
        return self.title

    @property
    def finished(self):
        return self.state in FINISHED_STATES

    @staticmethod
    def pack(data):
        """`data` as a job keeps it: gzip at its fastest level. 24.2 MiB of CSV is kept as 3.6 MiB in 0.08 s,
        where writing it whole took PostgreSQL 0.5 s (TOAST compression made no difference), so an upload's
        request writes a seventh of the bytes."""
        return gzip.compress(data, compresslevel=1, mtime=0)

    @property
    def input(self):
        """The stored input as it was given (None when there is none, or it was let go)."""
        if self.payload is None:
            return None
        stored = bytes(self.payload)
        return gzip.decompress(stored) if stored[:2] == GZIP_MAGIC else stored  # a row kept before packing


class JobFile(models.Model):
    """A file a job made for its owner to download: "nrfsite-bundle-20261207-0315.zip", 2.1 MB, of a bundle export.

    Its bytes are JobFileChunks of CHUNK_BYTES: a worker writes, and a download reads, one part at a time, so
    neither holds the whole file in memory (one bytea of 512 MiB would take twice that through the driver,
    and PostgreSQL refuses a value over 1 GB). Deleting the job deletes its files.
    """

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("job file")
        verbose_name_plural = _("job files")

    def __str__(self):
        return self.name

    def read(self):
        """The file's bytes, one part at a time (a query each)."""
        for pk in list(self.chunks.order_by("number").values_list("pk", flat=True)):
            yield bytes(JobFileChunk.objects.values_list("content", flat=True).get(pk=pk))


class JobFileChunk(models.Model):
    """One part of a JobFile's bytes, in order of `number` from 0."""

    file = models.ForeignKey(JobFile, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()
    content = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["file", "number"], name="jobs_file_chunk_number")]

    def __str__(self):
        return f"{self.file_id}:{self.number}"


CHUNK_BYTES = 4 * 1024 * 1024


class FileTooLarge(Exception):
    """A job's file is over settings.JOBS_FILE_MAX_BYTES; nothing of it was stored."""

    def __init__(self, name, size, limit):
        self.name, self.size, self.limit = name, size, limit
        super().__init__(
            gettext("%(name)s is %(size)s; a job may keep files of at most %(limit)s (JOBS_FILE_MAX_BYTES).")
            % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)}
        )


def store_file(*, job, path, name, content_type, progress=None):
    """Keep the file at `path` as `job`'s file `name`, a part at a time; return the JobFile.

    Call it inside the job's transaction, before `context.finish()`: the file and the job's "done" then commit
    together, and a worker killed half-way leaves no half file. Over settings.JOBS_FILE_MAX_BYTES it raises
    FileTooLarge before writing anything. `progress(done, total)` counts the parts written.
    """
    path = Path(path)
    size, limit = path.stat().st_size, settings.JOBS_FILE_MAX_BYTES
    if size > limit:
        raise FileTooLarge(name, size, limit)
    stored = JobFile.objects.create(job=job, name=name, content_type=content_type, size=size)
    parts = math.ceil(size / CHUNK_BYTES)
    written = 0
    with path.open("rb") as stream:
        for number in itertools.count():
            content = stream.read(CHUNK_BYTES)
            if not content:
                break
            written += len(content)
            if written > size:  # it grew since it was measured: the size a download announces would be wrong
                break
            JobFileChunk.objects.create(file=stored, number=number, content=content)
            if progress is not None:
                progress(number + 1, parts)
    if written != size:
        raise OSError(
            gettext("%(name)s changed while it was stored (%(size)s when measured, more or less when read): run the job again.")
            % {"name": name, "size": filesizeformat(size)}
        )
    return stored
