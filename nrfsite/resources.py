"""The CSV importer and exporter every model's resource shares.

Each app's `resources.py` declares a `BundleResource` subclass: its columns
(django-import-export `Field`s with the widgets below), its natural key and
its child sets (`participants`, `sources`). The admin's import/export buttons,
the `import_bundle`/`export_bundle` commands and public downloads all go
through these classes.

Import is all or nothing: every row of a file is parsed and validated as
strictly as the admin form does (types, choices, lengths, partial dates,
references, check constraints), every problem is reported with its line and
column, and nothing is kept unless there is none: rows are checked and written
a chunk at a time inside the caller's transaction, which rolls back on any
error. References resolve through key maps loaded once per file, check
constraints are evaluated in Python, and rows are written in bulk with their
revision rows, so a 100,000 row file needs a few hundred queries, not a few
per row, and memory follows the chunk, not the file.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from import_export import resources, widgets
from import_export.formats import base_formats
from import_export.results import Error, Result, RowResult

from nrfsite import csvio
from nrfsite.dates import PartialDate, PartialDateError
from nrfsite.markup import citation_keys, clean_text
from sources.citations import unknown_keys, unknown_keys_message

BATCH = 500
CHUNK = 2000  # rows whose children and revisions are built at once
IMPORT_CHUNK = 5000  # rows checked and written at a time
ANALYZE_AFTER = 1000  # rows written by one file after which PostgreSQL's planner statistics are refreshed
LOOKUP_CHUNK = 500
EXPORT_CHUNK = 2000  # rows read (with their children) at a time when exporting
LIST_SEPARATOR = ";"

# Widgets ---------------------------------------------------------------


class TextWidget(widgets.Widget):
    """Text as it is, minus NUL bytes and bidirectional overrides; an empty cell is an empty string."""

    def clean(self, value, row=None, **kwargs):
        return "" if value is None else clean_text(str(value))

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class IntegerWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip()
        if not value:
            return None
        try:
            return int(value)
        except ValueError:
            raise ValueError(f'"{value}" is not a whole number.') from None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class DecimalWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip().replace(",", "")
        if not value:
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise ValueError(f'"{value}" is not a number.') from None
        if not number.is_finite():
            raise ValueError(f'"{value}" is not a number.')
        return number

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        text = f"{Decimal(value).normalize():f}"
        return text


class BooleanWidget(widgets.Widget):
    TRUE = {"true", "1", "yes", "y"}
    FALSE = {"false", "0", "no", "n", ""}

    def clean(self, value, row=None, **kwargs):
        text = (value or "").strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValueError(f'"{value}" is not true or false.')

    def render(self, value, obj=None, **kwargs):
        return "true" if value else "false"


class DateWidget(widgets.Widget):
    """A full date, as YYYY-MM-DD."""

    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip()
        if not value:
            return None
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f'"{value}" is not a date in the form YYYY-MM-DD.') from None

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class PartialDateWidget(widgets.Widget):
    """A partial date: "2021", "2021-08", "17 August 2021", "c. 2021"; exported in ISO form."""

    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip()
        if not value:
            return None
        try:
            return PartialDate.parse(value)
        except PartialDateError as error:
            raise ValueError(str(error)) from None

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class KeyWidget(widgets.Widget):
    """A foreign key by natural key (slug or source key), resolved through a map loaded once per import."""

    def __init__(self, model, field="slug", *, instances=False, **kwargs):
        super().__init__(**kwargs)
        self.model = model
        self.field = field
        self.instances = instances  # keep whole objects, for models whose clean() reads the related row
        self._map = None

    def reset(self):
        self._map = None

    def mapping(self):
        if self._map is None:
            queryset = self.model._default_manager.all()
            if self.instances:
                self._map = {getattr(obj, self.field): obj for obj in queryset}
            else:
                self._map = dict(queryset.values_list(self.field, "pk"))
        return self._map

    def add(self, key, obj):
        self.mapping()[key] = obj if self.instances else obj.pk

    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip()
        if not value:
            return None
        try:
            return self.mapping()[value]
        except KeyError:
            raise ValueError(f'No {self.model._meta.verbose_name} with {self.field} "{value}".') from None

    def render(self, value, obj=None, **kwargs):
        return getattr(value, self.field) if value is not None else ""


def text(attribute, column=None):
    return resources.Field(attribute=attribute, column_name=column or attribute, widget=TextWidget())


def integer(attribute):
    return resources.Field(attribute=attribute, column_name=attribute, widget=IntegerWidget())


def decimal(attribute):
    return resources.Field(attribute=attribute, column_name=attribute, widget=DecimalWidget())


def boolean(attribute):
    return resources.Field(attribute=attribute, column_name=attribute, widget=BooleanWidget())


def date(attribute):
    return resources.Field(attribute=attribute, column_name=attribute, widget=DateWidget())


def partial_date(name):
    """The column `name` holding a PartialDateField's trio (`name_partial` on the model)."""
    return resources.Field(attribute=f"{name}_partial", column_name=name, widget=PartialDateWidget())


