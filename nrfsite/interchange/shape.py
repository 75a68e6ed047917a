"""Checks of a file's shape that need no row values: its header, and the hierarchy its parent column makes."""

from collections import Counter

from django.utils.translation import gettext, ngettext

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
            message = gettext("The header has %(count)s columns; %(file)s has %(columns)d: is this the right file?")
            return [message % {"count": f"{len(header):,}", "file": self.file_name, "columns": len(columns)}]
        problems = []
        unknown = [c for c in header if c not in columns]
        if unknown:
            known = ", ".join(self.get_export_headers())
            message = ngettext(
                "Unknown column(s): %(names)s. The columns of %(file)s are: %(known)s.",
                "Unknown column(s): %(names)s. The columns of %(file)s are: %(known)s.",
                len(unknown),
            )
            problems.append(message % {"names": _listed(unknown), "file": self.file_name, "known": known})
        duplicated = sorted(column for column, count in Counter(header).items() if count > 1)
        if duplicated:
            message = ngettext("Column(s) named twice: %(names)s.", "Column(s) named twice: %(names)s.", len(duplicated))
            problems.append(message % {"names": _listed(duplicated)})
        present = set(header)
        missing = [c for c in self.required_columns() if c not in present]
        if missing:
            message = ngettext("Missing required column(s): %(names)s.", "Missing required column(s): %(names)s.", len(missing))
            problems.append(message % {"names": ", ".join(missing)})
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
                message = gettext('"%(key)s" would lie inside itself (%(loop)s): a parent cannot be its own descendant.') % {
                    "key": key,
                    "loop": loop,
                }
            elif self.max_depth and len(chain) > self.max_depth:
                message = ngettext(
                    "%(items)s have %(count)d level at most; this makes %(depth)d: %(chain)s.",
                    "%(items)s have %(count)d levels at most; this makes %(depth)d: %(chain)s.",
                    self.max_depth,
                ) % {
                    "items": self.model._meta.verbose_name_plural.capitalize(),
                    "count": self.max_depth,
                    "depth": len(chain),
                    "chain": " › ".join(reversed(chain)),
                }
            if message:
                report.refuse(row.line, row.cells, [(self.self_reference, message)])
            else:
                kept.append(row)
        return kept


def _listed(names):
    shown = ", ".join(names[:LISTED])
    return (
        shown
        if len(names) <= LISTED
        else gettext("%(names)s and %(count)s more") % {"names": shown, "count": f"{len(names) - LISTED:,}"}
    )
