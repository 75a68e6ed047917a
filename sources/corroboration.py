"""How well a fact is corroborated: how many sources cite it, how many are independent, how many are a party's.

The one rule for it, read by pages (`Corroboration.of`) and by the timeline's filter (`independently_cited`).
"""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from sources.models import Affiliation

# "1 from the NRF": each party, as the count of its own sources names it.
PARTIES = {Affiliation.NRF: _("the NRF"), Affiliation.TALIBAN: _("the Taliban"), Affiliation.STATE: _("a state")}


@dataclass(frozen=True)
class Corroboration:
    """ "3 sources · 2 independent · 1 from the NRF": distinct sources, by their publisher's affiliation."""

    sources: int
    independent: int
    parties: tuple = ()  # (label, count) for each party with sources of its own

    @classmethod
    def of(cls, sources):
        affiliations = Counter({source.pk: source.affiliation for source in sources}.values())
        parties = tuple((label, affiliations[party]) for party, label in PARTIES.items() if affiliations[party])
        return cls(affiliations.total(), affiliations[Affiliation.INDEPENDENT], parties)

    @property
    def worth_showing(self):
        """Shown beside a fact when there is something to weigh: several sources, or a party's own."""
        return self.sources > 1 or bool(self.parties)

    def __str__(self):
        parts = [ngettext("%(count)s source", "%(count)s sources", self.sources) % {"count": self.sources}]
        if self.independent:
            parts.append(gettext("%(count)s independent") % {"count": self.independent})
        parts += [gettext("%(count)s from %(party)s") % {"count": count, "party": label} for label, count in self.parties]
        return " · ".join(parts)


def independently_cited(citation_model, parent, at_least):
    """The ids of `parent` rows (a values() subquery) that at least `at_least` independent published sources cite."""
    return (
        citation_model.objects.public()
        .filter(source__affiliation=Affiliation.INDEPENDENT)
        .values(parent)
        .annotate(independent=Count("source", distinct=True))
        .filter(independent__gte=at_least)
        .values(parent)
    )
