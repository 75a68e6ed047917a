import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from entities.models import Entity
from nrfsite.interchange.bundle import import_bundle
from nrfsite.ops.benchmark import make_references, settle, synthetic_events, write_files


class Command(BaseCommand):
    help = (
        "Add N synthetic published events (each with two participants and two citations, among 300 places, "
        "200 actors and 500 sources it creates once) through the bundle importer: data for load and page tests. "
        "Never run it on a real site's database."
    )

    def add_arguments(self, parser):
        parser.add_argument("count", type=int)
        parser.add_argument("--start", type=int, default=0, help="Number of the first event (to add more later).")
        parser.add_argument("--bundle-only", metavar="DIR", help="Only write the bundle to DIR, do not import it.")

    def handle(self, *args, count, start, bundle_only, **options):
        started = time.monotonic()
        if not Entity.objects.filter(slug="bench-place-0").exists():
            make_references()
        with tempfile.TemporaryDirectory() as tmp:
            directory = Path(bundle_only) if bundle_only else Path(tmp)
            write_files(synthetic_events(start, start + count), directory, baselines=False)
            if bundle_only:
                self.stdout.write(f"Wrote {count:,} events to {directory / 'events.csv'}.")
                return
            reports = import_bundle(directory, reason="Synthetic events")
        errors = [error for report in reports for error in report.errors]
        if errors:
            raise CommandError(f"The synthetic events were refused: {errors[0]}")
        # The places, actors and sources were bulk-created beside the importer, which analyzes only what it
        # imports: without statistics the planner took 599 entities for 55 and scanned every event for the
        # first page of /api/events/ (352 ms against 40). Autovacuum would analyze them, minutes later.
        settle()
        self.stdout.write(self.style.SUCCESS(f"Added {count:,} synthetic events in {time.monotonic() - started:.1f} s."))
