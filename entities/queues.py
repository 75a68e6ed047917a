"""The needs-attention queues of entities, statements and sections (registered in EntitiesConfig.ready())."""

from django.db.models import Count
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from entities.models import Entity, Section, Statement
from entities.rules import contradictions, date_contradictions
from nrfsite.core.markup import citation_keys
from nrfsite.editorial.queues import (
    CONTRADICTED,
    UNCITED,
    Item,
    register,
    register_draft_queue,
    register_review_queues,
    register_translation_queue,
)


def uncited_statements(today):
    queryset = (
        Statement.objects.published()
        .annotate(n=Count("citations"))
        .filter(n=0)
        .select_related("subject", "property")
        .order_by("subject__name", "pk")
    )
    return [Item(obj, gettext("shows “citation needed” on the public page")) for obj in queryset]


def uncited_sections(today):
    queryset = Section.objects.published().select_related("entity").order_by("entity__name", "position")
    return [Item(obj, gettext("its text has no citation marker")) for obj in queryset if not citation_keys(obj.body)]


def contradicting_statements(today):
    statements = list(
        Statement.objects.published()
        .select_related("subject", "property", "value_entity")
        .order_by("subject", "property", "pk")
    )
    values, dates = contradictions(statements), date_contradictions(statements)
    return [
        Item(
            obj,
            gettext("contradicts another published “%(property)s” of %(subject)s")
            % {"property": obj.property, "subject": obj.subject}
            if obj.pk in values
            else gettext("gives %(value)s other dates than another published “%(property)s” of %(subject)s")
            % {"value": obj.value_display(), "property": obj.property, "subject": obj.subject},
        )
        for obj in statements
        if obj.pk in values or obj.pk in dates
    ]


def register_queues():
    register_review_queues(Section, _("Sections"), related=("entity",))
    register_translation_queue(Section, _("Sections"), related=("entity",))
    register_review_queues(Statement, _("Statements"), related=("subject", "property"))
    register(
        "contradiction-statement",
        model=Statement,
        title=_("Statements contradicting another published statement"),
        build=contradicting_statements,
        urgency=CONTRADICTED,
    )
    register(
        "uncited-statement",
        model=Statement,
        title=_("Published statements with no citation"),
        build=uncited_statements,
        urgency=UNCITED,
    )
    register(
        "uncited-section",
        model=Section,
        title=_("Published sections with no citation"),
        build=uncited_sections,
        urgency=UNCITED,
    )
    register_draft_queue(Section, _("Sections"), related=("entity",))
    register_draft_queue(Statement, _("Statements"), related=("subject", "property"))
    register_draft_queue(Entity, _("Entities"))
