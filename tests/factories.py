"""factory_boy factories for every model; tests build exactly the data they need."""

import importlib

import factory
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from entities.models import (
    Alias,
    Entity,
    EntityKind,
    Property,
    Section,
    SectionCitation,
    Statement,
    StatementCitation,
    ValueType,
)
from events.models import Event, EventCitation, EventType, Participation
from nrfsite.core.publishing import Status
from sources.models import Source


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct horse battery staple")


def member(role, **fields):
    """A staff login in one of the editorial groups ("Editor", "Reviewer"), as createeditor makes it."""
    user = UserFactory(is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=role))
    return user


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    key = factory.Sequence(lambda n: f"source-{n}")
    title = factory.Sequence(lambda n: f"Report number {n}")
    publisher = "BBC"
    status = Status.PUBLISHED


class EntityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entity

    kind = EntityKind.ORGANIZATION
    name = factory.Sequence(lambda n: f"Organization {n}")
    slug = factory.Sequence(lambda n: f"organization-{n}")
    status = Status.PUBLISHED


class PlaceFactory(EntityFactory):
    kind = EntityKind.PLACE
    name = factory.Sequence(lambda n: f"Place {n}")
    slug = factory.Sequence(lambda n: f"place-{n}")


class AliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Alias

    entity = factory.SubFactory(EntityFactory)
    name = factory.Sequence(lambda n: f"Alias {n}")
    language = "en"


class PropertyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Property

    slug = factory.Sequence(lambda n: f"test-property-{n}")
    label = factory.Sequence(lambda n: f"Test property {n}")
    value_type = ValueType.TEXT


class StatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Statement

    subject = factory.SubFactory(EntityFactory)
    property = factory.SubFactory(PropertyFactory)
    value_text = "Democratization"
    status = Status.PUBLISHED


class StatementCitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatementCitation

    statement = factory.SubFactory(StatementFactory)
    source = factory.SubFactory(SourceFactory)


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    entity = factory.SubFactory(EntityFactory)
    title = factory.Sequence(lambda n: f"Section {n}")
    body = "The NRF exercised de facto control over the Panjshir Valley."
    status = Status.PUBLISHED


class SectionCitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SectionCitation

    section = factory.SubFactory(SectionFactory)
    source = factory.SubFactory(SourceFactory)


class EventTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventType

    slug = factory.Sequence(lambda n: f"test-type-{n}")
    label = factory.Sequence(lambda n: f"Test type {n}")


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"Event {n}")
    slug = factory.Sequence(lambda n: f"event-{n}")
    date_partial = "17 August 2021"
    event_type = factory.SubFactory(EventTypeFactory)
    status = Status.PUBLISHED


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    event = factory.SubFactory(EventFactory)
    entity = factory.SubFactory(EntityFactory)


class EventCitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventCitation

    event = factory.SubFactory(EventFactory)
    source = factory.SubFactory(SourceFactory)


# Transactional tests (browser, backups) end by emptying every table, the vocabulary the data migrations
# create included; tests that need it put it back with restore_vocabulary().
VOCABULARY_MIGRATIONS = [
    ("entities.migrations.0002_property_vocabulary", "create_properties"),
    ("entities.migrations.0004_property_several_values", "mark_several"),
    ("entities.migrations.0014_property_review_every", "set_intervals"),
    ("events.migrations.0002_event_type_taxonomy", "create_event_types"),
]


def restore_vocabulary():
    """The vocabulary rows the data migrations create (idempotent: they get_or_create)."""
    for module, function in VOCABULARY_MIGRATIONS:
        getattr(importlib.import_module(module), function)(django_apps, None)
