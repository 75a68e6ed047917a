"""Delete, then bring back: every model returns exactly as it was, with its children (citations, participants…)."""

import pytest
from django.urls import reverse

from entities.models import Alias, Entity, Property, Section, Statement, StatementCitation
from events.models import Event, EventCitation, Participation
from sources.models import Source
from tests.csv_helpers import export, make_full_dataset
from tests.factories import (
    AliasFactory,
    EntityFactory,
    SectionFactory,
    SourceFactory,
    StatementCitationFactory,
    StatementFactory,
    member,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer(client):
    user = member("Reviewer")
    client.force_login(user)
    return user


def delete_then_undelete(client, obj):
    opts = obj._meta
    response = client.post(reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[obj.pk]), {"post": "yes"})
    assert response.status_code == 302, response.content.decode()[-1500:]
    assert not type(obj).objects.filter(pk=obj.pk).exists()
    record = type(obj).history.filter(**{opts.pk.attname: obj.pk}, history_type="-").latest("history_date")
    response = client.post(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_restore_deleted", args=[record.history_id]), follow=True
    )
    assert "is back, as it was before it was deleted" in response.content.decode()


ITEMS = {
    "an event with its participants and citations": lambda: Event.objects.get(slug="taliban-claim-panjshir"),
    "a statement with its citations": lambda: Statement.objects.filter(citations__isnull=False).first(),
    "a section with its citations": lambda: Section.objects.first(),
    "an entity with its aliases, statements and sections": lambda: Entity.objects.get(slug="resistance-council"),
    "an alias": lambda: Alias.objects.first(),
    "a participation": lambda: Participation.objects.first(),
    "a statement citation": lambda: StatementCitation.objects.first(),
    "an event citation": lambda: EventCitation.objects.first(),
    "a source nothing cites": lambda: Source.objects.get(key="uncited-source"),
}


@pytest.mark.parametrize("item", ITEMS)
def test_delete_then_undelete_gives_back_the_whole_item(client, reviewer, tmp_path, item):
    make_full_dataset()
    SourceFactory(key="uncited-source", title="Nobody cites this")
    council = EntityFactory(slug="resistance-council", name="Supreme Council of National Resistance")
    AliasFactory(entity=council, name="SCNR")
    StatementCitationFactory(
        source=Source.objects.get(key="bbc-2021-09-07"),
        statement=StatementFactory(subject=council, property=Property.objects.get(slug="ideology"), value_text="Federalism"),
    )
    SectionFactory(entity=council, title="Founding", position=1, body="Founded in 2022 [@bbc-2021-09-07].")
    obj = ITEMS[item]()
    assert obj is not None, f"the dataset has no {item}"
    before = export(tmp_path / "before")

    delete_then_undelete(client, obj)

    assert export(tmp_path / "after") == before
