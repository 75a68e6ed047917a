"""Median response times of the main public pages at growing numbers of events, against a trivial view."""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client, override_settings

from entities.models import Entity
from events.models import Event
from nrfsite.interchange.bundle import import_bundle
from nrfsite.ops.benchmark import make_references, peak_rss, settle, synthetic_events, write_files

PER_ROWS = "per 1,000 rows"  # a download's time divided by its rows, times 1,000 (its first ROWS_READ rows)
ROWS_READ = 5_000  # a whole download of 125,000 rows at a million events took 2 minutes; 16 of them, half an hour
FIRST_ROW = "first row"  # time a streamed download takes to send its header and first row (its first rows)
CACHE_HIT = "cache hit"  # an anonymous reader's page from the page cache (every other row renders the page)

PAGES = [
    ("home", "/"),
    ("timeline", "/events/"),
    ("timeline, filtered", "/events/?place=bench-place-1&date_from=2022&certainty=reported"),
    ("timeline, a keyset page deep in it", "/events/?after=bench-event-0000900"),
    # Its rows grow with the archive (1 event in 8): its first 5,000 rows (all of them up to 40,000 events)
    # are timed, per 1,000 rows.
    ("timeline, CSV of a filter, per 1,000 rows", "/events/?place=bench-place-1&format=csv", PER_ROWS),
    ("timeline, CSV of a filter: first row", "/events/?place=bench-place-1&format=csv", FIRST_ROW),
    ("timeline, CSV of every event: first row", "/events/?format=csv", FIRST_ROW),
    ("entity page (actor)", "/entities/bench-actor-0/"),
    ("entity page (place)", "/entities/bench-place-1/"),
    ("event page", "/events/bench-event-0000001/"),
    ("source page", "/sources/bench-source-0/"),
    ("entity list", "/entities/"),
    # What most readers get: the page cache must stay as fast however large the archive grows.
    ("home, a cache hit", "/", CACHE_HIT),
    ("timeline, a cache hit", "/events/", CACHE_HIT),
    ("search", "/search/?q=synthetic+event+12"),
    ("API: events", "/api/events/"),
    ("API: events, filtered", "/api/events/?place=bench-place-1&date_from=2022&certainty=reported"),
    # The filter above finds 0 events at 1,000 and a full page of 50 at 100,000: its ratio counts the
    # rendering of 50 events. These two hold the page's size fixed, so the ratio is the archive's cost.
    ("API: events, filtered, one per page", "/api/events/?place=bench-place-1&date_from=2022&certainty=reported&page_size=1"),
    ("API: events, by date and certainty (full pages)", "/api/events/?date_from=2022&certainty=reported"),
    ("API: event", "/api/events/bench-event-0000001/"),
    ("API: entity (actor)", "/api/entities/bench-actor-0/"),
    ("API: statements", "/api/statements/"),
]
BASELINE = ("trivial view (robots.txt)", "/robots.txt")


def grow_to(n, have, directory, rows=synthetic_events):
    """Import events `have`..`n` (`rows(have, n)`: synthetic, published) as `import_bundle` does, in one transaction.

    The file is written and read streaming; returns the import's seconds and its peak memory in MiB (the
    process's own size included, as the command's would be; None where Linux's /proc is not there).
    """
    write_files(rows(have, n), directory, baselines=False)
    with peak_rss() as peak:
        started = time.perf_counter()
        reports = import_bundle(directory, reason="benchmark")
        elapsed = time.perf_counter() - started
    errors = [error for report in reports for error in report.errors]
    if errors:
        raise CommandError(f"Synthetic events refused: {errors[0]}")
    return elapsed, peak["mib"]


def read_rows(response, rows):
    """Read a streamed CSV until its header and `rows` rows have come, then hang up, as a reader who has seen
    enough does (a whole archive would take minutes); the rows read (fewer if the file has fewer)."""
    lines = 0
    for chunk in response.streaming_content:
        lines += chunk.count(b"\n")
        if lines > rows:
            break
    response.close()
    return min(rows, lines - 1)


def median_ms(client, url, runs, mode=None):
    client.get(url)  # warm caches and connections
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        rows = 1000
        if response.streaming:
            if mode == FIRST_ROW:
                read_rows(response, 1)
            elif mode == PER_ROWS:
                rows = max(1, read_rows(response, ROWS_READ))
            else:
                b"".join(response.streaming_content)
        times.append((time.perf_counter() - started) * 1000 * 1000 / rows)
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}")
        if mode == CACHE_HIT and response.get("X-Page-Cache") != "hit":
            raise CommandError(f"{url} was not served from the page cache")
    return statistics.median(times)


