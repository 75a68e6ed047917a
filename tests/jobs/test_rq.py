"""Background jobs on RQ (TASKS_BACKEND=rq): the same jobs as on the database backend, carried by Redis.

One scratch database (the suite's engine), a redis-server of this module's own (the page cache and jobs'
heartbeats in its database 0, the queue in its database 1), one gunicorn and one `manage.py jobs_worker` serve
the module; the last test kills that worker mid-job and starts a fresh one. An admin import runs on the worker;
a job started in a transaction is sent to Redis only if that transaction commits; a scheduled publication is
made at its time, not before; a worker killed mid-import writes nothing, its job is reported failed with why,
and Retry imports the file once on the fresh worker. With no Redis address, RQ is refused at start-up.
"""

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
import redis
import requests

from tests.jobs.test_workers import PASSWORD, confirm, follow, logged_in, post, shell, start_redis, upload
from tests.processes import ROOT, copy_scratch, free_port, manage, process_starter, start_gunicorn, wait_until_up

SLOW_ROWS = 10000  # events in the import the worker is killed in, after its first chunk (IMPORT_CHUNK is 5000)

# Python for `manage.py shell`: `start(title, model, text)` queues an import of `text`, as an editor's confirm does.
START_IMPORT = """
from nrfsite.jobs import runner

def start(title, model, text):
    params = {"model": model, "resource": 0, "file_name": title + ".csv"}
    return runner.start("import", title=title, params=params, payload=text.encode())
"""


@pytest.fixture(scope="module")
def processes():
    """Child processes for the whole module (`process_starter`), stopped at its end."""
    with process_starter() as start:
        yield start


# What the module's processes are given, whatever the suite's own environment says.
SET_HERE = ("TASKS_BACKEND", "REDIS_URL", "CACHE_URL", "JOBS_CACHE_URL", "JOBS_QUEUE_URL", "JOBS_LOST_AFTER_SECONDS")


@pytest.fixture(scope="module")
def database(scratch_template, tmp_path_factory):
    """A copy of the session's migrated scratch database, for this module's processes (production settings)."""
    env = copy_scratch(scratch_template, tmp_path_factory.mktemp("rq-db"))
    return {name: value for name, value in env.items() if name not in SET_HERE}


def start_worker(processes, env, log, name):
    return processes(
        [sys.executable, "manage.py", "jobs_worker", "--name", name],
        cwd=ROOT,
        env=env,
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
    )


@pytest.fixture(scope="module")
def site(database, processes, tmp_path_factory):
    """The module's Redis, app server and RQ worker, and an admin logged in through the server."""
    tmp_path = tmp_path_factory.mktemp("rq")
    cache_url = start_redis(processes, tmp_path)
    env = {
        **database,
        "TASKS_BACKEND": "rq",
        "REDIS_URL": cache_url,
        "JOBS_QUEUE_URL": cache_url.removesuffix("/0") + "/1",
        "JOBS_LOST_AFTER_SECONDS": "3",
    }
    port, log = free_port(), tmp_path / "worker.log"
    # The app server in debug mode serves static files unhashed, so no collectstatic (a minute) is needed.
    start_gunicorn(processes, {**env, "DJANGO_DEBUG": "true"}, port, workers=2)
    worker = start_worker(processes, env, log, "rq-worker-1")
    manage({**env, "DJANGO_DEBUG": "true"}, "ensure_local_admin", "--username", "admin", "--password", PASSWORD)
    base = f"http://127.0.0.1:{port}"
    wait_until_up(base)
    return {
        "env": env,
        "base": base,
        "worker": worker,
        "start_worker": lambda name: start_worker(processes, env, log, name),
        "editor": logged_in(base),
        "queue": redis.Redis.from_url(env["JOBS_QUEUE_URL"]),
    }


def tasks_sent(queue):
    """How many tasks reached the RQ queue so far: each is a job hash in Redis (kept after it has run)."""
    return sum(1 for key in queue.scan_iter("rq:job:*") if key.count(b":") == 2)


def job_url(site, pk):
    return f"{site['base']}/admin/jobs/job/{pk}/change/"


def entities(site, *slugs):
    """Which of `slugs` name an entity in the database."""
    found = f"Entity.objects.filter(slug__in={list(slugs)!r}).order_by('slug').values_list('slug', flat=True)"
    return shell(site["env"], f"from entities.models import Entity; print(*{found})").split()


def test_rq_with_no_redis_address_is_refused_at_start_up():
    env = {name: value for name, value in os.environ.items() if name not in ("REDIS_URL", "JOBS_QUEUE_URL")}

    checked = manage({**env, "TASKS_BACKEND": "rq"}, "check", check=False)

    assert checked.returncode != 0
    assert "ImproperlyConfigured: TASKS_BACKEND=rq queues background jobs in Redis" in checked.stderr
    assert "set JOBS_QUEUE_URL (or REDIS_URL)" in checked.stderr


