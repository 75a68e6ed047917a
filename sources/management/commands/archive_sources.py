from sources import jobs
from sources.management import SourcesJobCommand


class Command(SourcesJobCommand):
    help = (
        "Ask the web archive (WEB_ARCHIVE_SAVE_URL, the Wayback Machine by default) for a copy of every source "
        "link that has no archived copy, as a background job, and write the copy's address and day on the "
        "source. Prints the job's id; --now does the work in this process (cron without a worker)."
    )
    kind = jobs.WEB_ARCHIVE
    noun = "to archive"

    def selection(self, keys):
        return jobs.sources_to_archive(keys)
