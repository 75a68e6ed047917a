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
