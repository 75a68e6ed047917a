"""The CSV shape of sources, and what every resource of a citing model shares: source keys and citations."""

from nrfsite.core.markup import citation_keys, keep_citations
from nrfsite.core.publishing import Publishable, Status, has_public_version
from nrfsite.editorial.roles import can_review
from nrfsite.interchange import dialect
from nrfsite.interchange.children import ChildSet
from nrfsite.interchange.columns import KeyWidget, date, partial_date, ref, text
from nrfsite.interchange.resources import BundleResource
from sources.citations import unknown_keys, unknown_keys_message
from sources.models import Source


class ContentResource(BundleResource):
    """The resource of every content model: an import writes only what the importing user may write.

    The rule is the editorial one (`can_review`): an Editor never changes what the public sees. By
    import an Editor may add drafts and change drafts; a row that would publish, or change a published
    row (or a row of a model with no draft state, which is public at once), is refused with its line.
    The system (the seed loader, `import_bundle` without --user) writes as a reviewer would.
    """

    def check_rights(self, row):
        user = self.import_user
        if user is None or row.kind == "skip" or can_review(user, self.model):
            return []
        if not issubclass(self.model, Publishable):
            return [
                (
                    "",
                    f"Only a reviewer may change {self.model._meta.verbose_name_plural} by import: they have no "
                    "draft state, so a change would be public at once.",
                )
            ]
        if row.before is not None and has_public_version(row.before["status"], row.before["pending_review"]):
            return [
                (
                    "",
                    "This row is published: only a reviewer may change it by import. An editor's change made "
                    "in the admin form waits there for review.",
                )
            ]
        if row.obj.status == Status.PUBLISHED:
            return [("status", 'Only a reviewer may publish: import the row as "draft" and a reviewer publishes it.')]
        return []


class SourceResource(ContentResource):
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
        fields = (
            "key",
            "title",
            "authors",
            "publisher",
            "source_type",
            "language",
            "published_on",
            "url",
            "archive_url",
            "accessed_on",
            "affiliation",
            "notes",
            "status",
        )
        export_order = fields
        import_id_fields = ("key",)


class CitingResource(ContentResource):
    """A resource of a model that cites sources: its `sources` cells and [@key] markers must name known sources.

    The source keys are loaded once per file, so checking markers and citations costs no query per row.
    """

    @property
    def source_keys(self):
        """A source-key widget, for citation child sets and markers."""
        if not hasattr(self, "_sources_widget"):
            self._sources_widget = KeyWidget(Source, "key")
        return self._sources_widget

    def reset_caches(self):
        super().reset_caches()
        self.source_keys.reset()

    def export_field(self, field, instance, **kwargs):
        if self.for_public and field.column_name in self.markup_columns:
            # A marker naming a draft source would put its key in a public file: only public ones stay.
            if not hasattr(self, "_public_keys"):
                self._public_keys = set(Source.objects.public().values_list("key", flat=True))
            text = keep_citations(getattr(instance, field.attribute) or "", self._public_keys)
            return dialect.escape_cell(text)
        return super().export_field(field, instance, **kwargs)

    def check_markup(self, values):
        problems = []
        for column in self.markup_columns:
            keys = citation_keys(values.get(column) or "")
            missing = unknown_keys(keys, known=self.source_keys.mapping()) if keys else []
            if missing:
                problems.append((column, unknown_keys_message(missing)))
        return problems


def citations_set(column, model, parent, related_name, *, derive=None):
    """A `sources` cell: source keys with optional locators, "wapo-2021, p. 2; bbc-2021"."""

    def parse_item(resource, text):
        source_key, _, locator = (part.strip() for part in text.partition(","))
        source_id = resource.source_keys.clean(source_key)
        return (source_id, locator), {"source_id": source_id, "locator": locator}

    def render_item(citation):
        return f"{citation.source.key}, {citation.locator}" if citation.locator else citation.source.key

    return ChildSet(
        column=column,
        model=model,
        parent=parent,
        parse_item=parse_item,
        render_item=render_item,
        child_key=lambda citation: (citation.source_id, citation.locator),
        derive=derive,
        related_name=related_name,
    )


def citation_resource(model, *, parent, parent_model, parent_key="slug"):
    """The resource of a citation table (statement_citations.csv, event_citations.csv).

    One row per citation, keyed by the cited row, the source and the locator, with the quoted passage and
    its translation. Statement and event citations have the same shape, so it is declared once, here.
    """
    key = (parent, "source", "locator")
    fields = (*key, "quote", "quote_translation")
    file_name = f"{parent}_citations.csv"
    return type(
        f"{model.__name__}Resource",
        (ContentResource,),
        {
            "__module__": __name__,
            "__doc__": f"{file_name}: the quoted passage behind each citation of a {parent}.",
            "file_name": file_name,
            "key_columns": key,
            "order_by": (f"{parent}__{parent_key}", "source__key", "locator"),
            "select_related": (parent, "source"),
            parent: ref(parent, parent_model, parent_key),
            "source": ref("source", Source, "key"),
            "locator": text("locator"),
            "quote": text("quote"),
            "quote_translation": text("quote_translation"),
            "Meta": type("Meta", (), {"model": model, "fields": fields, "export_order": fields, "import_id_fields": key}),
        },
    )
