import time

from django.core.management.base import BaseCommand, CommandError

from nrfsite.core.interruption import Interrupted, on_sigterm
from nrfsite.interchange.bundle import import_bundle
from nrfsite.interchange.commands import add_import_options, import_user
from nrfsite.interchange.dialect import CSVFileError
from nrfsite.interchange.report import describe_reports


class Command(BaseCommand):
    help = (
        "Import a bundle (a folder of CSV files as export_bundle writes them) in one transaction. "
        "Every error is reported with file, line and column; if there is any, nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="The bundle folder.")
        add_import_options(parser)

    def handle(self, *args, directory, dry_run, encoding, user, **options):
        started = time.monotonic()
        user = import_user(user)
        try:
            with on_sigterm() as interruption:
                reports = import_bundle(
                    directory,
                    dry_run=dry_run,
                    user=user,
                    encoding=encoding,
                    progress=self.stderr.isatty(),
                    before_commit=interruption.check,
                )
        except CSVFileError as error:
            raise CommandError(str(error)) from error
        except Interrupted:
            elapsed = f"{time.monotonic() - started:.1f} s"
            raise CommandError(
                f"Interrupted (SIGTERM) after {elapsed}: the transaction was rolled back, nothing was imported."
            ) from None
        errors = [error for report in reports for error in report.errors]
        who = f"as {user.get_username()}, with their rights" if user else "as the system (no --user): no rights checked"
        self.stdout.write(f"Importing {who}.")
        for report in reports:
            self.stdout.write(f"  {report.summary()}")
        for error in errors:
            self.stderr.write(f"  {error}")
        counts = describe_reports(reports)
        elapsed = f"{time.monotonic() - started:.1f} s"
        if errors:
            raise CommandError(f"{len(errors)} error(s): nothing was imported ({counts} if fixed; {elapsed}).")
        if dry_run:
            self.stdout.write(self.style.WARNING(f"Dry run: nothing was written. Would import {counts} ({elapsed})."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported {counts} in one transaction ({elapsed})."))
