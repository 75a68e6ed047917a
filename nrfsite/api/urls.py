"""/api/: the read API, its OpenAPI 3 schema, and its documentation page (Swagger UI from static/)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from nrfsite.api import views

router = DefaultRouter()
router.register("entities", views.EntityViewSet, basename="entity")
router.register("statements", views.StatementViewSet, basename="statement")
router.register("sections", views.SectionViewSet, basename="section")
router.register("events", views.EventViewSet, basename="event")
router.register("sources", views.SourceViewSet, basename="source")
router.register("event-types", views.EventTypeViewSet, basename="event-type")
router.register("properties", views.PropertyViewSet, basename="property")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("deletions/", views.DeletionsView.as_view(), name="deletions"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
]
