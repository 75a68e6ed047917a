"""The site beyond one machine, as deployed: two app servers (gunicorn) and two workers (`manage.py jobs_worker`)
on 127.0.0.1, sharing the database (the suite's engine) and a Redis of their own for the page cache, the jobs'
progress and heartbeats. On PostgreSQL, as in production, Redis is the job queue too (TASKS_BACKEND=rq, RQ
workers); on SQLite, a newcomer's single machine, the database is (django-tasks' database backend).

An editor imports through one server and a reader sees the change at once through the other (no stale cached
page); a reviewer's scheduled publication is made by a worker at its time; a link check and a web archive
request run on the workers against a local server; a worker killed with SIGKILL in the middle of a
10,000-event import writes nothing, its job is reported failed with why, and Retry (asked through the other
server) has the other worker import the file exactly once.
"""

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from django.db import connection

from nrfsite.interchange.importer import IMPORT_CHUNK
from tests.processes import ROOT, free_port, manage, start_gunicorn, wait_until_up

PASSWORD = "a-long-test-password-1"
ROWS = 10000  # events in the import a worker is killed in: two chunks (IMPORT_CHUNK), killed after the first


def start_redis(children, tmp_path):
    port = free_port()
    children(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return f"redis://127.0.0.1:{port}/0"


def start_web():
    """A stand-in for the web and for the web archive on 127.0.0.1: /gone is 404, /save/<url> answers with the
    copy's address as the Wayback Machine does (an absolute one here, so it reads as archived elsewhere)."""

    class Handler(BaseHTTPRequestHandler):
        def answer(self):
            if self.path.startswith("/save/"):
                self.send_response(200)
                copy = "https://web.archive.example/web/20261207031500/" + self.path.removeprefix("/save/")
                self.send_header("Content-Location", copy)
            else:
                self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_HEAD = answer

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


def start_site(children, env, *, workers=1):
    port = free_port()
    start_gunicorn(children, env, port, workers=workers)
    base = f"http://127.0.0.1:{port}"
    wait_until_up(base)
    return base


@pytest.fixture
def site(scratch_env, tmp_path, children):
    """One app server on the scratch database, with an admin login; jobs' cache in files shared with workers."""
    env = {**scratch_env, "JOBS_CACHE_URL": f"filecache://{tmp_path / 'jobs-cache'}", "JOBS_LOST_AFTER_SECONDS": "3"}
    manage({**env, "DJANGO_DEBUG": "true"}, "ensure_local_admin", "--username", "admin", "--password", PASSWORD)
    return {"env": env, "base": start_site(children, env, workers=2)}


def start_worker(children, env, tmp_path, name):
    log = (tmp_path / f"{name}.log").open("w")
    return children(
        [sys.executable, "manage.py", "jobs_worker", "--interval", "0.2", "--no-reload", "--name", name],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def logged_in(base):
    session = requests.Session()
    session.get(f"{base}/admin/login/", timeout=10)
    answer = session.post(
        f"{base}/admin/login/",
        data={
            "username": "admin",
            "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
            "next": "/admin/",
        },
        headers={"Referer": f"{base}/admin/login/"},
        timeout=10,
    )
    assert answer.url.endswith("/admin/"), answer.text[-500:]
    return session


def post(session, url, **kwargs):
    """A POST with the CSRF token, as the admin's forms send it; redirects are not followed."""
    data = {"csrfmiddlewaretoken": session.cookies["csrftoken"], **kwargs.pop("data", {})}
    return session.post(url, data=data, headers={"Referer": url}, allow_redirects=False, timeout=30, **kwargs)


def upload(session, base, model, path):
    url = f"{base}/admin/{model}/import/"
    started = time.monotonic()
    with path.open("rb") as file:
        answer = post(session, url, data={"resource": "0", "format": "0", "encoding": ""}, files={"import_file": file})
    took = time.monotonic() - started
    assert answer.status_code == 302, answer.text[-2000:]
    return base + answer.headers["Location"], took


def status_of(session, job_url):
    return session.get(job_url.replace("/change/", "/status/"), timeout=10).json()


def follow(session, job_url, *, until, timeout=300):
    """Status answers of the job until `until(status)`; every one is kept."""
    seen, deadline = [], time.monotonic() + timeout
    while True:
        status = status_of(session, job_url)
        seen.append(status)
        if until(status):
            return seen
        assert time.monotonic() < deadline, f"the job did not get there in {timeout} s: {seen[-3:]}"
        time.sleep(0.1)


def confirm(session, base, model, job_url):
    page = session.get(job_url, timeout=30).text
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
    assert "import_file_name" in fields, page[-3000:]
    answer = post(session, f"{base}/admin/{model}/process_import/", data=fields)
    assert answer.status_code == 302, answer.text[-2000:]
    return base + answer.headers["Location"]


def shell(env, code):
    return manage(env, "shell", "-v0", "-c", code).stdout.strip()


def event_count(env):
    return int(shell(env, "from events.models import Event; print(Event.objects.count())"))


def on_postgresql():
    return connection.vendor == "postgresql"


def parent_of(pid):
    with open(f"/proc/{pid}/stat") as stat:
        return int(stat.read().rsplit(")", 1)[1].split()[1])


def kill_worker_of(status, workers):
    """SIGKILL the worker running the job `status` tells of: a database worker runs it in its own process; an RQ
    worker forks a work horse for it, in a process group of its own, which is killed with its worker."""
    pid = int(status["worker"].rsplit(":", 1)[1])
    victim = next(process for process in workers if process.pid in (pid, parent_of(pid)))
    os.killpg(victim.pid, signal.SIGKILL)
    if pid != victim.pid:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    victim.wait(timeout=10)


def test_two_app_servers_and_two_workers_share_one_site(scratch_env, tmp_path, children):
    web = start_web()
    redis_url = start_redis(children, tmp_path)
    queue = {"TASKS_BACKEND": "rq", "JOBS_QUEUE_URL": redis_url.removesuffix("/0") + "/1"} if on_postgresql() else {}
    env = {
        **scratch_env,
        **queue,
        "REDIS_URL": redis_url,
        "JOBS_LOST_AFTER_SECONDS": "3",
        "LINKCHECK_ALLOW_PRIVATE_ADDRESSES": "true",  # the test's own web server is on 127.0.0.1
        "LINKCHECK_TIMEOUT_SECONDS": "2",
        "WEB_ARCHIVE_SAVE_URL": f"{web}/save/",
    }
    manage(env, "load_seed")
    shell(
        env,
        "from sources.models import Source; Source.objects.filter(url__startswith='http').update(url=''); "
        f"Source.objects.create(key='dead-link', title='Gone', url='{web}/gone', status='published')",
    )
    manage({**env, "DJANGO_DEBUG": "true"}, "ensure_local_admin", "--username", "admin", "--password", PASSWORD)
    manage(env, "generate_events", str(ROWS), "--bundle-only", str(tmp_path / "bundle"))
    one, other = start_site(children, env), start_site(children, env)
    workers = {name: start_worker(children, env, tmp_path, name) for name in ("worker-1", "worker-2")}
    editor = logged_in(one)

    # An edit through one server is read at once through the other, whose page was cached (in Redis) before.
    assert "National Resistance Front" in requests.get(f"{other}/entities/nrf/", timeout=30).text
    (tmp_path / "entities.csv").write_text("slug,kind,name\r\nnrf,organization,Front of the Edited Name\r\n")
    check_url, _took = upload(editor, one, "entities/entity", tmp_path / "entities.csv")
    follow(editor, check_url, until=lambda status: status["finished"])
    done = follow(editor, confirm(editor, one, "entities/entity", check_url), until=lambda status: status["finished"])[-1]
    assert done["state"] == "done", done
    assert "Front of the Edited Name" in requests.get(f"{other}/entities/nrf/", timeout=30).text

    # A scheduled publication is made by a worker at its time, and the other server shows it.
    shell(
        env,
        "import datetime; from django.contrib.auth.models import User; from django.utils import timezone; "
        "from entities.models import Entity; from nrfsite.editorial.schedule import schedule; "
        "e = Entity.objects.create(slug='scheduled-group', kind='organization', name='Scheduled Group', status='draft'); "
        "schedule(e, user=User.objects.get(username='admin'), at=timezone.now() + datetime.timedelta(seconds=3))",
    )
    assert requests.get(f"{other}/entities/scheduled-group/", timeout=30).status_code == 404
    deadline = time.monotonic() + 60
    while requests.get(f"{other}/entities/scheduled-group/", timeout=30).status_code != 200:
        assert time.monotonic() < deadline, "the scheduled publication was not made"
        time.sleep(0.25)

    # Link checks and web archiving run on the workers too (a local server stands for the web and the archive).
    manage(env, "check_links")
    manage(env, "archive_sources")
    deadline = time.monotonic() + 60
    checked = ""
    while checked != "True https://web.archive.example/web/20261207031500/":
        assert time.monotonic() < deadline, f"the link check and archive jobs did not run: {checked!r}"
        time.sleep(0.5)
        checked = shell(
            env,
            "from sources.models import Source; s = Source.objects.get(key='dead-link'); "
            "c = getattr(s, 'link_check', None); print(c is not None and c.broken, s.archive_url.split('http://')[0])",
        )

    # A worker killed mid-import: nothing written, the job reported failed, Retry imports it once elsewhere.
    before = event_count(env)
    check_url, took = upload(editor, one, "events/event", tmp_path / "bundle" / "events.csv")
    assert took < 1, f"the upload of {ROWS:,} events took {took:.2f} s: it should only store the file and queue a job"
    follow(editor, check_url, until=lambda status: status["finished"])
    import_url = confirm(editor, one, "events/event", check_url)
    mid_way = lambda status: status["state"] == "running" and status["done"] >= IMPORT_CHUNK  # noqa: E731
    running = follow(editor, import_url, until=mid_way)[-1]
    kill_worker_of(running, workers.values())

    failed = follow(editor, import_url, until=lambda status: status["finished"], timeout=60)[-1]
    assert failed["state"] == "failed"
    assert "stopped before it finished" in failed["error"] and "nothing of it was written" in failed["error"]
    assert event_count(env) == before

    reviewer = logged_in(other)
    assert post(reviewer, import_url.replace(one, other).replace("/change/", "/retry/")).status_code == 302
    retried = follow(reviewer, import_url.replace(one, other), until=lambda status: status["finished"])[-1]

    assert retried["state"] == "done" and retried["attempts"] == 2, retried
    assert retried["worker"] != running["worker"]
    assert event_count(env) == before + ROWS  # once: not twice, not partly