def cached_client():
    """A test client whose page cache is on (the middleware reads its timeout once, at the first request)."""
    client = Client(HTTP_HOST="localhost")
    with override_settings(PUBLIC_PAGE_CACHE_SECONDS=600):
        client.get(BASELINE[1])
    return client


def grow_and_time(sizes, pages, runs, *, rows=synthetic_events, log=print):
    """Grow the database to each of `sizes` events (`rows`, through `grow_to`) and time each of `pages`
    ([(name, url, *mode)]) and the baseline there; returns ({size: {name or "baseline": ms}}, [import steps])."""
    client = Client(HTTP_HOST="localhost")
    results, imports = {}, []
    have = 0
    with tempfile.TemporaryDirectory() as tmp:
        for n in sorted(sizes):
            seconds, mib = grow_to(n, have, Path(tmp), rows)
            imports.append((have, n, seconds, mib))
            log(f"N = {n:,} imported ({n - have:,} events in {seconds:.1f} s)")
            have = n
            settle()  # what autovacuum does on a live site after an import
            results[n] = {"baseline": median_ms(client, BASELINE[1], runs)}
            reader = cached_client()
            for name, url, *mode in pages:
                results[n][name] = median_ms(reader if mode == [CACHE_HIT] else client, url, runs, *mode)
            log(f"N = {n:,} measured")
    return results, imports


def ratio_table(results, names, sizes, *, label="page"):
    """The lines of a table of each of `names`' median at each size, with its ratio to the first size (the
    baseline's row first); and the worst (ratio, name, size). `results` is {size: {name or "baseline": ms}}."""
    lines = [f"| {label} | " + " | ".join(f"{n:,} events" for n in sizes) + " |", "|---|" + "---:|" * len(sizes)]
    lines.append(f"| {BASELINE[0]} | " + " | ".join(f"{results[n]['baseline']:.1f} ms" for n in sizes) + " |")
    worst = (0, "", 0)
    for name in names:
        first = results[sizes[0]][name]
        cells = [f"{first:.1f} ms"]
        for n in sizes[1:]:
            ratio = results[n][name] / first
            cells.append(f"{results[n][name]:.1f} ms ({ratio:.2f}×)")
            worst = max(worst, (ratio, name, n))
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines, worst


def import_table(imports):
    """The lines of a table of the growth steps: [(events before, after, seconds, peak MiB)]."""
    lines = [
        "Growing the archive: each step one `import_bundle` transaction of a streamed events.csv",
        "",
        "| events before | events imported | seconds | events/s | peak memory |",
        "|---:|---:|---:|---:|---:|",
    ]
    for before, after, seconds, mib in imports:
        memory = f"{mib:,.0f} MiB" if mib is not None else "not measured"
        rate = (after - before) / seconds
        lines.append(f"| {before:,} | {after - before:,} | {seconds:.1f} | {rate:,.0f} | {memory} |")
    return lines


class Command(BaseCommand):
    help = (
        "Median time of the main public pages at N events (1k, 10k, 100k by default), each with two participants "
        "and two citations, served by Django's test client, against a trivial view served the same way. Run it on an "
        "empty scratch database (make bench-pages does)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--events", type=int, nargs="+", default=[1_000, 10_000, 100_000])
        parser.add_argument("--runs", type=int, default=15, help="Requests per page and size; the median is reported.")

    def handle(self, *args, events, runs, **options):
        if Event.objects.exists() or Entity.objects.exists():
            raise CommandError("The database has content: run the benchmark on an empty scratch database.")
        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        # Measure the pages themselves: with the page cache on, every request after the first is a cache hit.
        settings.PUBLIC_PAGE_CACHE_SECONDS = 0
        settings.API_ANON_RATE = "1000000/min"  # measure the API, not its rate limit
        make_references()
        results, imports = grow_and_time(events, PAGES, runs, log=self.stderr.write)
        sizes = sorted(events)
        self.stdout.write(
            f"### Public pages on {connection.vendor}, page cache off but where a row says (median of {runs} requests, ms; "
            f"in brackets the ratio to the same page at {sizes[0]:,} events)"
        )
        self.stdout.write(f"Python {sys.version.split()[0]}; CPU count {os.cpu_count()}")
        self.stdout.write("")
        lines, worst = ratio_table(results, [name for name, *_page in PAGES], sizes)
        for line in [*lines, "", *import_table(imports)]:
            self.stdout.write(line)
        if len(sizes) > 1:
            self.stdout.write("")
            self.stdout.write(f"Worst ratio to {sizes[0]:,} events: {worst[1]} at {worst[2]:,} events, {worst[0]:.2f}×.")