def ref(attribute, model, field="slug", **kwargs):
    return resources.Field(attribute=attribute, column_name=attribute, widget=KeyWidget(model, field, **kwargs))


# Child sets ----------------------------------------------------------------


@dataclass
class ChildSet:
    """Rows of another model owned by each row of this file, as one `;`-separated cell.

    `participants = actor:nrf; counterpart:taliban` makes the event's
    participations exactly those; `sources = wapo-2021, p. 2; bbc-2021`
    makes its citations exactly those. With `derive`, the set comes from the
    row itself instead of a column (a section's citations from its markers).
    """

    column: str
    model: type
    parent: str  # the child's foreign key to the row's model
    parse_item: callable = None  # (resource, text) -> (key tuple, {field: value}); raises ValueError
    render_item: callable = None  # child -> text
    child_key: callable = None  # child -> key tuple
    derive: callable = None  # (resource, obj) -> list of item texts
    related_name: str = ""


def citations_set(column, model, parent, related_name, *, derive=None):
    """A `sources` cell: source keys with optional locators, "wapo-2021, p. 2; bbc-2021"."""

    def parse_item(resource, text):
        source_key, _, locator = (part.strip() for part in text.partition(","))
        source_id = resource.source_keys.clean(source_key)
        return (source_id, locator), {"source_id": source_id, "locator": locator}

    def render_item(citation):
        return f"{citation.source.key}, {citation.locator}" if citation.locator else citation.source.key

    return ChildSet(
        column=column, model=model, parent=parent, parse_item=parse_item, render_item=render_item,
        child_key=lambda citation: (citation.source_id, citation.locator), derive=derive, related_name=related_name,
    )


# Results -------------------------------------------------------------------


@dataclass(slots=True)
class RowOutcome:
    line: int
    kind: str  # new, update, skip, error
    key: str
    values: list
    changes: list = field(default_factory=list)  # column names that change
    instance: object = None  # the model object, for the admin's preview


@dataclass
class ImportReport:
    """What one file's import did, or would do: counts, rows and every error."""

    file: str
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    header: list = field(default_factory=list)
    keep_rows: bool = True  # False: keep each row's line, kind and key, not its cells and object

    def add_row(self, line, kind, key, cells, changes=(), instance=None):
        if not self.keep_rows:
            cells, changes, instance = [], [], None
        outcome = RowOutcome(line, kind, key, cells, list(changes), instance)
        self.rows.append(outcome)
        return outcome

    def count(self, kind):
        return sum(1 for row in self.rows if row.kind == kind)

    @property
    def totals(self):
        return {kind: self.count(kind) for kind in ("new", "update", "skip")}

    def summary(self):
        totals = self.totals
        return (
            f"{self.file}: {totals['new']} new, {totals['update']} updated, {totals['skip']} unchanged, "
            f"{len(self.errors)} error{'s' if len(self.errors) != 1 else ''}"
        )


class ImportFailed(Exception):
    """Raised inside the import transaction to roll it back; carries the reports."""

    def __init__(self, reports):
        super().__init__("import rolled back")
        self.reports = reports


# The admin's file format --------------------------------------------------------


class CSVFormat(base_formats.CSV):
    """CSV for the admin: read as bytes so our decoder reports encoding problems, and keeps line numbers."""

    encoding = None

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        table = csvio.parse(csvio.decode(in_stream, self.encoding))
        width = len(table.header)
        dataset = tablib.Dataset(headers=table.header)
        for _line, cells in table.rows:
            dataset.append((cells + [""] * width)[:width])
        dataset.nrf_table = table
        return dataset


# The resource --------------------------------------------------------------------


