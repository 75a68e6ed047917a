"""Rebuild the kept event counts (per month, place, cited source and entity), or check them against a full count."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from events import tally


class Command(BaseCommand):
    help = (
        "Count the public events per month, per place, per cited source and per entity involved again (the "
        "timeline's chart, count and map, the source pages and the entity pages read them). "
        "With --check, change nothing and fail if the kept counts differ from a full count."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Compare only; exit with an error on a difference.")

    def handle(self, *args, check, **options):
        if check:
            problems = tally.check()
            if problems:
                raise CommandError(
                    f"{len(problems)} kept count(s) differ from a full count (run count_events to rebuild them):\n  "
                    + "\n  ".join(problems[:50])
                )
            self.stdout.write(f"The kept counts agree with a full count: {tally.total():,} public events.")
            return
        with transaction.atomic():
            tally.recount(everything=True)
        self.stdout.write(f"Counted {tally.total():,} public events.")
