"""Entity pages, as far as the entities app knows them: the list, and a page with infobox, sections and references.

`nrfsite.site` serves them, adding what needs other apps (the province and event filters of the list, the
timeline of the page): see `nrfsite/site/pages.py`.
"""

import datetime

from django.db.models import Prefetch
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from entities import popolo, presenters, wikidata
from entities.filters import EntityFilterSet
from entities.models import Alias, Entity, Property
from entities.resources import EntityResource
from entities.selectors import public_statements
from nrfsite.core.dates import format_range
from nrfsite.core.preview import PreviewNotice
from nrfsite.interchange.downloads import CSVDownloadMixin
from sources.references import References, note_draft_sources


class EntityListView(CSVDownloadMixin, FilterView):
    filterset_class = EntityFilterSet
    template_name = "entities/entity_list.html"
    paginate_by = 50
    resource_class = EntityResource
    download_name = "entities"

    def get_queryset(self):
        return Entity.objects.public().prefetch_related("aliases").order_by("name")

    def get_context_data(self, **kwargs):
        return super().get_context_data(section="entities", **kwargs)


class EntityDetailView(DetailView):
    """An entity's page; `page_parts` is the hook a subclass extends with parts computed elsewhere."""

    template_name = "entities/entity_detail.html"
    context_object_name = "entity"

    def get_object(self, queryset=None):
        drafts = self.request.user.has_perm("entities.view_entity")
        entity = get_object_or_404(
            Entity.objects.visible(preview=drafts)
            .select_related("parent")
            .prefetch_related(Prefetch("aliases", queryset=Alias.objects.order_by("language", "name"))),
            slug=self.kwargs["slug"],
        )
        # Whether readers see this page is the public rule's to say (a published entity in a draft place is
        # not public), never `is_published` alone: one rule, `Entity.objects.public()`.
        # (A reader's page was read through public() already: no second query for readers.)
        self.seen_by_public = not drafts or Entity.objects.public().filter(pk=entity.pk).exists()
        self.preview = drafts and (not self.seen_by_public or "preview" in self.request.GET)
        return entity

    def page_parts(self, entity, references, today):
        """The page's parts in reading order: footnotes are numbered in the order the parts cite them."""
        statements = list(public_statements().filter(subject=entity))
        return {
            "infobox": presenters.infobox(statements, references, today),
            "other_statements": presenters.other_statements(statements, references, today),
            "inverse_statements": presenters.inverse_statements(entity, references, today),
            "sections": presenters.sections(entity, references, preview=self.preview),
        }

    def get_context_data(self, **kwargs):
        entity = self.object
        today = datetime.date.today()
        references = References()
        context = super().get_context_data(**kwargs)
        context.update(
            section="entities",
            entity_range=entity_range(entity, today),
            preview=self.preview,
            **self.page_parts(entity, references, today),
            places=list(entity.children.public().order_by("name")) if entity.kind == "place" else [],
            references=references,
            rtl_aliases=[alias for alias in entity.aliases.all() if alias.direction == "rtl"],
            other_aliases=[alias for alias in entity.aliases.all() if alias.direction != "rtl"],
        )
        context["contents"] = presenters.contents(context)
        if self.preview:
            context["preview_notice"] = preview_notice(entity, {**context, "seen_by_public": self.seen_by_public})
        return context


def preview_notice(entity, parts):
    """What of this page is draft: the entity, its draft sections, the draft sources its texts cite (the
    sections' and, where the page has them, its events')."""
    notice = PreviewNotice(
        entity.get_kind_display(), page_is_draft=not parts["seen_by_public"], item_is_draft=not entity.is_published
    )
    if entity.parent and not entity.parent.is_published:
        notice.add(gettext("the place it lies in, “%(name)s”") % {"name": entity.parent.name})
    drafts = [section for section in parts["sections"] if not section.is_published]
    for section in drafts:
        notice.add(gettext("the section “%(title)s”") % {"title": section.title or gettext("Introduction")}, section.anchor)
    texts = [section.body for section in parts["sections"]]
    events = parts.get("events") or []
    texts += [event.summary for event in events]
    citations = [citation for event in events for citation in event.citations.all()]
    return note_draft_sources(notice, texts, citations)


def entity_range(entity, today):
    if entity.kind == "person" and entity.start and not entity.end:
        return gettext("born %(date)s") % {"date": entity.start_partial}
    return format_range(entity.start_partial, entity.end_partial, today=today, ongoing=entity.kind != "place")


def quickstatements_text(request, slug=None):
    """The public statements as QuickStatements: of every entity with a Wikidata id, or of one (404 without one)."""
    entities = None
    if slug is not None:
        entities = [get_object_or_404(Entity.objects.public().exclude(wikidata_id=""), slug=slug)]
    return HttpResponse(wikidata.export(entities).text(), content_type="text/plain; charset=utf-8")


class WikidataPage(TemplateView):
    """What the QuickStatements export holds, and every public statement it leaves out, with the reason."""

    template_name = "entities/wikidata.html"

    def get_context_data(self, **kwargs):
        export = wikidata.export()
        return super().get_context_data(
            section="data",
            export=export,
            with_item=Entity.objects.public().exclude(wikidata_id="").count(),
            without_item=Entity.objects.public().filter(wikidata_id="").count(),
            properties=Property.objects.order_by("label"),
            **kwargs,
        )


def popolo_json(request):
    """Public persons, organizations, posts and memberships as one Popolo JSON document."""
    return JsonResponse(popolo.document(request.build_absolute_uri), json_dumps_params={"ensure_ascii": False, "indent": 1})
