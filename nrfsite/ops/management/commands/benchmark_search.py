"""Median time of the site search at growing numbers of events, for names in both scripts and their other spellings."""

import os
import sys
from urllib.parse import urlencode

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from entities.models import Alias, Entity
from events.models import Event
from nrfsite.ops.benchmark import make_references, synthetic_events
from nrfsite.ops.management.commands.benchmark_pages import grow_and_time, import_table, ratio_table

# The entities the named events speak of, with the names a Dari reader types (slug, kind, name, Dari alias).
NAMES = [
    ("bench-panjshir", "place", "Panjshir", "پنجشیر"),
    ("bench-kabul", "place", "Kabul", "کابل"),
    ("bench-massoud", "person", "Ahmad Massoud", "احمد مسعود"),
]
# One event in NAMED is titled, in turn, with each of these (the others are "Synthetic event N"): one in 16 per
# title, so each title's search lists a full page of 50 events at 1,000 events as at 100,000, and the ratio
# measures the archive's size, not a longer list.
NAMED = 4
TITLES = [
    "Clashes reported in Panjshir",
    "درگیری در پنجشیر",
    "Ahmad Massoud speaks of Kabul",
    "حمله در كابل",  # written with an Arabic kaf: the index folds it into the Persian one
]


def search(query):
    return "/search/?" + urlencode({"q": query})


SEARCHES = [
    ("a Latin name: Panjshir", search("Panjshir")),
    ("a Dari name: پنجشیر", search("پنجشیر")),
    ("a folded variant (Arabic kaf): كابل", search("كابل")),
    ("a common word's start: fight (every event)", search("fight")),
    ("a transliteration variant: Masood (Massoud)", search("Masood")),
]
# The timeline's text filter reads the same index and spellings; its page also counts every matching event
# (its summary), so it grows with the matches as any filtered timeline does: measured here, not held to the
# search's 2x.
TIMELINE = [("timeline: a transliteration variant, Panjsheer", "/events/?" + urlencode({"q": "Panjsheer"}))]


def named_events(start, stop):
    """The synthetic events `start`..`stop`, one in NAMED titled with a name (`TITLES`, in turn)."""
    for number, row in enumerate(synthetic_events(start, stop), start):
        if number % NAMED == 0:
            row = {**row, "title": f"{TITLES[number // NAMED % len(TITLES)]} ({number})"}
        yield row


def make_names():
    for slug, kind, name, dari in NAMES:
        entity = Entity.objects.create(slug=slug, kind=kind, name=name, status="published")
        Alias.objects.create(entity=entity, name=dari, language="prs")


class Command(BaseCommand):
    help = (
        "Median time of the site search at N events (1k and 100k by default) for a Latin name, a Dari name, a "
        "variant the index folds (Arabic kaf), a common word's start and a transliteration variant, served by "
        "Django's test client, against a trivial view served the same way. Run it on an empty scratch database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--events", type=int, nargs="+", default=[1_000, 100_000])
        parser.add_argument("--runs", type=int, default=15, help="Requests per search and size; the median is reported.")

    def handle(self, *args, events, runs, **options):
        if Event.objects.exists() or Entity.objects.exists():
            raise CommandError("The database has content: run the benchmark on an empty scratch database.")
        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        settings.PUBLIC_PAGE_CACHE_SECONDS = 0  # time the search itself, not the page cache
        make_references()
        make_names()
        results, imports = grow_and_time(events, SEARCHES + TIMELINE, runs, rows=named_events, log=self.stderr.write)
        sizes = sorted(events)
        self.stdout.write(
            f"### Search on {connection.vendor}, page cache off (median of {runs} requests, ms; in brackets the ratio "
            f"to the same search at {sizes[0]:,} events)"
        )
        self.stdout.write(f"Python {sys.version.split()[0]}; CPU count {os.cpu_count()}")
        self.stdout.write("")
        lines, worst = ratio_table(results, [name for name, _url in SEARCHES], sizes, label="query")
        timeline, _ = ratio_table(results, [name for name, _url in TIMELINE], sizes, label="query")
        for line in [*lines, *timeline[3:], "", *import_table(imports)]:
            self.stdout.write(line)
        if len(sizes) > 1:
            self.stdout.write("")
            self.stdout.write(
                f"Worst ratio of the search page to {sizes[0]:,} events: {worst[1]} at {worst[2]:,} events, {worst[0]:.2f}×."
            )
