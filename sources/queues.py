"""The needs-attention queues of sources (registered in SourcesConfig.ready())."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from nrfsite.editorial.queues import UNARCHIVED, Item, register, register_draft_queue
from sources.links import status_text
from sources.models import Source


def unarchived_sources(today):
    return [
        Item(obj, gettext("no archived copy") if obj.url else gettext("no archived copy and no link"))
        for obj in Source.objects.without_archive().order_by("key")
    ]


def broken_link_reason(check):
    """Why a link is broken, as its last check found: "404 Not Found at https://…, checked 7 December 2026"."""
    checked = date_format(timezone.localtime(check.checked_at).date(), "j F Y")
    if check.error:
        return gettext("%(error)s, checked %(date)s") % {"error": check.error, "date": checked}
    values = {"status": status_text(check.status), "url": check.final_url or check.url, "date": checked}
    if check.tries > 1:
        values["tries"] = check.tries
        return (
            ngettext(
                "%(status)s at %(url)s after %(tries)d try, checked %(date)s",
                "%(status)s at %(url)s after %(tries)d tries, checked %(date)s",
                check.tries,
            )
            % values
        )
    return gettext("%(status)s at %(url)s, checked %(date)s") % values


def broken_links(today):
    return [
        Item(obj, broken_link_reason(obj.link_check))
        for obj in Source.objects.with_broken_link().select_related("link_check").order_by("key")
    ]


def register_queues():
    register_draft_queue(Source, _("Sources"))
    # A broken link is listed just before a missing archived copy: the two are one concern, whether readers can
    # still read the source, and a broken link with no copy is the one that has already been lost.
    register(
        "broken-link",
        model=Source,
        title=_("Sources whose link is broken"),
        build=broken_links,
        urgency=UNARCHIVED,
    )
    register(
        "unarchived-source",
        model=Source,
        title=_("Sources without an archived link"),
        build=unarchived_sources,
        urgency=UNARCHIVED,
    )
