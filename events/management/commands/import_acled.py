from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from events.acled import import_file
from nrfsite.interchange.commands import add_import_options, import_user
from nrfsite.interchange.dialect import CSVFileError
from nrfsite.interchange.report import describe_reports

MAX_BYTES = 200 * 1024 * 1024


class Command(BaseCommand):
    help = (
        "Import an ACLED-format CSV (as ACLED's export tool downloads it) as draft events, each cited to a draft "
        "source naming the ACLED record. Actors and places are matched by name or alias; every row that cannot be "
        "mapped is reported with line, column and reason, and then nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The ACLED CSV file.")
        add_import_options(parser, dry_run_help="Map and check every row; write nothing.")

    def handle(self, *args, file, dry_run, encoding, user, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file} is not a file.")
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(f"{file} is larger than {MAX_BYTES:,} bytes.")
        user = import_user(user)
        try:
            reports = import_file(path.read_bytes(), file_name=path.name, user=user, dry_run=dry_run, encoding=encoding)
        except CSVFileError as error:
            raise CommandError(str(error)) from error
        errors = [error for report in reports for error in report.errors]
        for error in errors:
            self.stderr.write(f"  {error}")
        counts = describe_reports(reports)
        if errors:
            raise CommandError(f"{len(errors)} row error(s): nothing was imported.")
        if dry_run:
            self.stdout.write(self.style.SUCCESS(f"Dry run: {counts} if imported; nothing was written."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported {counts} as drafts, for a reviewer to publish."))
