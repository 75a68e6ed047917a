"""The registry behind pending changes: how each publishable model's row is read and written.

Editorial knows no app and no CSV code: an app registers, for each publishable model, an adapter with
`snapshot(obj) -> {file: [{column: cell}]}` (the item and its children as the database holds them),
`apply(obj, rows, *, user, reason) -> [error]` (write them as `user`) and `owns(model)` (the child models
its row carries: citations, participants, aliases). Models that are part of a publishable one (an alias
of an entity, a citation of a statement) register the field that names it: a change to them is a change
to it.
"""

_adapters = {}
_parts = {}


def register(model, adapter):
    _adapters[model] = adapter


def register_part(model, parent_field):
    """`model`'s rows are part of the item `parent_field` names: changing one changes that item's row."""
    _parts[model] = parent_field


def adapter_for(model):
    return _adapters.get(model)


def item_of(obj):
    """The publishable item whose row a change to `obj` changes: `obj` itself, its parent, or None."""
    if type(obj) in _adapters:
        return obj
    parent_field = _parts.get(type(obj))
    if parent_field is None:
        return None
    parent = getattr(obj, parent_field, None)
    return parent if parent is not None and type(parent) in _adapters else None


def owned_by(parent_model, child_model):
    adapter = _adapters.get(parent_model)
    return adapter is not None and adapter.owns(child_model)
