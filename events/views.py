"""Public event pages: the filtered timeline with its chart and map, the event page, and the Atom feed."""

from types import SimpleNamespace

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView
from django_filters.views import FilterView

from events import acled, charts, ucdp
from events.filters import EventFilterSet
from events.models import Event
from events.presenters import OtherReport, event_type_text, event_views
from events.resources import EventResource
from events.selectors import public_events
from nrfsite.core.feeds import BrowsableFeed
from nrfsite.core.keyset import keyset_page
from nrfsite.core.markup import to_plain_text
from nrfsite.core.preview import PreviewNotice
from nrfsite.core.translations import shown
from nrfsite.interchange.downloads import CSVDownloadMixin
from sources.references import References, note_draft_sources


class EventListView(CSVDownloadMixin, FilterView):
    filterset_class = EventFilterSet
    template_name = "events/event_list.html"
    paginate_by = 50
    resource_class = EventResource
    download_name = "events"
    formats = {"acled": acled.rows, "ucdp": ucdp.rows}

    def get_queryset(self):
        return public_events().order_by("date", "slug")

    def unfiltered(self):
        """No filter narrows the list (an empty query, or only the order or the page)."""
        filterset = self.filterset
        if not filterset.is_bound:
            return True
        form = filterset.form
        values = form.cleaned_data.items() if form.is_valid() else [("invalid", True)]
        return all(value in (None, "", []) for name, value in values if name != "ordering")

    # Each order the reader may choose, made total by the slug, so a keyset page knows where it stops.
    ORDERS = {"date": ("date", "slug"), "-date": ("-date", "-slug"), "title": ("title", "slug"), "-title": ("-title", "-slug")}

    def paginate_queryset(self, queryset, page_size):
        """Keyset pages (`?after=<slug>`, `?before=<slug>`) through the index of the chosen order, not OFFSET:
        a deep page of a growing archive costs what the first does. An old numbered link (`?page=3`) still
        opens its page; every link the page gives is a cursor."""
        form = self.filterset.form
        chosen = (form.cleaned_data.get("ordering") or ["date"]) if form.is_valid() else ["date"]
        order = self.ORDERS.get(chosen[0], self.ORDERS["date"])
        number = self.request.GET.get("page") or "1"
        if not number.isdigit() or int(number) < 1:
            raise Http404("That page number is not one.")
        offset = (int(number) - 1) * page_size
        page = keyset_page(
            queryset,
            order,
            page_size,
            anchors=Event.objects.public(),
            after=self.request.GET.get("after", "")[:200],
            before=self.request.GET.get("before", "")[:200],
            offset=offset,
        )
        if offset and not page.object_list:
            raise Http404("There is no such page of events.")
        paginator = SimpleNamespace(count=self.summary.total)  # counted once, with the chart and the map
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        # Every public event: the count, the chart and the map read the kept counts (`events.tally`);
        # a filtered list counts its own events, once for all three.
        self.summary = charts.kept_summary() if self.unfiltered() else charts.summarize(self.object_list)
        context = super().get_context_data(**kwargs)
        references = References()
        context.update(
            section="events",
            events=event_views(context["object_list"], references),
            references=references,
            chart=charts.monthly_chart(self.summary.by_month),
            map=charts.province_tiles(self.summary.by_place),
            points=charts.place_points(self.summary.by_place),
        )
        return context


class EventDetailView(DetailView):
    template_name = "events/event_detail.html"
    context_object_name = "event"

    def get_object(self, queryset=None):
        drafts = self.request.user.has_perm("events.view_event")
        event = get_object_or_404(public_events(preview=drafts), slug=self.kwargs["slug"])
        # The public rule says whether readers see it (a published event at a draft place is not public).
        self.preview = drafts and not Event.objects.public().filter(pk=event.pk).exists()  # readers': public already
        return event

    def get_context_data(self, **kwargs):
        references = References()
        context = super().get_context_data(**kwargs)
        view = event_views([self.object], references, preview=self.preview)[0]
        differ = {report.event.pk: report.dates_differ for report in view.same_happening}
        others = public_events(preview=self.preview).filter(pk__in=differ).order_by("date", "slug") if differ else []
        context.update(
            section="events",
            preview=self.preview,
            view=view,
            other_reports=[OtherReport(other, differ[other.pk]) for other in event_views(others, references)],
            references=references,
        )
        if self.preview:
            event = self.object
            noun = pgettext("what a page is of", "event")
            notice = PreviewNotice(noun, page_is_draft=True, item_is_draft=not event.is_published)
            roles = (
                (gettext("the place it happened at, “%(name)s”"), event.location),
                (gettext("who claims it, “%(name)s”"), event.claimed_by),
            )
            for label, entity in roles:
                for named in (entity, entity and entity.parent):
                    if named is not None and not named.is_published:
                        notice.add(label % {"name": named.name})
            context["preview_notice"] = note_draft_sources(notice, [event.summary], event.citations.all())
        return context


class EventFeed(BrowsableFeed):
    """The latest published events, newest first (Atom), filtered as the timeline is: `/events/feed/?place=panjshir`."""

    feed_type = Atom1Feed
    title = _("NRF knowledge base: events")
    subtitle = _("Events concerning the National Resistance Front of Afghanistan, each with its sources.")
    author_name = _("NRF knowledge base editors")

    def get_object(self, request, *args, **kwargs):
        self.filters = EventFilterSet(request.GET, queryset=public_events())
        return None

    def page_context(self, obj):
        return {"section": "events"}

    def link(self):
        query = self.filters.data.urlencode()
        return reverse("events:list") + (f"?{query}" if query else "")

    def items(self):
        # An invalid filter (a date that is not one) gives an empty feed, never the unfiltered one.
        if not self.filters.is_valid():
            return []
        return list(self.filters.qs.select_related("event_type").order_by("-date", "-updated_at")[:50])

    def item_title(self, item):
        return f"{item.date_partial}: {shown(item, 'title').text}"  # the reader's language where translated

    def item_description(self, item):
        words = to_plain_text(shown(item, "summary").text) or event_type_text(item.event_type)
        return feed_description(words, item.citations.all())

    def item_link(self, item):
        return reverse("events:detail", args=[item.slug])

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at


def feed_description(text, citations):
    """An entry's text and the sources it cites, as a reader of the feed sees them."""
    titles = list(dict.fromkeys(citation.source.display_title for citation in citations))
    if not titles:
        return text
    return "\n\n".join([text, gettext("Sources: %(titles)s") % {"titles": "; ".join(titles)}])
