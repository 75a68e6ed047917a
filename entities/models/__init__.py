"""Who and what the knowledge base is about, and what the sources say of them.

Split by concept: `entities` (Entity, Alias), `statements` (Property, Statement, StatementCitation),
`sections` (Section, SectionCitation). Everything is importable from `entities.models`.
"""

from entities.models.entities import Alias, Entity, EntityKind, EntityQuerySet, public_entity, text_direction
from entities.models.sections import Section, SectionCitation, section_anchor
from entities.models.statements import Property, Rank, Statement, StatementCitation, ValueType, unique_key

__all__ = [
    "Alias",
    "Entity",
    "EntityKind",
    "EntityQuerySet",
    "Property",
    "Rank",
    "Section",
    "SectionCitation",
    "Statement",
    "StatementCitation",
    "ValueType",
    "public_entity",
    "section_anchor",
    "text_direction",
    "unique_key",
]
