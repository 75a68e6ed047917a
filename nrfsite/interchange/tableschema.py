"""The bundle as a Frictionless Data Package: a Table Schema for every file, and the check against it.

The schema is read off the resources themselves (one rule, one place): a column's type from the widget that
reads it, `required` from the model field the importer fills, enum values from the field's choices, the
partial-date pattern from `PartialDate.ISO_PATTERN`, primary keys from `key_columns`, foreign keys from the
key widgets. `export_bundle` writes it as `datapackage.json`; `frictionless validate` reads it; and
`import_bundle` checks every file against it with the same library, so a file that breaks its schema is
refused with what `frictionless validate` says (its error type and note), at the file's line, beside the
importer's own sentence where the importer refuses the same cell.

Foreign keys, and unique keys with a part that may be empty, are left to the importer: a bundle may update
part of a dataset, so a key may name a row that is in the database and not in the bundle; frictionless 5
does not check `uniqueKeys`, and the importer refuses a duplicate with the line of the first.
"""

import array
import dataclasses
import re

from django.conf import settings
from django.core import validators
from django.utils import timezone

from nrfsite.core.dates import ISO_PATTERN
from nrfsite.interchange import dialect
from nrfsite.interchange.columns import (
    BooleanWidget,
    DateWidget,
    DecimalWidget,
    IntegerWidget,
    KeyWidget,
    PartialDateWidget,
)

PACKAGE = "datapackage.json"
TABULAR = "tabular-data-resource"
ERRORS_PER_FILE = 1000  # frictionless stops counting a file's errors here

# A boolean cell as the importer reads it (BooleanWidget), in the cases a spreadsheet writes.
TRUE_VALUES = sorted({form for value in BooleanWidget.TRUE for form in (value, value.upper(), value.title())})
FALSE_VALUES = sorted({form for value in BooleanWidget.FALSE - {""} for form in (value, value.upper(), value.title())})

TYPE_WORDS = {
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "date": "a date in the form YYYY-MM-DD",
}


def resource_name(file_name):
    """A file's name in the package: "event_types.csv" → "event_types"."""
    return file_name.removesuffix(".csv")


def _field_type(widget):
    if isinstance(widget, IntegerWidget):
        return {"type": "integer"}
    if isinstance(widget, DecimalWidget):
        return {"type": "number", "groupChar": ","}
    if isinstance(widget, BooleanWidget):
        return {"type": "boolean", "trueValues": TRUE_VALUES, "falseValues": FALSE_VALUES}
    if isinstance(widget, DateWidget):
        return {"type": "date"}
    return {"type": "string"}


def _bounds(model_field):
    bounds = {}
    for validator in model_field._validators:  # the field's own, not the database's integer range
        if isinstance(validator, validators.MinValueValidator):
            bounds["minimum"] = validator.limit_value
        elif isinstance(validator, validators.MaxValueValidator):
            bounds["maximum"] = validator.limit_value
    if model_field.get_internal_type().startswith("Positive"):
        bounds.setdefault("minimum", 0)
    return {name: (float(value) if not isinstance(value, int) else value) for name, value in bounds.items()}


def cell_required(resource, column):
    """Whether a cell of `column` may never be empty: the key's (unless the importer fills it in), and a model
    field that is neither blank nor has a default (an empty cell takes the default)."""
    f = resource.columns()[column]
    model_field = resource.model_field(f)
    if model_field is None:
        return False
    if column in resource.key_columns:
        return not model_field.blank
    return not model_field.blank and not model_field.has_default()


