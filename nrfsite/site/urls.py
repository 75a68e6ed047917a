"""The routes of the pages the site assembles from several apps (the `entities`, `events` and `sources` namespaces)."""

from django.urls import path, re_path
from django.views.generic import TemplateView

from entities import views as entity_views
from events.urls import urlpatterns as event_patterns
from nrfsite.site import bundles, pages, watchlists
from nrfsite.site.feeds import EntityFeed
from sources.views import SourceListView

entity_urls = (
    [
        path("", pages.EntityListPage.as_view(), name="list"),
        path("<slug:slug>/", pages.EntityPage.as_view(), name="detail"),
        path("<slug:slug>/feed/", EntityFeed(), name="feed"),
        path("<slug:slug>/changes/", pages.EntityChangesPage.as_view(), name="changes"),
        path("<slug:slug>/quickstatements.txt", entity_views.quickstatements_text, name="quickstatements"),
    ],
    "entities",
)

# The events app's own pages, and the one that needs the site's rule of what readers saw change.
event_urls = ([*event_patterns, path("<slug:slug>/changes/", pages.EventChangesPage.as_view(), name="changes")], "events")

source_urls = (
    [
        path("", SourceListView.as_view(), name="list"),
        re_path(r"^(?P<key>[A-Za-z0-9][A-Za-z0-9_.:-]*)/$", pages.SourcePage.as_view(), name="detail"),
    ],
    "sources",
)

# The digest emails' unsubscribe link, at /digests/: public (a mail provider posts the one-click unsubscribe from
# its servers, so not under /admin/).
digest_urls = [path("unsubscribe/<str:token>/", watchlists.unsubscribe, name="digest-unsubscribe")]

# Not namespaced: "public-bundle" is older than the others.
data_urls = [
    path("", TemplateView.as_view(template_name="data/index.html", extra_context={"section": "data"}), name="data"),
    path("nrfsite-public.zip", bundles.public_bundle, name="public-bundle"),
    path("wikidata/", entity_views.WikidataPage.as_view(), name="wikidata"),
    path("quickstatements.txt", entity_views.quickstatements_text, name="quickstatements"),
    path("popolo.json", entity_views.popolo_json, name="popolo"),
]
