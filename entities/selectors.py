"""The querysets entity pages read: what the public may see of statements and sections."""

from django.db.models import Prefetch

from entities.models import Alias, Entity, Section, Statement, StatementCitation
from sources.models import Source


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


def spelling_names():
    """The public names a Latin word of a query may be another spelling of (`fulltext.Query.parse`): entities'
    names and aliases, sources' titles, in one query that runs only for a query with a Latin word."""
    # No order (the models' default orders are not allowed in a UNION's parts); ALL: each time a name is
    # written, so the commoner spelling is listed first.
    return (
        Entity.objects.public()
        .order_by()
        .values_list("name", flat=True)
        .union(
            Alias.objects.public().order_by().values_list("name", flat=True),
            Source.objects.public().order_by().values_list("title", flat=True),
            all=True,
        )
    )