def field_descriptor(resource, column):
    """The Table Schema field of one column of `resource`'s file."""
    child_set = next((child for child in resource.child_sets if child.column == column), None)
    if child_set is not None:
        return {
            "name": column,
            "type": "string",
            "description": f"{child_set.model._meta.verbose_name_plural.capitalize()} of the row, separated by "
            f'"; " (their own file has one row each).',
        }
    f = resource.columns()[column]
    descriptor = {"name": column, **_field_type(f.widget)}
    model_field = resource.model_field(f)
    constraints = {}
    if model_field is not None:
        descriptor["title"] = str(model_field.verbose_name)
        if model_field.help_text:
            descriptor["description"] = str(model_field.help_text)
        if cell_required(resource, column):
            constraints["required"] = True
        if model_field.choices and descriptor["type"] == "string" and not isinstance(f.widget, KeyWidget):
            constraints["enum"] = [str(value) for value, _label in model_field.flatchoices]
        if descriptor["type"] in ("integer", "number"):
            constraints.update(_bounds(model_field))
        if model_field.unique and column not in resource.key_columns:
            constraints["unique"] = True
    if isinstance(f.widget, PartialDateWidget):
        constraints["pattern"] = ISO_PATTERN
        descriptor["description"] = (
            'A date at its precision: "2021", "2021-08" or "2021-08-17", with "c. " in front when approximate.'
        )
    if constraints:
        descriptor["constraints"] = constraints
    return descriptor


def _reference(resource, column, by_model):
    """The foreign key a column makes, as (resource name, column), or None."""
    references = getattr(resource, "column_references", {})
    if column in references:
        return references[column]
    if column == resource.self_reference:
        widget = resource.columns()[column].widget
        return "", _column_of(resource, widget.field)
    f = resource.columns().get(column)
    if f is None or not isinstance(f.widget, KeyWidget):
        return None
    target = by_model.get(f.widget.model)
    if target is None:
        return None
    return resource_name(target.file_name), _column_of(target, f.widget.field)


def _column_of(resource, attribute):
    return next(column for column, f in resource.columns().items() if f.attribute == attribute)


def table_schema(resource, header, resources):
    """The Table Schema of `resource`'s file with the columns `header` (the file's own, in its order)."""
    by_model = {r.model: r for r in resources}
    schema = {"fields": [field_descriptor(resource, column) for column in header], "missingValues": [""]}
    keys = list(resource.key_columns)
    if set(keys) <= set(header):
        if all(cell_required(resource, column) for column in keys):
            schema["primaryKey"] = keys
        else:
            # A key with a part that may be empty (an alias's language, a citation's locator, the lead's title):
            # Table Schema 2's uniqueKeys, where empty cells compare equal. frictionless 5 reads it but does not
            # check it; the importer does ("Duplicate of line N").
            schema["uniqueKeys"] = [keys]
    foreign = []
    for column in header:
        reference = _reference(resource, column, by_model)
        if reference is not None:
            foreign.append({"fields": [column], "reference": {"resource": reference[0], "fields": [reference[1]]}})
    if foreign:
        schema["foreignKeys"] = foreign
    return schema


def package(files, *, name, title, homepage="", public=False):
    """The descriptor of a bundle: `files` is [(resource, header, row count)] in bundle order."""
    resources = [resource for resource, _header, _count in files]
    return {
        "profile": "tabular-data-package",
        "name": name,
        "title": title,
        "description": (
            "Published records only: what the site's readers see." if public else "The whole dataset, drafts included."
        ),
        "homepage": homepage,
        # A bundle's descriptor says nothing of when, so exporting the same data twice writes the same bytes.
        **({"created": timezone.now().isoformat(timespec="seconds")} if public else {}),
        "licenses": [settings.DATA_LICENCE],
        "sources": [{"title": settings.DATA_SITE_TITLE, "path": homepage}] if homepage else [],
        "resources": [
            {
                "profile": TABULAR,
                "name": resource_name(resource.file_name),
                "path": resource.file_name,
                "title": str(resource.model._meta.verbose_name_plural).capitalize(),
                "description": (resource.__doc__ or "").strip().splitlines()[0],
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {"delimiter": ",", "quoteChar": '"', "doubleQuote": True, "header": True},
                **({"stats": {"rows": count}} if count is not None else {}),
                "schema": table_schema(resource, header, resources),
            }
            for resource, header, count in files
        ],
    }


# Checking a file against its schema -------------------------------------------------------------------


