"""Public pages assembled from several apps: an entity's page with its timeline, a source's with what it backs.

The apps' own views (`entities.views`, `sources.views`) render what they know; these subclasses add the
parts that need a higher app, so `entities` never imports `events` and `sources` never imports either.
"""

from entities.models import Section, SectionCitation, Statement
from entities.views import EntityDetailView, EntityListView
from events.presenters import event_views
from events.selectors import events_citing, latest_events_of
from nrfsite.site.filters import EntityListFilterSet
from sources.citations import citing
from sources.views import SourceDetailView

TIMELINE_LIMIT = 100
BACKED_LIMIT = 200


class EntityListPage(EntityListView):
    filterset_class = EntityListFilterSet


class EntityPage(EntityDetailView):
    """The entity page, with the latest events it took part in (the full, filterable timeline is one link away)."""

    def page_parts(self, entity, references, today):
        parts = super().page_parts(entity, references, today)  # the infobox and sections cite first
        timeline, parts["events_total"] = latest_events_of(entity, TIMELINE_LIMIT)  # the count is kept
        parts["events"] = event_views(timeline, references, preview=self.preview)
        return parts


class SourcePage(SourceDetailView):
    """A source and the reverse index of what it backs: statements, events, sections."""

    def get_context_data(self, **kwargs):
        source = self.object
        statements = (
            Statement.objects.public()
            .filter(citations__source=source)
            .select_related("subject", "property", "value_entity")
            .distinct()
            .order_by("subject__name", "property__slug")
        )
        events, events_total = events_citing(source, TIMELINE_LIMIT)  # the timeline filtered by it lists them all
        sections = (
            Section.objects.public()
            .filter(citing(source.key, SectionCitation, "section"))
            .select_related("entity")
            .order_by("entity__name", "position")
        )
        return super().get_context_data(
            limit=BACKED_LIMIT,
            statements=list(statements[:BACKED_LIMIT]),
            events=events,
            sections=list(sections[:BACKED_LIMIT]),
            events_total=events_total,
            **kwargs,
        )
