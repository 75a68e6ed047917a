"""Faults that take seconds, as tests: a killed import, a reloaded or killed worker, a killed connection.

The long runs under load are scripts/reliability.py (figures in docs/reliability.md).

The scratch database, gunicorn and the `children` fixture that stops every process a test starts are in
tests/processes.py, shared with the other tests that run the site as it is deployed.
"""

import filecmp
import os
import queue
import re
import secrets
import signal
import string
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.processes import ROOT, free_port, manage, psql, start_gunicorn, stop, wait_until_up, workers_of


def start_shell(children, env, code):
    """`manage.py shell -c code` with stdin to talk to it and its output (stdout and stderr) as `Output`."""
    process = children(
        [sys.executable, "manage.py", "shell", "-v0", "-c", code],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    process.output = Output(process.stdout)
    return process


class Output:
    """A child's output, read in a thread so that waiting for a line has a time limit."""

    def __init__(self, stream):
        self.lines = []
        self._queue = queue.Queue()
        self._ended = threading.Event()
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream):
        for line in stream:
            self.lines.append(line)
            self._queue.put(line.strip())
        stream.close()
        self._ended.set()
        self._queue.put(None)

    def expect(self, marker, timeout=60):
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self._queue.get(timeout=max(0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no {marker!r} within {timeout} s: {self.text()[-2000:]}") from None
            if line is None:
                raise AssertionError(f"ended before {marker!r}: {self.text()[-2000:]}")
            if line == marker:
                return

    def text(self, timeout=None):
        """What the child wrote; with a timeout, all of it (waits for the end of the stream)."""
        if timeout is not None:
            self._ended.wait(timeout)
        return "".join(self.lines)


def tell(process):
    """A line on the child's stdin: the go-ahead its script waits for."""
    process.stdin.write("\n")
    process.stdin.flush()


def wait_until(condition, deadline, what):
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"time limit reached before {what}")
        time.sleep(0.05)


def start_big_import(scratch_env, tmp_path, children, **streams):
    """The seed, exported to before/, then a 12,000-event bundle's import running for 2 s."""
    manage(scratch_env, "load_seed")
    manage(scratch_env, "generate_events", "12000", "--bundle-only", str(tmp_path / "bundle"))
    manage(scratch_env, "export_bundle", str(tmp_path / "before"))
    process = children(
        [sys.executable, "manage.py", "import_bundle", str(tmp_path / "bundle")], cwd=ROOT, env=scratch_env, **streams
    )
    # A fixed sleep raced with start-up on a loaded machine (SIGTERM came before the import's handler and
    # ended the process with -15): wait until the process catches SIGTERM, then let the import run 1.5 s.
    deadline = time.monotonic() + 60
    while not catches_sigterm(process.pid) and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    time.sleep(1.5)
    assert process.poll() is None, "the import finished before it could be stopped: give it more rows"
    return process


def catches_sigterm(pid):
    """Whether the process has a handler for SIGTERM (Linux: the SigCgt mask of /proc/PID/status)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    caught = int(next(line for line in status.splitlines() if line.startswith("SigCgt:")).split()[1], 16)
    return bool(caught & (1 << (signal.SIGTERM - 1)))


def assert_database_as_before(scratch_env, tmp_path):
    manage(scratch_env, "export_bundle", str(tmp_path / "after"))
    comparison = filecmp.dircmp(tmp_path / "before", tmp_path / "after")
    assert (comparison.diff_files, comparison.left_only, comparison.right_only) == ([], [], [])


def test_an_import_killed_mid_way_leaves_the_database_exactly_as_before(scratch_env, tmp_path, children):
    process = start_big_import(scratch_env, tmp_path, children, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    process.send_signal(signal.SIGKILL)
    process.wait()

    assert_database_as_before(scratch_env, tmp_path)


def test_an_import_stopped_with_sigterm_rolls_back_and_says_so(scratch_env, tmp_path, children):
    process = start_big_import(scratch_env, tmp_path, children, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    stopped_at = time.monotonic()
    process.send_signal(signal.SIGTERM)
    _out, err = process.communicate(timeout=60)
    took = time.monotonic() - stopped_at

    assert process.returncode == 1
    assert "Interrupted (SIGTERM)" in err and "nothing was imported" in err, err[-2000:]
    assert took < 10, f"the import took {took:.1f} s to stop"
    assert_database_as_before(scratch_env, tmp_path)


def test_the_sqlite_busy_timeout_is_120_seconds_by_default():
    # The subprocess test below lowers it through SQLITE_BUSY_TIMEOUT; this is the figure production runs with.
    if connection.vendor == "sqlite":
        expected = int(os.environ.get("SQLITE_BUSY_TIMEOUT", 120))  # 120 unless this run's environment sets it
        assert settings.DATABASES["default"]["OPTIONS"]["timeout"] == expected
        if "SQLITE_BUSY_TIMEOUT" not in os.environ:
            assert expected == 120


# Takes the write lock and holds it until told (or until the test process goes away: stdin closes).
HOLDER = """
import sys
from django.contrib.auth.models import Group
from django.db import transaction
from nrfsite.site.models import ContentVersion
with transaction.atomic():  # SQLite: BEGIN IMMEDIATE, the database's write lock
    ContentVersion.bump()
    # PostgreSQL: a row lock that createeditor's new group membership (its foreign key check) must wait for.
    list(Group.objects.select_for_update().filter(name="Editor"))
    print("locked", flush=True)
    sys.stdin.readline()
"""

# createeditor, started and connected beforehand so that the time it takes is the time it waits.
# --password=…: a generated password may start with "-", which argparse would take for an option.
WRITER = """
import sys
from django.core.management import call_command
from django.db import connection
connection.ensure_connection()
print("ready", flush=True)
sys.stdin.readline()
call_command("createeditor", {username!r}, "--role", "editor", {password!r})
"""


def test_a_write_waits_for_a_long_write_transaction_instead_of_failing(scratch_env, children):
    # The busy timeout (SQLITE_BUSY_TIMEOUT, 120 s by default, see the test above) governs how long a write
    # waits for another's lock: a lock held for less than it is waited out, one held for longer fails the write.
    sqlite = connection.vendor == "sqlite"
    timeout, hold, short_timeout = 10, 3.0, 1
    holder = start_shell(children, scratch_env, HOLDER)
    waiter = start_shell(
        children,
        {**scratch_env, "SQLITE_BUSY_TIMEOUT": str(timeout)},
        WRITER.format(username="waiting-editor", password=f"--password={secrets.token_urlsafe(16)}"),
    )
    if sqlite:  # PostgreSQL has no busy timeout: a write waits for a lock as long as it is held
        impatient = start_shell(
            children,
            {**scratch_env, "SQLITE_BUSY_TIMEOUT": str(short_timeout)},
            WRITER.format(username="impatient-editor", password=f"--password={secrets.token_urlsafe(16)}"),
        )
        impatient.output.expect("ready")
    waiter.output.expect("ready")
    holder.output.expect("locked")

    if sqlite:
        started = time.monotonic()
        tell(impatient)
        impatient.wait(timeout=30)
        waited = time.monotonic() - started
        output = impatient.output.text(timeout=10)
        assert impatient.returncode != 0, "the write did not fail although the lock outlasted its busy timeout"
        assert "database is locked" in output, output[-2000:]
        assert waited >= short_timeout - 0.1, f"it failed after {waited:.2f} s, before its busy timeout"
        assert holder.poll() is None

    started = time.monotonic()
    tell(waiter)
    time.sleep(hold)
    assert waiter.poll() is None, f"the write did not wait for the lock: {waiter.output.text()[-2000:]}"
    tell(holder)  # commit
    waiter.wait(timeout=60)
    waited = time.monotonic() - started

    output = waiter.output.text(timeout=10)
    assert waiter.returncode == 0, output[-2000:]
    assert "Created waiting-editor as Editor." in output
    assert waited >= hold - 0.1  # it did wait for the lock
    assert holder.wait(timeout=60) == 0, holder.output.text(timeout=10)[-2000:]


def test_a_save_succeeds_while_a_hostile_wide_csv_is_refused(scratch_env, tmp_path, children):
    # 60,000 columns: the old quadratic header check held SQLite's write lock for about a minute on it,
    # and every other save failed with "database is locked" once its busy timeout ran out.
    bundle = tmp_path / "hostile"
    bundle.mkdir()
    header = ",".join(f"c{number}" for number in range(60_000))
    (bundle / "sources.csv").write_text(f"{header}\r\n" + "x," * 59_999 + "x\r\n", encoding="utf-8")
    env = {**scratch_env, "SQLITE_BUSY_TIMEOUT": "3"}
    writer = start_shell(
        children, env, WRITER.format(username="busy-editor", password=f"--password={secrets.token_urlsafe(16)}")
    )
    writer.output.expect("ready")

    started = time.monotonic()
    hostile = children(
        [sys.executable, "manage.py", "import_bundle", str(bundle)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    tell(writer)  # the save runs while the hostile import is being read and refused
    writer.wait(timeout=60)
    saved_after = time.monotonic() - started
    refused_output, _ = hostile.communicate(timeout=120)
    refused_after = time.monotonic() - started

    assert writer.returncode == 0, writer.output.text(timeout=10)[-2000:]
    assert hostile.returncode != 0
    assert re.search(r"The header has 60,000 columns; sources\.csv has \d+:", refused_output), refused_output[-2000:]
    assert saved_after < 3, f"the save waited {saved_after:.1f} s for the hostile import's lock"
    assert refused_after < 10, f"the refusal took {refused_after:.1f} s"


def test_gunicorn_reload_drops_no_request_and_a_killed_worker_is_replaced(scratch_env, children):
    manage(scratch_env, "load_seed")
    port = free_port()
    server = start_gunicorn(children, scratch_env, port, workers=2)
    base = f"http://127.0.0.1:{port}"
    results = []
    done = threading.Event()

    def reader():
        while not done.is_set():
            try:
                with urllib.request.urlopen(f"{base}/entities/nrf/", timeout=10) as response:  # noqa: S310
                    results.append((time.monotonic(), response.status))
            except OSError as error:
                results.append((time.monotonic(), str(error)))
            time.sleep(0.02)

    def answered_since(moment):
        return sum(1 for at, _ in results if at > moment)

    # Each phase lasts until what it must show has happened (not a fixed time): a slow machine takes longer.
    deadline = time.monotonic() + 180
    wait_until_up(base)
    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    try:
        time.sleep(1.5)
        old_workers = set(workers_of(server))
        os.kill(server.pid, signal.SIGHUP)
        reloaded_at = []

        def reload_done():
            # Two workers, none of them from before the HUP, and requests answered by them alone.
            if not reloaded_at:
                current = set(workers_of(server))
                if len(current) == 2 and not current & old_workers:
                    reloaded_at.append(time.monotonic())
                return False
            return answered_since(reloaded_at[0]) >= 5 and len(results) > 20

        wait_until(reload_done, deadline, "the HUP reload replaced both workers and more than 20 requests were answered")
        during_reload = [status for _, status in results]
        workers = workers_of(server)
        killed_at = time.monotonic()
        os.kill(int(workers[0]), signal.SIGKILL)
        replaced_at = []

        def replacement_serves():
            if not replaced_at:
                current = workers_of(server)
                if len(current) == 2 and workers[0] not in current:
                    replaced_at.append(time.monotonic())
                return False
            return answered_since(replaced_at[0]) >= 5

        wait_until(replacement_serves, deadline, "the killed worker was replaced and 5 requests were answered")
        done.set()
        thread.join(timeout=30)
        replaced = workers_of(server)
    finally:
        done.set()
        stop(server)

    assert len(during_reload) > 20 and set(during_reload) == {200}, "a request failed during the HUP reload"
    after_kill = [status for at, status in results if at > killed_at]
    assert after_kill.count(200) >= len(after_kill) - 1, "more than the in-flight request failed after kill -9"
    assert after_kill[-5:] == [200] * 5
    assert len(replaced) == 2, "the killed worker was not replaced"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_terminate_backend is PostgreSQL's")
def test_a_killed_database_connection_fails_at_most_the_request_in_flight(scratch_env, children):
    port = free_port()
    server = start_gunicorn(children, scratch_env, port, workers=1, threads=1)
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
        wait_until_up(base)
        assert status("/entities/") == 200  # the worker now holds a persistent connection
        kill = f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'"  # noqa: S608
        psql(kill)
        statuses = [status("/healthz") for _ in range(3)] + [status("/entities/")]
    finally:
        stop(server)

    assert statuses.count(200) >= len(statuses) - 1
    assert statuses[1:] == [200] * (len(statuses) - 1)


def test_behind_nginx_a_worker_killed_mid_request_fails_no_request(scratch_env, tmp_path, children):
    # The deployment the README describes: nginx with deploy/nginx/nrfsite-proxy.conf in front of gunicorn.
    # kill -9 drops the requests a worker holds; nginx must send them again to another worker.
    manage(scratch_env, "load_seed")
    upstream, port = free_port(), free_port()
    server = start_gunicorn(children, scratch_env, upstream, workers=2, threads=2)
    nginx_dir = tmp_path / "nginx"
    nginx_dir.mkdir()
    config = nginx_dir / "nginx.conf"
    template = string.Template((ROOT / "deploy" / "nginx" / "local-test.conf").read_text())
    config.write_text(template.substitute(dir=nginx_dir, port=port, upstream_port=upstream, root=ROOT))
    proxy = children(
        ["nginx", "-p", str(nginx_dir), "-c", str(config), "-e", str(nginx_dir / "error.log"), "-g", "daemon off;"],
        stop_signal=signal.SIGQUIT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    readers = 6  # more than gunicorn's 2 workers × 2 threads: a worker always has requests in hand
    results = []  # (reader, sent at, answered at, status or error)
    done = threading.Event()

    def reader(number):
        count = 0
        while not done.is_set():
            count += 1  # a new address each time: the page cache never answers, a worker always renders
            sent = time.monotonic()
            try:
                with urllib.request.urlopen(f"{base}/events/?reader={number}-{count}", timeout=30) as response:  # noqa: S310
                    outcome = response.status
            except urllib.error.HTTPError as error:
                outcome = error.code
            except OSError as error:
                outcome = str(error)
            results.append((number, sent, time.monotonic(), outcome))

    def sent_and_answered_since(moment, number):
        return sum(1 for who, sent, _, _ in results if who == number and sent > moment)

    def settled_since(moment):
        # Every reader has had a request it sent after `moment` answered: (readers take turns) none still
        # holds a request that was in flight at `moment`.
        return all(sent_and_answered_since(moment, number) >= 1 for number in range(readers))

    # Not a fixed time: each kill waits until gunicorn has two live workers again and no request in flight at
    # the previous kill is still waiting (nginx resends a request once, to the other entry of the upstream;
    # a request caught by two kills is beyond what it promises). Reading goes on until every reader has been
    # answered twice after the last kill. The time limit only keeps a broken setup from hanging the suite.
    deadline = time.monotonic() + 180
    kills, killed = [], set()
    threads = [threading.Thread(target=reader, args=(number,), daemon=True) for number in range(readers)]
    try:
        wait_until_up(base)
        for thread in threads:
            thread.start()
        for _ in range(3):
            since = kills[-1] if kills else 0
            wait_until(
                lambda since=since: len(set(workers_of(server)) - killed) == 2 and settled_since(since),
                deadline,
                f"gunicorn served every reader again after kill {len(kills)}",
            )
            victim = min(set(workers_of(server)) - killed, key=int)  # the older one, which is serving
            os.kill(int(victim), signal.SIGKILL)
            killed.add(victim)
            kills.append(time.monotonic())
        wait_until(
            lambda: all(sent_and_answered_since(kills[-1], number) >= 2 for number in range(readers)),
            deadline,
            "every reader had 2 requests answered after the last kill",
        )
        done.set()
        for thread in threads:
            thread.join(timeout=40)
    finally:
        done.set()
        stop(proxy)  # nginx first: its error log is complete once it has stopped
        stop(server)

    log = (nginx_dir / "error.log").read_text()
    resent = log.count("while reading response header from upstream")
    assert resent >= 1, "no request was in flight in a killed worker: the test proved nothing"
    assert len(kills) == 3
    assert all(sent_and_answered_since(kills[-1], number) >= 2 for number in range(readers))
    failed = [outcome for _, _, _, outcome in results if outcome != 200]
    assert not failed, f"{len(failed)} of {len(results)} requests failed: {failed[:3]}"
