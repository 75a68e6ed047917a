"""The importer: check every row of a file as strictly as the admin form does, then write it in bulk.

Import is all or nothing: every cell is parsed (types, choices, lengths, partial dates), every row is
validated (the model's clean(), its field checks and its check constraints, evaluated in Python), keys
resolve through maps loaded once per file, and every problem is reported with its line and column.
Rows are checked and written a chunk at a time inside the caller's transaction, which rolls back on
any error, so a 100,000-row file needs a few hundred queries, not a few per row, and memory follows
the chunk, not the file.
"""

from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext, ngettext

from nrfsite.interchange import dialect
from nrfsite.interchange.columns import LIST_SEPARATOR, KeyWidget
from nrfsite.interchange.constraints import check_constraints
from nrfsite.interchange.report import ImportReport
from nrfsite.interchange.shape import ShapeChecksMixin
from nrfsite.interchange.writer import WriterMixin, key_part, snapshot
from nrfsite.interchange.writes import refresh_statistics

IMPORT_CHUNK = 5000  # rows checked and written at a time
ANALYZE_AFTER = 1000  # rows written by one file after which PostgreSQL's planner statistics are refreshed
LOOKUP_CHUNK = 500


@dataclass(slots=True)
class ParsedRow:
    """One row after its cells are parsed: the cleaned values, its child sets' items, and whether it failed."""

    line: int
    cells: list
    values: dict = field(default_factory=dict)
    child_items: dict = field(default_factory=dict)
    failed: bool = False


@dataclass(slots=True)
class CheckedRow:
    """A row that passed every check: the object to write, its state before, and what it still needs."""

    line: int
    cells: list
    obj: object
    before: dict | None  # the existing row's field values; None for a new row
    child_items: dict
    deferred_parent: str | None  # a self-reference to a row this file creates
    parent_key: str = ""  # the self-reference's cell (entities' and event types' parent)
    kind: str = ""  # what writing it does: new, update or skip (see `plan_row`)
    changes: list = field(default_factory=list)  # the fields it changes
    child_changed: bool = False
    child_plans: list = field(default_factory=list)  # [(child set, {child key: values})]


