from django.urls import path, re_path

from sources import views

app_name = "sources"
urlpatterns = [
    path("", views.SourceListView.as_view(), name="list"),
    re_path(r"^(?P<key>[A-Za-z0-9][A-Za-z0-9_.:-]*)/$", views.SourceDetailView.as_view(), name="detail"),
]
