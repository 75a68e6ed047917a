#!/usr/bin/env python
"""Reliability under load and faults, measured against the production server on 127.0.0.1.

    .venv/bin/python scripts/reliability.py --engine sqlite --events 0 --duration 60
    .venv/bin/python scripts/reliability.py --engine postgres --events 100000 --duration 60

Builds a scratch database (SQLite file or a PostgreSQL database it creates and drops), loads the seed
(plus N synthetic events), starts gunicorn with production settings, and runs Locust headless with
--users readers for --duration seconds in each scenario:

  public      readers only
  editing     readers, an editor saving a section through the admin every second, and a 10,000-event import
  reload      readers, a gunicorn HUP (graceful reload) and a `kill -9` of one worker
  pgkill      readers while every application connection is killed with pg_terminate_backend (PostgreSQL)
  killimport  a `kill -9` of a 20,000-event import mid-way: the database must be exactly as before
  adminimport readers while an editor imports --import-events events through the admin, as a background job
              on a `jobs_worker`: how long the upload request takes, how the progress moves, the worker's peak
              memory, and whether the result equals the command line's import of the same file
  timeline    readers of the HTML timeline only (with and without filters), beside
  api         readers of /api/events/ only, with the same filters and following cursors

With --proxy nginx, Locust talks to nginx (configured with deploy/nginx/nrfsite-proxy.conf, as the README's
"Deploying" section advises) in front of gunicorn, as a deployed site runs; without it, to gunicorn directly.

It prints one Markdown table; docs/reliability.md holds the measured figures.
"""

import argparse
import csv
import filecmp
import os
import re
import secrets
import signal
import string
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
PORT = 8011  # what Locust and the editor talk to: gunicorn, or nginx in front of it
UPSTREAM_PORT = 8012  # gunicorn's port behind nginx
BASE = f"http://127.0.0.1:{PORT}"
EDITOR, EDITOR_PASSWORD = "load-editor", secrets.token_urlsafe(16)


def run(*args, env, check=True, **kwargs):
    return subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=check,
        capture_output=True,
        text=True,
        **kwargs,
    )


def psql(sql):
    """Run one statement as the local PostgreSQL superuser; its unaligned output."""
    return subprocess.run(  # noqa: S603
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-Atc", sql],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def environment(engine):
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_SECURE_HTTPS": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "AXES_FAILURE_LIMIT": "1000",
        "GUNICORN_LOG_LEVEL": "warning",
        # Every Locust reader comes from 127.0.0.1: the per-client API limit would answer 429 to all of them.
        "API_ANON_RATE": "1000000/min",
    }
    if engine == "sqlite":
        path = Path(tempfile.gettempdir()) / "nrfsite-reliability.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{path}"
    else:
        psql("DROP DATABASE IF EXISTS nrfsite_reliability WITH (FORCE)")
        psql("CREATE DATABASE nrfsite_reliability")
        env["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/nrfsite_reliability"
    return env


def prepare(env, events):
    run("migrate", "--no-input", "-v0", env=env)
    run("load_seed", env=env)
    if events:
        run("generate_events", str(events), env=env)
    run("collectstatic", "--no-input", "-v0", env=env)
    # --password=…: a generated password may start with "-", which argparse would take for an option.
    run("createeditor", EDITOR, "--role", "reviewer", f"--password={EDITOR_PASSWORD}", env=env)


def wait_for(url, log):
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - our own local server
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer: " + log.read_text()[-2000:])


class Server:
    """gunicorn with production settings; its error log (Django's tracebacks included) goes to `log`."""

    log = Path(tempfile.gettempdir()) / "nrfsite-reliability-gunicorn.log"

    def __init__(self, env, port=PORT, workers=3):
        self.stream = self.log.open("w")
        self.process = subprocess.Popen(  # noqa: S603
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "gunicorn.conf.py", "nrfsite.wsgi"],
            cwd=ROOT,
            env={**env, "GUNICORN_WORKERS": str(workers), "GUNICORN_BIND": f"127.0.0.1:{port}"},
            stdout=subprocess.DEVNULL,
            stderr=self.stream,
            text=True,
        )
        wait_for(f"http://127.0.0.1:{port}/healthz", self.log)

    def errors_since(self, offset):
        """Server errors logged after `offset` (a position in the log): counts of each kind."""
        text = self.log.read_text()[offset:]
        return {
            "server errors": text.count("Internal Server Error:"),
            # once per error: a traceback also names sqlite3's own exception, which Django wraps
            "database is locked": text.count("django.db.utils.OperationalError: database is locked"),
        }

    def offset(self):
        return len(self.log.read_text())

    def workers(self):
        return [
            int(pid)
            for pid in subprocess.run(  # noqa: S603
                ["pgrep", "-P", str(self.process.pid)],  # noqa: S607
                capture_output=True,
                text=True,
            ).stdout.split()
        ]

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=40)


