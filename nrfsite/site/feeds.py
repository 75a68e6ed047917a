"""One Atom feed per entity: what changed on its page (its statements, sections and events), newest first."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from entities.models import Entity, Section, SectionCitation, section_anchor
from entities.selectors import public_statements
from events.selectors import events_of
from events.views import feed_description
from nrfsite.core.feeds import BrowsableFeed
from nrfsite.core.markup import to_plain_text
from nrfsite.core.translations import shown

ENTRIES = 50


def text(obj, field):
    """A feed's words in its reader's language where translated (a feed is plain text: no English mark)."""
    return shown(obj, field).text


class EntityFeed(BrowsableFeed):
    feed_type = Atom1Feed
    author_name = _("NRF knowledge base editors")

    def get_object(self, request, slug):
        return get_object_or_404(Entity.objects.public(), slug=slug)

    def page_context(self, entity):
        return {"section": "entities"}

    def title(self, entity):
        return gettext("NRF knowledge base: %(name)s") % {"name": text(entity, "name")}

    def subtitle(self, entity):
        return gettext("What changed on the page of %(name)s: its statements, sections and events, with their sources.") % {
            "name": text(entity, "name")
        }

    def link(self, entity):
        return entity.get_absolute_url()

    def items(self, entity):
        """The entity's public statements, sections and events, the latest changed first (each list is bounded)."""
        statements = public_statements().filter(subject=entity).order_by("-updated_at")[:ENTRIES]
        public_citations = Prefetch("citations", queryset=SectionCitation.objects.public().select_related("source__found_in"))
        sections = Section.objects.public().filter(entity=entity).prefetch_related(public_citations)
        sections = sections.order_by("-updated_at")[:ENTRIES]
        events = events_of(entity).order_by("-updated_at")[:ENTRIES]
        entries = [*statements, *sections, *events]
        return sorted(entries, key=lambda item: item.updated_at, reverse=True)[:ENTRIES]

    def item_title(self, item):
        kind = type(item).__name__
        if kind == "Statement":
            return f"{text(item.property, 'label')}: {item.value_display()}"
        if kind == "Section":
            return gettext("Section: %(title)s") % {"title": text(item, "title") or gettext("Introduction")}
        return gettext("Event, %(date)s: %(title)s") % {"date": item.date_partial, "title": text(item, "title")}

    def item_description(self, item):
        kind = type(item).__name__
        if kind == "Statement":
            words = f"{text(item.subject, 'name')} — {text(item.property, 'label')}: {item.value_display()}"
        elif kind == "Section":
            words = to_plain_text(text(item, "body"))
        else:
            words = to_plain_text(text(item, "summary")) or text(item, "title")
        return feed_description(words, item.citations.all())  # public citations only: each queryset prefetches them

    def item_link(self, item):
        kind = type(item).__name__
        if kind == "Statement":
            return f"{item.subject.get_absolute_url()}#infobox"
        if kind == "Section":
            return f"{item.entity.get_absolute_url()}#{section_anchor(item)}"
        return reverse("events:detail", args=[item.slug])

    def item_guid(self, item):
        return f"{type(item).__name__.lower()}-{item.pk}-{item.version}"

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at
