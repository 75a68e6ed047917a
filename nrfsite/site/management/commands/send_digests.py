from nrfsite.jobs.commands import JobCommand
from nrfsite.site import digests
from nrfsite.site.models import Frequency


class Command(JobCommand):
    help = (
        "Send the watchlists' email digests that are due (daily ones a day after the last, weekly ones a week) as a "
        "background job: each editor's or reviewer's published changes and needs-attention items of what they "
        "watch. Run it from cron once a day. Prints the job's id; --now does the work in this process (cron "
        "without a worker)."
    )
    kind = digests.JOB

    def add_job_arguments(self, parser):
        parser.add_argument(
            "--frequency",
            choices=[Frequency.DAILY, Frequency.WEEKLY],
            help="Only the digests of this frequency; without it, every digest due.",
        )

    def params(self, options):
        return {"frequency": options["frequency"]} if options.get("frequency") else {}

    def title(self, params):
        return digests.title(params.get("frequency"))

    def dry_run(self, params):
        due, with_news = digests.would_send(frequency=params.get("frequency"))
        return f"{with_news} digest(s) would go ({due} due, {due - with_news} with nothing to say)"
