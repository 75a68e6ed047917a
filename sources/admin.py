from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When
from django.http import JsonResponse
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from nrfsite.core.translations import translated_fields
from nrfsite.core.widgets import MarkupTextarea
from nrfsite.editorial.admin import EditorialAdmin, EditorialInline, NamedBlankFilter, partial_date_column
from nrfsite.interchange.admin import CSVAdminMixin
from sources.citations import validate_markers
from sources.models import Source
from sources.preview import MAX_PREVIEW_CHARS, preview
from sources.resources import SourceResource

CITE_SEARCH_LIMIT = 20  # a picker's list: enough to choose from, short enough to read with arrow keys
CITE_SEARCH_MAX_CHARS = 200


class MarkupEditing:
    """Every text field that takes [@key] markers (its validator is `validate_markers`) is edited in the
    Markdown box: a live preview with footnotes, and a picker that cites a source (`MarkupTextarea`)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if validate_markers in getattr(db_field, "validators", ()):
            kwargs["widget"] = MarkupTextarea(
                preview_url="admin:sources_source_markup_preview", search_url="admin:sources_source_cite_search"
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class ContentAdmin(MarkupEditing, EditorialAdmin, CSVAdminMixin):
    """The admin of every content model: the editorial workflow (nrfsite.editorial) and CSV buttons
    (nrfsite.interchange). The two mechanisms know nothing of each other; the apps combine them here."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and db_field.name in translated_fields(self.model):
            # A text whose translations sit beside it is written left to right in the right-to-left admin
            # (English; a source's title as published in its own script, hence "auto").
            formfield.widget.attrs.setdefault("dir", "auto")
        return formfield


class BacksField(forms.MultipleChoiceField):
    """The parts of a fact a citation backs, as checkboxes, stored as the model's comma-separated text."""

    widget = forms.CheckboxSelectMultiple

    def prepare_value(self, value):
        return [part for part in value.split(",") if part] if isinstance(value, str) else value

    def clean(self, value):
        return ",".join(super().clean(value))

    def has_changed(self, initial, data):
        return set(self.prepare_value(initial or "")) != set(data or [])  # the order ticked is not a change


class CitationInline(EditorialInline, admin.TabularInline):
    """The citation inline every cited model's admin uses: the source by key and title, where, its stance, the quote."""

    extra = 0
    autocomplete_fields = ["source"]
    fields = ["source", "locator", "stance", "backs", "quote", "quote_translation"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # A row of the table, not a form of its own: short boxes that grow with the column (admin.css), so the
        # inline fits a 1366-px screen (Django's 40 × 10 textareas made it 2,233 px wide).
        if db_field.name in ("quote", "quote_translation"):
            kwargs["widget"] = forms.Textarea(attrs={"rows": 3, "cols": 24, "dir": "auto"})
        elif db_field.name == "locator":
            kwargs["widget"] = forms.TextInput(attrs={"size": 12})
        if db_field.name == "backs":
            return BacksField(
                choices=list(self.model.BACKS.items()),
                required=False,
                label=gettext("Backs"),
                help_text=gettext("Only these parts of the fact; none ticked: the fact as a whole."),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class CitationAdmin(ContentAdmin):
    """The admin of a citation table; a subclass names the citing field (`cited`) and how to search it."""

    cited = ""  # "statement", "event"
    cited_search = ""  # "statement__subject__name"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.list_display = [cls.cited, "source", "locator", "stance"]
        cls.list_filter = ["stance"]
        cls.search_fields = ["source__key", "source__title", cls.cited_search]
        cls.autocomplete_fields = [cls.cited, "source"]


class SourceForm(forms.ModelForm):
    def clean_found_in(self):
        work = self.cleaned_data.get("found_in")
        if work is not None and self.instance.found_in_loops(work):
            raise forms.ValidationError(
                gettext("A source cannot be a reference of itself, directly or through another."), code="reference_loop"
            )
        return work


@admin.register(Source)
class SourceAdmin(ContentAdmin):
    form = SourceForm
    resource_classes = [SourceResource]
    list_display = [
        "key",
        "title",
        "publisher",
        "source_type",
        partial_date_column("published_on", _("published")),
        "affiliation",
        "status",
    ]
    list_filter = ["status", "source_type", "affiliation", ("language", NamedBlankFilter)]
    search_fields = ["key", "title", "publisher", "authors", "title_en", "title_prs", "title_ps"]
    autocomplete_fields = ["found_in"]
    readonly_fields = ["created_at", "updated_at", "published_at"]
    fieldsets = [
        (None, {"fields": ["key", "title", "authors", "publisher", "source_type", "language", "published_on"]}),
        (_("The title translated"), {"fields": ["title_en", "title_prs", "title_ps"], "classes": ["collapse"]}),
        (_("Where to read it"), {"fields": ["url", "archive_url", "archived_on", "accessed_on", "wikidata_id"]}),
        (
            _("Known only as a reference of another work"),
            {"fields": ["found_in", "found_as"], "description": _("Until the publication itself is identified.")},
        ),
        (_("Judging it"), {"fields": ["affiliation", "notes"]}),
        (_("Publishing"), {"fields": ["status", "created_at", "updated_at", "published_at"]}),
    ]

    # The Markdown box's endpoints (MarkupTextarea) ------------------------------------------------------------

    def get_urls(self):
        # Before the model's own URLs: "<path:object_id>/" would take "markup-preview/" for an object's id.
        # admin_view: staff only, and CSRF-checked; the preview changes nothing but is a POST for its long text.
        preview_view = self.admin_site.admin_view(require_POST(self.markup_preview_view))
        search_view = self.admin_site.admin_view(require_GET(self.cite_search_view))
        return [
            path("markup-preview/", preview_view, name="sources_source_markup_preview"),
            path("cite-search/", search_view, name="sources_source_cite_search"),
            *super().get_urls(),
        ]

    def markup_preview_view(self, request):
        """A markup text (POST `text`) rendered as its public page renders it: {html, references, unknown_keys, warning}."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        text = request.POST.get("text", "")
        if len(text) > MAX_PREVIEW_CHARS:
            message = gettext("The text is %(length)s characters long; a preview takes up to %(limit)s.") % {
                "length": f"{len(text):,}",
                "limit": f"{MAX_PREVIEW_CHARS:,}",
            }
            return JsonResponse({"error": message}, status=413)
        shown = preview(text)
        return JsonResponse(
            {"html": shown.html, "references": shown.references, "unknown_keys": shown.unknown, "warning": shown.warning}
        )

    def cite_search_view(self, request):
        """Sources whose key, title, publisher or authors hold every word of `q` (the change list's own search),
        for the citation picker: [{key, title, publisher, date}], keys starting with `q` first, in one query.

        Drafts too: a marker may name a draft source (saving accepts it; readers see no footnote until it is
        published). Not the admin's autocomplete: that answers {id, text} for one foreign key, not a key to type."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        term = request.GET.get("q", "").strip()[:CITE_SEARCH_MAX_CHARS]
        if not term:
            return JsonResponse([], safe=False)
        found, _ = self.get_search_results(request, Source.objects.all(), term)
        found = found.annotate(
            key_first=Case(When(key__istartswith=term, then=Value(0)), default=Value(1), output_field=IntegerField())
        ).order_by("key_first", "key")
        rows = [
            {
                "key": source.key,
                "title": source.title,
                "publisher": source.publisher,
                "date": str(source.published_on_partial or ""),
            }
            for source in found[:CITE_SEARCH_LIMIT]
        ]
        return JsonResponse(rows, safe=False)
