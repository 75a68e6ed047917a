"""What the benchmark commands share: synthetic events, files of them, and the contenders they time."""

import contextlib
import datetime
import itertools
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import tablib
from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection, transaction
from import_export import fields, resources, widgets

from entities.models import Entity
from events.models import Event, EventCitation, EventType, Participation
from events.resources import EventResource
from nrfsite.interchange import dialect
from nrfsite.interchange.writes import history_rows
from sources.models import Source

ROLES = ["actor", "counterpart", "target", "ally", "claimant", "denier", "mentioned"]
PLACES = 300
ACTORS = 200
SOURCES = 500


class Rollback(Exception):
    pass


# The baselines: what a typical project writes with django-import-export ---------------------------------


def plain_resources(*, bulk):
    """(a) ModelResources with the defaults, or (b) the same in django-import-export's bulk mode."""
    fk = widgets.CachedForeignKeyWidget if bulk else widgets.ForeignKeyWidget

    class Options:
        use_bulk = bulk
        skip_diff = bulk
        batch_size = 1000

    class PlainEvent(resources.ModelResource):
        event_type = fields.Field("event_type", "event_type", fk(EventType, "slug"))
        location = fields.Field("location", "location", fk(Entity, "slug"))

        class Meta(Options):
            model = Event
            fields = ("slug", "title", "date", "date_precision", "event_type", "location", "summary", "certainty", "status")
            import_id_fields = ("slug",)

    class PlainParticipation(resources.ModelResource):
        event = fields.Field("event", "event", fk(Event, "slug"))
        entity = fields.Field("entity", "entity", fk(Entity, "slug"))

        class Meta(Options):
            model = Participation
            fields = ("event", "entity", "role")
            import_id_fields = ("event", "entity", "role")

    class PlainCitation(resources.ModelResource):
        event = fields.Field("event", "event", fk(Event, "slug"))
        source = fields.Field("source", "source", fk(Source, "key"))

        class Meta(Options):
            model = EventCitation
            fields = ("event", "source", "locator")
            import_id_fields = ("event", "source", "locator")

    return PlainEvent(), PlainParticipation(), PlainCitation()


# Synthetic data ----------------------------------------------------------------------------------


def make_references():
    """Places, actors and sources the synthetic events name (with their history rows)."""
    places = [Entity(kind="place", slug=f"bench-place-{i}", name=f"Place {i}", status="published") for i in range(PLACES)]
    actors = [
        Entity(kind="organization", slug=f"bench-actor-{i}", name=f"Actor {i}", status="published") for i in range(ACTORS)
    ]
    sources = [Source(key=f"bench-source-{i}", title=f"Source {i}", status="published") for i in range(SOURCES)]
    Entity.objects.bulk_create(places + actors, batch_size=1000)
    Source.objects.bulk_create(sources, batch_size=1000)
    Entity.history.model.objects.bulk_create(history_rows(Entity, places + actors, kind="+", user=None, reason="bench"))
    Source.history.model.objects.bulk_create(history_rows(Source, sources, kind="+", user=None, reason="bench"))


HOT = 8  # every HOT-th event is at bench-place-1, reported, with bench-actor-0, citing bench-source-0


def synthetic_rows(n, seed=7):
    """N events, each with two participants and two citations, as the cells of events.csv.

    One event in HOT shares a place, an actor, a source and its certainty, so the pages the benchmark
    filters by them are full (a page of 50, an entity's latest 100) at 1,000 events as at 100,000: the
    ratio then measures the archive's size, not a page that shows 3 events at one size and 50 at the other.
    """
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
    types = list(EventType.objects.filter(parent__isnull=False).values_list("slug", flat=True))
    if not types:
        raise CommandError("There are no event sub-types to give the synthetic events: run migrate or load_seed.")
    start = datetime.date(2021, 8, 15)
    for i in range(n):
        day = start + datetime.timedelta(days=rng.randrange(1500))
        date = day.isoformat() if i % 3 else day.isoformat()[:7]
        actors = rng.sample(range(ACTORS), 2)
        sources = rng.sample(range(SOURCES), 2)
        place, certainty = f"bench-place-{rng.randrange(PLACES)}", rng.choice(["reported", "confirmed", "unconfirmed"])
        if i % HOT == 0:
            place, certainty = "bench-place-1", "reported"
            actors = [0, actors[1] or 1]
            sources = [0, sources[1] or 1]
        yield {
            "slug": f"bench-event-{i:07d}",
            "title": f"Synthetic event {i}",
            "date": date,
            "event_type": rng.choice(types),
            "location": place,
            "summary": f"Fighting reported in the valley.[@bench-source-{sources[0]}]",
            "certainty": certainty,
            "participants": f"actor:bench-actor-{actors[0]}; counterpart:bench-actor-{actors[1]}",
            "sources": f"bench-source-{sources[0]}; bench-source-{sources[1]}, p. {i % 9 + 1}",
            "status": "published",
        }


