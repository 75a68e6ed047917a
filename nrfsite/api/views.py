"""The API's endpoints: read-only viewsets over the public querysets, filtered as the public lists are.

Every list and detail reads the same `public()` querysets and selectors as the pages (so a draft never
appears), the timeline's own FilterSet (one FilterSet serves the page and the API), cursor pagination (no
OFFSET scan, stable under inserts), `?updated_since=` for a living copy, and conditional GET: every answer
carries an ETag of the site's content version and the address, and Last-Modified the time of the latest
content change, so a client that sends either back gets 304 until anything public changes. (A record's own
`updated_at` would not do: an event's answer also names its participants and sources, which change apart.)
"""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.utils.dateparse import parse_datetime
from django.utils.decorators import method_decorator
from django.views.decorators.http import condition
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from entities.filters import EntityFilterSet
from entities.models import Alias, Entity, Property, Rank, Section, Statement
from entities.selectors import public_statements
from events.filters import EventFilterSet
from events.models import Event, EventType
from events.selectors import public_events
from nrfsite.api import serializers
from nrfsite.core.certainty import Certainty
from nrfsite.core.filters import TextFilter
from nrfsite.core.publishing import Status
from nrfsite.site.models import ContentVersion
from sources.models import Affiliation, Source, SourceType


class Cursor(CursorPagination):
    page_size = 50
    max_page_size = 500
    page_size_query_param = "page_size"

    def get_ordering(self, request, queryset, view):
        return view.cursor_ordering  # each endpoint's own stable order

    def paginate_queryset(self, queryset, request, view=None):
        # A cursor is the client's to send back as it was given; a forged one whose position is not a value
        # of the ordering field ("p='; DROP…" for a date) is the 404 DRF gives any invalid cursor, not a 500.
        try:
            return super().paginate_queryset(queryset, request, view)
        except (DjangoValidationError, ValueError, TypeError):
            raise NotFound(self.invalid_cursor_message) from None


class AnonymousRate(AnonRateThrottle):
    """Anonymous callers, per address: `API_ANON_RATE` requests ("120/min"); more get 429 with Retry-After."""

    def get_rate(self):
        return settings.API_ANON_RATE


def content_state(request):
    """The site's latest content change, read once per request: what every answer's validators come from."""
    if not hasattr(request, "_content_state"):
        request._content_state = ContentVersion.latest()
    return request._content_state


def content_etag(request, *args, **kwargs):
    """Any public change anywhere changes it (a list names other records, a record names its sources)."""
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:16]
    return f"{content_state(request)[0]}-{digest}"


def content_last_modified(request, *args, **kwargs):
    return content_state(request)[1]


class UpdatedSinceFilterSet(filters.FilterSet):
    updated_since = filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label="Only records changed at or after this time (ISO 8601): a living copy fetches what changed.",
    )


class PublicAnswers:
    """What every API answer shares: the anonymous rate limit, and a short public max-age on a 200 (the
    conditional-GET validators are the `condition` decorator each endpoint class carries)."""

    throttle_classes = [AnonymousRate]
    cache_seconds = 60

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code == 200:
            response["Cache-Control"] = f"public, max-age={self.cache_seconds}"
        return response


conditional = method_decorator(condition(etag_func=content_etag, last_modified_func=content_last_modified), name="dispatch")


@conditional
class PublicViewSet(PublicAnswers, viewsets.ReadOnlyModelViewSet):
    """A read-only endpoint over a public queryset, cursor-paged in `cursor_ordering`."""

    pagination_class = Cursor
    filter_backends = [filters.DjangoFilterBackend]
    cursor_ordering = ("pk",)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not hasattr(self, "_public_source_keys"):
            self._public_source_keys = set(Source.objects.public().values_list("key", flat=True))
        context["public_source_keys"] = self._public_source_keys
        return context


def with_updated_since(filterset_class):
    """The FilterSet of a page's list, with `updated_since` added: the API filters exactly as the page does."""
    return type(
        f"API{filterset_class.__name__}",
        (filterset_class, UpdatedSinceFilterSet),
        {"Meta": type("Meta", (filterset_class.Meta,), {})},
    )


class EventViewSet(PublicViewSet):
    """Public events, filtered exactly as the timeline (`events.filters.EventFilterSet`)."""

    serializer_class = serializers.EventSerializer
    filterset_class = with_updated_since(EventFilterSet)
    lookup_field = "slug"
    cursor_ordering = ("date", "slug")

    def get_queryset(self):
        return public_events()


class StatementFilterSet(UpdatedSinceFilterSet):
    subject = TextFilter(field_name="subject__slug", label="Subject (entity slug)")
    property = TextFilter(field_name="property__slug", label="Property (slug)")
    rank = filters.ChoiceFilter(choices=Rank.choices)
    certainty = filters.ChoiceFilter(choices=Certainty.choices)

    class Meta:
        model = Statement
        fields = []


