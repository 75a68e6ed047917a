"""The timeline's filters: date range, type (either level), place, participant, certainty, independent sources, source,
text."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from entities.models import Entity
from entities.selectors import spelling_names
from events.models import Event, EventCitation, EventType, Participation, any_of
from nrfsite.core import fulltext
from nrfsite.core.certainty import Certainty
from nrfsite.core.filters import FastSelect, OrderedBounds, PartialDateBoundFilter, TextFilter
from sources.citations import citing
from sources.corroboration import independently_cited
from sources.models import Source


def places(request=None):
    return Entity.objects.public().places().order_by("name")


def participants(request=None):
    return Entity.objects.public().exclude(kind="place").order_by("name")


class EventFilterSet(OrderedBounds, django_filters.FilterSet):
    date_from = PartialDateBoundFilter(field_name="date", bound="from", label=_("From"))
    date_to = PartialDateBoundFilter(field_name="date", bound="to", start="date_from", label=_("To"))
    event_type = django_filters.ModelChoiceFilter(
        queryset=EventType.objects.select_related("parent").order_by("parent__position", "position", "label"),
        to_field_name="slug",
        method="of_type",
        label=_("Type"),
        empty_label=_("any type"),
        widget=FastSelect,
    )
    place = django_filters.ModelChoiceFilter(
        queryset=places,
        to_field_name="slug",
        method="at_place",
        label=_("Province or place"),
        empty_label=_("anywhere"),
        widget=FastSelect,
    )
    participant = django_filters.ModelChoiceFilter(
        queryset=participants,
        to_field_name="slug",
        method="took_part",
        label=_("Participant"),
        empty_label=_("anyone"),
        widget=FastSelect,
    )
    certainty = django_filters.ChoiceFilter(choices=Certainty.choices, label=_("Certainty"), empty_label=_("any certainty"))
    independent = django_filters.ChoiceFilter(
        choices=[("1", _("at least 1")), ("2", _("at least 2")), ("3", _("at least 3"))],
        method="independently_sourced",
        label=_("Independent sources"),
        empty_label=_("any number"),
    )
    source = TextFilter(method="cited_by", label=_("Source key"), widget=forms.TextInput(attrs={"size": 18}))
    q = TextFilter(method="search", label=_("Text"))
    ordering = django_filters.OrderingFilter(
        fields=(("date", "date"), ("title", "title")),
        field_labels={"date": _("Date (oldest first)"), "-date": _("Date (newest first)"), "title": _("Title")},
        label=_("Order"),
        empty_label=None,
        null_label=None,
    )

    class Meta:
        model = Event
        fields = []

    def of_type(self, queryset, name, event_type):
        """A top-level type includes its sub-types: an IN subquery of the types, so the (event_type, date) index
        serves it (an OR across the types' join read every event)."""
        return queryset.filter(event_type__in=event_type.with_subtypes().values("pk"))

    def at_place(self, queryset, name, value: Entity):
        """The place itself or a place within it (a district of the province). (The parameter is named and
        typed `value: Entity` so the API schema reads the filter as a place's slug, a string.)"""
        # An IN list of the places' ids (`pks_at`), not an OR across the places' join: the timeline's order
        # can then come from the (date, slug) index, and PostgreSQL plans from the place's own statistics.
        return queryset.filter(location__in=Entity.objects.pks_at(value))

    def took_part(self, queryset, name, value: Entity):
        """Events the entity took part in, through an IN subquery over the participations: no join, so no
        DISTINCT, and the timeline's order can come from the (date, slug) index (a join with DISTINCT sorted
        every event of the participant: 250 ms for the NRF's at 100,000 events on SQLite)."""
        return queryset.filter(pk__in=Participation.objects.filter(entity=value).values("event_id"))

    def cited_by(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if not Source.objects.public().filter(key=value).exists():
            return queryset.none()  # a draft's key finds what an unknown key finds: nothing
        return queryset.filter(citing(value, EventCitation, "event"))

    def independently_sourced(self, queryset, name, at_least):
        """Events that at least this many independent published sources cite (`sources.corroboration`)."""
        return queryset.filter(pk__in=independently_cited(EventCitation, "event", int(at_least)))

    def search(self, queryset, name, value):
        """Events whose text (through its full-text index) or place's name or alias has every word of the query
        as the start of a word, as the site search finds them: "panj" finds Panjshir, in any script, and
        "Panjsheer" finds it too (the other spellings of a Latin word that names hold)."""
        if not value.strip():
            return queryset
        query = fulltext.Query.parse(value, spelling_names())
        text = fulltext.condition(Event, query)
        if text is None:
            return queryset.none()  # no word at all ("!!!"): nothing matches it
        at_place = fulltext.search(Entity.objects.places(), Entity.NAME_FIELDS, query).values("pk")
        return queryset.filter(
            any_of(Event.objects.filter(text).values("pk"), Event.objects.filter(location__in=at_place).values("pk"))
        )
