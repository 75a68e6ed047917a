import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Sum
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from nrfsite.jobs.models import Job, JobFile


class Command(BaseCommand):
    help = (
        "Delete background jobs that finished (done, failed or cancelled) more than --days days ago, with the files "
        "they kept (bundle export zips) and their stored uploads. Jobs that wait or run are never deleted. "
        "Run it daily (cron, a systemd timer) so the database does not grow with every export."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30, help="Keep jobs that finished within this many days (default 30).")
        parser.add_argument("--dry-run", action="store_true", help="Say what would be deleted, delete nothing.")

    def handle(self, *args, days, dry_run, **options):
        if days < 0:
            raise CommandError(f"--days {days} is in the future: give 0 (every finished job) or more.")
        old = Job.objects.finished_before(timezone.now() - datetime.timedelta(days=days))
        files = JobFile.objects.filter(job__in=old).aggregate(count=Count("pk"), size=Sum("size"))
        if dry_run:
            jobs = old.count()
        else:
            # Only the ids are read: the stored uploads and the files' parts are deleted without being loaded.
            _deleted, by_model = old.only("pk").delete()
            jobs = by_model.get(Job._meta.label, 0)
        self.stdout.write(
            self.style.SUCCESS(
                f"{'Would delete' if dry_run else 'Deleted'} {jobs} finished job(s) older than {days} day(s), "
                f"with {files['count']} file(s) of {filesizeformat(files['size'] or 0)}."
            )
        )
