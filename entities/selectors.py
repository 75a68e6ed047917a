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


def rank_decisions(statements):
    """When, and by whom, each statement got the rank reason it has now: {pk: (datetime, username or "")}.

    Read from the statements' revisions in one query: the oldest revision of the latest run that carries
    the current reason is the decision (a later edit of another field does not move it).
    """
    current = {s.pk: s.rank_reason for s in statements if s.rank_reason}
    if not current:
        return {}
    decided = {}
    revisions = (
        Statement.history.filter(id__in=current)
        .order_by("id", "-history_date", "-history_id")
        .values_list("id", "rank_reason", "history_date", "history_user__username")
    )
    stopped = set()
    for pk, reason, when, username in revisions:
        if pk in stopped:
            continue
        if reason != current[pk]:
            stopped.add(pk)
            continue
        decided[pk] = (when, username or "")
    return decided
