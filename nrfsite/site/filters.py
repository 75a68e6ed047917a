"""Filters of public lists that reach across apps: an entity list filtered by its events and provinces."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from entities.filters import EntityFilterSet
from entities.models import Entity
from nrfsite.core.filters import FastSelect, OrderedBounds, PartialDateBoundFilter, overlapping
from nrfsite.core.publishing import Status


def provinces(request=None):
    return Entity.objects.public().places().filter(iso_code__startswith="AF-").order_by("name")


class EntityListFilterSet(OrderedBounds, EntityFilterSet):
    """The entity list's filters: name and kind (the entities app's), province and event dates (through events)."""

    province = django_filters.ModelChoiceFilter(
        queryset=provinces,
        method="in_province",
        label=_("Active in province"),
        to_field_name="slug",
        empty_label=_("any province"),
        widget=FastSelect,
    )
    events_from = PartialDateBoundFilter(bound="from", method="with_events", label=_("Has events from"))
    events_to = PartialDateBoundFilter(bound="to", start="events_from", method="with_events", label=_("Has events until"))

    class Meta(EntityFilterSet.Meta):
        fields = ["q", "kind", "province"]

    def in_province(self, queryset, name, place):
        """Entities with a published event there, or a published statement naming it (active region)."""
        return queryset.filter(
            Q(participations__event__status=Status.PUBLISHED, participations__event__location=place)
            | Q(participations__event__status=Status.PUBLISHED, participations__event__location__parent=place)
            | Q(statements__status=Status.PUBLISHED, statements__value_entity=place)
            | Q(pk=place.pk)
        ).distinct()

    def with_events(self, queryset, name, value):
        return queryset  # applied together in filter_queryset, so from/to bound the same event

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        start, end = self.form.cleaned_data.get("events_from"), self.form.cleaned_data.get("events_to")
        if start or end:
            # The timeline's own rule for a date range (`overlapping`): "from Asad 1400" means the same here.
            published = Q(participations__event__status=Status.PUBLISHED)
            queryset = queryset.filter(published & overlapping("participations__event__date", start, end)).distinct()
        return queryset
