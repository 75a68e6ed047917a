"""Readable differences between two versions of an item, for the history's compare page and edit conflicts."""

import difflib

from django.utils.html import format_html, format_html_join


def word_diff(old, new):
    """An HTML word diff of two texts (escaped): deletions in <del>, insertions in <ins>."""
    old_words, new_words = str(old or "").split(" "), str(new or "").split(" ")
    parts = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, old_words, new_words, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(format_html("{}", " ".join(old_words[a1:a2])))
        if op in ("delete", "replace"):
            parts.append(format_html("<del>{}</del>", " ".join(old_words[a1:a2])))
        if op in ("insert", "replace"):
            parts.append(format_html("<ins>{}</ins>", " ".join(new_words[b1:b2])))
    return format_html_join(" ", "{}", ((part,) for part in parts))


def field_changes(model, old_values, new_values):
    """[(label, old, new, html diff)] for the fields that differ between two value dicts."""
    changes = []
    for field in model._meta.concrete_fields:
        if field.attname in ("version", "updated_at") or field.attname not in old_values:
            continue
        old, new = old_values.get(field.attname), new_values.get(field.attname)
        if old != new:
            changes.append((field.verbose_name.capitalize(), old, new, word_diff(old, new)))
    return changes


def record_values(record):
    return {field.attname: getattr(record, field.attname) for field in type(record.instance)._meta.concrete_fields}


def rows_changes(live, proposed):
    """[(file, row label, column, live, proposed, html diff)] between two {file: [{column: cell}]} snapshots.

    The first file is the item's own: its one row is compared with its one row. Children's rows are
    matched by their key (their first three cells: parent, then source, locator; name, language; or
    entity, role); a row only one side has is shown against nothing.
    """
    changes = []
    for index, file_name in enumerate(dict.fromkeys([*live, *proposed])):
        old_by, new_by = _keyed(live.get(file_name, []), index), _keyed(proposed.get(file_name, []), index)
        for key in dict.fromkeys([*old_by, *new_by]):
            old, new = old_by.get(key, {}), new_by.get(key, {})
            for column in dict.fromkeys([*old, *new]):
                a, b = old.get(column, ""), new.get(column, "")
                if a != b:
                    changes.append((file_name, key, column, a, b, word_diff(a, b)))
    return changes


def _keyed(rows, index):
    if index == 0:
        return {"": rows[0]} if rows else {}
    return {" · ".join(cell for cell in list(row.values())[:3] if cell): row for row in rows}
