"""Public pages assembled from several apps: an entity's page with its timeline, a source's with what it backs,
and the changes pages of an entity and of an event (what readers saw change, `nrfsite.site.changes`).

The apps' own views (`entities.views`, `sources.views`) render what they know; these subclasses add the
parts that need a higher app, so `entities` never imports `events` and `sources` never imports either.
"""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from entities.models import Entity, Section, SectionCitation, Statement
from entities.views import EntityDetailView, EntityListView
from events.models import Event
from events.presenters import event_views
from events.selectors import events_citing, latest_events_of
from nrfsite.site.changes import changes_page, parse_cursor
from nrfsite.site.filters import EntityListFilterSet
from nrfsite.site.revisions import scope
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


class ChangesView(TemplateView):
    """A page of published changes, newest first, older ones through `?before=`: an entity's, an event's, the
    site's. A filter or a cursor that is not one answers 400 with the page saying what to mend."""

    template_name = "changes/change_list.html"
    form = None  # the site's page has filters

    def page_parts(self):
        """(the `scope` of the page, the datetime its changes start from, or None)."""
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        try:
            cursor, errors = parse_cursor(request.GET.get("before", "")), []
        except ValidationError as error:
            cursor, errors = None, error.messages
        valid = not errors and (self.form is None or self.form.is_valid())  # a form shows its own errors
        changes = []
        if valid:
            parts, since = self.page_parts()
            page = changes_page(parts, since=since, cursor=cursor)
            changes = page.changes
            if page.older is not None:
                context["older_url"] = self.address(before=str(page.older))
        if "before" in request.GET:
            context["newest_url"] = self.address()
        context.update(changes=changes, errors=errors, invalid=not valid, form=self.form)
        return self.render_to_response(context, status=200 if valid else 400)

    def address(self, **params):
        """This page's address with its filters and `params` (no `before` without one)."""
        query = self.request.GET.copy()
        query.pop("before", None)
        query.update(params)
        return f"?{query.urlencode()}"


class EntityChangesPage(ChangesView):
    """What readers saw change on an entity's page: the entity, its sections and statements, its events."""

    def get_context_data(self, **kwargs):
        self.entity = get_object_or_404(Entity.objects.public(), slug=kwargs["slug"])
        return super().get_context_data(section="entities", entity=self.entity, **kwargs)

    def page_parts(self):
        return scope(entity=self.entity), None


class EventChangesPage(ChangesView):
    """What readers saw change on an event's page. (Here, not in `events.views`: the rule of which revisions
    readers saw is one, for every changes page, in `nrfsite.site.changes`.)"""

    def get_context_data(self, **kwargs):
        self.event = get_object_or_404(Event.objects.public(), slug=kwargs["slug"])
        return super().get_context_data(section="events", event=self.event, **kwargs)

    def page_parts(self):
        return scope(event=self.event), None
