"""Public event pages: the filtered timeline with its chart and map, the event page, and the Atom feed."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.views.generic import DetailView
from django_filters.views import FilterView

from events.charts import monthly_chart, province_tiles
from events.filters import EventFilterSet
from events.models import Event
from events.presenters import OtherReportView, event_views
from events.resources import EventResource
from events.selectors import public_events
from nrfsite.core.markup import to_plain_text
from nrfsite.interchange.downloads import CSVDownloadMixin
from sources.references import References


class EventListView(CSVDownloadMixin, FilterView):
    filterset_class = EventFilterSet
    template_name = "events/event_list.html"
    paginate_by = 50
    resource_class = EventResource
    download_name = "events"

    def get_queryset(self):
        return public_events().order_by("date", "slug")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        references = References()
        context.update(
            section="events",
            events=event_views(context["object_list"], references),
            references=references,
            chart=monthly_chart(self.object_list),
            map=province_tiles(self.object_list),
        )
        return context


class EventDetailView(DetailView):
    template_name = "events/event_detail.html"
    context_object_name = "event"

    def get_object(self, queryset=None):
        drafts = self.request.user.has_perm("events.view_event")
        event = get_object_or_404(public_events(preview=drafts), slug=self.kwargs["slug"])
        self.preview = not event.is_published
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
            other_reports=[OtherReportView(other, differ[other.pk]) for other in event_views(others, references)],
            references=references,
        )
        return context


class EventFeed(Feed):
    """The latest published events, newest first (Atom)."""

    feed_type = Atom1Feed
    title = "NRF knowledge base: events"
    subtitle = "Events concerning the National Resistance Front of Afghanistan, each with its sources."

    def link(self):
        return reverse("events:list")

    def items(self):
        return Event.objects.public().select_related("event_type").order_by("-date", "-updated_at")[:50]

    def item_title(self, item):
        return f"{item.date_partial}: {item.title}"

    def item_description(self, item):
        return to_plain_text(item.summary) or str(item.event_type)

    def item_link(self, item):
        return reverse("events:detail", args=[item.slug])

    def item_updateddate(self, item):
        return item.updated_at
