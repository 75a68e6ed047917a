"""URL map of the site."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from nrfsite.site import views
from nrfsite.site.sitemaps import SITEMAPS
from nrfsite.site.urls import data_urls, digest_urls, entity_urls, event_urls, source_urls

admin.site.site_header = "nrfsite editorial admin"
admin.site.site_title = "nrfsite admin"
admin.site.index_title = "Knowledge base"

handler500 = "nrfsite.site.views.server_error"

# Addresses that are the same in every language: the API (JSON), the sitemap, robots.txt, the health check.
urlpatterns = [
    path("api/", include(("nrfsite.api.urls", "api"))),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("healthz", views.healthz, name="healthz"),
]
# Pages people read, in English at their plain address and in Dari and Pashto under /prs/ and /ps/
# (nrfsite.core.languages). The admin too: an editor who works in Dari bookmarks /prs/admin/.
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("search/", views.search_view, name="search"),
    path("changes/", views.RecentChangesView.as_view(), name="changes"),
    path("changes/feed/", views.ChangesFeed(), name="changes-feed"),
    path("entities/", include(entity_urls)),
    path("events/", include(event_urls)),
    path("sources/", include(source_urls)),
    path("data/", include(data_urls)),
    path("digests/", include(digest_urls)),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)
