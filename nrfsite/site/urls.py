"""The routes of the pages the site assembles from several apps (the `entities` and `sources` namespaces)."""

from django.urls import path, re_path

from nrfsite.site import pages
from nrfsite.site.feeds import EntityFeed
from sources.views import SourceListView

entity_urls = (
    [
        path("", pages.EntityListPage.as_view(), name="list"),
        path("<slug:slug>/", pages.EntityPage.as_view(), name="detail"),
        path("<slug:slug>/feed/", EntityFeed(), name="feed"),
    ],
    "entities",
)

source_urls = (
    [
        path("", SourceListView.as_view(), name="list"),
        re_path(r"^(?P<key>[A-Za-z0-9][A-Za-z0-9_.:-]*)/$", pages.SourcePage.as_view(), name="detail"),
    ],
    "sources",
)
