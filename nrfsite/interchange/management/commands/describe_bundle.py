from django.core.management.base import BaseCommand, CommandError

from nrfsite.interchange import dialect
from nrfsite.interchange.bundle import describe_bundle
from nrfsite.interchange.tableschema import PACKAGE


class Command(BaseCommand):
    help = (
        "Write DIR/datapackage.json (Frictionless Data Package) for a bundle folder as its files are: "
        "each file's own header and the manifest's row counts. Run it after editing the seed by hand."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="The bundle folder (fixtures/seed).")

    def handle(self, *args, directory, **options):
        try:
            descriptor = describe_bundle(directory)
        except (OSError, dialect.CSVFileError) as error:
            raise CommandError(f"Cannot describe {directory}: {error}") from error
        self.stdout.write(self.style.SUCCESS(f"Wrote {directory}/{PACKAGE}: {len(descriptor['resources'])} tables."))