def schema_errors(resource, table, resources):
    """Every cell of `table` (a parsed file of `resource`) that breaks its Table Schema: [(CellError, tag)].

    The check is frictionless's own (types, required, enum, pattern, bounds, unique and primary keys), each
    finding at the line the row starts on in the file; the tag is frictionless's own words for it.
    """
    from frictionless import Checklist, Resource, Schema  # imported here: it takes 0.3 s and only imports need it

    schema = table_schema(resource, table.header, resources)
    schema.pop("foreignKeys", None)  # the importer checks keys against the database and the bundle together
    width = len(table.header)

    def data():  # called again each time frictionless reads the data: a `FileTable` streams its rows anew
        yield table.header
        for _line, cells in table.rows:
            yield (cells + [""] * width)[:width]

    frictionless_resource = Resource(data=data, schema=Schema.from_descriptor(schema))
    checklist = Checklist(skip_errors=["blank-row", "missing-cell", "extra-cell"])  # the importer reports widths
    report = frictionless_resource.validate(checklist, limit_errors=ERRORS_PER_FILE)
    lines = array.array("q", (line for line, _cells in table.rows))  # 8 bytes a row, for the findings' lines
    errors = []
    for task in report.tasks:
        for error in task.errors:
            row = getattr(error, "row_number", None)
            line = lines[row - 2] if row and 2 <= row <= len(lines) + 1 else 0
            column = getattr(error, "field_name", "") or ""
            if error.type == "primary-key":
                column = resource.key_columns[-1]  # where the importer puts a duplicate key
            human, tag = _message(error, lines)
            errors.append((dialect.CellError(resource.file_name, line, column, human), tag))
    return errors


def merge(report, findings):
    """Add a file's schema findings to the importer's report of it: where the importer refused the same cell,
    its sentence stays and frictionless's words follow it; a finding only the schema makes is added."""
    tags = {(error.line, error.column): (error, tag) for error, tag in findings}
    merged = []
    for error in report.errors:
        found = tags.pop((error.line, error.column), None)
        merged.append(dataclasses.replace(error, message=f"{error.message} {found[1]}") if found else error)
    merged += [dataclasses.replace(error, message=f"{error.message} {tag}") for error, tag in tags.values()]
    report.errors[:] = sorted(merged, key=lambda error: (error.line, error.column))


_POSITION = re.compile(r'row at position "?(\d+)"?')


def _message(error, lines):
    """frictionless's finding as (a sentence that says how to fix it, frictionless's own words)."""
    cell = getattr(error, "cell", None)
    note = _POSITION.sub(lambda m: f"row on line {_line(int(m.group(1)), lines)}", error.note)
    if error.type == "type-error":
        kind = next((word for name, word in TYPE_WORDS.items() if f'"{name}' in error.note), "of this column's type")
        human = f'"{cell}" is not {kind}.'
    elif error.type == "constraint-error" and '"required"' in error.note:
        human = "This cell may not be empty."
    elif error.type == "constraint-error" and '"pattern"' in error.note:
        human = (
            f'"{cell}" is not in the form a bundle writes dates: 2021, 2021-08 or 2021-08-17, or in Solar Hijri '
            '1400, 1400-05 or 1400-05-26 followed by " SH" ("c. 2021" if approximate).'
        )
    elif error.type == "constraint-error" and '"enum"' in error.note:
        human = f"Value {cell!r} is not a valid choice."  # Django's own sentence for a bad choice
    elif error.type == "constraint-error" and ('"minimum"' in error.note or '"maximum"' in error.note):
        bound = re.search(r'is "([^"]*)"', error.note).group(1)
        side, least = ("less than", "least") if '"minimum"' in error.note else ("more than", "most")
        human = f'"{cell}" is {side} {bound}, the {least} this column takes.'
    elif error.type in ("primary-key", "unique-error"):
        first = re.search(r"on line (\d+)", note)
        human = f"Duplicate of line {first.group(1) if first else '?'}: this key appears twice in this file."
    else:
        human = error.title + "."
    return human, f"[Table Schema: {error.type}: {note}]"


def _line(row_number, lines):
    return lines[row_number - 2] if 2 <= row_number <= len(lines) + 1 else row_number
