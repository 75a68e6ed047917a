"""Faults that take seconds, as tests: a killed import, a reloaded or killed worker, a killed connection.

The long runs under load are scripts/reliability.py (figures in docs/reliability.md).
"""

import filecmp
import os
import secrets
import signal
import socket
import string
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.db import connection

ROOT = settings.BASE_DIR


@pytest.fixture
def scratch_env(tmp_path):
    """A migrated scratch database of the suite's engine, for commands run in child processes."""
    env = {**os.environ, "DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
           "DJANGO_SECURE_HTTPS": "false", "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost"}
    database = None
    if connection.vendor == "postgresql":
        database = f"nrfsite_fault_{os.getpid()}"
        admin = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc"]
        subprocess.run([*admin, f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"], check=True)
        subprocess.run([*admin, f"CREATE DATABASE {database}"], check=True)
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{database}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'scratch.sqlite3'}"
    env["DJANGO_STATIC_ROOT"] = str(tmp_path / "static")
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "collectstatic", "--no-input", "-v0")  # production mode serves hashed names from the manifest
    yield env
    if database:
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc",
                        f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"], check=False)


def manage(env, *args, check=True):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=check, capture_output=True,
                          text=True)


def test_an_import_killed_mid_way_leaves_the_database_exactly_as_before(scratch_env, tmp_path):
    manage(scratch_env, "load_seed")
    manage(scratch_env, "generate_events", "12000", "--bundle-only", str(tmp_path / "bundle"))
    manage(scratch_env, "export_bundle", str(tmp_path / "before"))
    process = subprocess.Popen([sys.executable, "manage.py", "import_bundle", str(tmp_path / "bundle")], cwd=ROOT,
                               env=scratch_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(2.0)

    assert process.poll() is None, "the import finished before it could be killed: give it more rows"
    process.send_signal(signal.SIGKILL)
    process.wait()

    manage(scratch_env, "export_bundle", str(tmp_path / "after"))
    comparison = filecmp.dircmp(tmp_path / "before", tmp_path / "after")
    assert (comparison.diff_files, comparison.left_only, comparison.right_only) == ([], [], [])


def test_a_write_waits_for_a_long_write_transaction_instead_of_failing(scratch_env):
    holder = subprocess.Popen(
        [sys.executable, "manage.py", "shell", "-c",
         "import time\nfrom django.db import transaction\nfrom nrfsite.site.models import ContentVersion\n"
         "with transaction.atomic():\n    ContentVersion.bump()\n    print('locked', flush=True)\n    time.sleep(25)"],
        cwd=ROOT, env=scratch_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    lines = iter(holder.stdout.readline, "")
    assert "locked" in (line.strip() for line in lines), holder.stderr.read()
    started = time.monotonic()

    # Longer than SQLite's old 20 s busy timeout, after which this write failed with "database is locked".
    # --password=…: a generated password may start with "-", which argparse would take for an option.
    writer = manage(scratch_env, "createeditor", "waiting-editor", "--role", "editor",
                    f"--password={secrets.token_urlsafe(16)}", check=False)

    assert writer.returncode == 0, writer.stderr[-1000:]
    assert holder.wait(timeout=60) == 0
    if connection.vendor == "sqlite":
        assert time.monotonic() - started > 20  # it did wait for the lock


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env, port, **settings):
    """gunicorn with the production settings on 127.0.0.1:port; GUNICORN_* overrides as keywords."""
    overrides = {f"GUNICORN_{name.upper()}": str(value) for name, value in settings.items()}
    return subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "gunicorn.conf.py", "nrfsite.wsgi"], cwd=ROOT,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_LOG_LEVEL": "warning", **overrides},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def wait_until_up(base):
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=2)  # noqa: S310
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{base} did not answer within 10 s")


