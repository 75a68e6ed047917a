"""The sitemap: published entities, events and sources only."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from entities.models import Entity
from events.models import Event
from sources.models import Source


class LanguagesSitemap(Sitemap):
    """Each page once per language (English, /prs/, /ps/), each listing the others as `hreflang` alternates."""

    i18n = True
    alternates = True
    x_default = True


class EntitySitemap(LanguagesSitemap):
    changefreq = "weekly"

    def items(self):
        return Entity.objects.public().order_by("slug")

    def location(self, item):
        return reverse("entities:detail", args=[item.slug])

    def lastmod(self, item):
        return item.updated_at


class EventSitemap(EntitySitemap):
    def items(self):
        return Event.objects.public().order_by("slug")

    def location(self, item):
        return reverse("events:detail", args=[item.slug])


class SourceSitemap(EntitySitemap):
    changefreq = "monthly"

    def items(self):
        return Source.objects.public().order_by("key")

    def location(self, item):
        return reverse("sources:detail", args=[item.key])


class PageSitemap(LanguagesSitemap):
    def items(self):
        return ["home", "entities:list", "events:list", "sources:list"]

    def location(self, item):
        return reverse(item)


SITEMAPS = {"pages": PageSitemap, "entities": EntitySitemap, "events": EventSitemap, "sources": SourceSitemap}