class BundleResource(resources.ModelResource):
    """A model's CSV shape, and the strict bulk importer and streaming exporter behind it."""

    file_name = ""  # its file in a bundle: "events.csv"
    key_columns = ("slug",)  # the natural key, as column names
    child_sets = ()  # ChildSet specs
    self_reference = ""  # a column naming a row of the same model (entities' parent), resolved after insert
    markup_columns = ()  # columns whose citation markers must name known sources
    select_related = ()
    prefetch_related = ()
    order_by = ("slug",)

    @property
    def model(self):
        return self._meta.model

    # Export -----------------------------------------------------------------

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related(*self.select_related).prefetch_related(
            *self.prefetch_related, *(child.related_name for child in self.child_sets if child.column)
        ).order_by(*self.order_by)

    def export_field(self, field, instance, **kwargs):
        child_set = next((c for c in self.child_sets if c.column and c.column == field.column_name), None)
        if child_set is not None:
            return csvio.escape_cell(self.render_child_set(child_set, instance))
        value = super().export_field(field, instance, **kwargs)
        return csvio.escape_cell("" if value is None else str(value))

    def export_rows(self, queryset=None):
        """The header, then each row's cells (escaped), streamed in chunks: memory does not grow with the table."""
        queryset = self.filter_export(self.get_queryset() if queryset is None else queryset)
        yield self.get_export_headers()
        for obj in self.iter_queryset(queryset):
            yield self.export_resource(obj)

    def iter_queryset(self, queryset):
        """The rows in one pass, EXPORT_CHUNK at a time, each chunk with its prefetched children.

        django-import-export pages a prefetching queryset with LIMIT/OFFSET (its workaround from before
        Django 4.1 let iterator() prefetch), so every page re-reads all the rows before it: on PostgreSQL,
        exporting 100,000 events (501,055 rows) ran over 10 minutes, against 129 s in one pass.
        """
        yield from queryset.iterator(chunk_size=EXPORT_CHUNK)

    def render_child_set(self, child_set, obj):
        children = getattr(obj, child_set.related_name).all()
        return f"{LIST_SEPARATOR} ".join(sorted(child_set.render_item(child) for child in children))

    # Import: the admin's entry point ----------------------------------------------

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None, **kwargs):
        """django-import-export's entry point (the admin), answered by our importer."""
        table = getattr(dataset, "nrf_table", None)
        if table is None:
            table = csvio.Table(list(dataset.headers or []), [
                (number + 2, ["" if cell is None else str(cell) for cell in row])
                for number, row in enumerate(dataset)
            ])
        file_name = kwargs.get("file_name") or self.file_name
        user = kwargs.get("user")
        reason = f"CSV import: {file_name}"
        try:
            with transaction.atomic():
                report = self.run_import(table, file_name=file_name, user=user, reason=reason)
                if report.errors or dry_run:
                    raise ImportFailed([report])
        except ImportFailed as rollback:
            report = rollback.reports[0]
        return self.as_result(report)

    def as_result(self, report):
        """Our report as django-import-export's Result, for the admin's preview and confirm pages."""
        result = Result()
        result.diff_headers = report.header or self.get_export_headers()
        file_errors = [error for error in report.errors if not error.line]
        for error in file_errors:
            result.append_base_error(Error(str(error)))
        by_line = defaultdict(dict)
        for error in report.errors:
            if error.line:
                by_line[error.line].setdefault(error.column or NON_FIELD_ERRORS, []).append(error.message)
        values = {row.line: row.values for row in report.rows}
        for line in sorted(by_line):
            result.append_invalid_row(
                line, dict(zip(result.diff_headers, values.get(line, []), strict=False)), ValidationError(by_line[line])
            )
        if not report.errors:
            for row in report.rows:
                row_result = RowResult()
                row_result.import_type = {"new": RowResult.IMPORT_TYPE_NEW, "update": RowResult.IMPORT_TYPE_UPDATE,
                                          "skip": RowResult.IMPORT_TYPE_SKIP}[row.kind]
                row_result.object_repr = row.key
                row_result.diff = row.values
                row_result.instance = row.instance
                row_result.object_id = getattr(row_result.instance, "pk", None)
                result.append_row_result(row_result)
                result.increment_row_result_total(row_result)
        result.totals[RowResult.IMPORT_TYPE_INVALID] = len(by_line)
        return result

    # Import: the engine -----------------------------------------------------------------

    @property
    def source_keys(self):
        """A source-key widget, for child sets and markers."""
        if not hasattr(self, "_sources_widget"):
            from sources.models import Source

            self._sources_widget = KeyWidget(Source, "key")
        return self._sources_widget

    def columns(self):
        """Column name -> Field, in file order (built once: the importer asks for it on every row)."""
        if not hasattr(self, "_columns"):
            self._columns = {f.column_name: f for f in self.get_import_fields()}
        return self._columns

    def required_columns(self):
        """Columns a file must have: the key, and model fields that cannot be empty and have no default."""
        required = list(self.key_columns)
        for column, f in self.columns().items():
            model_field = self.model_field(f)
            if (model_field is not None and not model_field.blank and not model_field.has_default()
                    and column not in required and model_field.name != "key"):
                required.append(column)
        return required

    def model_field(self, f):
        if not f.attribute:
            return None
        name = f.attribute.removesuffix("_partial")
        try:
            return self.model._meta.get_field(name)
        except Exception:
            return None

    def error_columns(self):
        """Model field name -> column name, to say in which column a model error lies."""
        mapping = {}
        for column, f in self.columns().items():
            model_field = self.model_field(f)
            if model_field is not None:
                for name in (model_field.name, f"{model_field.name}_precision", f"{model_field.name}_circa"):
                    mapping[name] = column
        return mapping

    def new_instance(self):
        return self.model()

    def key_of(self, values):
        """A row's natural key from its cleaned values, comparable with `existing_key`."""
        return tuple(_key_part(values.get(column)) for column in self.key_columns)

    def existing_key(self, obj):
        columns = self.columns()
        parts = []
        for column in self.key_columns:
            model_field = self.model_field(columns[column])
            parts.append(getattr(obj, model_field.attname))
        return tuple(parts)

    def fetch_existing(self, keys):
        """Existing rows for the given keys, by key: chunked queries on the key's first column."""
        if not keys:
            return {}
        first = self.model_field(self.columns()[self.key_columns[0]])
        values = sorted({k[0] for k in keys if k[0] is not None}, key=str)
        found = {}
        for start in range(0, len(values), LOOKUP_CHUNK):
            chunk = values[start:start + LOOKUP_CHUNK]
            queryset = self.model._default_manager.filter(**{f"{first.attname}__in": chunk})
            queryset = queryset.prefetch_related(*(child.related_name for child in self.child_sets))
            for obj in queryset:
                found[self.existing_key(obj)] = obj
        return found

    def prepare_keys(self, parsed):
        """A hook to fill in keys a file leaves empty (statements)."""

    def after_write(self, objs, *, user, reason):
        """A hook after rows are written, inside the transaction."""

    def reset_caches(self):
        for f in self.get_import_fields():
            if isinstance(f.widget, KeyWidget):
                f.widget.reset()
        self.source_keys.reset()

    def import_chunk_size(self):
        """Rows checked and written at a time, so memory follows the chunk, not the file.

        A file whose rows depend on each other's keys is taken whole: a parent named by a later row
        (a self-reference), or keys made unique across the file (`prepare_keys`).
        """
        if self.self_reference or type(self).prepare_keys is not BundleResource.prepare_keys:
            return None
        return IMPORT_CHUNK

    def run_import(self, table, *, file_name=None, user=None, reason="", keep_rows=True):
        """Import one parsed file; call inside a transaction and roll back if the report has errors.

        Rows are checked and written a chunk at a time inside the caller's transaction. After the
        first bad row nothing more is written, but every later row is still checked, so the report
        names every bad row; the caller's rollback removes what earlier chunks wrote. With
        `keep_rows=False` the report keeps each row's line, kind and key but not its cells and
        object (the admin's preview shows them; a bundle of 100,000 events cannot hold them all).
        """
        file_name = file_name or self.file_name
        report = ImportReport(file_name, header=list(table.header), keep_rows=keep_rows)
        self.reset_caches()
        if not self.check_header(table, report):
            return report
        seen = {}  # natural key -> line, across the whole file
        for rows in _chunks(table.rows, self.import_chunk_size()):
            work = self.check_rows(rows, report, seen)
            if not report.errors:
                self.write(work, report, user=user, reason=reason)
        if report.errors:
            report.errors.sort()
            report.rows = [row for row in report.rows if row.kind == "error"]
        elif report.count("new") + report.count("update") >= ANALYZE_AFTER:
            tables = self.written_tables()
            transaction.on_commit(lambda: csvio.refresh_statistics(tables))
        report.rows.sort(key=lambda row: row.line)
        return report

    def written_tables(self):
        """The tables an import of this file writes: its model's, its child sets', and their revisions'."""
        written = [self.model, *(child.model for child in self.child_sets)]
        return sorted({table for model in written for table in (model._meta.db_table, model.history.model._meta.db_table)})

    def check_rows(self, rows, report, seen):
        """Parse and validate rows; report each bad one and return the good ones' work for `write`."""
        columns = self.columns()
        child_columns = {child.column: child for child in self.child_sets if child.column}
        header, file_name = report.header, report.file

        # 1. Parse every cell.
        parsed = []  # [line, cells, values, child_items, failed]
        for line, cells in rows:
            if len(cells) != len(header):
                report.errors.append(csvio.CellError(
                    file_name, line, "", f"This row has {len(cells)} cells; the header has {len(header)}."
                ))
                report.add_row(line, "error", "", cells)
                continue
            values, child_items, errors = {}, {}, []
            for column, raw in zip(header, cells, strict=True):
                raw = csvio.unescape_cell(raw)
                try:
                    if column in child_columns:
                        child_items[column] = self.parse_child_cell(child_columns[column], raw)
                    elif column == self.self_reference:
                        values[column] = raw.strip()
                    else:
                        value = columns[column].widget.clean(raw)
                        model_field = self.model_field(columns[column])
                        if value is None and model_field is not None and not model_field.null \
                                and model_field.has_default():
                            value = model_field.get_default()  # an empty cell takes the field's default
                        values[column] = value
                except (ValueError, ValidationError) as error:
                    errors.append((column, _message(error)))
            for column, message in errors:
                report.errors.append(csvio.CellError(file_name, line, column, message))
            parsed.append([line, cells, values, child_items, bool(errors)])
        self.prepare_keys(parsed)
        keys = []
        for entry in parsed:
            line, _cells, values, _items, failed = entry
            if failed:
                continue
            natural = self.key_of(values)
            if natural in seen:
                report.errors.append(csvio.CellError(
                    file_name, line, self.key_columns[-1],
                    f"Duplicate of line {seen[natural]}: {self.describe_key(values)} appears twice in this file.",
                ))
                entry[4] = True
            else:
                seen[natural] = line
                keys.append(natural)

        # 2. Existing rows, then apply and validate.
        existing = self.fetch_existing(keys)
        error_columns = self.error_columns()
        source_keys = None
        work = []  # (line, cells, obj, before, child_items, deferred_parent)
        for line, cells, values, child_items, failed in parsed:
            if failed:
                report.add_row(line, "error", "", cells)
                continue
            obj = existing.get(self.key_of(values))
            before = _snapshot(obj) if obj is not None else None
            if obj is None:
                obj = self.new_instance()
            deferred_parent = None
            for column, value in values.items():
                if column == self.self_reference:
                    deferred_parent = self.resolve_self_reference(obj, value, seen)
                    continue
                f = columns[column]
                model_field = self.model_field(f)
                if isinstance(model_field, models.ForeignKey) and not isinstance(value, models.Model):
                    setattr(obj, model_field.attname, value)
                else:
                    setattr(obj, f.attribute, value)
            errors = self.validate(obj, error_columns)
            if deferred_parent is False:
                errors.append((self.self_reference, f'No {self.model._meta.verbose_name} with this key: '
                                                    f'"{values[self.self_reference]}".'))
            for column in self.markup_columns:
                if source_keys is None:
                    source_keys = self.source_keys.mapping()
                missing = unknown_keys(citation_keys(values.get(column) or ""), known=source_keys)
                if missing:
                    errors.append((column, unknown_keys_message(missing)))
            for column, message in errors:
                report.errors.append(csvio.CellError(file_name, line, column, message))
            if errors:
                report.add_row(line, "error", "", cells)
                continue
            work.append((line, cells, obj, before, child_items, deferred_parent))
        return work

    def check_header(self, table, report):
        columns = set(self.columns()) | {child.column for child in self.child_sets if child.column}
        header = table.header
        problems = []
        unknown = [c for c in header if c not in columns]
        if unknown:
            known = ", ".join(self.get_export_headers())
            problems.append(("", f"Unknown column(s): {', '.join(unknown)}. The columns of {self.file_name} are: {known}."))
        duplicated = sorted({c for c in header if header.count(c) > 1})
        if duplicated:
            problems.append(("", f"Column(s) named twice: {', '.join(duplicated)}."))
        missing = [c for c in self.required_columns() if c not in header]
        if missing:
            problems.append(("", f"Missing required column(s): {', '.join(missing)}."))
        for column, message in problems:
            report.errors.append(csvio.CellError(report.file, 1, column, message))
        return not problems

    def parse_child_cell(self, child_set, raw):
        items = {}
        messages = []
        for text in (part.strip() for part in raw.split(LIST_SEPARATOR)):
            if not text:
                continue
            try:
                child_key, create = child_set.parse_item(self, text)
            except ValueError as error:
                messages.append(f"{text!r}: {error}" if str(error) else repr(text))
                continue
            items[child_key] = create
        if messages:
            raise ValueError("; ".join(messages))
        return items

    def describe_key(self, values):
        return ", ".join(f'{column} "{_key_text(values.get(column))}"' for column in self.key_columns)

    def resolve_self_reference(self, obj, value, seen):
        """Set the self-reference now if it names an existing row; None if empty or pending; False if unknown."""
        f = self.columns()[self.self_reference]
        attname = self.model_field(f).attname
        if not value:
            setattr(obj, attname, None)
            return None
        mapping = f.widget.mapping()
        if value in mapping:
            target = mapping[value]
            if isinstance(target, models.Model):
                setattr(obj, self.model_field(f).name, target)
            else:
                setattr(obj, attname, target)
            return None
        if (value,) in seen:
            setattr(obj, attname, None)
            return value
        return False

    def unchecked_fields(self):
        """Fields clean_fields() must skip (checked through key maps instead of a query per row), built once."""
        if not hasattr(self, "_unchecked"):
            self._unchecked = {f.name for f in self.model._meta.concrete_fields if f.is_relation} | {
                self.model_field(self.columns()[column]).name for column in self.markup_columns
            }
        return self._unchecked

    def validate(self, obj, error_columns):
        """Field checks, the model's clean() and its check constraints, without a query."""
        errors = []
        exclude = self.unchecked_fields()
        try:
            obj.clean()
        except ValidationError as error:
            errors.extend(_located(error, error_columns))
        try:
            obj.clean_fields(exclude=exclude)
        except ValidationError as error:
            errors.extend(_located(error, error_columns))
        if not errors:
            errors.extend(("", message) for message in csvio.check_constraints(obj))
        return errors

    def child_desired(self, child_set, obj, child_items):
        if child_set.derive is not None:
            return self.parse_child_cell(child_set, f"{LIST_SEPARATOR}".join(child_set.derive(self, obj)))
        return child_items.get(child_set.column)

    def write(self, work, report, *, user, reason):
        model = self.model
        created, changed, changed_fields = [], [], set()
        child_plans = []  # (child_set, obj, desired dict or None)
        for line, cells, obj, before, child_items, deferred_parent in work:
            if before is None:
                kind, changes = "new", []
                created.append(obj)
            else:
                after = _snapshot(obj)
                changes = [name for name in after if after[name] != before[name]]
                if changes:
                    changed.append(obj)
                    changed_fields.update(changes)
            child_changed = False
            for child_set in self.child_sets:
                desired = self.child_desired(child_set, obj, child_items)
                if desired is None:
                    continue  # the column is not in this file: leave the children as they are
                if before is not None:
                    have = {child_set.child_key(c) for c in getattr(obj, child_set.related_name).all()}
                    child_changed |= have != set(desired)
                child_plans.append((child_set, obj, desired, before is None))
            if before is not None:
                kind = "update" if changes or child_changed else "skip"
            outcome = report.add_row(line, kind, self.describe_obj(obj), cells, changes, instance=obj)
            if deferred_parent:
                obj._deferred_parent = deferred_parent
                if before is not None and obj not in changed:
                    # Its parent is a row created by this file: it changes once that row exists.
                    changed.append(obj)
                    changed_fields.add(self.model_field(self.columns()[self.self_reference]).attname)
                    outcome.kind = "update"
        if any(f.name == "version" for f in model._meta.concrete_fields):
            # Imports are saves too: they raise the version the admin's edit-conflict check compares.
            for obj in created:
                obj.version = 1
            for obj in changed:
                obj.version += 1
            if changed:
                changed_fields.add("version")
        try:
            with transaction.atomic():
                model._default_manager.bulk_create(created, batch_size=BATCH)
                self.fix_self_references(created + changed)
                fields = [model._meta.get_field(name).name for name in changed_fields
                          if name != model._meta.pk.attname]
                if changed and fields:
                    model._default_manager.bulk_update(changed, fields, batch_size=BATCH)
                history = model.history.model
                when = None
                # Revision rows are built and written a chunk at a time, so memory does not grow with the file.
                for kind, objs in (("+", created), ("~", changed)):
                    for start in range(0, len(objs), CHUNK):
                        history.objects.bulk_create(
                            csvio.history_rows(model, objs[start:start + CHUNK], kind=kind, user=user, reason=reason,
                                               when=when),
                            batch_size=BATCH,
                        )
                self.write_children(child_plans, user=user, reason=reason)
                self.after_write(created + changed, user=user, reason=reason)
                if created or changed or child_plans:
                    from nrfsite.models import ContentVersion

                    ContentVersion.bump()  # bulk writes send no signals: public page caches must still refresh
        except IntegrityError as error:
            report.errors.append(csvio.CellError(report.file, 0, "", f"The database refused the rows: {error}"))
        if self.self_reference:
            widget = self.columns()[self.self_reference].widget
            for obj in created:
                widget.add(getattr(obj, widget.field), obj)

    def fix_self_references(self, objs):
        if not self.self_reference:
            return
        f = self.columns()[self.self_reference]
        attname = self.model_field(f).attname
        widget = f.widget
        by_key = {getattr(obj, widget.field): obj for obj in objs}
        pending = [obj for obj in objs if getattr(obj, "_deferred_parent", None)]
        for obj in pending:
            parent = by_key.get(obj._deferred_parent)
            setattr(obj, attname, parent.pk if parent else _key_part(widget.mapping()[obj._deferred_parent]))
        if pending:
            self.model._default_manager.bulk_update(pending, [self.model_field(f).name], batch_size=BATCH)

    def write_children(self, plans, *, user, reason):
        by_set = defaultdict(list)
        for child_set, obj, desired, is_new in plans:
            by_set[id(child_set)].append((child_set, obj, desired, is_new))
        for all_entries in by_set.values():
            child_set = all_entries[0][0]
            child_model = child_set.model
            parent_attname = child_model._meta.get_field(child_set.parent).attname
            history = child_model.history.model
            # A chunk of parents at a time: children and their revision rows never all sit in memory.
            for start in range(0, len(all_entries), CHUNK):
                to_create, to_delete = [], []
                for _, obj, desired, is_new in all_entries[start:start + CHUNK]:
                    have = {} if is_new else {
                        child_set.child_key(c): c for c in getattr(obj, child_set.related_name).all()
                    }
                    for child_key, values in desired.items():
                        if child_key not in have:
                            to_create.append(child_model(**{parent_attname: obj.pk}, **values))
                    to_delete.extend(child for k, child in have.items() if k not in desired)
                child_model._default_manager.bulk_create(to_create, batch_size=BATCH)
                history.objects.bulk_create(
                    csvio.history_rows(child_model, to_create, kind="+", user=user, reason=reason)
                    + csvio.history_rows(child_model, to_delete, kind="-", user=user, reason=reason),
                    batch_size=BATCH,
                )
                if to_delete:
                    child_model._default_manager.filter(pk__in=[c.pk for c in to_delete]).delete()

    def describe_obj(self, obj):
        return str(self.existing_key(obj)[-1]) if len(self.key_columns) == 1 else str(obj)


def _chunks(rows, size):
    """Lists of `size` rows from any iterable (one list of all of them if `size` is None)."""
    if size is None:
        yield list(rows)
        return
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _key_part(value):
    if isinstance(value, models.Model):
        return value.pk
    return value


def _key_text(value):
    if isinstance(value, models.Model):
        return str(value)
    return "" if value is None else str(value)


def _snapshot(obj):
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def _message(error):
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def _located(error, error_columns):
    if hasattr(error, "error_dict"):
        return [
            (error_columns.get(name, "") if name != NON_FIELD_ERRORS else "", message)
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return [("", message) for message in error.messages]
