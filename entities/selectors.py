"""The querysets entity pages read: what the public may see of statements and sections."""

from django.db.models import Prefetch

from entities.models import Section, Statement, StatementCitation


def public_statements():
    """Public statements (Statement.objects.public()) with what a page shows of them: public citations only."""
    return (
        Statement.objects.public()
        .select_related("subject", "property", "value_entity", "claimed_by")
        .prefetch_related(
            Prefetch("citations", queryset=StatementCitation.objects.public().select_related("source__found_in").order_by("pk"))
        )
    )


def live_sections(entity):
    """The entity's published sections, in page order (a change waiting for review is not among them)."""
    return list(Section.objects.public().filter(entity=entity).order_by("position", "title"))
