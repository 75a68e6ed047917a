"""Changelist columns the apps' admins share."""

from django.contrib import admin


def partial_date_column(name, description=None):
    """A sortable changelist column showing a partial date at its own precision."""

    @admin.display(description=description or name.replace("_", " "), ordering=name)
    def column(obj):
        value = getattr(obj, f"{name}_partial")
        return str(value) if value else "—"

    column.__name__ = f"{name}_at_precision"
    return column