def test_gunicorn_reload_drops_no_request_and_a_killed_worker_is_replaced(scratch_env):
    manage(scratch_env, "load_seed")
    port = free_port()
    server = start_gunicorn(scratch_env, port, workers=2)
    base = f"http://127.0.0.1:{port}"
    results = []
    stop = threading.Event()

    def reader():
        while not stop.is_set():
            try:
                with urllib.request.urlopen(f"{base}/entities/nrf/", timeout=10) as response:  # noqa: S310
                    results.append((time.monotonic(), response.status))
            except OSError as error:
                results.append((time.monotonic(), str(error)))
            time.sleep(0.02)

    try:
        wait_until_up(base)
        thread = threading.Thread(target=reader)
        thread.start()
        time.sleep(1.5)
        server.send_signal(signal.SIGHUP)
        time.sleep(3)
        during_reload = [status for _, status in results]
        workers = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
        killed_at = time.monotonic()
        os.kill(int(workers[0]), signal.SIGKILL)
        time.sleep(3)
        stop.set()
        thread.join()
        replaced = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    assert len(during_reload) > 20 and set(during_reload) == {200}, "a request failed during the HUP reload"
    after_kill = [status for at, status in results if at > killed_at]
    assert after_kill.count(200) >= len(after_kill) - 1, "more than the in-flight request failed after kill -9"
    assert after_kill[-5:] == [200] * 5
    assert len(replaced) == 2, "the killed worker was not replaced"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_terminate_backend is PostgreSQL's")
def test_a_killed_database_connection_fails_at_most_the_request_in_flight(scratch_env):
    port = free_port()
    server = start_gunicorn(scratch_env, port, workers=1, threads=1)
    base = f"http://127.0.0.1:{port}"
    database = scratch_env["DATABASE_URL"].rsplit("/", 1)[1]

    def status(path):
        try:
            with urllib.request.urlopen(f"{base}{path}", timeout=10) as response:  # noqa: S310
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            return None

    try:
        for _ in range(100):
            if status("/healthz") == 200:
                break
            time.sleep(0.1)
        assert status("/entities/") == 200  # the worker now holds a persistent connection
        kill = f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'"  # noqa: S608
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", kill], check=True)
        statuses = [status("/healthz") for _ in range(3)] + [status("/entities/")]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    assert statuses.count(200) >= len(statuses) - 1
    assert statuses[1:] == [200] * (len(statuses) - 1)


def test_behind_nginx_a_worker_killed_mid_request_fails_no_request(scratch_env, tmp_path):
    # The deployment the README describes: nginx with deploy/nginx/nrfsite-proxy.conf in front of gunicorn.
    # kill -9 drops the requests a worker holds; nginx must send them again to another worker.
    manage(scratch_env, "load_seed")
    upstream, port = free_port(), free_port()
    server = start_gunicorn(scratch_env, upstream, workers=2, threads=2)
    nginx_dir = tmp_path / "nginx"
    nginx_dir.mkdir()
    config = nginx_dir / "nginx.conf"
    template = string.Template((ROOT / "deploy" / "nginx" / "local-test.conf").read_text())
    config.write_text(template.substitute(dir=nginx_dir, port=port, upstream_port=upstream, root=ROOT))
    proxy = subprocess.Popen(
        ["nginx", "-p", str(nginx_dir), "-c", str(config), "-e", str(nginx_dir / "error.log"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    results = []
    stop = threading.Event()

    def reader(number):
        count = 0
        while not stop.is_set():
            count += 1  # a new address each time: the page cache never answers, a worker always renders
            try:
                with urllib.request.urlopen(f"{base}/events/?reader={number}-{count}", timeout=30) as response:  # noqa: S310
                    results.append(response.status)
            except urllib.error.HTTPError as error:
                results.append(error.code)
            except OSError as error:
                results.append(str(error))

    try:
        wait_until_up(base)
        readers = [threading.Thread(target=reader, args=(number,)) for number in range(6)]
        for thread in readers:
            thread.start()
        for _ in range(3):
            time.sleep(1)
            workers = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
            os.kill(int(workers[0]), signal.SIGKILL)
        time.sleep(2)
        stop.set()
        for thread in readers:
            thread.join()
    finally:
        proxy.send_signal(signal.SIGQUIT)
        proxy.wait(timeout=30)
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    log = (nginx_dir / "error.log").read_text()
    resent = log.count("while reading response header from upstream")
    assert resent >= 1, "no request was in flight in a killed worker: the test proved nothing"
    assert len(results) > 50
    failed = [result for result in results if result != 200]
    assert not failed, f"{len(failed)} of {len(results)} requests failed: {failed[:3]}"
