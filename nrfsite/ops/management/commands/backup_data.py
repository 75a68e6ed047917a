from django.core.management.base import BaseCommand, CommandError

from nrfsite.ops.backups import BackupError, backup_database


class Command(BaseCommand):
    help = (
        "Write a consistent backup of the whole database to FILE while the site runs: SQLite's online backup, "
        "or pg_dump's custom format on PostgreSQL. Restore it with restore_data."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            path = backup_database(file)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Backed up the database to {path} ({path.stat().st_size:,} bytes)."))
