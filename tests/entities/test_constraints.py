"""The rules the data must obey hold in the database itself, and explain themselves in forms."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from entities.models import Entity, Section, Statement, ValueType
from events.models import Event
from nrfsite.core.certainty import Certainty
from tests.factories import (
    AliasFactory,
    EntityFactory,
    EventCitationFactory,
    EventFactory,
    PropertyFactory,
    SectionFactory,
    SourceFactory,
    StatementCitationFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db


def assert_refused_by_database(instance):
    with pytest.raises(IntegrityError), transaction.atomic():
        instance.save()


def test_duplicate_entity_slug_is_refused():
    EntityFactory(slug="nrf")
    duplicate = Entity(kind="organization", name="Another", slug="nrf")
    with pytest.raises(ValidationError, match="already exists"):
        duplicate.full_clean()
    assert_refused_by_database(duplicate)


def test_duplicate_source_key_is_refused():
    SourceFactory(key="bbc-2021-09-07")
    with pytest.raises(IntegrityError), transaction.atomic():
        SourceFactory(key="bbc-2021-09-07")


def test_text_value_on_entity_property_is_refused():
    leader = PropertyFactory(slug="leader-x", value_type=ValueType.ENTITY)
    statement = Statement(subject=EntityFactory(), property=leader, value_text="Ahmad Massoud")
    with pytest.raises(ValidationError, match="takes an entity: fill in value entity, not value text"):
        statement.full_clean()
    assert_refused_by_database(statement)


def test_value_type_follows_property_even_when_set_otherwise():
    ideology = PropertyFactory(value_type=ValueType.TEXT)
    statement = StatementFactory(property=ideology, value_text="Decentralization")
    statement.refresh_from_db()
    assert statement.value_type == ValueType.TEXT


def test_entity_value_is_accepted_for_entity_property():
    leader = PropertyFactory(value_type=ValueType.ENTITY)
    statement = StatementFactory(property=leader, value_text="", value_entity=EntityFactory(kind="person"))
    statement.full_clean()
    assert Statement.objects.filter(pk=statement.pk, value_entity__kind="person").exists()


@pytest.mark.parametrize(
    ("low", "best", "high", "message"),
    [
        (6000, 5000, None, "low figure is above the best"),
        (None, 5000, 4000, "best figure is above the high"),
        (6000, None, 4000, "low figure is above the high"),
    ],
)
def test_quantities_out_of_order_are_refused(low, best, high, message):
    size = PropertyFactory(value_type=ValueType.QUANTITY)
    statement = Statement(
        subject=EntityFactory(),
        property=size,
        quantity_low=low and Decimal(low),
        quantity_best=best and Decimal(best),
        quantity_high=high and Decimal(high),
    )
    with pytest.raises(ValidationError, match=message):
        statement.full_clean()
    assert_refused_by_database(statement)


def test_quantity_statement_may_say_unknown_without_figures():
    size = PropertyFactory(value_type=ValueType.QUANTITY)
    statement = StatementFactory(property=size, value_text="unknown")
    statement.full_clean()
    assert Statement.objects.get(pk=statement.pk).value_display() == "unknown"


def test_statement_ending_before_it_starts_is_refused():
    statement = StatementFactory.build(
        subject=EntityFactory(),
        property=PropertyFactory(),
        start_partial="6 September 2021",
        end_partial="17 August 2021",
    )
    with pytest.raises(ValidationError, match="end date is before the start date"):
        statement.full_clean()
    assert_refused_by_database(statement)


def test_event_ending_before_it_starts_is_refused():
    event = EventFactory.build(event_type=EventFactory().event_type, date_partial="2022", end_partial="2021")
    with pytest.raises(ValidationError, match="end date is before the start date"):
        event.full_clean()
    assert_refused_by_database(event)


def test_end_in_same_period_at_coarser_precision_is_accepted():
    statement = StatementFactory(start_partial="2021", end_partial="April 2023")
    assert Statement.objects.get(pk=statement.pk).end_partial.isoformat() == "2023-04"


def test_claimed_statement_without_claimant_is_refused():
    statement = StatementFactory.build(subject=EntityFactory(), property=PropertyFactory(), certainty=Certainty.CLAIMED)
    with pytest.raises(ValidationError, match="needs 'claimed by'"):
        statement.full_clean()
    assert_refused_by_database(statement)


def test_claimed_event_without_claimant_is_refused():
    event = EventFactory.build(event_type=EventFactory().event_type, certainty=Certainty.CLAIMED)
    with pytest.raises(ValidationError, match="needs 'claimed by'"):
        event.full_clean()
    assert_refused_by_database(event)


def test_event_fatality_range_out_of_order_is_refused():
    event = EventFactory.build(event_type=EventFactory().event_type, fatalities_low=60, fatalities_high=10)
    with pytest.raises(ValidationError, match="low fatality figure"):
        event.full_clean()
    assert_refused_by_database(event)


def test_date_without_precision_is_refused_by_database():
    event = EventFactory()
    Event.objects.filter(pk=event.pk).update(date_precision="day")
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(date_precision="")


def test_cited_source_cannot_be_deleted():
    citation = StatementCitationFactory()
    with pytest.raises(ProtectedError):
        citation.source.delete()
    event_citation = EventCitationFactory()
    with pytest.raises(ProtectedError):
        event_citation.source.delete()


def test_uncited_source_can_be_deleted():
    source = SourceFactory()
    source.delete()
    assert not type(source).objects.filter(pk=source.pk).exists()


def test_section_with_unknown_citation_key_is_refused_with_the_key_named():
    SourceFactory(key="bbc-2021")
    section = SectionFactory.build(entity=EntityFactory(), body="Text [@bbc-2021; @no-such-source, p. 4].")
    with pytest.raises(ValidationError, match='"no-such-source"'):
        section.full_clean()


def test_section_citing_known_sources_validates():
    SourceFactory(key="bbc-2021")
    section = SectionFactory.build(entity=EntityFactory(), body="Text [@bbc-2021, p. 4].")
    section.full_clean()
    section.save()
    assert Section.objects.filter(body__contains="@bbc-2021").count() == 1


def test_entity_has_only_one_lead():
    entity = EntityFactory()
    SectionFactory(entity=entity, title="")
    with pytest.raises(IntegrityError), transaction.atomic():
        SectionFactory(entity=entity, title="")


def test_only_a_place_has_an_iso_code():
    organization = EntityFactory.build(iso_code="AF-PAN")
    with pytest.raises(ValidationError, match="Only a place"):
        organization.full_clean()
    assert_refused_by_database(organization)


def test_two_places_cannot_share_an_iso_code():
    EntityFactory(kind="place", iso_code="AF-PAN", slug="panjshir")
    with pytest.raises(IntegrityError), transaction.atomic():
        EntityFactory(kind="place", iso_code="AF-PAN", slug="panjshir-2")


def test_the_same_alias_twice_in_one_language_is_refused():
    alias = AliasFactory(name="NRF", language="en")
    with pytest.raises(IntegrityError), transaction.atomic():
        AliasFactory(entity=alias.entity, name="NRF", language="en")


def test_statement_gets_a_readable_unique_key_when_left_empty():
    nrf = EntityFactory(slug="nrf")
    ideology = PropertyFactory(slug="ideology-test")
    first = StatementFactory(subject=nrf, property=ideology, value_text="Democratization")
    second = StatementFactory(subject=nrf, property=ideology, value_text="Democratization")
    keys = list(Statement.objects.order_by("pk").values_list("key", flat=True))
    assert keys == ["nrf.ideology-test.democratization", "nrf.ideology-test.democratization.2"]
    assert (first.key, second.key) == tuple(keys)


def test_alias_language_must_be_a_language_code():
    alias = AliasFactory.build(entity=EntityFactory(), name="NRF", language='x-bad"lang')

    with pytest.raises(ValidationError, match="A language code"):
        alias.full_clean()