def write_files(rows, directory, *, baselines=True):
    """events.csv for our importer; with `baselines`, the same data split into three flat files for the baselines.

    `rows` may be a generator: the files are written a row at a time, so a million events cost one row's memory.
    """
    directory.mkdir(parents=True, exist_ok=True)
    header = ["slug", "title", "date", "event_type", "location", "summary", "certainty", "participants", "sources", "status"]
    plain_header = ["slug", "title", "date", "date_precision", "event_type", "location", "summary", "certainty", "status"]
    names = ("plain_events.csv", "plain_participations.csv", "plain_citations.csv")
    with contextlib.ExitStack() as files:
        ours = files.enter_context((directory / "events.csv").open("w", newline="", encoding="utf-8"))
        dialect.write([header], ours)
        if not baselines:
            for row in rows:
                dialect.write([[row[column] for column in header]], ours)
            return
        opened = (files.enter_context((directory / name).open("w", newline="", encoding="utf-8")) for name in names)
        plain, parts, cites = opened
        dialect.write([plain_header], plain)
        dialect.write([["event", "entity", "role"]], parts)
        dialect.write([["event", "source", "locator"]], cites)
        for row in rows:
            dialect.write([[row[column] for column in header]], ours)
            full = row["date"] if len(row["date"]) == 10 else row["date"] + "-01"
            precision = "day" if len(row["date"]) == 10 else "month"
            dialect.write(
                [
                    [
                        row["slug"],
                        row["title"],
                        full,
                        precision,
                        row["event_type"],
                        row["location"],
                        row["summary"],
                        row["certainty"],
                        row["status"],
                    ]
                ],
                plain,
            )
            for item in row["participants"].split("; "):
                role, entity = item.split(":")
                dialect.write([[row["slug"], entity, role]], parts)
            for item in row["sources"].split("; "):
                key, _, locator = item.partition(", ")
                dialect.write([[row["slug"], key, locator]], cites)


def dataset(path, limit=None):
    table = dialect.parse(path.read_text(encoding="utf-8"))
    rows = table.rows if limit is None else table.rows[:limit]
    data = tablib.Dataset(headers=table.header)
    for _line, cells in rows:
        data.append(cells)
    return data


# Contenders ----------------------------------------------------------------------------------------


def timed(function):
    """Run `function` in a transaction that is rolled back afterwards; return its seconds and result."""
    result = None
    started = 0.0
    elapsed = 0.0
    try:
        with transaction.atomic():
            started = time.perf_counter()
            result = function()
            elapsed = time.perf_counter() - started
            raise Rollback
    except Rollback:
        pass
    return elapsed, result


def run_ours(directory):
    table = dialect.parse(dialect.decode((directory / "events.csv").read_bytes()))
    report = EventResource().run_import(table, file_name="events.csv", reason="benchmark")
    if report.errors:
        raise CommandError(f"Our importer refused the synthetic file: {report.errors[0]}")
    return report.count("new")


def run_plain(directory, *, bulk, limit):
    events, participations, citations = plain_resources(bulk=bulk)
    parts_limit = None if limit is None else limit * 2
    for resource, name, rows in (
        (events, "plain_events.csv", limit),
        (participations, "plain_participations.csv", parts_limit),
        (citations, "plain_citations.csv", parts_limit),
    ):
        result = resource.import_data(dataset(directory / name, rows), dry_run=False, raise_errors=True, use_transactions=False)
        if result.has_errors() or result.has_validation_errors():
            raise CommandError(f"The baseline refused {name}.")
    return limit


