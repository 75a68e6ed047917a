"""The querysets entity pages read: what the public may see of statements and sections."""

from django.db.models import Prefetch

from entities.models import Section, Statement, StatementCitation
from nrfsite.core.publishing import Status


def public_statements():
    """Public statements (Statement.objects.public()) with what a page shows of them: public citations only."""
    return (
        Statement.objects.public()
        .select_related("subject", "property", "value_entity", "claimed_by")
        .prefetch_related(
            Prefetch("citations", queryset=StatementCitation.objects.public().select_related("source").order_by("pk"))
        )
    )


def live_sections(entity):
    """Published sections, and for a section whose change awaits review, its last published revision."""
    current = list(Section.objects.filter(entity=entity))
    rows = [section for section in current if section.is_published]
    pending = [section.pk for section in current if section.pending_review]
    if pending:
        seen = set()
        for record in Section.history.filter(id__in=pending, status=Status.PUBLISHED).order_by("id", "-history_date"):
            if record.id not in seen:
                seen.add(record.id)
                rows.append(record)
    return sorted(rows, key=lambda section: (section.position, section.title))
