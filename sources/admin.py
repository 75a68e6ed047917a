from django.contrib import admin

from nrfsite.admin_columns import partial_date_column
from nrfsite.admin_workflow import EditorialAdmin
from sources.models import Source
from sources.resources import SourceResource


@admin.register(Source)
class SourceAdmin(EditorialAdmin):
    resource_classes = [SourceResource]
    list_display = ["key", "title", "publisher", "source_type", partial_date_column("published_on", "published"),
                    "affiliation", "status"]
    list_filter = ["status", "source_type", "affiliation", "language"]
    search_fields = ["key", "title", "publisher", "authors"]
    readonly_fields = ["created_at", "updated_at", "published_at"]
    fieldsets = [
        (None, {"fields": ["key", "title", "authors", "publisher", "source_type", "language", "published_on"]}),
        ("Where to read it", {"fields": ["url", "archive_url", "accessed_on"]}),
        ("Judging it", {"fields": ["affiliation", "notes"]}),
        ("Publishing", {"fields": ["status", "created_at", "updated_at", "published_at"]}),
    ]
