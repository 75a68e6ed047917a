"""What `check_links` and `archive_sources` share: which sources (--key), on the jobs' command shape."""

from django.core.management.base import CommandError

from nrfsite.jobs.commands import JobCommand
from sources import jobs
from sources.models import Source


class SourcesJobCommand(JobCommand):
    noun = ""  # what the sources are to it, in the --dry-run line: "due a link check"

    def selection(self, keys):
        raise NotImplementedError

    def add_job_arguments(self, parser):
        parser.add_argument(
            "--key",
            action="append",
            dest="keys",
            metavar="KEY",
            help="Only the source with this key (repeat for several); without it, every source due.",
        )

    def params(self, options):
        keys = options.get("keys")
        if not keys:
            return {}
        unknown = sorted(set(keys) - set(Source.objects.filter(key__in=keys).values_list("key", flat=True)))
        if unknown:
            raise CommandError(f"No source has the key(s) {', '.join(unknown)}: check them in the admin's sources list.")
        return {"keys": list(keys)}

    def title(self, params):
        return jobs.titles()[self.kind]

    def dry_run(self, params):
        return f"{self.selection(params.get('keys')).count()} source(s) {self.noun}"
