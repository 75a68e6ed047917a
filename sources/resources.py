"""The CSV shape of sources, and what every resource of a citing model shares: source keys and citations."""

from django.utils.translation import gettext

from nrfsite.core.markup import citation_keys, keep_citations, parse_citations
from nrfsite.core.publishing import Publishable, Status
from nrfsite.editorial import pending
from nrfsite.editorial import services as editorial
from nrfsite.editorial.roles import can_review
from nrfsite.interchange import dialect
from nrfsite.interchange.children import ChildSet
from nrfsite.interchange.columns import KeyWidget, date, partial_date, ref, text, translation
from nrfsite.interchange.resources import BundleResource
from sources.citations import unknown_keys, unknown_keys_message
from sources.models import Source


class ContentResource(BundleResource):
    """The resource of every content model: an import writes only what the importing user may write.

    The rule is the editorial one (`held_item`): an Editor never changes what the public sees. By
    import an Editor adds drafts and changes drafts; a changed published row becomes a pending change
    that waits for a reviewer, exactly as the same edit in the admin form does; a row that would
    publish or unpublish, or change a row of a model with no draft state, is refused with its line.
    The system (the seed loader, `import_bundle` without --user) writes as a reviewer would.
    """

    def check_rights(self, row):
        user = self.import_user
        if user is None or row.kind == "skip" or can_review(user, self.model):
            return []
        if not issubclass(self.model, Publishable):
            message = gettext(
                "Only a reviewer may change %(items)s by import: they have no draft state, so a change would be public "
                "at once. Change them in their item's own row (its sources or participants cell), where the change "
                "waits for review."
            )
            return [("", message % {"items": self.model._meta.verbose_name_plural})]
        if row.before is not None and row.before["status"] == Status.PUBLISHED:
            if row.obj.status != Status.PUBLISHED:
                return [("status", gettext("Only a reviewer may unpublish: this row is published."))]
            row.kind = "held"  # the live row stays; the change waits for a reviewer
            return []
        if row.obj.status == Status.PUBLISHED:
            return [("status", gettext('Only a reviewer may publish: import the row as "draft" and a reviewer publishes it.'))]
        return []

    def hold_rows(self, rows, report, *, user, reason):
        """Each changed published row becomes the user's pending change, its live row untouched.

        The change is the row as the file gives it (over the live row, for columns the file leaves out);
        the children's own files are not part of an import's change: they are imported on their own.
        """
        for row in rows:
            item = type(row.obj)._default_manager.get(pk=row.obj.pk)
            live = pending.adapter_for(type(item)).snapshot(item, children=False)
            changed = {**live[self.file_name][0], **dict(zip(report.header, row.cells, strict=True))}
            try:
                editorial.submit_change(item=item, rows={self.file_name: [changed]}, user=user, reason=reason)
            except editorial.PendingConflict as conflict:
                report.refuse(row.line, row.cells, [("", conflict_message(conflict.change))])
                continue
            report.add_row(row.line, "held", self.describe_obj(item), row.cells, row.changes, instance=item)


def conflict_message(change):
    who = change.author.get_username() if change.author else gettext("Another editor")
    return gettext(
        "%(author)s's change to this row waits for a reviewer; importing would replace it. Ask a reviewer to publish "
        "or reject it first."
    ) % {"author": who}


class RowSnapshots:
    """The pending-change adapter of a publishable model (nrfsite.editorial.pending): CSV rows are the snapshot.

    A change is kept as the rows the exporter writes (the item's row, and its children's rows in their own
    files, as a bundle would hold them) and published by importing those rows as the reviewer, so a pending
    change is checked exactly as an import is.
    """

    def __init__(self, resource_class, child_resources=()):
        self.resource_class = resource_class
        self.child_resources = child_resources  # [(resource class, its foreign key to the item)]

    def snapshot(self, obj, *, children=True):
        rows = {self.resource_class.file_name: export_rows(self.resource_class, pk=obj.pk)}
        for resource_class, parent in self.child_resources if children else ():
            rows[resource_class.file_name] = export_rows(resource_class, **{parent: obj.pk})
        return rows

    def apply(self, obj, rows, *, user, reason):
        by_file = {resource_class.file_name: resource_class for resource_class, _ in self.child_resources}
        by_file[self.resource_class.file_name] = self.resource_class
        errors = []
        for file_name, file_rows in rows.items():  # the item's own file first: it makes the children's set
            if not file_rows:
                continue
            header = list(file_rows[0])
            table = dialect.Table(header, [(line, [r.get(c, "") for c in header]) for line, r in enumerate(file_rows, 2)])
            report = by_file[file_name]().run_import(table, user=user, reason=reason, keep_rows=False)
            errors += [str(error) for error in report.errors]
        return errors

    def owns(self, model):
        return any(child.model is model for child in self.resource_class.child_sets if child.column)