def run_floor(directory):
    """(c) The floor: bulk_create the same rows and their history rows, with no parsing or validation."""
    types = dict(EventType.objects.values_list("slug", "pk"))
    entities = dict(Entity.objects.values_list("slug", "pk"))
    sources = dict(Source.objects.values_list("key", "pk"))
    table = dialect.parse((directory / "events.csv").read_text(encoding="utf-8"))
    header = table.header
    events, parts, cites = [], [], []
    for _line, cells in table.rows:
        row = dict(zip(header, cells, strict=True))
        date = row["date"]
        events.append(
            Event(
                slug=row["slug"],
                title=row["title"],
                date=datetime.date.fromisoformat(date if len(date) == 10 else date + "-01"),
                date_precision="day" if len(date) == 10 else "month",
                event_type_id=types[row["event_type"]],
                location_id=entities[row["location"]],
                summary=row["summary"],
                certainty=row["certainty"],
                status=row["status"],
            )
        )
    Event.objects.bulk_create(events, batch_size=500)
    for event, (_line, cells) in zip(events, table.rows, strict=True):
        row = dict(zip(header, cells, strict=True))
        for item in row["participants"].split("; "):
            role, slug = item.split(":")
            parts.append(Participation(event_id=event.pk, entity_id=entities[slug], role=role))
        for item in row["sources"].split("; "):
            key, _, locator = item.partition(", ")
            cites.append(EventCitation(event_id=event.pk, source_id=sources[key], locator=locator))
    Participation.objects.bulk_create(parts, batch_size=500)
    EventCitation.objects.bulk_create(cites, batch_size=500)
    for model, objs in ((Event, events), (Participation, parts), (EventCitation, cites)):
        model.history.model.objects.bulk_create(
            history_rows(model, objs, kind="+", user=None, reason="benchmark"), batch_size=500
        )
    return len(events)


def synthetic_events(start, stop):
    """Events `start`..`stop` of `synthetic_rows`, generated one at a time (the same rows as in a longer run)."""
    return itertools.islice(synthetic_rows(stop), start, None)


@contextlib.contextmanager
def peak_rss():
    """Measure this process's peak memory over a block: yields a dict whose "mib" is set when the block ends.

    Linux's high-water mark (VmHWM) is reset on entry (`clear_refs` 5), so the figure is the block's own peak,
    the process's size before it included, as a command that did only the block would have.
    """
    measured = {"mib": None}
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        yield measured  # not Linux, or not allowed: no figure rather than a wrong one
        return
    yield measured
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            measured["mib"] = int(line.split()[1]) / 1024


def child_peak_rss(args, env=None):
    """Run a manage.py command in a child process; return (seconds, its own peak RSS in MiB).

    The peak is the kernel's high-water mark of the child's memory (VmHWM), read until it exits:
    getrusage's ru_maxrss would report at least the parent's size, because Linux carries it across fork.
    """
    started = time.perf_counter()
    process = subprocess.Popen(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    peak_kib = 0
    status = Path(f"/proc/{process.pid}/status")
    while process.poll() is None:
        try:
            for line in status.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak_kib = max(peak_kib, int(line.split()[1]))
        except (OSError, ValueError):
            pass
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    if process.returncode != 0:
        raise CommandError(f"manage.py {' '.join(args)} failed: {process.stderr.read().decode()[-2000:]}")
    return elapsed, peak_kib / 1024


def remove_imported_events():
    """Empty the event tables (and their history) that `import_bundle` filled, before the next size.

    Plain DELETEs: deleting 500,000 rows through the ORM would record a revision for each one, which is
    what the import measures, not what a benchmark should spend its time on. The database is a scratch
    one the command refused to start on unless it had no events.
    """
    models = [EventCitation, Participation, Event]
    tables = [model.history.model._meta.db_table for model in models] + [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608 - our own table names


def settle():
    """After bulk writes on PostgreSQL, what autovacuum does on a live site a minute later: VACUUM ANALYZE.

    ANALYZE gives the planner the new rows' statistics (the importer analyzes only what it imports); VACUUM
    sets the visibility map, without which no index-only scan can skip the table (a filtered timeline's
    summary reads its covering index alone: 44 ms against 230 at a million events). Inside a transaction
    (a test's), where VACUUM cannot run, only ANALYZE. Nothing to do on SQLite, which keeps no statistics.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
