"""The resources a bundle holds, in the order it writes and reads them; apps register theirs in ready().

The order is the order of registration: INSTALLED_APPS lists sources before entities before events, and
each app registers its resources so that a file only names rows of files registered before it. A
vocabulary may ask to sit beside another (`after=`), which keeps the bundle's manifest in its
established order.
"""

_resources = []


def register(*resource_classes, after=None):
    """Add resource classes to the bundle (each once): at the end, or right after the resource `after`."""
    position = _resources.index(after) + 1 if after is not None else len(_resources)
    for resource_class in resource_classes:
        if resource_class in _resources:
            continue
        if any(known.file_name == resource_class.file_name for known in _resources):
            raise ValueError(f"Two resources write {resource_class.file_name}.")
        _resources.insert(position, resource_class)
        position += 1


def resource_classes():
    """Every registered resource, in bundle order."""
    return list(_resources)
