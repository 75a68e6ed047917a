"""URL map of the site."""

from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from nrfsite.site import views
from nrfsite.site.sitemaps import SITEMAPS
from nrfsite.site.urls import data_urls, entity_urls, source_urls

admin.site.site_header = "nrfsite editorial admin"
admin.site.site_title = "nrfsite admin"
admin.site.index_title = "Knowledge base"

handler500 = "nrfsite.site.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search_view, name="search"),
    path("entities/", include(entity_urls)),
    path("events/", include("events.urls")),
    path("sources/", include(source_urls)),
    path("api/", include(("nrfsite.api.urls", "api"))),
    path("data/", include(data_urls)),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
