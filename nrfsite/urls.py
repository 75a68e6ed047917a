"""URL map of the site."""

from django.contrib import admin
from django.urls import path

admin.site.site_header = "nrfsite editorial admin"
admin.site.site_title = "nrfsite admin"
admin.site.index_title = "Knowledge base"

urlpatterns = [
    path("admin/", admin.site.urls),
]
