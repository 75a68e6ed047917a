"""The needs-attention queues of sources (registered in SourcesConfig.ready())."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from nrfsite.editorial.queues import UNARCHIVED, Item, register, register_draft_queue
from sources.models import Source


def unarchived_sources(today):
    return [
        Item(obj, gettext("no archived copy") if obj.url else gettext("no archived copy and no link"))
        for obj in Source.objects.without_archive().order_by("key")
    ]


def register_queues():
    register_draft_queue(Source, _("Sources"))
    register(
        "unarchived-source",
        model=Source,
        title=_("Sources without an archived link"),
        build=unarchived_sources,
        urgency=UNARCHIVED,
    )
