"""Child processes for the tests that run the site as it is deployed: a scratch database, gunicorn, workers.

The scratch database is migrated (and the static files collected) once per test session, whichever module asks
first (tests/conftest.py offers the fixtures to every module); each test gets its own copy of it. Every process
a test starts runs in its own process group, which the `children` fixture stops (then kills) when the test ends,
passed, failed or interrupted.
"""

import contextlib
import itertools
import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request

import pytest
from django.conf import settings
from django.db import connection

ROOT = settings.BASE_DIR
POSTGRES_ADMIN = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc"]


def psql(sql, check=True):
    subprocess.run([*POSTGRES_ADMIN, sql], check=check, capture_output=True, timeout=120)


def manage(env, *args, check=True):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=check, capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="session")
def scratch_template(tmp_path_factory):
    """A scratch database of the suite's engine, migrated once per session, and the static files collected once."""
    shared = tmp_path_factory.mktemp("faults")
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_SECURE_HTTPS": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_STATIC_ROOT": str(shared / "static"),
    }
    databases = []  # PostgreSQL: every database this module creates, dropped at the end whatever happened
    if connection.vendor == "postgresql":
        template = f"nrfsite_fault_{os.getpid()}_template"
        databases.append(template)
        psql(f"DROP DATABASE IF EXISTS {template} WITH (FORCE)")
        psql(f"CREATE DATABASE {template}")
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{template}"
    else:
        template = shared / "template.sqlite3"
        env["DATABASE_URL"] = f"sqlite:///{template}"
    # Side by side: collectstatic needs no database. Production mode serves hashed names from the manifest.
    collectstatic = subprocess.Popen(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        manage(env, "migrate", "--no-input", "-v0")  # runs to completion: the template is closed and whole
        _, errors = collectstatic.communicate(timeout=600)
        assert collectstatic.returncode == 0, errors[-2000:]
        yield {"env": env, "template": template, "databases": databases}
    finally:
        if collectstatic.poll() is None:
            collectstatic.kill()
            collectstatic.wait()
        for database in databases:
            psql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)", check=False)


_copies = itertools.count(1)


def copy_scratch(scratch_template, directory):
    """The environment of a fresh copy of the migrated scratch database (a file in `directory` on SQLite, a
    database made from the template on PostgreSQL, dropped with the template's at the end of the session)."""
    env = dict(scratch_template["env"])
    if connection.vendor == "postgresql":
        database = f"nrfsite_fault_{os.getpid()}_{next(_copies)}"
        scratch_template["databases"].append(database)
        psql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        psql(f"CREATE DATABASE {database} TEMPLATE {scratch_template['template']}")
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{database}"
        return env
    copy = directory / "scratch.sqlite3"
    # SQLite's backup API copies what a connection sees (a WAL file's pages too), not the bare main file.
    with (
        contextlib.closing(sqlite3.connect(scratch_template["template"])) as source,
        contextlib.closing(sqlite3.connect(copy)) as target,
    ):
        source.backup(target)
        target.execute("PRAGMA journal_mode=WAL")  # as settings.py sets it, before several children open it
    env["DATABASE_URL"] = f"sqlite:///{copy}"
    return env


@pytest.fixture
def scratch_env(scratch_template, tmp_path):
    """A fresh copy of the migrated scratch database, for commands run in child processes."""
    env = copy_scratch(scratch_template, tmp_path)
    yield env
    if connection.vendor == "postgresql":
        psql(f"DROP DATABASE IF EXISTS {env['DATABASE_URL'].rsplit('/', 1)[1]} WITH (FORCE)", check=False)


def stop(process, timeout=15):
    """Ask a child started by `children` to stop, wait, then kill what is left of its process group, and its own
    children that left the group (an RQ worker's work horse has a group of its own)."""
    if process.returncode is None:  # not reaped: its pid, the group's id, is still ours
        found = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True, text=True).stdout.split()
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, process.stop_signal)  # not send_signal(), which would reap an exited leader
        deadline = time.monotonic() + timeout
        # Wait without reaping: while the leader is a zombie its pid cannot be given to another process.
        while os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None:
            if time.monotonic() > deadline:
                break
            time.sleep(0.05)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # gunicorn's workers, or anything else the leader left behind
        for child in found:
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(child), signal.SIGKILL)
        process.wait(timeout=timeout)  # reaps it: after SIGKILL, at once
    if process.stdin:
        with contextlib.suppress(OSError):
            process.stdin.close()


@contextlib.contextmanager
def process_starter():
    """`start(args, **popen_options)`: start child processes, each in its own process group; all are stopped when
    the block ends, however it ends."""
    started = []

    def start(args, *, stop_signal=signal.SIGTERM, **options):
        process = subprocess.Popen(args, start_new_session=True, **options)
        process.stop_signal = stop_signal
        started.append(process)
        return process

    try:
        yield start
    finally:
        failures = []
        for process in reversed(started):  # each one, even if stopping another went wrong
            try:
                stop(process)
            except Exception as error:  # reported below, after the others are stopped
                failures.append(error)
        if failures:
            raise failures[0]


@pytest.fixture
def children():
    """Child processes stopped when the test ends (`process_starter`)."""
    with process_starter() as start:
        yield start


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(children, env, port, **settings):
    """gunicorn with the production settings on 127.0.0.1:port; GUNICORN_* overrides as keywords."""
    overrides = {f"GUNICORN_{name.upper()}": str(value) for name, value in settings.items()}
    return children(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "gunicorn.conf.py", "nrfsite.wsgi"],
        cwd=ROOT,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_LOG_LEVEL": "warning", **overrides},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def workers_of(server):
    return subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()


def wait_until_up(base, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=2)  # noqa: S310
            return
        except OSError:
            if time.monotonic() > deadline:
                raise AssertionError(f"{base} did not answer within {timeout} s") from None
            time.sleep(0.1)
