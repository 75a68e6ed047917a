"""`BundleResource`: a model's CSV shape, with the strict importer and the streaming exporter behind it.

Each app's `resources.py` declares a subclass: its columns (django-import-export `Field`s made with the
helpers of `columns`), its natural key and its child sets (`participants`, `sources`), and registers it
with `registry` in its AppConfig.ready(). The admin's import/export buttons, the `import_bundle` and
`export_bundle` commands and public downloads all go through these classes.
"""

from django.db.models import Prefetch
from django.db.models.constants import LOOKUP_SEP
from import_export import resources

from nrfsite.core import keyset
from nrfsite.interchange import dialect
from nrfsite.interchange.adapter import AdminImportMixin
from nrfsite.interchange.columns import LIST_SEPARATOR
from nrfsite.interchange.importer import ImporterMixin

EXPORT_CHUNK = 2000  # rows read (with their children) at a time when exporting
# A public download's first chunk: its first rows reach the reader at once (the chunks double from there
# up to EXPORT_CHUNK). At 100,000 events the first row of a CSV of every event had waited for 200 rows.
PUBLIC_FIRST_CHUNK = 20


PRIVATE_COLUMNS = frozenset({"note", "notes", "status"})


class BundleResource(AdminImportMixin, ImporterMixin, resources.ModelResource):
    """A model's CSV shape, and the strict bulk importer and streaming exporter behind it."""

    file_name = ""  # its file in a bundle: "events.csv"
    key_columns = ("slug",)  # the natural key, as column names
    child_sets = ()  # ChildSet specs
    self_reference = ""  # a column naming a row of the same model (entities' parent), resolved after insert
    markup_columns = ()  # columns holding markup, checked by `check_markup` instead of their field validators
    select_related = ()
    order_by = ("slug",)
    for_public = False  # a public download: subclasses leave out what readers may not see (draft sources' keys)

    @property
    def model(self):
        return self._meta.model

    # Export -----------------------------------------------------------------

    def public_queryset(self):
        """The rows a public file holds: what readers may see (the model's `public()`; a vocabulary is all
        public). A child's resource narrows it to the children of public rows."""
        manager = self.model._default_manager
        return manager.public() if hasattr(manager, "public") else manager.all()

    def filter_export(self, queryset, **kwargs):
        """The queryset a file is written from: its rows in the file's order, with each child set's
        children fetched into a plain list (`ChildSet.exported_as`).

        A list, not the related manager's cache: filling a manager's cache clones a queryset for every row,
        which was a quarter of the time of a CSV of 12,500 events. In a public file a cell lists only the
        children a reader may see (no draft source's key), unless the caller's queryset already chose which
        (a page's selector): its choice is kept, and fetched once.
        """
        given = {getattr(lookup, "prefetch_to", lookup): lookup for lookup in queryset._prefetch_related_lookups}
        children = []
        for child in self.child_sets:
            if not child.column:
                continue
            chosen = getattr(given.get(child.related_name), "queryset", None)
            if chosen is None:
                manager = child.model._default_manager
                chosen = manager.public() if self.for_public else manager.all()
            fetched = chosen.select_related(*child.render_related)
            children.append(Prefetch(child.related_name, queryset=fetched, to_attr=child.exported_as))
        exported = {child.related_name for child in self.child_sets if child.column}
        others = [
            lookup
            for to, lookup in given.items()
            if to.split(LOOKUP_SEP)[0] not in exported  # a child set's own lookups are replaced by its list
        ]
        return (
            queryset.select_related(*self.select_related)
            .prefetch_related(None)
            .prefetch_related(*others, *children)
            .order_by(*self.order_by)
        )

    def export_field(self, field, instance, **kwargs):
        child_set = next((c for c in self.child_sets if c.column and c.column == field.column_name), None)
        if child_set is not None:
            return dialect.escape_cell(self.render_child_set(child_set, instance))
        value = super().export_field(field, instance, **kwargs)
        return dialect.escape_cell("" if value is None else str(value))

    def export_rows(self, queryset=None):
        """The header, then each row's cells (escaped), streamed in chunks: memory does not grow with the table.

        A public file leaves out the editors' working notes and the publishing state (every row in it is
        published): `PRIVATE_COLUMNS`. A bundle (the backup and round-trip format) keeps every column.
        """
        queryset = self.filter_export(self.get_queryset() if queryset is None else queryset)
        header = self.get_export_headers()
        kept = [i for i, column in enumerate(header) if not (self.for_public and column in PRIVATE_COLUMNS)]
        yield [header[i] for i in kept]
        for obj in self.iter_queryset(queryset):
            cells = self.export_resource(obj)
            yield cells if len(kept) == len(header) else [cells[i] for i in kept]

    def iter_queryset(self, queryset):
        """The rows in keyset chunks (`keyset.chunks`) of up to EXPORT_CHUNK, each with its prefetched
        children.

        django-import-export pages a prefetching queryset with LIMIT/OFFSET (its workaround from before
        Django 4.1 let iterator() prefetch), so every page re-reads all the rows before it: on PostgreSQL,
        exporting 100,000 events (501,055 rows) ran over 10 minutes, against 129 s in one pass.
        """
        first = PUBLIC_FIRST_CHUNK if self.for_public else EXPORT_CHUNK  # a bundle's reader waits for the file
        yield from keyset.chunks(queryset, self.order_by, EXPORT_CHUNK, first=first)

    def render_child_set(self, child_set, obj):
        children = getattr(obj, child_set.exported_as, None)
        if children is None:  # a row that did not come through `filter_export`
            children = getattr(obj, child_set.related_name).all()
        return f"{LIST_SEPARATOR} ".join(sorted(child_set.render_item(child) for child in children))
