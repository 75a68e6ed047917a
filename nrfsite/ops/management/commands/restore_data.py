from django.core.management.base import BaseCommand, CommandError

from nrfsite.ops.backups import BackupError, restore_database


class Command(BaseCommand):
    help = "Replace the whole database with a backup made by backup_data. Stop the site first; asks for --yes."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--yes", action="store_true", help="Confirm that the current contents are replaced.")

    def handle(self, *args, file, yes, **options):
        if not yes:
            raise CommandError("This replaces every table with the backup's contents: run again with --yes.")
        try:
            restore_database(file)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Restored the database from {file}."))