def export_rows(resource_class, **lookup):
    """The rows `lookup` selects as the resource exports them: [{column: cell}]."""
    resource = resource_class()
    rows = resource.export_rows(queryset=resource.model._default_manager.filter(**lookup))
    header = next(rows)
    return [dict(zip(header, cells, strict=True)) for cells in rows]


def register_pending(*resource_classes):
    """Publishable models keep editors' changes as pending CSV rows of their resources (in AppConfig.ready()).

    A child set the row lists (citations, participants, aliases) is part of the item: a change to one of
    those rows is a change to the item, and its own file's rows (quotes, notes) travel with the item's.
    """
    by_model = {resource_class.Meta.model: resource_class for resource_class in resource_classes}
    for resource_class in resource_classes:
        children = [child for child in resource_class.child_sets if child.column]
        for child in children:
            pending.register_part(child.model, child.parent)
        if issubclass(resource_class.Meta.model, Publishable):
            child_resources = [(by_model[child.model], child.parent) for child in children if child.model in by_model]
            pending.register(resource_class.Meta.model, RowSnapshots(resource_class, child_resources))


class SourceResource(ContentResource):
    """sources.csv: one row per source, keyed by its citation key; `found_in` names the work it is a reference of."""

    file_name = "sources.csv"
    key_columns = ("key",)
    order_by = ("key",)
    self_reference = "found_in"

    key = text("key")
    title = text("title")
    authors = text("authors")
    publisher = text("publisher")
    source_type = text("source_type")
    language = text("language")
    published_on = partial_date("published_on")
    url = text("url")
    archive_url = text("archive_url")
    archived_on = date("archived_on")
    accessed_on = date("accessed_on")
    affiliation = text("affiliation")
    found_in = ref("found_in", Source, "key")
    found_as = text("found_as")
    wikidata_id = text("wikidata_id")
    notes = text("notes")
    title_en = translation("title_en")
    title_prs = translation("title_prs")
    title_ps = translation("title_ps")
    status = text("status")

    def export_field(self, field, instance, **kwargs):
        if self.for_public and field.column_name == "found_in" and not instance.work:
            return ""  # a public file never names a draft source
        return super().export_field(field, instance, **kwargs)

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
            "archived_on",
            "accessed_on",
            "affiliation",
            "found_in",
            "found_as",
            "wikidata_id",
            "notes",
            "title_en",
            "title_prs",
            "title_ps",
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
        render_related=("source",),
    )


def marker_items(field):
    """A child set's `derive`: the [@key, locator] markers of the row's markup `field`, as `sources` items."""

    def items(resource, obj):
        text = getattr(obj, field) or ""
        return [f"{cite.key}, {cite.locator}" if cite.locator else cite.key for cite in parse_citations(text)]

    return items


def citation_resource(model, *, parent, parent_model, parent_key="slug"):
    """The resource of a citation table (statement_citations.csv, event_citations.csv).

    One row per citation, keyed by the cited row, the source and the locator, with what the source does with
    the claim (stance), the part(s) of the fact it backs, the quoted passage and its translation. Statement
    and event citations have the same shape, so it is declared once, here.
    """
    key = (parent, "source", "locator")
    fields = (*key, "stance", "backs", "quote", "quote_translation")
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
            "stance": text("stance"),
            "backs": text("backs"),
            "quote": text("quote"),
            "quote_translation": text("quote_translation"),
            # A public file: public citations (of a published source) of public rows only.
            "public_queryset": lambda self: model.objects.public().filter(
                **{f"{parent}__in": parent_model._default_manager.public()}
            ),
            "Meta": type("Meta", (), {"model": model, "fields": fields, "export_order": fields, "import_id_fields": key}),
        },
    )
