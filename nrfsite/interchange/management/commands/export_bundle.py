import time

from django.core.management.base import BaseCommand, CommandError

from nrfsite.interchange.bundle import export_bundle


class Command(BaseCommand):
    help = (
        "Write the whole dataset as a bundle into DIR: one CSV file per model, manifest.json and datapackage.json "
        "(its Frictionless Data Package). With --public, the published data only, as the site's download is."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="Folder to write (created if missing; files in it are replaced).")
        parser.add_argument("--public", action="store_true", help="Published records only, without editors' notes or status.")

    def handle(self, *args, directory, public=False, **options):
        started = time.monotonic()
        try:
            counts = export_bundle(directory, progress=self.stderr.isatty(), public=public)
        except OSError as error:
            raise CommandError(f"Cannot write the bundle to {directory}: {error}") from error
        for name, count in counts.items():
            self.stdout.write(f"  {name}: {count} rows")
        self.stdout.write(
            self.style.SUCCESS(
                f"Exported {sum(counts.values())} rows in {len(counts)} files to {directory} "
                f"in {time.monotonic() - started:.1f} s."
            )
        )
