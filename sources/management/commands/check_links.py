from sources import jobs
from sources.management import SourcesJobCommand


class Command(SourcesJobCommand):
    help = (
        "Check the links of sources (status, redirects, content type) as a background job: every link never "
        "checked, checked more than LINKCHECK_RECHECK_DAYS ago or changed since. Broken ones are listed in the "
        "admin's needs-attention queue. Prints the job's id; --now does the work in this process (cron without "
        "a worker)."
    )
    kind = jobs.LINK_CHECK
    noun = "due a link check"

    def selection(self, keys):
        return jobs.sources_to_check(keys)
