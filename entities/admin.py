from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
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
from entities.services import ResolutionRefused, contradicting, resolve_contradiction, section_sync_citations
from nrfsite.core.translations import translation_fieldsets
from nrfsite.editorial.admin import EditorialInline, NamedBlankFilter, partial_date_column
from nrfsite.editorial.forms import TranslationsCurrentForm
from nrfsite.editorial.roles import can_review
from sources.admin import CitationAdmin, CitationInline, ContentAdmin, MarkupEditing

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

    @admin.display(description=_("footnotes"))
    def footnotes(self, obj):
        count = getattr(obj, "citation_count", None)
        return "—" if count is None else (count or gettext("none: citation needed"))


class SectionInline(MarkupEditing, EditorialInline, admin.StackedInline):
    model = Section
    extra = 0
    fields = ["position", "title", "body", "status", "needs_update", "update_reason", "flagged_on", "as_of"]
    show_change_link = True


@admin.register(Entity)
class EntityAdmin(ContentAdmin):
    resource_classes = [EntityResource]
    list_display = ["name", "kind", "slug", partial_date_column("start"), partial_date_column("end"), "status"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "slug", "description", "aliases__name", "name_prs", "name_ps"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    readonly_fields = ["created_at", "updated_at", "published_at"]
    fieldsets = [
        (None, {"fields": ["kind", "name", "slug", "description", "start", "end"]}),
        (_("Place"), {"fields": ["parent", "iso_code", "latitude", "longitude"], "classes": ["collapse"]}),
        *translation_fieldsets("name", "description"),
        (_("Identifiers and publishing"), {"fields": ["wikidata_id", "status", "created_at", "updated_at", "published_at"]}),
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
    list_filter = [("language", NamedBlankFilter)]
    search_fields = ["name", "entity__name"]
    autocomplete_fields = ["entity"]
    list_select_related = ["entity"]


@admin.register(Property)
class PropertyAdmin(ContentAdmin):
    resource_classes = [PropertyResource]
    list_display = [
        "label",
        "slug",
        "inverse_label",
        "value_type",
        "infobox_position",
        "review_every",
        "wikidata_property",
        "membership_role",
    ]
    list_filter = ["value_type"]
    search_fields = ["label", "slug", "label_prs", "label_ps"]


class StatementCitationInline(CitationInline):
    model = StatementCitation


class ResolutionForm(forms.Form):
    preferred = forms.TypedChoiceField(
        label=_("Editors prefer"), widget=forms.RadioSelect, coerce=int, error_messages={"required": _("Choose one.")}
    )
    reason = forms.CharField(
        label=_("Because"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text=_(
            "Readers see “Sources differ; editors prefer this because …” followed by what you write here, "
            "beside both values and their footnotes."
        ),
        error_messages={"required": _("Say why: readers see the reason.")},
    )

    def __init__(self, *args, statements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred"].choices = [(s.pk, s.value_display()) for s in statements]


@admin.register(Statement)
class StatementAdmin(ContentAdmin):
    resource_classes = [StatementResource]
    change_form_template = "admin/entities/statement/change_form.html"
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
            _("Value"),
            {
                "fields": ["value_entity", "value_text", ("quantity_low", "quantity_best", "quantity_high"), "quantity_unit"],
                "description": _(
                    "Fill the value that matches the property's type: an entity, a text, or figures (low ≤ best ≤ high)."
                ),
            },
        ),
        (_("When"), {"fields": ["start", "end", "end_reason"]}),
        (_("How sure"), {"fields": ["certainty", "claimed_by", "note"]}),
        (
            _("Rank"),
            {
                "fields": ["rank", "rank_reason", "superseded_by"],
                "description": _(
                    "Where sources differ, “Resolve contradiction” (above) sets these for every statement involved at once."
                ),
            },
        ),
        (_("Review"), {"fields": REVIEW_FIELDS}),
        (_("Publishing"), {"fields": ["status", "created_at", "updated_at", "published_at"]}),
    ]
    inlines = [StatementCitationInline]

    def get_autocomplete_fields(self, request):
        return [*super().get_autocomplete_fields(request), "superseded_by"]

    def get_urls(self):
        resolve = path(
            "<path:object_id>/resolve/",
            self.admin_site.admin_view(self.resolve_view),
            name="entities_statement_resolve",
        )
        return [resolve, *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        statement = self.get_object(request, object_id)
        extra = {"contradicted": bool(statement and contradicting(statement)), **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def resolve_view(self, request, object_id):
        """Record which of the contradicting statements editors prefer, and why (entities.services)."""
        statement = get_object_or_404(Statement.objects.select_related("subject", "property"), pk=object_id)
        if not self.has_change_permission(request, statement):
            raise PermissionDenied
        statements = contradicting(statement)
        change_url = reverse("admin:entities_statement_change", args=[statement.pk])
        if not statements:
            self.message_user(request, gettext("This statement contradicts no other published one: nothing to resolve."))
            return redirect(change_url)
        form = ResolutionForm(request.POST or None, statements=statements, initial={"preferred": statement.pk})
        if request.method == "POST" and form.is_valid():
            preferred = next(s for s in statements if s.pk == form.cleaned_data["preferred"])
            others = [s for s in statements if s.pk != preferred.pk]
            try:
                report = resolve_contradiction(
                    preferred=preferred, others=others, reason=form.cleaned_data["reason"], user=request.user
                )
            except ResolutionRefused as refused:
                for error in refused.errors:
                    form.add_error(None, error)
            else:
                held = report.count("held")
                if held:
                    message = ngettext(
                        "Your resolution (editors prefer “%(value)s”) waits for a reviewer: %(count)d statement(s) "
                        "changed, readers see them as before until it is published.",
                        "Your resolution (editors prefer “%(value)s”) waits for a reviewer: %(count)d statement(s) "
                        "changed, readers see them as before until it is published.",
                        held,
                    ) % {"value": preferred.value_display(), "count": held}
                else:
                    message = ngettext(
                        "Resolved: editors prefer “%(value)s”; the other(s) are deprecated.",
                        "Resolved: editors prefer “%(value)s”; the other(s) are deprecated.",
                        len(others),
                    ) % {"value": preferred.value_display()}
                self.message_user(request, message, messages.SUCCESS)
                return redirect(reverse("admin:entities_statement_change", args=[preferred.pk]))
        choices = list(zip(form["preferred"], statements, strict=True))
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Resolve a contradiction: %(subject)s — %(property)s")
            % {"subject": statement.subject, "property": statement.property},
            "opts": self.model._meta,
            "original": statement,
            "form": form,
            "choices": choices,
            "can_review": can_review(request.user, Statement),
            "dates_only": len({s.value_display() for s in statements}) == 1,
        }
        return TemplateResponse(request, "admin/entities/statement/resolve.html", context)


@admin.register(Section)
class SectionAdmin(ContentAdmin):
    form = TranslationsCurrentForm
    resource_classes = [SectionResource]
    list_display = [
        "__str__",
        "position",
        partial_date_column("as_of", _("as of")),
        "needs_update",
        partial_date_column("flagged_on", _("flagged")),
        "status",
    ]
    list_filter = ["status", "needs_update"]
    search_fields = ["title", "body", "entity__name", "title_prs", "title_ps"]
    autocomplete_fields = ["entity", "reviewed_by"]
    list_select_related = ["entity"]
    readonly_fields = ["cited_sources", "created_at", "updated_at", "published_at"]
    fieldsets = [
        (None, {"fields": ["entity", "title", "position", "body", "cited_sources", "note"]}),
        *translation_fieldsets("title", "body"),
        (_("Translations"), {"fields": ["translations_current"]}),
        (_("Review"), {"fields": REVIEW_FIELDS}),
        (_("Publishing"), {"fields": ["status", "created_at", "updated_at", "published_at"]}),
    ]

    @admin.display(description=_("citations"))
    def cited_sources(self, obj):
        """A section's citations follow its markers (no inline: a stale inline would block a conflicting save)."""
        citations = list(obj.citations.select_related("source")) if obj.pk else []
        if not citations:
            return gettext("None yet: they follow the [@key] markers of the text when it is saved.")
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
    # Rows mirror the section's [@key, locator] markers; a stance and the parts backed belong to the sourced
    # facts (statements, events), whose citation files carry them, so section citations keep the defaults.
    exclude = ["stance", "backs"]
    list_display = ["section", "source", "locator"]
    search_fields = ["source__key", "source__title", "section__title"]
    autocomplete_fields = ["section", "source"]
    list_select_related = ["section__entity", "source"]
