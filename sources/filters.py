"""Filters of the public source list."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nrfsite.core.filters import TextFilter, YearFilter
from sources.models import Affiliation, Source, SourceType


def publishers(request=None):
    return [
        (p, p)
        for p in Source.objects.public()
        .exclude(publisher="")
        .order_by("publisher")
        .values_list("publisher", flat=True)
        .distinct()
    ]


class SourceFilterSet(django_filters.FilterSet):
    q = TextFilter(method="search", label=_("Key, title or author"))
    source_type = django_filters.ChoiceFilter(choices=SourceType.choices, label=_("Type"), empty_label=_("any type"))
    publisher = TextFilter(lookup_expr="iexact", label=_("Publisher"))
    language = TextFilter(lookup_expr="iexact", label=_("Language code"))
    year = YearFilter(field_name="published_on__year", label=_("Year published"))
    affiliation = django_filters.ChoiceFilter(
        choices=Affiliation.choices, label=_("Affiliation"), empty_label=_("any affiliation")
    )

    class Meta:
        model = Source
        fields = []

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(key__icontains=value) | Q(title__icontains=value) | Q(authors__icontains=value) | Q(publisher__icontains=value)
        )
