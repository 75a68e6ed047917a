import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from nrfsite.interchange.bundle import import_bundle
from nrfsite.interchange.dialect import CSVFileError
from nrfsite.interchange.report import describe_reports

SEED = settings.BASE_DIR / "fixtures" / "seed"


class Command(BaseCommand):
    help = (
        "Load the seed dataset (fixtures/seed, a CSV bundle) through the same importer users use, writing as the "
        "system (no editorial rights apply). "
        "Idempotent: a second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report what would change without writing.")

    def handle(self, *args, dry_run, **options):
        started = time.monotonic()
        try:
            reports = import_bundle(SEED, dry_run=dry_run, progress=self.stderr.isatty(), reason="Seed dataset")
        except CSVFileError as error:
            raise CommandError(str(error)) from error
        errors = [error for report in reports for error in report.errors]
        for error in errors:
            self.stderr.write(f"  {error}")
        if errors:
            raise CommandError(f"The seed bundle has {len(errors)} error(s); nothing was loaded.")
        if options["verbosity"] >= 1:
            for report in reports:  # the vocabulary files say "unchanged" when the migrations already made it
                self.stdout.write(f"  {report.summary()}")
        counts = describe_reports(reports)
        verb = "Would load" if dry_run else "Loaded"
        self.stdout.write(self.style.SUCCESS(f"{verb} the seed as the system: {counts} ({time.monotonic() - started:.1f} s)."))
