"""Public source pages: the filtered list, and each source with everything it backs."""

from django.views.generic import DetailView
from django_filters.views import FilterView

from nrfsite.downloads import CSVDownloadMixin
from nrfsite.workflow import Status
from sources.citations import citing
from sources.filters import SourceFilterSet
from sources.models import Source
from sources.resources import SourceResource

BACKED_LIMIT = 200


class SourceListView(CSVDownloadMixin, FilterView):
    filterset_class = SourceFilterSet
    template_name = "sources/source_list.html"
    paginate_by = 100
    resource_class = SourceResource
    download_name = "sources"

    def get_queryset(self):
        return Source.objects.published().order_by("key")

    def get_context_data(self, **kwargs):
        return super().get_context_data(section="sources", **kwargs)


class SourceDetailView(DetailView):
    """A source and the reverse index of what it backs: statements, events, sections."""

    template_name = "sources/source_detail.html"
    context_object_name = "source"
    slug_field = "key"
    slug_url_kwarg = "key"

    def get_queryset(self):
        return Source.objects.all() if self.request.user.has_perm("sources.view_source") else Source.objects.published()

    def get_context_data(self, **kwargs):
        from entities.models import Section, SectionCitation, Statement
        from events.models import Event, EventCitation

        source = self.object
        statements = (
            Statement.objects.published().filter(citations__source=source, subject__status=Status.PUBLISHED)
            .select_related("subject", "property", "value_entity").distinct().order_by("subject__name", "property__slug")
        )
        events = (
            Event.objects.published().filter(citing(source.key, EventCitation, "event", "summary"))
            .select_related("event_type").order_by("date", "slug")
        )
        sections = (
            Section.objects.published().filter(entity__status=Status.PUBLISHED)
            .filter(citing(source.key, SectionCitation, "section", "body"))
            .select_related("entity").order_by("entity__name", "position")
        )
        context = super().get_context_data(**kwargs)
        context.update(
            section="sources", preview=source.status != Status.PUBLISHED, limit=BACKED_LIMIT,
            statements=list(statements[:BACKED_LIMIT]), events=list(events[:BACKED_LIMIT]),
            sections=list(sections[:BACKED_LIMIT]), events_total=events.count(),
        )
        return context