class ImporterMixin(ShapeChecksMixin, WriterMixin):
    """The import half of `BundleResource`."""

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
            if (
                model_field is not None
                and not model_field.blank
                and not model_field.has_default()
                and column not in required
                and model_field.name != "key"
            ):
                required.append(column)
        return required

    def model_field(self, f):
        if not f.attribute:
            return None
        name = f.attribute.removesuffix("_partial")
        try:
            model_field = self.model._meta.get_field(name)
        except Exception:
            return None
        return model_field if model_field.concrete else None  # a child set's column names a relation, not a field

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
        return tuple(key_part(values.get(column)) for column in self.key_columns)

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
            chunk = values[start : start + LOOKUP_CHUNK]
            queryset = self.model._default_manager.filter(**{f"{first.attname}__in": chunk})
            queryset = queryset.prefetch_related(*(child.related_name for child in self.child_sets))
            for obj in queryset:
                found[self.existing_key(obj)] = obj
        return found

    def prepare_keys(self, parsed):
        """A hook to fill in keys a file leaves empty (statements); `parsed` is a list of ParsedRow."""

    def after_write(self, objs, *, user, reason, before):
        """A hook after rows are written, inside the transaction; `before` holds the changed rows' values
        before this import (`snapshot` dicts)."""

    def check_written(self, report):
        """A hook once the whole file is written: rules across rows (a row naming a later one) add errors here,
        and the caller's rollback undoes the file."""

    def reset_caches(self):
        for f in self.get_import_fields():
            if isinstance(f.widget, KeyWidget):
                f.widget.reset()

    def import_chunk_size(self):
        """Rows checked and written at a time, so memory follows the chunk, not the file.

        A file whose rows depend on each other's keys is taken whole: a parent named by a later row
        (a self-reference), or keys made unique across the file (`prepare_keys`).
        """
        if self.self_reference or type(self).prepare_keys is not ImporterMixin.prepare_keys:
            return None
        return IMPORT_CHUNK

    def run_import(self, table, *, file_name=None, user=None, reason="", keep_rows=True, created_in_import=None, progress=None):
        """Import one parsed file; call inside a transaction and roll back if the report has errors.

        Rows are checked and written a chunk at a time inside the caller's transaction. After the
        first bad row nothing more is written, but every later row is still checked, so the report
        names every bad row; the caller's rollback removes what earlier chunks wrote. With
        `keep_rows=False` the report keeps the failed rows' lines, not their cells, and of the other rows
        only their count by kind (the admin's preview shows every row; a bundle of a million events
        cannot hold them).

        `created_in_import` ({model: `PkRuns`}) is shared by the files of one bundle: a row an earlier
        file created (a citation written through statements.csv's `sources` cell) counts as new when a
        later file (statement_citations.csv) names it, so an import into an empty database reports
        every row as new.

        `progress(rows_done, rows_in_all)`, when given, is called after each chunk (rows_in_all is None when
        the table is read as it goes).
        """
        file_name = file_name or self.file_name
        self.created_in_import = created_in_import
        self.import_user = user  # None: the system (the seed loader, a bundle imported without --user)
        report = ImportReport(file_name, header=list(table.header), keep_rows=keep_rows)
        self.reset_caches()
        if not self.check_header(table, report):
            return report
        seen = {}  # natural key -> line, across the whole file
        in_all = len(table.rows) if isinstance(table.rows, list) else None
        done = 0
        for rows in _chunks(table.rows, self.import_chunk_size()):
            work = self.check_rows(rows, report, seen)
            held = [row for row in work if row.kind == "held"]
            if held:
                work = [row for row in work if row.kind != "held"]
                self.hold_rows(held, report, user=user, reason=reason)
            if not report.errors:
                self.write(work, report, user=user, reason=reason)
            done += len(rows)
            if progress is not None:
                progress(done, in_all)
        if not report.errors:
            self.check_written(report)
        if report.errors:
            report.errors.sort()
            report.rows = [row for row in report.rows if row.kind == "error"]
            report.tally.clear()
        elif report.count("new") + report.count("update") >= ANALYZE_AFTER:
            tables = self.written_tables()
            transaction.on_commit(lambda: refresh_statistics(tables))
        report.rows.sort(key=lambda row: row.line)
        return report

    def written_tables(self):
        """The tables an import of this file writes: its model's, its child sets', and their revisions'."""
        written = [self.model, *(child.model for child in self.child_sets)]
        return sorted({table for model in written for table in (model._meta.db_table, model.history.model._meta.db_table)})

    def cell_value(self, f, raw):
        """A cell's value as an import sets it: the column's widget reads it, and an empty cell takes the field's
        default (raises ValueError or ValidationError for a cell that does not parse)."""
        value = f.widget.clean(raw)
        model_field = self.model_field(f)
        if value is None and model_field is not None and not model_field.null and model_field.has_default():
            value = model_field.get_default()
        return value

    def check_rows(self, rows, report, seen):
        """Parse and validate rows; report each bad one and return the good ones' work for `write`."""
        columns = self.columns()
        child_columns = {child.column: child for child in self.child_sets if child.column}
        header, file_name = report.header, report.file

        # 1. Parse every cell.
        parsed = []
        for line, cells in rows:
            if len(cells) != len(header):
                message = ngettext(
                    "This row has %(count)d cells; the header has %(header)d.",
                    "This row has %(count)d cells; the header has %(header)d.",
                    len(cells),
                ) % {"count": len(cells), "header": len(header)}
                report.errors.append(dialect.CellError(file_name, line, "", message))
                report.add_row(line, "error", "", cells)
                continue
            values, child_items, errors = {}, {}, []
            for column, raw in zip(header, cells, strict=True):
                raw = dialect.unescape_cell(raw)
                try:
                    if column in child_columns:
                        child_items[column] = self.parse_child_cell(child_columns[column], raw)
                    elif column == self.self_reference:
                        values[column] = raw.strip()
                    else:
                        values[column] = self.cell_value(columns[column], raw)
                except (ValueError, ValidationError) as error:
                    errors.append((column, _message(error)))
            for column, message in errors:
                report.errors.append(dialect.CellError(file_name, line, column, message))
            parsed.append(ParsedRow(line, cells, values, child_items, failed=bool(errors)))
        self.prepare_keys(parsed)
        keys = []
        for row in parsed:
            if row.failed:
                continue
            natural = self.key_of(row.values)
            if natural in seen:
                report.errors.append(
                    dialect.CellError(
                        file_name,
                        row.line,
                        self.key_columns[-1],
                        gettext("Duplicate of line %(line)d: %(key)s appears twice in this file.")
                        % {"line": seen[natural], "key": self.describe_key(row.values)},
                    )
                )
                row.failed = True
            else:
                seen[natural] = row.line
                keys.append(natural)

        # 2. Existing rows, then apply and validate.
        existing = self.fetch_existing(keys)
        error_columns = self.error_columns()
        work = []
        for row in parsed:
            line, cells, values = row.line, row.cells, row.values
            if row.failed:
                report.add_row(line, "error", "", cells)
                continue
            obj = existing.get(self.key_of(values))
            before = snapshot(obj) if obj is not None else None
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
                message = gettext('No %(model)s with this key: "%(key)s".')
                model = self.model._meta.verbose_name
                errors.append((self.self_reference, message % {"model": model, "key": values[self.self_reference]}))
            errors.extend(self.check_markup(values))
            if errors:
                report.refuse(line, cells, errors)
                continue
            checked = CheckedRow(
                line,
                cells,
                obj,
                before,
                row.child_items,
                deferred_parent,
                parent_key=values.get(self.self_reference) or "" if self.self_reference else "",
            )
            try:
                self.plan_row(checked)
            except ValueError as error:
                report.refuse(line, cells, [("", str(error))])
                continue
            refused = self.check_rights(checked)
            if refused:
                report.refuse(line, cells, refused)
                continue
            work.append(checked)
        if self.self_reference:
            work = self.check_hierarchy(work, report)
        return work

    def plan_row(self, row):
        """What writing a checked row does: its kind, the fields it changes, and its child sets' rows."""
        obj, before = row.obj, row.before
        if before is not None:
            row.changes = [name for name, value in snapshot(obj).items() if value != before[name]]
        for child_set in self.child_sets:
            desired = self.child_desired(child_set, obj, row.child_items)
            if desired is None:
                continue  # the column is not in this file: leave the children as they are
            if before is not None:
                have = {child_set.child_key(c) for c in getattr(obj, child_set.related_name).all()}
                row.child_changed |= have != set(desired)
            row.child_plans.append((child_set, desired))
        if before is None or obj.pk in self.created_earlier(self.model):
            row.kind = "new"  # new to the database (an earlier file of this import may have written it)
        else:
            row.kind = "update" if row.changes or row.child_changed else "skip"

    def check_rights(self, row):
        """A hook: [(column, message)] when the importing user (`import_user`) may not write this row.

        It may instead set `row.kind = "held"`: the row is not written but handed to `hold_rows`.
        """
        return []

    def hold_rows(self, rows, report, *, user, reason):
        """A hook for the rows `check_rights` held: keep them for review instead of writing them."""
        raise NotImplementedError(f"{type(self).__name__} holds rows but does not say where they go.")

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
            errors.extend(("", message) for message in check_constraints(obj))
        return errors

    def child_desired(self, child_set, obj, child_items):
        """{child key: fields} the row's child set should be; None to leave it as it is."""
        listed = child_items.get(child_set.column) if child_set.column else {}
        if child_set.derive is None:
            return listed
        derived = self.parse_child_cell(child_set, LIST_SEPARATOR.join(child_set.derive(self, obj)))
        if listed is None:  # the column is not in this file: the children it has, and the derived ones
            listed = {}
            if obj.pk is not None:
                for child in getattr(obj, child_set.related_name).all():
                    key, create = child_set.parse_item(self, child_set.render_item(child))
                    listed[key] = create
        return {**derived, **listed}

    def check_markup(self, values):
        """A hook: [(column, message)] for the markup columns of a row (the sources app checks citation keys)."""
        return []


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


def _key_text(value):
    if isinstance(value, models.Model):
        return str(value)
    return "" if value is None else str(value)


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
