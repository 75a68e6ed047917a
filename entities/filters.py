"""Filters of the public entity list that need only entities (nrfsite.site adds the province and event ones)."""

import operator
from functools import reduce

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
        fields = [field for field in Entity.SEARCH_FIELDS if field != "slug"]
        return queryset.filter(reduce(operator.or_, (Q(**{f"{field}__icontains": value}) for field in fields))).distinct()
