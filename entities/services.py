"""Writes that touch several entity-side models."""

from sources.citations import sync_marker_citations


def section_sync_citations(*, section):
    """Make the section's citation rows mirror the [@key] markers of its body."""
    sync_marker_citations(citations=section.citations, text=section.body, exact=True)
