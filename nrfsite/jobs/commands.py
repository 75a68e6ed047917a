"""The management commands that start a job from cron (check_links, archive_sources, send_digests): one shape.

By default the command queues the job for a worker and prints its id; `--now` runs it in the command's own
process, as a worker would (cron on a machine with no worker), and prints its outcome's summary, or fails
with the job's error; `--dry-run` says what it would do and starts nothing. A subclass names its kind and
says how its options become the job's parameters, its title and its dry run.
"""

from django.core.management.base import BaseCommand, CommandError

from nrfsite.jobs import runner
from nrfsite.jobs.models import Job


class JobCommand(BaseCommand):
    kind = None  # the job kind the command starts

    def add_job_arguments(self, parser):
        """The command's own options (what the job does); --now and --dry-run are added here."""

    def params(self, options):
        """The job's parameters from the command's options (checked: a CommandError says what is wrong)."""
        return {}

    def title(self, params):
        raise NotImplementedError

    def dry_run(self, params):
        """The line --dry-run prints: what a run would do."""
        raise NotImplementedError

    def add_arguments(self, parser):
        self.add_job_arguments(parser)
        parser.add_argument(
            "--now", action="store_true", help="Do the work in this process instead of queueing it for a worker."
        )
        parser.add_argument("--dry-run", action="store_true", help="Say what it would do; start nothing.")

    def handle(self, *args, now=False, dry_run=False, **options):
        params = self.params(options)
        if dry_run:
            self.stdout.write(f"{self.dry_run(params)}; nothing started (--dry-run).")
            return
        if not now:
            job = runner.start(self.kind, title=self.title(params), params=params)
            self.stdout.write(f"Started job {job.pk} ({job.title}); a worker runs it (manage.py jobs_worker).")
            return
        job = runner.run_here(self.kind, title=self.title(params), params=params)
        if job.state != Job.State.DONE:
            raise CommandError(f"Job {job.pk} failed: {job.error}")
        style = self.style.WARNING if job.outcome.get("failed") else self.style.SUCCESS
        self.stdout.write(style(f"{job.outcome['summary']} (job {job.pk})"))