class StatementViewSet(PublicViewSet):
    """Public statements: value, dates at their precision, certainty, claimant, rank and citations."""

    serializer_class = serializers.StatementSerializer
    filterset_class = StatementFilterSet
    lookup_field = "key"
    lookup_value_regex = "[^/]+"
    cursor_ordering = ("key",)

    def get_queryset(self):
        return public_statements().select_related("superseded_by")


class EntityViewSet(PublicViewSet):
    """Public entities with their names and infobox statements; filtered as the entity list's name and kind."""

    serializer_class = serializers.EntitySerializer
    filterset_class = with_updated_since(EntityFilterSet)
    lookup_field = "slug"
    cursor_ordering = ("slug",)

    def get_queryset(self):
        return (
            Entity.objects.public()
            .select_related("parent")
            .prefetch_related(
                Prefetch("aliases", queryset=Alias.objects.order_by("language", "name")),
                Prefetch(
                    "statements",
                    queryset=public_statements()
                    .select_related("superseded_by")
                    .order_by("property__infobox_position", "start", "key"),
                    to_attr="public_statements",
                ),
            )
        )


class SectionFilterSet(UpdatedSinceFilterSet):
    entity = TextFilter(field_name="entity__slug", label="Entity (slug)")
    needs_update = filters.BooleanFilter()

    class Meta:
        model = Section
        fields = []


class SectionViewSet(PublicViewSet):
    serializer_class = serializers.SectionSerializer
    filterset_class = SectionFilterSet

    def get_queryset(self):
        return Section.objects.public().select_related("entity")


class SourceFilterSet(UpdatedSinceFilterSet):
    affiliation = filters.ChoiceFilter(choices=Affiliation.choices)
    source_type = filters.ChoiceFilter(choices=SourceType.choices)
    publisher = TextFilter(lookup_expr="icontains")

    class Meta:
        model = Source
        fields = []


class SourceViewSet(PublicViewSet):
    serializer_class = serializers.SourceSerializer
    filterset_class = SourceFilterSet
    lookup_field = "key"
    lookup_value_regex = "[A-Za-z0-9][A-Za-z0-9_.:-]*"
    cursor_ordering = ("key",)

    def get_queryset(self):
        return Source.objects.public().with_work()


class EventTypeViewSet(PublicViewSet):
    serializer_class = serializers.EventTypeSerializer
    lookup_field = "slug"
    cursor_ordering = ("slug",)

    def get_queryset(self):
        return EventType.objects.select_related("parent")


class PropertyViewSet(PublicViewSet):
    serializer_class = serializers.PropertySerializer
    lookup_field = "slug"
    cursor_ordering = ("slug",)

    def get_queryset(self):
        return Property.objects.all()


DELETION_LIMIT = 1000


@conditional
class DeletionsView(PublicAnswers, APIView):
    """What left the public set, and when: deleted while published, or unpublished (a living copy removes them).

    Read from the revision history, so it covers every way in (admin, bulk action, import, restore). A record
    that leaves only because something it names became a draft is not listed: that record's own entry is.
    """

    @extend_schema(
        parameters=[OpenApiParameter("since", OpenApiTypes.DATETIME, description="Only what left at or after this time.")],
        responses=serializers.DeletionSerializer(many=True),
    )
    def get(self, request):
        since = request.query_params.get("since")
        when = parse_datetime(since) if since else None
        if since and when is None:
            return Response({"since": [f'"{since}" is not a time: use ISO 8601, e.g. "2025-01-31T12:00:00Z".']}, 400)
        entries = []
        for kind, model, key in DELETION_SOURCES:
            history = model.history.model
            previous = history.objects.filter(id=OuterRef("id"), history_date__lt=OuterRef("history_date")).order_by(
                "-history_date", "-history_id"
            )
            rows = history.objects.annotate(previous_status=Subquery(previous.values("status")[:1])).filter(
                Q(history_type="-", status=Status.PUBLISHED)
                | Q(history_type="~", status=Status.DRAFT, previous_status=Status.PUBLISHED)
            )
            if when is not None:
                rows = rows.filter(history_date__gte=when)
            for row in rows.order_by("history_date", "history_id").values(*key, "history_date", "history_type")[
                : DELETION_LIMIT + 1
            ]:
                entries.append(
                    {
                        "type": kind,
                        "key": "/".join(str(row[part]) for part in key),
                        "at": row["history_date"],
                        "reason": "deleted" if row["history_type"] == "-" else "unpublished",
                    }
                )
        entries.sort(key=lambda entry: (entry["at"], entry["type"], entry["key"]))
        page, more = entries[:DELETION_LIMIT], len(entries) > DELETION_LIMIT
        next_url = None
        if more:
            next_url = request.build_absolute_uri(f"?since={page[-1]['at'].isoformat()}")
        return Response({"next": next_url, "results": serializers.DeletionSerializer(page, many=True).data})


DELETION_SOURCES = [
    ("entity", Entity, ("slug",)),
    ("statement", Statement, ("key",)),
    ("section", Section, ("entity__slug", "title")),
    ("event", Event, ("slug",)),
    ("source", Source, ("key",)),
]
