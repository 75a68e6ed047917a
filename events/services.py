"""Writes that touch several event-side models."""

from sources.citations import sync_marker_citations


def event_sync_citations(*, event):
    """Add a citation row for each source the summary's markers name (hand-entered ones stay)."""
    sync_marker_citations(citations=event.citations, text=event.summary, exact=False)
