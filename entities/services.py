"""Writes that touch several entity-side models."""

from django.db import transaction

from entities.models import Rank, Statement
from entities.resources import StatementResource
from entities.rules import contradicted
from nrfsite.interchange import dialect
from sources.citations import sync_marker_citations
from sources.resources import export_rows


def section_sync_citations(*, section):
    """Make the section's citation rows mirror the [@key] markers of its body."""
    sync_marker_citations(citations=section.citations, text=section.body, exact=True)


def contradicting(statement):
    """The published statements of `statement`'s subject and property that contradict one another (in values or
    dates) when `statement` is one of them, in the order an editor compares them; [] when it contradicts none."""
    statements = list(
        Statement.objects.published()
        .filter(subject_id=statement.subject_id, property_id=statement.property_id)
        .select_related("subject", "property", "value_entity")
        .prefetch_related("citations__source__found_in")
        .order_by("start", "key")
    )
    found = contradicted(statements)
    return [s for s in statements if s.pk in found] if statement.pk in found else []


class ResolutionRefused(Exception):
    def __init__(self, errors):
        super().__init__("; ".join(errors))
        self.errors = errors


def resolve_contradiction(*, preferred, others, reason, user):
    """Record that editors prefer `preferred` to `others`, and why: it becomes preferred, they deprecated with the
    reason and a link to it; nothing is deleted. Returns the import report ("held" rows wait for a reviewer).

    The rows are written as an import of statements.csv by `user`, so a resolution obeys every rule an edit
    does: an Editor's change to a published statement waits for review, a Reviewer's is published, and each
    row is validated as any row is.
    """
    reason = " ".join(reason.split())
    if not reason:
        raise ResolutionRefused(["Say why editors prefer it: readers see the reason."])
    if not others:
        raise ResolutionRefused(["Choose a statement other than all of them: there is nothing to prefer it to."])
    rows = {row["key"]: row for row in export_rows(StatementResource, pk__in=[preferred.pk, *(o.pk for o in others)])}
    rows[preferred.key].update(rank=Rank.PREFERRED, rank_reason=reason, superseded_by="")
    for other in others:
        rows[other.key].update(rank=Rank.DEPRECATED, rank_reason=reason, superseded_by=preferred.key)
    ordered = [rows[preferred.key], *(rows[other.key] for other in others)]
    header = list(ordered[0])
    table = dialect.Table(header, [(line, [row[c] for c in header]) for line, row in enumerate(ordered, 2)])
    with transaction.atomic():
        report = StatementResource().run_import(
            table, user=user, reason=f"Resolved a contradiction: {reason}"[:300], keep_rows=False
        )
        if report.errors:
            raise ResolutionRefused([error.message for error in report.errors])
    return report
