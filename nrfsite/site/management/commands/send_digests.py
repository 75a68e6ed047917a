from django.core.management.base import BaseCommand, CommandError

from nrfsite.jobs.models import Job
from nrfsite.site import digests
from nrfsite.site.models import Frequency


class Command(BaseCommand):
    help = (
        "Send the watchlists' email digests that are due (daily ones a day after the last, weekly ones a week) as a "
        "background job: each editor's or reviewer's published changes and needs-attention items of what they "
        "watch. Run it from cron once a day. Prints the job's id; --now does the work in this process (cron "
        "without a worker)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--frequency",
            choices=[Frequency.DAILY, Frequency.WEEKLY],
            help="Only the digests of this frequency; without it, every digest due.",
        )
        parser.add_argument(
            "--now", action="store_true", help="Do the work in this process instead of queueing it for a worker."
        )
        parser.add_argument("--dry-run", action="store_true", help="Say how many digests would go; send nothing.")

    def handle(self, *args, frequency=None, now=False, dry_run=False, **options):
        if dry_run:
            due, with_news = digests.would_send(frequency=frequency)
            self.stdout.write(
                f"{with_news} digest(s) would go ({due} due, {due - with_news} with nothing to say); nothing sent (--dry-run)."
            )
            return
        if not now:
            job = digests.start(frequency=frequency)
            self.stdout.write(f"Started job {job.pk} ({job.title}); a worker runs it (manage.py db_worker).")
            return
        job = digests.run_here(frequency=frequency)
        if job.state != Job.State.DONE:
            raise CommandError(f"Job {job.pk} failed: {job.error}")
        style = self.style.WARNING if job.outcome["failed"] else self.style.SUCCESS
        self.stdout.write(style(f"{job.outcome['summary']} (job {job.pk})"))
