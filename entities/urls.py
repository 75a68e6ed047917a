from django.urls import path

from entities import views

app_name = "entities"
urlpatterns = [
    path("", views.EntityListView.as_view(), name="list"),
    path("<slug:slug>/", views.EntityDetailView.as_view(), name="detail"),
]
