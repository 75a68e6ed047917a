from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html_join
from simple_history.admin import SimpleHistoryAdmin

from entities.models import Alias, Entity, Property, Section, SectionCitation, Statement, StatementCitation
from entities.resources import (
    AliasResource,
    EntityResource,
    PropertyResource,
    SectionResource,
    StatementCitationResource,
    StatementResource,
)
from entities.services import section_sync_citations
from nrfsite.editorial.admin import EditorialInline, partial_date_column
from sources.admin import CitationAdmin, CitationInline, ContentAdmin

REVIEW_FIELDS = ["as_of", "needs_update", "update_reason", "flagged_on", "review_every", "reviewed_on", "reviewed_by"]


class AliasInline(EditorialInline, admin.TabularInline):
    model = Alias
    extra = 0


class StatementInline(EditorialInline, admin.TabularInline):
    model = Statement
    fk_name = "subject"
    extra = 0
    fields = [
        "property",
        "value_entity",
        "value_text",
        "quantity_best",
        "quantity_unit",
        "start",
        "end",
        "certainty",
        "claimed_by",
        "rank",
        "status",
        "footnotes",
    ]
    readonly_fields = ["footnotes"]
    autocomplete_fields = ["property", "value_entity", "claimed_by"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("property").annotate(citation_count=Count("citations"))

    @admin.display(description="footnotes")
    def footnotes(self, obj):
        count = getattr(obj, "citation_count", None)
        return "—" if count is None else (count or "none: citation needed")


class SectionInline(EditorialInline, admin.StackedInline):
    model = Section
    extra = 0
    fields = ["position", "title", "body", "status", "needs_update", "update_reason", "flagged_on", "as_of"]
    show_change_link = True


@admin.register(Entity)
class EntityAdmin(ContentAdmin):
    resource_classes = [EntityResource]
    list_display = ["name", "kind", "slug", partial_date_column("start"), partial_date_column("end"), "status"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "slug", "description", "aliases__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    readonly_fields = ["created_at", "updated_at", "published_at"]
    fieldsets = [
        (None, {"fields": ["kind", "name", "slug", "description", "start", "end"]}),
        ("Place", {"fields": ["parent", "iso_code", "latitude", "longitude"], "classes": ["collapse"]}),
        ("Identifiers and publishing", {"fields": ["wikidata_id", "status", "created_at", "updated_at", "published_at"]}),
    ]
    inlines = [AliasInline, StatementInline, SectionInline]

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Section:
            for section in formset.queryset.filter(entity=form.instance):
                section_sync_citations(section=section)


@admin.register(Alias)
class AliasAdmin(ContentAdmin):
    resource_classes = [AliasResource]
    list_display = ["name", "language", "entity", "note"]
    list_filter = ["language"]
    search_fields = ["name", "entity__name"]
    autocomplete_fields = ["entity"]
    list_select_related = ["entity"]


@admin.register(Property)
class PropertyAdmin(ContentAdmin):
    resource_classes = [PropertyResource]
    list_display = ["label", "slug", "inverse_label", "value_type", "infobox_position"]
    list_filter = ["value_type"]
    search_fields = ["label", "slug"]


class StatementCitationInline(CitationInline):
    model = StatementCitation


@admin.register(Statement)
class StatementAdmin(ContentAdmin):
    resource_classes = [StatementResource]
    list_display = [
        "subject",
        "property",
        "value_display",
        partial_date_column("start"),
        partial_date_column("end"),
        "certainty",
        "rank",
        "status",
        "needs_update",
    ]
    list_filter = ["status", "certainty", "rank", "needs_update", "property"]
    search_fields = ["subject__name", "value_text", "value_entity__name", "note"]
    autocomplete_fields = ["subject", "property", "value_entity", "claimed_by"]
    list_select_related = ["subject", "property", "value_entity"]
    readonly_fields = ["created_at", "updated_at", "published_at"]
    fieldsets = [
        (None, {"fields": ["subject", "property"]}),
        (
            "Value",
            {
                "fields": ["value_entity", "value_text", ("quantity_low", "quantity_best", "quantity_high"), "quantity_unit"],
                "description": "Fill the value that matches the property's type: an entity, a text, "
                "or figures (low ≤ best ≤ high).",
            },
        ),
        ("When", {"fields": ["start", "end", "end_reason"]}),
        ("How sure", {"fields": ["certainty", "claimed_by", "rank", "note"]}),
        ("Review", {"fields": REVIEW_FIELDS}),
        ("Publishing", {"fields": ["status", "created_at", "updated_at", "published_at"]}),
    ]
    inlines = [StatementCitationInline]


@admin.register(Section)
class SectionAdmin(ContentAdmin):
    resource_classes = [SectionResource]
    list_display = [
        "__str__",
        "position",
        partial_date_column("as_of", "as of"),
        "needs_update",
        partial_date_column("flagged_on", "flagged"),
        "status",
    ]
    list_filter = ["status", "needs_update"]
    search_fields = ["title", "body", "entity__name"]
    autocomplete_fields = ["entity", "reviewed_by"]
    list_select_related = ["entity"]
    readonly_fields = ["cited_sources", "created_at", "updated_at", "published_at"]
    fieldsets = [
        (None, {"fields": ["entity", "title", "position", "body", "cited_sources", "note"]}),
        ("Review", {"fields": REVIEW_FIELDS}),
        ("Publishing", {"fields": ["status", "created_at", "updated_at", "published_at"]}),
    ]

    @admin.display(description="citations")
    def cited_sources(self, obj):
        """A section's citations follow its markers (no inline: a stale inline would block a conflicting save)."""
        citations = list(obj.citations.select_related("source")) if obj.pk else []
        if not citations:
            return "None yet: they follow the [@key] markers of the text when it is saved."
        return format_html_join(
            "",
            '<div><a href="{}">{}</a>{}</div>',
            (
                (reverse("admin:entities_sectioncitation_change", args=[c.pk]), c.source, f", {c.locator}" if c.locator else "")
                for c in citations
            ),
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        section_sync_citations(section=form.instance)


@admin.register(StatementCitation)
class StatementCitationAdmin(CitationAdmin):
    resource_classes = [StatementCitationResource]
    cited, cited_search = "statement", "statement__subject__name"
    list_select_related = ["statement__subject", "statement__property", "statement__value_entity", "source"]


@admin.register(SectionCitation)
class SectionCitationAdmin(SimpleHistoryAdmin):
    # Rows mirror the section's [@key, locator] markers; a stance belongs to the sourced facts (statements,
    # events), whose citation files carry it, so section citations keep the default ("reports").
    exclude = ["stance"]
    list_display = ["section", "source", "locator"]
    search_fields = ["source__key", "source__title", "section__title"]
    autocomplete_fields = ["section", "source"]
    list_select_related = ["section__entity", "source"]
