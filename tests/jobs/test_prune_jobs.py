"""`prune_jobs` deletes finished jobs older than --days with the files they kept, and never a job that waits or runs."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from nrfsite.jobs.models import Job, JobFile, JobFileChunk, store_file

pytestmark = pytest.mark.django_db


def job(state, *, days_ago, finished=True):
    when = timezone.now() - datetime.timedelta(days=days_ago)
    return Job.objects.create(
        kind="bundle-export",
        title=f"{state}, {days_ago} days ago",
        state=state,
        created_at=when,
        finished_at=when if finished else None,
        payload=b"an upload",
    )


@pytest.fixture
def jobs(tmp_path):
    (tmp_path / "bundle.zip").write_bytes(b"zip" * 1000)
    made = {
        "old done": job("done", days_ago=40),
        "old failed": job("failed", days_ago=31),
        "old cancelled": job("cancelled", days_ago=90),
        "recent done": job("done", days_ago=29),
        "old queued": job("queued", days_ago=60, finished=False),
        "old running": job("running", days_ago=60, finished=False),
    }
    for name in ("old done", "recent done"):
        store_file(job=made[name], path=tmp_path / "bundle.zip", name="bundle.zip", content_type="application/zip")
    return made


def prune(*args):
    out = io.StringIO()
    call_command("prune_jobs", *args, stdout=out)
    return out.getvalue().strip()


def test_old_finished_jobs_go_with_their_files_and_waiting_or_running_ones_stay(jobs):
    with CaptureQueriesContext(connection) as queries:
        said = prune()

    assert said == "Deleted 3 finished job(s) older than 30 day(s), with 1 file(s) of 2.9\xa0KB."
    assert set(Job.objects.values_list("title", flat=True)) == {
        "done, 29 days ago",
        "queued, 60 days ago",
        "running, 60 days ago",
    }
    assert list(JobFile.objects.values_list("job", flat=True)) == [jobs["recent done"].pk]
    assert JobFileChunk.objects.filter(file__job=jobs["recent done"]).count() == JobFileChunk.objects.count() == 1
    # Neither the stored uploads nor the files' bytes are read to be deleted.
    selects = [query["sql"] for query in queries if query["sql"].startswith("SELECT")]
    assert not any('"payload"' in sql or '"content"' in sql for sql in selects), selects


def test_a_dry_run_says_what_it_would_delete_and_deletes_nothing(jobs):
    said = prune("--dry-run", "--days", "35")

    assert said == "Would delete 2 finished job(s) older than 35 day(s), with 1 file(s) of 2.9\xa0KB."
    assert Job.objects.count() == 6 and JobFile.objects.count() == 2


def test_days_zero_deletes_every_finished_job_and_a_negative_number_is_refused(jobs):
    with pytest.raises(CommandError, match="--days -1 is in the future"):
        prune("--days", "-1")

    said = prune("--days", "0")

    assert said.startswith("Deleted 4 finished job(s) older than 0 day(s), with 2 file(s)")
    assert set(Job.objects.values_list("state", flat=True)) == {"queued", "running"}
