from django import forms
from django.contrib import admin

from nrfsite.editorial.admin import EditorialAdmin, EditorialInline, NamedBlankFilter, partial_date_column
from nrfsite.interchange.admin import CSVAdminMixin
from sources.models import Source
from sources.resources import SourceResource


class ContentAdmin(EditorialAdmin, CSVAdminMixin):
    """The admin of every content model: the editorial workflow (nrfsite.editorial) and CSV buttons
    (nrfsite.interchange). The two mechanisms know nothing of each other; the apps combine them here."""


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
        if db_field.name == "backs":
            return BacksField(
                choices=list(self.model.BACKS.items()),
                required=False,
                label="Backs",
                help_text="Only these parts of the fact; none ticked: the fact as a whole.",
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
            raise forms.ValidationError("A source cannot be a reference of itself, directly or through another.")
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
        partial_date_column("published_on", "published"),
        "affiliation",
        "status",
    ]
    list_filter = ["status", "source_type", "affiliation", ("language", NamedBlankFilter)]
    search_fields = ["key", "title", "publisher", "authors"]
    autocomplete_fields = ["found_in"]
    readonly_fields = ["created_at", "updated_at", "published_at"]
    fieldsets = [
        (None, {"fields": ["key", "title", "authors", "publisher", "source_type", "language", "published_on"]}),
        ("Where to read it", {"fields": ["url", "archive_url", "accessed_on", "wikidata_id"]}),
        (
            "Known only as a reference of another work",
            {"fields": ["found_in", "found_as"], "description": "Until the publication itself is identified."},
        ),
        ("Judging it", {"fields": ["affiliation", "notes"]}),
        ("Publishing", {"fields": ["status", "created_at", "updated_at", "published_at"]}),
    ]
