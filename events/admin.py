from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from events.models import Event, EventCitation, EventType, Participation
from events.resources import EventCitationResource, EventResource, EventTypeResource, ParticipationResource
from events.rules import same_as_errors
from events.services import event_sync_citations
from nrfsite.core.translations import translation_fieldsets
from nrfsite.editorial.admin import EditorialInline, partial_date_column
from nrfsite.editorial.forms import TranslationsCurrentForm
from sources.admin import CitationAdmin, CitationInline, ContentAdmin


@admin.register(EventType)
class EventTypeAdmin(ContentAdmin):
    resource_classes = [EventTypeResource]
    list_display = ["label", "parent", "slug", "position"]
    list_filter = ["parent"]
    search_fields = ["label", "slug", "parent__label", "label_prs", "label_ps"]
    list_select_related = ["parent"]


class ParticipationInline(EditorialInline, admin.TabularInline):
    model = Participation
    extra = 0
    autocomplete_fields = ["entity"]


class EventCitationInline(CitationInline):
    model = EventCitation


class EventForm(TranslationsCurrentForm):
    def clean(self):
        cleaned = super().clean()
        # The instance still holds the stored slug here, the one other events' links name.
        slug, same_as = self.instance.slug or cleaned.get("slug"), cleaned.get("same_as")
        if same_as:
            # The rule an import applies too: one level deep, naming an event that exists.
            problem = same_as_errors([(slug, same_as)]).get(slug)
            if problem:
                self.add_error("same_as", problem)
        return cleaned


@admin.register(Event)
class EventAdmin(ContentAdmin):
    form = EventForm
    resource_classes = [EventResource]
    list_display = [partial_date_column("date"), "title", "event_type", "location", "certainty", "status"]
    list_filter = ["status", "certainty", "event_type", "date_precision"]
    search_fields = ["title", "slug", "summary", "location__name", "title_prs", "title_ps"]
    date_hierarchy = "date"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["event_type", "location", "claimed_by"]
    list_select_related = ["event_type__parent", "location"]
    readonly_fields = ["created_at", "updated_at", "published_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "event_type", "date", "end"]}),
        (_("Where"), {"fields": ["location", "location_precision"]}),
        (_("What happened"), {"fields": ["summary", ("fatalities_low", "fatalities_high"), "casualty_note"]}),
        *translation_fieldsets("title", "summary"),
        (_("Translations"), {"fields": ["translations_current"]}),
        (_("How sure"), {"fields": ["certainty", "claimed_by", "same_as", "note"]}),
        (_("Identifiers"), {"fields": ["acled_id", "ucdp_id", "wikidata_id"], "classes": ["collapse"]}),
        (_("Publishing"), {"fields": ["status", "created_at", "updated_at", "published_at"]}),
    ]
    inlines = [ParticipationInline, EventCitationInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        event_sync_citations(event=form.instance)


@admin.register(Participation)
class ParticipationAdmin(ContentAdmin):
    resource_classes = [ParticipationResource]
    list_display = ["event", "entity", "role"]
    list_filter = ["role"]
    search_fields = ["event__title", "entity__name"]
    autocomplete_fields = ["event", "entity"]
    list_select_related = ["event", "entity"]


@admin.register(EventCitation)
class EventCitationAdmin(CitationAdmin):
    resource_classes = [EventCitationResource]
    cited, cited_search = "event", "event__title"
    list_select_related = ["event", "source"]
