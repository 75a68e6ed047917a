"""Child sets: rows of another model that each row of a file owns, written as one `;`-separated cell."""

from dataclasses import dataclass


@dataclass
class ChildSet:
    """Rows of another model owned by each row of this file, as one `;`-separated cell.

    `participants = actor:nrf; counterpart:taliban` makes the event's
    participations exactly those; `sources = wapo-2021, p. 2; bbc-2021`
    makes its citations exactly those. With `derive`, the row itself adds
    items: with no column, the set is only those (a section's citations are
    its markers); with a column, the set is the column's items and those (an
    event's citations are its `sources` and the sources its summary's markers
    name, so no marker goes without its citation row, as in the admin).
    """

    column: str
    model: type
    parent: str  # the child's foreign key to the row's model
    parse_item: callable = None  # (resource, text) -> (key tuple, {field: value}); raises ValueError
    render_item: callable = None  # child -> text
    child_key: callable = None  # child -> key tuple
    derive: callable = None  # (resource, obj) -> list of item texts
    related_name: str = ""
    render_related: tuple = ()  # the child's relations `render_item` reads, fetched with the children

    @property
    def exported_as(self):
        """The attribute an export's prefetch puts the children in, as a plain list (see `filter_export`)."""
        return f"exported_{self.related_name}"
