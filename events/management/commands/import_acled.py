from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from events.acled import import_file
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
        parser.add_argument("--dry-run", action="store_true", help="Map and check every row; write nothing.")
        parser.add_argument("--encoding", help="The file's encoding if not UTF-8.")
        parser.add_argument("--user", help="Import as this user (their rights apply; revisions name them).")

    def handle(self, *args, file, dry_run, encoding, user, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file} is not a file.")
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(f"{file} is larger than {MAX_BYTES:,} bytes.")
        if user:
            try:
                user = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist:
                raise CommandError(f'No user "{user}".') from None
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
