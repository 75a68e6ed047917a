"""The jobs that keep sources from rotting (registered in SourcesConfig.ready()):

- "link-check": ask every source link due a check (never checked, checked more than
  settings.LINKCHECK_RECHECK_DAYS ago, or changed since) and record how it answered in its `LinkCheck`; the
  broken ones are listed in the "broken-link" needs-attention queue (sources/queues.py).
- "web-archive": ask the web archive to keep a copy of every source link that has none, and write the copy's
  address and day on the source (a change of content, so it makes a revision that says why).

Both take `keys` in their params to do only those sources. `manage.py check_links` and `archive_sources` start
them (from cron; `--now` runs them in the command's own process).
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from nrfsite.editorial import services
from nrfsite.jobs import registry, runner
from sources import links
from sources.models import LinkCheck, Source

LINK_CHECK, WEB_ARCHIVE = "link-check", "web-archive"
ARCHIVED_REASON = "Archived copy requested from the web archive"  # the revision's reason, as imports write theirs
LISTED = 200  # the sources an outcome names one by one (the broken ones, the failed ones); the counts are whole


def titles():
    return {LINK_CHECK: gettext("Check the links of sources"), WEB_ARCHIVE: gettext("Archive the links of sources")}


def run_here(kind, *, keys=None):
    """Run a link check or an archive run in this process, as a worker would; return the finished Job."""
    return runner.run_here(kind, title=titles()[kind], params={"keys": list(keys)} if keys else {})


def sources_to_check(keys=None, *, now=None):
    """The sources a link check asks: those named (with a link), or every one due a check."""
    if keys:
        return Source.objects.exclude(url="").filter(key__in=keys)
    return Source.objects.due_for_link_check(now or timezone.now())


def sources_to_archive(keys=None):
    """The sources an archive run asks a copy for: those named (with a link), or every link with no copy."""
    if keys:
        return Source.objects.exclude(url="").filter(key__in=keys)
    return Source.objects.to_archive()


def _by_url(sources):
    """{url: [source, …]}: two sources with the same link are one request."""
    found = {}
    for source in sources:
        found.setdefault(source.url, []).append(source)
    return found


def link_check_record(*, source, answer, now=None):
    """Keep how `source`'s link answered (one row per source, replaced at each check: no revision of the source)."""
    now = now or timezone.now()
    LinkCheck.objects.update_or_create(
        source=source,
        defaults={
            "url": answer.url,
            "checked_at": now,
            "status": answer.status,
            "final_url": answer.final_url[:1000],
            "content_type": answer.content_type,
            "error": answer.error,
            "broken": answer.broken,
            "tries": answer.tries,
            "next_check_at": now + datetime.timedelta(days=settings.LINKCHECK_RECHECK_DAYS),
        },
    )


def run_link_check(job, context):
    sources = list(sources_to_check(job.params.get("keys")).only("pk", "key", "url").order_by("key"))
    by_url, total, done = _by_url(sources), len(sources), 0
    stage = gettext("checking links")
    context.progress(0, total, stage)
    broken = []
    for url, answer in links.check_many(by_url):
        for source in by_url[url]:
            link_check_record(source=source, answer=answer)
            if answer.broken:
                broken.append({"key": source.key, "url": url, "answer": answer.summary})
        done += len(by_url[url])
        context.progress(done, total, stage)
    broken.sort(key=lambda item: item["key"])
    summary = ngettext(
        "Checked %(count)d source link: %(broken)d broken.", "Checked %(count)d source links: %(broken)d broken.", total
    ) % {"count": total, "broken": len(broken)}
    return {"checked": total, "broken": len(broken), "broken_sources": broken[:LISTED], "summary": summary}


def source_archive_record(*, source, copy, user=None):
    """Write the archived copy's address and day on `source`: a content change, with its revision and reason.

    Only those two fields are written, so an editor's save of the other fields meanwhile is kept, and a change
    waiting for review on the source takes them too (publishing it later must not take the copy away)."""
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source.pk)
        before = services.live_rows(source)
        source.archive_url, source.archived_on = copy.url, copy.day
        source._history_user = user
        source._change_reason = ARCHIVED_REASON
        source.save(update_fields=["archive_url", "archived_on", "updated_at"])
        services.carry_into_waiting_change(source, before=before)
    return source


def run_web_archive(job, context):
    sources = list(sources_to_archive(job.params.get("keys")).only("pk", "key", "url").order_by("key"))
    by_url, total, done = _by_url(sources), len(sources), 0
    stage = gettext("asking the web archive for copies")
    context.progress(0, total, stage)
    archived, failed = [], []
    for url, copy in links.archive_many(by_url):
        for source in by_url[url]:
            if copy.url:
                source_archive_record(source=source, copy=copy, user=job.created_by)
                archived.append({"key": source.key, "archive_url": copy.url, "archived_on": copy.day.isoformat()})
            else:
                failed.append({"key": source.key, "url": url, "error": copy.error})
        done += len(by_url[url])
        context.progress(done, total, stage)
    archived.sort(key=lambda item: item["key"])
    failed.sort(key=lambda item: item["key"])
    summary = ngettext(
        "Asked for copies of %(count)d source link: %(archived)d archived, %(failed)d failed.",
        "Asked for copies of %(count)d source links: %(archived)d archived, %(failed)d failed.",
        total,
    ) % {"count": total, "archived": len(archived), "failed": len(failed)}
    return {
        "asked": total,
        "archived": len(archived),
        "failed": len(failed),
        "archived_sources": archived[:LISTED],
        "failed_sources": failed[:LISTED],
        "summary": summary,
    }


def register_jobs():
    registry.register(LINK_CHECK, run=run_link_check)
    registry.register(WEB_ARCHIVE, run=run_web_archive)
