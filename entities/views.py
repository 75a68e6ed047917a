"""Public entity pages: the list with filters, and the page with infobox, sections, timeline and references."""

import datetime

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView
from django_filters.views import FilterView

from entities import pages
from entities.filters import EntityFilterSet
from entities.models import Alias, Entity
from entities.resources import EntityResource
from events.pages import event_views, events_of
from nrfsite.dates import format_range
from nrfsite.downloads import CSVDownloadMixin
from nrfsite.workflow import Status
from sources.references import References

TIMELINE_LIMIT = 100


class EntityListView(CSVDownloadMixin, FilterView):
    filterset_class = EntityFilterSet
    template_name = "entities/entity_list.html"
    paginate_by = 50
    resource_class = EntityResource
    download_name = "entities"

    def get_queryset(self):
        return Entity.objects.published().prefetch_related("aliases").order_by("name")

    def get_context_data(self, **kwargs):
        return super().get_context_data(section="entities", **kwargs)


class EntityDetailView(DetailView):
    template_name = "entities/entity_detail.html"
    context_object_name = "entity"

    def get_object(self, queryset=None):
        drafts = self.request.user.has_perm("entities.view_entity")
        entity = get_object_or_404(
            (Entity.objects.all() if drafts else Entity.objects.published()).select_related("parent").prefetch_related(
                Prefetch("aliases", queryset=Alias.objects.order_by("language", "name"))
            ),
            slug=self.kwargs["slug"],
        )
        self.preview = drafts and (entity.status != Status.PUBLISHED or "preview" in self.request.GET)
        return entity

    def get_context_data(self, **kwargs):
        entity = self.object
        today = datetime.date.today()
        references = References()
        statements = list(pages.published_statements().filter(subject=entity))
        # The page shows the latest events; the full, filterable timeline is one link away.
        events = events_of(entity)
        timeline = list(events.order_by("-date", "-slug")[:TIMELINE_LIMIT])[::-1]
        events_total = len(timeline) if len(timeline) < TIMELINE_LIMIT else events.count()
        context = super().get_context_data(**kwargs)
        context.update(
            section="entities",
            entity_range=entity_range(entity, today),
            preview=self.preview,
            infobox=pages.infobox(statements, references, today),
            other_statements=pages.other_statements(statements, references, today),
            inverse_statements=pages.inverse_statements(entity, references, today),
            sections=pages.sections(entity, references, preview=self.preview),
            events=event_views(timeline, references),
            events_total=events_total,
            places=list(entity.children.published().order_by("name")) if entity.kind == "place" else [],
            references=references,
            rtl_aliases=[alias for alias in entity.aliases.all() if alias.direction == "rtl"],
            other_aliases=[alias for alias in entity.aliases.all() if alias.direction != "rtl"],
        )
        return context



def entity_range(entity, today):
    if entity.kind == "person" and entity.start and not entity.end:
        return f"born {entity.start_partial}"
    return format_range(entity.start_partial, entity.end_partial, today=today, ongoing=entity.kind != "place")