def test_an_admin_import_is_checked_and_imported_by_the_rq_worker(site, tmp_path):
    editor, base = site["editor"], site["base"]
    (tmp_path / "entities.csv").write_text("slug,kind,name\r\nrq-front,organization,Front Imported On RQ\r\n")
    sent = tasks_sent(site["queue"])

    check_url, _took = upload(editor, base, "entities/entity", tmp_path / "entities.csv")
    checked = follow(editor, check_url, until=lambda status: status["finished"], timeout=30)[-1]
    imported = follow(editor, confirm(editor, base, "entities/entity", check_url), until=lambda s: s["finished"], timeout=30)

    assert checked["state"] == "done" and imported[-1]["state"] == "done", (checked, imported[-1])
    assert entities(site, "rq-front") == ["rq-front"]
    assert tasks_sent(site["queue"]) == sent + 2  # the check and the import, both through Redis


def test_a_job_started_in_a_transaction_is_sent_only_once_it_commits(site):
    sent = tasks_sent(site["queue"])

    # The first transaction rolls back; the second waits a second before it commits, time enough for a worker
    # to take a task sent too early, find no job and drop it.
    kept = shell(
        site["env"],
        START_IMPORT
        + textwrap.dedent(
            """
            import time
            from django.db import transaction

            header = "slug,kind,name\\r\\n"
            with transaction.atomic():
                start("rolled-back", "entities.Entity", header + "rq-rolled-back,organization,Rolled Back\\r\\n")
                transaction.set_rollback(True)
            with transaction.atomic():
                job = start("committed", "entities.Entity", header + "rq-committed,organization,Committed\\r\\n")
                time.sleep(1)
            print(job.pk)
            """
        ),
    )

    done = follow(site["editor"], job_url(site, kept), until=lambda status: status["finished"], timeout=30)[-1]
    assert done["state"] == "done", done
    assert entities(site, "rq-committed", "rq-rolled-back") == ["rq-committed"]
    assert tasks_sent(site["queue"]) == sent + 1  # the rolled-back job's task never reached Redis


def test_a_scheduled_publication_is_made_by_the_rq_scheduler_at_its_time_not_before(site):
    # Due at .9 of a second: RQ's scheduler counts whole seconds and lets the task out up to 0.9 s early.
    at = float(
        shell(
            site["env"],
            textwrap.dedent(
                """
                import datetime
                from django.contrib.auth.models import User
                from django.utils import timezone
                from entities.models import Entity
                from nrfsite.editorial.schedule import schedule

                entity = Entity.objects.create(slug="rq-scheduled", kind="organization", name="Scheduled", status="draft")
                at = (timezone.now() + datetime.timedelta(seconds=4)).replace(microsecond=900000)
                schedule(entity, user=User.objects.get(username="admin"), at=at)
                print(at.timestamp())
                """
            ),
        )
    )
    page = f"{site['base']}/entities/rq-scheduled/"

    answers = []
    while not answers or answers[-1][1] != 200:
        assert time.time() < at + 15, f"not published 15 s after its time: {answers[-3:]}"
        answers.append((time.time(), requests.get(page, timeout=30).status_code))
        time.sleep(0.1)

    assert answers[0][1] == 404, "published before the test could look"
    assert all(status == 404 for when, status in answers if when < at)  # not before its time
    assert answers[-1][0] >= at


def test_a_worker_killed_mid_import_writes_nothing_and_retry_imports_once_on_a_fresh_worker(site):
    editor, env = site["editor"], site["env"]
    before, pk = shell(
        env,
        START_IMPORT
        + textwrap.dedent(
            f"""
            from events.models import Event, EventType

            EventType.objects.create(slug="rq-clash", label="Clash")
            rows = "".join(f"rq-slow-{{i:05d}},Event {{i}},2023-06,rq-clash\\r\\n" for i in range({SLOW_ROWS}))
            before = Event.objects.count()
            print(before, start("slow", "events.Event", "slug,title,date,event_type\\r\\n" + rows).pk)
            """
        ),
    ).split()
    url = job_url(site, pk)
    running = follow(editor, url, until=lambda status: status["state"] == "running" and status["done"] >= 5000)[-1]
    assert running["done"] < SLOW_ROWS, "the import ended before the worker could be killed: give it more rows"

    # The machine goes down: the worker (and its scheduler) and the work horse running the job, at once.
    os.killpg(site["worker"].pid, signal.SIGKILL)
    os.kill(int(running["worker"].rsplit(":", 1)[1]), signal.SIGKILL)
    site["worker"].wait(timeout=10)

    failed = follow(editor, url, until=lambda status: status["finished"], timeout=30)[-1]
    assert failed["state"] == "failed"
    assert "stopped before it finished" in failed["error"] and "nothing of it was written" in failed["error"]
    count = "from events.models import Event; print(Event.objects.count())"
    assert shell(env, count) == before

    site["start_worker"]("rq-worker-2")
    assert post(editor, url.replace("/change/", "/retry/")).status_code == 302
    retried = follow(editor, url, until=lambda status: status["finished"], timeout=60)[-1]

    assert retried["state"] == "done" and retried["attempts"] == 2, retried
    assert retried["worker"] != running["worker"]
    assert int(shell(env, count)) == int(before) + SLOW_ROWS  # once: not twice, not partly
