"""The CSV shape of sources."""

from nrfsite.resources import BundleResource, date, partial_date, text
from sources.models import Source


class SourceResource(BundleResource):
    """sources.csv: one row per source, keyed by its citation key."""

    file_name = "sources.csv"
    key_columns = ("key",)
    order_by = ("key",)

    key = text("key")
    title = text("title")
    authors = text("authors")
    publisher = text("publisher")
    source_type = text("source_type")
    language = text("language")
    published_on = partial_date("published_on")
    url = text("url")
    archive_url = text("archive_url")
    accessed_on = date("accessed_on")
    affiliation = text("affiliation")
    notes = text("notes")
    status = text("status")

    class Meta:
        model = Source
        fields = ("key", "title", "authors", "publisher", "source_type", "language", "published_on", "url",
                  "archive_url", "accessed_on", "affiliation", "notes", "status")
        export_order = fields
        import_id_fields = ("key",)
