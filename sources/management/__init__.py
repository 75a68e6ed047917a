"""What `check_links` and `archive_sources` share: start their job (or run it here with --now) and say how it went."""

from django.core.management.base import BaseCommand, CommandError

from nrfsite.jobs.models import Job
from sources import jobs
from sources.models import Source


class JobCommand(BaseCommand):
    kind = None  # the job kind the command starts
    noun = ""  # what the sources are to it, in the --dry-run line: "due a link check"

    def selection(self, keys):
        raise NotImplementedError

    def add_arguments(self, parser):
        parser.add_argument(
            "--key",
            action="append",
            dest="keys",
            metavar="KEY",
            help="Only the source with this key (repeat for several); without it, every source due.",
        )
        parser.add_argument(
            "--now", action="store_true", help="Do the work in this process instead of queueing it for a worker."
        )
        parser.add_argument("--dry-run", action="store_true", help="Say how many sources it would ask; start nothing.")

    def handle(self, *args, keys=None, now=False, dry_run=False, **options):
        if keys:
            unknown = sorted(set(keys) - set(Source.objects.filter(key__in=keys).values_list("key", flat=True)))
            if unknown:
                raise CommandError(f"No source has the key(s) {', '.join(unknown)}: check them in the admin's sources list.")
        if dry_run:
            count = self.selection(keys).count()
            self.stdout.write(f"{count} source(s) {self.noun}; nothing started (--dry-run).")
            return
        if not now:
            job = jobs.start(self.kind, keys=keys)
            self.stdout.write(f"Started job {job.pk} ({job.title}); a worker runs it (manage.py db_worker).")
            return
        job = jobs.run_here(self.kind, keys=keys)
        if job.state != Job.State.DONE:
            raise CommandError(f"Job {job.pk} failed: {job.error}")
        self.stdout.write(self.style.SUCCESS(f"{job.outcome['summary']} (job {job.pk})"))