class Proxy:
    """nginx on PORT in front of gunicorn, with the proxy settings a deployment includes."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="nrfsite-nginx-"))
        self.log = self.dir / "error.log"
        self.log.touch()
        config = self.dir / "nginx.conf"
        template = string.Template((ROOT / "deploy" / "nginx" / "local-test.conf").read_text())
        config.write_text(template.substitute(dir=self.dir, port=PORT, upstream_port=UPSTREAM_PORT, root=ROOT))
        self.process = subprocess.Popen(  # noqa: S603
            ["nginx", "-p", str(self.dir), "-c", str(config), "-e", str(self.log), "-g", "daemon off;"],  # noqa: S607
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(f"{BASE}/healthz", self.log)

    def offset(self):
        return len(self.log.read_text())

    def resent_since(self, offset):
        """Requests nginx sent again because gunicorn closed the connection without an answer."""
        return sum("while reading response header from upstream" in line for line in self.log.read_text()[offset:].splitlines())

    def stop(self):
        self.process.send_signal(signal.SIGQUIT)
        self.process.wait(timeout=40)


def locust(users, duration, name, readers="Reader"):
    prefix = Path(tempfile.gettempdir()) / f"nrfsite-locust-{name}"
    subprocess.run(  # noqa: S603
        [
            str(ROOT / ".venv" / "bin" / "locust"),
            "-f",
            str(ROOT / "scripts" / "locustfile.py"),
            readers,
            "--headless",
            "-u",
            str(users),
            "-r",
            str(max(1, users // 2)),
            "-t",
            f"{duration}s",
            "--host",
            BASE,
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "ERROR",
        ],
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
    )
    with open(f"{prefix}_stats.csv", newline="") as stream:
        total = next(row for row in csv.DictReader(stream) if row["Name"] == "Aggregated")
    failures = []
    with open(f"{prefix}_failures.csv", newline="") as stream:
        failures = [f"{row['Occurrences']}× {row['Name']}: {row['Error'][:80]}" for row in csv.DictReader(stream)]
    return {
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "rps": float(total["Requests/s"]),
        "p50": total["50%"],
        "p95": total["95%"],
        "p99": total["99%"],
        "failure_kinds": failures,
    }


class Editor(threading.Thread):
    """Saves a section through the admin every second, like an editor at work."""

    def __init__(self, section_id):
        super().__init__(daemon=True)
        self.section_id = section_id
        self.saves, self.errors = 0, []
        self.stop = threading.Event()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def csrf(self, html):
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    def login(self):
        html = self.opener.open(f"{BASE}/admin/login/").read().decode()
        data = urllib.parse.urlencode(
            {"username": EDITOR, "password": EDITOR_PASSWORD, "csrfmiddlewaretoken": self.csrf(html), "next": "/admin/"}
        ).encode()
        self.opener.open(urllib.request.Request(f"{BASE}/admin/login/", data, headers={"Referer": BASE}))  # noqa: S310

    def save_once(self, number):
        url = f"{BASE}/admin/entities/section/{self.section_id}/change/"
        html = self.opener.open(url).read().decode()
        fields = dict(re.findall(r'<input type="(?:hidden|text|number)" name="([^"]+)" value="([^"]*)"', html))
        body = re.search(r'<textarea name="body"[^>]*>(.*?)</textarea>', html, re.S).group(1)
        fields.update(
            {
                "csrfmiddlewaretoken": self.csrf(html),
                "body": re.sub(r" \(save \d+\)$", "", body) + f" (save {number})",
                "entity": re.search(r'<option value="(\d+)" selected', html).group(1),
                "status": "published",
                "_save": "Save",
            }
        )
        data = urllib.parse.urlencode(fields).encode()
        response = self.opener.open(urllib.request.Request(url, data, headers={"Referer": url}))  # noqa: S310
        if "was changed successfully" not in response.read().decode():
            self.errors.append(f"save {number} refused")

    def run(self):
        try:
            self.login()
        except OSError as error:
            self.errors.append(f"login: {error}")
            return
        number = 0
        while not self.stop.wait(1):
            number += 1
            try:
                self.save_once(number)
                self.saves += 1
            except Exception as error:  # a 5xx, "database is locked", a timeout: all count
                self.errors.append(f"save {number}: {error}")


def section_id(env):
    return run(
        "shell",
        "-c",
        "from entities.models import Section; print(Section.objects.get(entity__slug='nrf', title='').pk)",
        env=env,
    ).stdout.split()[-1]


def scenario_public(env, args):
    return locust(args.users, args.duration, "public"), ""


def scenario_timeline(env, args):
    return locust(args.users, args.duration, "timeline", "TimelineReader"), "the HTML timeline only, with and without filters"


def scenario_api(env, args):
    return locust(args.users, args.duration, "api", "ApiReader"), "/api/events/ only, the same filters, and cursor pages"


def scenario_editing(env, args):
    editor = Editor(section_id(env))
    bundle = Path(tempfile.mkdtemp()) / "import"
    run("generate_events", "10000", "--start", "900000", "--bundle-only", str(bundle), env=env)
    editor.start()
    outcome = {}

    def import_during_load():
        time.sleep(5)
        outcome["import"] = run("import_bundle", str(bundle), env=env, check=False)

    importer = threading.Thread(target=import_during_load)
    importer.start()
    result = locust(args.users, args.duration, "editing")
    editor.stop.set()
    editor.join()
    importer.join()
    imported = outcome["import"].returncode == 0
    note = (
        f"{editor.saves} admin saves, {len(editor.errors)} failed"
        + (f" ({editor.errors[:2]})" if editor.errors else "")
        + f"; 10,000-event import {'done' if imported else 'FAILED: ' + outcome['import'].stderr[-200:]}"
    )
    result["failures"] += len(editor.errors) + (not imported)
    return result, note


def scenario_reload(env, args, server):
    def faults():
        time.sleep(args.duration / 4)
        server.process.send_signal(signal.SIGHUP)
        time.sleep(args.duration / 4)
        workers = server.workers()
        if workers:
            os.kill(workers[0], signal.SIGKILL)

    thread = threading.Thread(target=faults)
    thread.start()
    result = locust(args.users, args.duration, "reload")
    thread.join()
    return result, "HUP at 1/4 of the run, kill -9 of a worker at 1/2"


def scenario_pgkill(env, args):
    killed = []

    def kill():
        time.sleep(args.duration / 2)
        output = psql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = 'nrfsite_reliability' AND pid <> pg_backend_pid()"
        )
        killed.append(output.split().count("t"))

    thread = threading.Thread(target=kill)
    thread.start()
    result = locust(args.users, args.duration, "pgkill")
    thread.join()
    return result, f"all {killed[0]} application connections terminated at 1/2 of the run"


def scenario_killimport(env, args):
    before, after = Path(tempfile.mkdtemp()), Path(tempfile.mkdtemp())
    bundle = Path(tempfile.mkdtemp()) / "import"
    run("generate_events", "20000", "--start", "800000", "--bundle-only", str(bundle), env=env)
    run("export_bundle", str(before), env=env)
    process = subprocess.Popen(  # noqa: S603
        [PYTHON, "manage.py", "import_bundle", str(bundle)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(3)
    alive = process.poll() is None
    process.send_signal(signal.SIGKILL)
    process.wait()
    run("export_bundle", str(after), env=env)
    comparison = filecmp.dircmp(before, after)
    same = not (comparison.diff_files or comparison.left_only or comparison.right_only)
    verdict = "unchanged" if same else f"CHANGED: {comparison.diff_files}"
    return None, f"import killed {'mid-way' if alive else 'after it finished (too fast)'}; database {verdict}"


def copy_sqlite(env):
    """A copy of the SQLite scratch database (SQLite's backup API: what a connection sees, WAL included)."""
    import sqlite3

    source_path = env["DATABASE_URL"].removeprefix("sqlite:///")
    target_path = source_path.replace(".sqlite3", "-reference.sqlite3")
    Path(target_path).unlink(missing_ok=True)
    source, target = sqlite3.connect(source_path), sqlite3.connect(target_path)
    source.backup(target)
    source.close()
    target.close()
    return {**env, "DATABASE_URL": f"sqlite:///{target_path}"}


def copy_postgres(env):
    """A copy of the PostgreSQL scratch database (pg_dump into a new database: the app server stays connected
    to the original, which CREATE DATABASE … TEMPLATE would refuse)."""
    psql("DROP DATABASE IF EXISTS nrfsite_reliability_reference WITH (FORCE)")
    psql("CREATE DATABASE nrfsite_reliability_reference")
    target = "postgres://postgres@127.0.0.1:5432/nrfsite_reliability_reference"
    dump = subprocess.Popen(["pg_dump", "--no-owner", env["DATABASE_URL"]], stdout=subprocess.PIPE)  # noqa: S603, S607
    subprocess.run(  # noqa: S603
        ["psql", "-q", "-v", "ON_ERROR_STOP=1", target],  # noqa: S607
        stdin=dump.stdout,
        stdout=subprocess.DEVNULL,
        check=True,
    )
    dump.stdout.close()
    if dump.wait() != 0:
        raise SystemExit("pg_dump of the scratch database failed")
    return {**env, "DATABASE_URL": target}


def copy_database(env):
    return copy_sqlite(env) if env["DATABASE_URL"].startswith("sqlite") else copy_postgres(env)


def peak_memory_mib(pid):
    """A process's peak resident memory (VmHWM), in MiB."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024


def scenario_adminimport(env, args):
    import requests  # a dependency of frictionless; urllib has no multipart upload

    count = args.import_events
    bundle = Path(tempfile.mkdtemp()) / "import"
    run("generate_events", str(count), "--start", "700000", "--bundle-only", str(bundle), env=env)
    events_csv = bundle / "events.csv"
    size = events_csv.stat().st_size
    reference = copy_database(env)
    worker = subprocess.Popen(  # noqa: S603
        [PYTHON, "manage.py", "jobs_worker", "--no-reload", "--interval", "0.5"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    session = requests.Session()
    session.get(f"{BASE}/admin/login/", timeout=30)
    session.post(
        f"{BASE}/admin/login/",
        data={"username": EDITOR, "password": EDITOR_PASSWORD, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": BASE},
        timeout=30,
    )
    readers = {}
    reading = threading.Thread(target=lambda: readers.update(locust(args.users, args.duration, "adminimport")))
    reading.start()
    time.sleep(5)

    def post(url, data, files=None):
        data = {"csrfmiddlewaretoken": session.cookies["csrftoken"], **data}
        return session.post(url, data=data, files=files, headers={"Referer": url}, allow_redirects=False, timeout=120)

    def follow(job_url):
        started, values = time.monotonic(), []
        while True:
            status = session.get(job_url.replace("/change/", "/status/"), timeout=30).json()
            if status["state"] == "running" and status["done"] and status["done"] not in values:
                values.append(status["done"])
            if status["finished"]:
                return status, time.monotonic() - started, values
            time.sleep(0.5)

    started = time.monotonic()
    with events_csv.open("rb") as file:
        answer = post(f"{BASE}/admin/events/event/import/", {"resource": "0", "format": "0"}, {"import_file": file})
    upload_seconds = time.monotonic() - started
    if answer.status_code != 302:
        worker.kill()
        reading.join()
        return readers, f"upload refused ({answer.status_code}): {answer.text[-300:]}"
    check_url = BASE + answer.headers["Location"]
    checked, check_seconds, check_values = follow(check_url)
    page = session.get(check_url, timeout=60).text
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
    started = time.monotonic()
    answer = post(f"{BASE}/admin/events/event/process_import/", fields)
    confirm_seconds = time.monotonic() - started
    import_url = BASE + answer.headers["Location"]
    imported, import_seconds, import_values = follow(import_url)
    peak = peak_memory_mib(worker.pid)
    worker.send_signal(signal.SIGTERM)
    worker.wait(timeout=60)
    reading.join()
    note = (
        f"{count:,} events ({size / 2**20:.1f} MiB): upload request {upload_seconds:.2f} s, confirm request "
        f"{confirm_seconds:.2f} s; check job {checked['state']} in {check_seconds:.0f} s, progress seen at "
        f"{len(check_values)} values; import job {imported['state']} in {import_seconds:.0f} s, progress seen at "
        f"{len(import_values)} values ({', '.join(f'{value:,}' for value in import_values[:6])}); worker peak memory "
        f"{peak:.0f} MiB"
    )
    # The same file through the command line, into the copy taken before the upload: the two must be equal.
    only = Path(tempfile.mkdtemp()) / "events-only"
    only.mkdir()
    (only / "events.csv").write_bytes(events_csv.read_bytes())
    run("import_bundle", str(only), "--user", EDITOR, env=reference)
    mine, theirs = Path(tempfile.mkdtemp()), Path(tempfile.mkdtemp())
    run("export_bundle", str(mine), env=env)
    run("export_bundle", str(theirs), env=reference)
    comparison = filecmp.dircmp(mine, theirs)
    differ = [name for name in comparison.diff_files if name != "manifest.json" and name != "datapackage.json"]
    note += "; result " + ("equals the command line's import" if not differ else f"DIFFERS in {differ}")
    if reference["DATABASE_URL"].startswith("postgres"):
        psql("DROP DATABASE IF EXISTS nrfsite_reliability_reference WITH (FORCE)")
    return readers, note


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--events", type=int, default=0, help="Synthetic events on top of the seed.")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--scenarios", default="public,editing,reload,pgkill,killimport")
    parser.add_argument("--import-events", type=int, default=100000, help="Events the adminimport scenario imports.")
    parser.add_argument(
        "--proxy",
        choices=["none", "nginx"],
        default="none",
        help="Put nginx (deploy/nginx/nrfsite-proxy.conf) in front of gunicorn.",
    )
    parser.add_argument(
        "--cache",
        default="on",
        help="The public page cache: on, off, or both in turn (off,on), each with a server of its own, on the same "
        "prepared database: off sets PUBLIC_PAGE_CACHE_SECONDS=0, so every request renders its page.",
    )
    args = parser.parse_args()
    scenarios = [name for name in args.scenarios.split(",") if name != "pgkill" or args.engine == "postgres"]
    caches = args.cache.split(",")
    if not caches or set(caches) - {"on", "off"}:
        parser.error("--cache takes on, off, or both separated by a comma")
    env = environment(args.engine)
    print(f"Preparing {args.engine} with the seed and {args.events:,} synthetic events…", file=sys.stderr)
    prepare(env, args.events)
    rows = []
    proxy = None
    try:
        for cache in caches:
            cached_env = env if cache == "on" else {**env, "PUBLIC_PAGE_CACHE_SECONDS": "0"}
            label = "" if caches == ["on"] else f" (cache {cache})"
            server = Server(cached_env, port=UPSTREAM_PORT if args.proxy == "nginx" else PORT)
            try:
                if args.proxy == "nginx" and proxy is None:
                    proxy = Proxy()  # it waits for the site's health check through it: gunicorn must be up
                for name in scenarios:
                    print(f"Running {name}{label}…", file=sys.stderr)
                    offset, proxy_offset = server.offset(), proxy and proxy.offset()
                    if name == "reload":
                        result, note = scenario_reload(cached_env, args, server)
                    else:
                        result, note = globals()[f"scenario_{name}"](cached_env, args)
                    logged = ", ".join(f"{count} {kind}" for kind, count in server.errors_since(offset).items() if count)
                    resent = proxy.resent_since(proxy_offset) if proxy else 0
                    if resent:
                        note += f"; nginx resent {resent} request(s) to another worker"
                    rows.append((name + label, result, note + (f"; server log: {logged}" if logged else "")))
            finally:
                server.stop()
    finally:
        if proxy:
            proxy.stop()
    print(f"(server log: {Server.log}{f'; nginx log: {proxy.log}' if proxy else ''})", file=sys.stderr)
    behind = ", behind nginx" if proxy else ""
    print(f"### {args.engine}, seed + {args.events:,} events, {args.users} users, {args.duration} s per scenario{behind}")
    print()
    print("| scenario | requests | req/s | p50 ms | p95 ms | p99 ms | failed | notes |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for name, result, note in rows:
        if result is None:
            print(f"| {name} | | | | | | | {note} |")
            continue
        kinds = "; ".join(result["failure_kinds"][:3])
        print(
            f"| {name} | {result['requests']:,} | {result['rps']:.1f} | {result['p50']} | {result['p95']} | "
            f"{result['p99']} | {result['failures']} | {note}{' — ' + kinds if kinds else ''} |"
        )


if __name__ == "__main__":
    main()
