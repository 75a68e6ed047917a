"""Checks of a file's shape that need no row values: its header, and the hierarchy its parent column makes."""

from collections import Counter

HEADER_SLACK = 20  # unknown columns beyond the resource's own before a header is refused without listing them
LISTED = 20  # names listed in one message


class ShapeChecksMixin:
    """Header and hierarchy checks of `BundleResource`'s importer."""

    max_depth = None  # with a self-reference: how many levels the hierarchy may have (event types: 2)

    def check_header(self, table, report):
        problems = self.header_problems(table.header)
        report.refuse_header(problems)
        return not problems

    def header_problems(self, header):
        """What is wrong with a header, in time linear in its length: it needs no database, so callers run it
        before they open the import's transaction (on SQLite, before they take the write lock)."""
        columns = set(self.columns()) | {child.column for child in self.child_sets if child.column}
        if len(header) > len(columns) + HEADER_SLACK:
            return [f"The header has {len(header):,} columns; {self.file_name} has {len(columns)}: is this the right file?"]
        problems = []
        unknown = [c for c in header if c not in columns]
        if unknown:
            known = ", ".join(self.get_export_headers())
            problems.append(f"Unknown column(s): {_listed(unknown)}. The columns of {self.file_name} are: {known}.")
        duplicated = sorted(column for column, count in Counter(header).items() if count > 1)
        if duplicated:
            problems.append(f"Column(s) named twice: {_listed(duplicated)}.")
        present = set(header)
        missing = [c for c in self.required_columns() if c not in present]
        if missing:
            problems.append(f"Missing required column(s): {', '.join(missing)}.")
        return problems

    def check_hierarchy(self, work, report):
        """Refuse rows whose parent chain, with this file applied, loops back to them or is deeper than allowed.

        A file is taken whole when it has a self-reference, so every row's new parent is known here.
        """
        f = self.columns()[self.self_reference]
        key_field, fk = f.widget.field, self.model_field(f).name
        parents = dict(self.model._default_manager.values_list(key_field, f"{fk}__{key_field}"))
        for row in work:
            parents[getattr(row.obj, key_field)] = row.parent_key or None
        kept = []
        for row in work:
            key = getattr(row.obj, key_field)
            chain, parent = [key], parents.get(key)
            while parent and parent not in chain:
                chain.append(parent)
                parent = parents.get(parent)
            message = ""
            if parent:
                loop = " → ".join([*chain[chain.index(parent) :], parent])
                message = f'"{key}" would lie inside itself ({loop}): a parent cannot be its own descendant.'
            elif self.max_depth and len(chain) > self.max_depth:
                message = (
                    f"{self.model._meta.verbose_name_plural.capitalize()} have {self.max_depth} levels at most; "
                    f"this makes {len(chain)}: {' › '.join(reversed(chain))}."
                )
            if message:
                report.refuse(row.line, row.cells, [(self.self_reference, message)])
            else:
                kept.append(row)
        return kept


def _listed(names):
    shown = ", ".join(names[:LISTED])
    return shown if len(names) <= LISTED else f"{shown} and {len(names) - LISTED:,} more"
