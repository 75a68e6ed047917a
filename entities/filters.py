"""Filters of the public entity list that need only entities (nrfsite.site adds the province and event ones)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from entities.models import Entity, EntityKind
from nrfsite.core.filters import TextFilter


class EntityFilterSet(django_filters.FilterSet):
    q = TextFilter(method="search", label=_("Name or alias"))
    kind = django_filters.ChoiceFilter(choices=EntityKind.choices, label=_("Kind"), empty_label=_("any kind"))

    class Meta:
        model = Entity
        fields = ["q", "kind"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(aliases__name__icontains=value) | Q(description__icontains=value)
        ).distinct()
