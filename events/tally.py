"""Event counts kept as data: public events per month (and date precision), per place, per cited source and
per entity involved.

An unfiltered timeline, its map, the home page, a source's page and an entity's page read these few rows
instead of counting every public event (at 100,000 events on SQLite the three timeline counts took about
300 ms, a source's 60 ms). The counts follow every write that can change them, in the same transaction:

- an event saved or deleted one at a time (admin, publishing, restoring a revision): the months and
  places it was and is in are counted again, and, when it may have become public or stopped being, the
  sources it cites and the entities it involves (`signals`, below);
- a citation or a participation saved or deleted one at a time (admin inlines, marker citations): its
  source or entity, before and after;
- an events.csv import: the months and places of every written row, before and after, the sources its
  rows cited before and cite after, and the entities they involved and involve, once the file is written
  (`EventResource.write` and `check_written`); an event_citations.csv or participations.csv import: the
  sources or entities of the rows written;
- an entity saved or imported: it may make the events at it, or claimed by it, public or not; their
  months, places, sources and entities are counted again (a whole import of entities counts everything
  again).

Counting again, rather than adding and subtracting, keeps the counts equal to `Event.objects.public()`
whatever changed. On PostgreSQL one transaction at a time counts (an advisory lock, held to its commit),
so two saves in the same month cannot both write a count that misses the other's event; SQLite allows
one writer at a time anyway. `manage.py count_events` rebuilds the counts, or with `--check` says
whether they equal a full count.
"""

import datetime

from django.db import connection
from django.db.models import Count, Q, Sum
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from entities.models import Entity, EntityKind
from events.models import (
    Event,
    EventCitation,
    EventEntityCount,
    EventMonthCount,
    EventPlaceCount,
    EventSourceCount,
    Participation,
)

LOCK = 7_447_001  # the advisory lock's key: any constant no other code uses
WHOLE = 48  # more months than this: count them all at once, one grouped query


def month_of(date):
    return date.replace(day=1)


def _lock():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK])


def _month_range(month):
    following = (month + datetime.timedelta(days=32)).replace(day=1)
    return Q(date__gte=month, date__lt=following)


def counted_by_month(events):
    """{(first day of month, precision): events} of a queryset of events, in one query.

    Grouped by day and folded into months here: truncating each row to its month is a Python call per
    row on SQLite, while the distinct days are few.
    """
    counts = {}
    for row in events.order_by().values("date", "date_precision").annotate(n=Count("pk")):
        key = (month_of(row["date"]), row["date_precision"])
        counts[key] = counts.get(key, 0) + row["n"]
    return counts


def counted_by_place(events):
    """{place pk: events} of a queryset of events (those at no place left out), in one query."""
    rows = events.exclude(location=None).order_by().values("location_id").annotate(n=Count("pk"))
    return {row["location_id"]: row["n"] for row in rows}


def counted_by_source(events):
    """{source pk: events citing it} of a queryset of events, in one query (an event citing a source at two
    places counts once)."""
    rows = (
        EventCitation.objects.filter(event__in=events.order_by().values("pk"))
        .order_by()
        .values("source_id")
        .annotate(n=Count("event_id", distinct=True))
    )
    return {row["source_id"]: row["n"] for row in rows}


def count_months(months=None):
    """Count the public events of `months` (first days) again; None: every month."""
    months = None if months is None or len(months) > WHOLE else sorted(set(months))
    if months == []:
        return
    events = Event.objects.public()
    stale = EventMonthCount.objects.all()
    if months is not None:
        condition = Q()
        for month in months:
            condition |= _month_range(month)
        events = events.filter(condition)
        stale = stale.filter(month__in=months)
    counts = counted_by_month(events)
    stale.delete()
    EventMonthCount.objects.bulk_create(
        EventMonthCount(month=month, precision=precision, count=n) for (month, precision), n in counts.items()
    )


def _count_again(table, field, counted, keys, of):
    """Count again the public events of each of `keys` (pks of `field`'s model; None: all) into `table`:
    `counted(events)` counts them by key, `of(events, keys)` narrows the events to those keys'."""
    keys = None if keys is None else {pk for pk in keys if pk is not None}
    if keys == set():
        return
    events, stale = Event.objects.public(), table.objects.all()
    if keys is not None:
        events, stale = of(events, keys), stale.filter(**{f"{field}__in": keys})
    counts = counted(events)
    if keys is not None:
        counts = {pk: n for pk, n in counts.items() if pk in keys}  # keys `of` brought in beside (other sources)
    stale.delete()
    table.objects.bulk_create(table(**{f"{field}_id": pk, "count": n}) for pk, n in counts.items())


def count_places(places=None):
    """Count the public events at `places` (pks) again; None: every place."""
    _count_again(EventPlaceCount, "location", counted_by_place, places, lambda events, pks: events.filter(location__in=pks))


def count_sources(sources=None):
    """Count the public events citing `sources` (pks) again; None: every source."""

    def citing_any(events, pks):
        return events.filter(pk__in=EventCitation.objects.filter(source__in=pks).values("event_id"))

    _count_again(EventSourceCount, "source", counted_by_source, sources, citing_any)


def counted_by_entity():
    """{entity pk: public events involving it} for every entity, in one query: the distinct (entity, event)
    pairs of `Event.objects.involving` (a participant; a place the event is at or that holds that place),
    grouped by entity."""
    public = Event.objects.public().order_by()
    taking_part = Participation.objects.filter(event__in=public.values("pk")).order_by().values_list("entity_id", "event_id")
    # As `involving`: the place an event is at, and the place holding it, count only when they are places.
    at_place = public.filter(location__kind=EntityKind.PLACE).values_list("location_id", "pk")
    within = public.filter(location__parent__kind=EntityKind.PLACE).values_list("location__parent_id", "pk")
    sql, params = taking_part.union(at_place, within).query.sql_with_params()  # UNION: each pair once
    with connection.cursor() as cursor:
        # The SQL is the ORM's own (every value a parameter); only the grouping is written here.
        cursor.execute(f"SELECT entity_id, COUNT(*) FROM ({sql}) AS pairs GROUP BY entity_id", params)  # noqa: S608
        return dict(cursor.fetchall())


def count_entities(entities=None):
    """Count again the public events involving `entities` (pks; None: every entity).

    `Event.objects.involving` is the rule the entity page lists by, so the count cannot drift from the list:
    the entities one write touches are few (an event's participants and its place), each counted by it.
    Every entity at once (an entities.csv import, `count_events`) is one grouped query, `counted_by_entity`,
    which `check()` compares with `involving` entity by entity (it was a query per entity: 111 for the seed).
    """
    keys = None if entities is None else {pk for pk in entities if pk is not None}
    if keys == set():
        return
    if keys is None:
        counts = counted_by_entity()
    else:
        counts = {}
        for entity in Entity.objects.filter(pk__in=keys).only("pk", "kind"):
            n = Event.objects.public().involving(entity).count()
            if n:
                counts[entity.pk] = n
    stale = EventEntityCount.objects.all() if keys is None else EventEntityCount.objects.filter(entity__in=keys)
    stale.delete()
    EventEntityCount.objects.bulk_create(EventEntityCount(entity_id=pk, count=n) for pk, n in counts.items())


def places_of(locations):
    """The places whose events these locations (pks) count in: each location and the place it lies in."""
    locations = {pk for pk in locations if pk is not None}
    if not locations:
        return set()
    return locations | set(Entity.objects.filter(pk__in=locations, parent__isnull=False).values_list("parent_id", flat=True))


def participants_of(events):
    """The pks of the entities taking part in these events (a queryset, or pks)."""
    return set(Participation.objects.filter(event__in=events).order_by().values_list("entity_id", flat=True).distinct())


def involved_in(events):
    """The pks of the entities whose kept counts these events (a queryset, or pks) count in: their participants,
    their places and the places those lie in."""
    locations = Event.objects.filter(pk__in=events).order_by().values_list("location_id", flat=True).distinct()
    return participants_of(events) | places_of(locations)


def recount(months=None, places=None, sources=None, entities=None, *, everything=False):
    """Count these months, places, sources and entities again, under the lock; `everything` rebuilds every table."""
    if not (everything or months or places or sources or entities):
        return
    _lock()
    if everything:
        count_months()
        count_places()
        count_sources()
        count_entities()
        return
    # What is not given is not counted: to these functions None means "every one", and a deleted citation
    # once recounted every entity of the archive, one query each (60 s of one test's setup on PostgreSQL).
    count_months(months or ())
    count_places(places or ())
    count_sources(sources or ())
    count_entities(entities or ())


def cited_by(events):
    """The pks of the sources these events (a queryset, or pks) cite."""
    return set(EventCitation.objects.filter(event__in=events).order_by().values_list("source_id", flat=True).distinct())


def recount_events(events, sources=(), entities=()):
    """Count again the months and places of these events (a queryset or (date, location_id) pairs), the
    `sources` and `entities` (pks; with a queryset, those its events cite and involve as well)."""
    sources, entities = set(sources), set(entities)
    if hasattr(events, "values_list"):
        sources |= cited_by(events.order_by().values("pk"))
        entities |= involved_in(events.order_by().values("pk"))
        events = events.order_by().values_list("date", "location_id").distinct()
    pairs = list(events)
    recount({month_of(date) for date, _ in pairs}, {location for _, location in pairs}, sources, entities)


# Reading


def month_counts():
    """{(month, precision): public events}, from the kept counts."""
    return {(row.month, row.precision): row.count for row in EventMonthCount.objects.all()}


def place_counts():
    """{place pk: public events there}, from the kept counts."""
    return dict(EventPlaceCount.objects.values_list("location_id", "count"))


def source_count(source):
    """Public events citing `source`, from the kept counts."""
    return EventSourceCount.objects.filter(source=source).values_list("count", flat=True).first() or 0


def entity_count(entity):
    """Public events involving `entity` (`Event.objects.involving`), from the kept counts."""
    return EventEntityCount.objects.filter(entity=entity).values_list("count", flat=True).first() or 0


def total():
    return EventMonthCount.objects.aggregate(total=Sum("count"))["total"] or 0


def check():
    """Where the kept counts differ from a full count: [] when they agree."""
    public = Event.objects.public()
    live_months, live_places, live_sources = counted_by_month(public), counted_by_place(public), counted_by_source(public)
    problems = []
    kept_months, kept_places = month_counts(), place_counts()
    kept_sources = dict(EventSourceCount.objects.values_list("source_id", "count"))
    for key in sorted(set(live_months) | set(kept_months)):
        if live_months.get(key, 0) != kept_months.get(key, 0):
            problems.append(f"{key[0]:%Y-%m} ({key[1]}): kept {kept_months.get(key, 0)}, counted {live_months.get(key, 0)}")
    for pk in sorted(set(live_places) | set(kept_places)):
        if live_places.get(pk, 0) != kept_places.get(pk, 0):
            problems.append(f"place {pk}: kept {kept_places.get(pk, 0)}, counted {live_places.get(pk, 0)}")
    for pk in sorted(set(live_sources) | set(kept_sources)):
        if live_sources.get(pk, 0) != kept_sources.get(pk, 0):
            problems.append(f"source {pk}: kept {kept_sources.get(pk, 0)}, counted {live_sources.get(pk, 0)}")
    kept_entities = dict(EventEntityCount.objects.values_list("entity_id", "count"))
    for entity in Entity.objects.only("pk", "kind").order_by("pk"):
        live, kept = public.involving(entity).count(), kept_entities.get(entity.pk, 0)
        if live != kept:
            problems.append(f"entity {entity.pk}: kept {kept}, counted {live}")
    return problems


# Following the writes


PUBLIC_RULE = ("location_id", "status", "claimed_by_id")  # what decides whether an event is public


def _remember(sender, instance, raw=False, **kwargs):
    """Before an event is saved: the month and place it is in now, which the save may leave, and what
    decides whether it is public."""
    instance._counted_before = None
    if instance.pk and not raw:
        instance._counted_before = Event.objects.filter(pk=instance.pk).values_list("date", *PUBLIC_RULE).first()


def _event_saved(sender, instance, raw=False, created=False, **kwargs):
    if raw:
        return
    pairs = [(instance.date, instance.location_id)]
    before = getattr(instance, "_counted_before", None)
    if before:
        pairs.append(before[:2])
    sources, entities = (), ()
    rule_changed = before is None or before[1:] != tuple(getattr(instance, name) for name in PUBLIC_RULE)
    if created:
        entities = places_of([instance.location_id])  # a new one has no participants yet, nor citations
    elif rule_changed:
        # It may have become public or stopped being, or moved: what it cites and involves, before and after.
        sources = cited_by([instance.pk])
        entities = involved_in([instance.pk]) | places_of([before[1]] if before else [])
    recount_events(pairs, sources, entities)


def _remember_deleted(sender, instance, **kwargs):
    """Before an event is deleted: the sources it cites (its citations go first; its participations too, and
    each of those recounts its entity)."""
    instance._cited_before = cited_by([instance.pk])


def _event_deleted(sender, instance, **kwargs):
    recount_events(
        [(instance.date, instance.location_id)], getattr(instance, "_cited_before", ()), places_of([instance.location_id])
    )


# The rows that link an event to what else is counted: the field that names it, and recount's argument.
LINKS = {EventCitation: ("source_id", "sources"), Participation: ("entity_id", "entities")}


def _connect_link(model, field, counts):
    """Keep the counts of what a link row (a citation, a participation) names: the one it named before a
    save, and the one it names after (a citation moved to another source, a participant to another entity)."""
    before = f"_{field}_before"

    def remember(sender, instance, raw=False, **kwargs):
        setattr(instance, before, None)
        if instance.pk and not raw:
            setattr(instance, before, model.objects.filter(pk=instance.pk).values_list(field, flat=True).first())

    def saved(sender, instance, raw=False, **kwargs):
        if not raw:
            recount(**{counts: {getattr(instance, field), getattr(instance, before, None)}})

    def deleted(sender, instance, **kwargs):
        recount(**{counts: {getattr(instance, field)}})

    uid = f"event-counts-{model._meta.model_name}"
    # weak=False: the receivers are closures, which nothing else holds on to.
    pre_save.connect(remember, sender=model, weak=False, dispatch_uid=f"{uid}-remember")
    post_save.connect(saved, sender=model, weak=False, dispatch_uid=f"{uid}-saved")
    post_delete.connect(deleted, sender=model, weak=False, dispatch_uid=f"{uid}-deleted")


def _remember_entity(sender, instance, raw=False, **kwargs):
    """Before an entity is saved: its status and parent now (what decides whether its events are public)."""
    instance._public_rule_before = None
    if instance.pk and not raw:
        instance._public_rule_before = Entity.objects.filter(pk=instance.pk).values_list("status", "parent_id").first()


def _entity_saved(sender, instance, raw=False, created=False, **kwargs):
    """An entity's status or parent decides whether the events at it, or claimed by it, are public: when
    either changed, their months and places are counted again (a new entity has no events yet)."""
    if raw or created:
        return
    before = getattr(instance, "_public_rule_before", None)
    if before == (instance.status, instance.parent_id):
        return  # a new description or name: no event changes side
    touched = Event.objects.filter(
        Q(location=instance) | Q(location__parent=instance) | Q(claimed_by=instance) | Q(claimed_by__parent=instance)
    )
    # A place moved to another province: both provinces' totals take in or lose its events.
    recount_events(touched, entities={instance.parent_id, before[1] if before else None})


def _rows_imported(sender, **kwargs):
    if sender is Entity:
        recount(everything=True)  # an entities.csv import may publish or withdraw any place
    elif sender in LINKS:  # event_citations.csv, participations.csv: rows added or changed, none removed
        field, counts = LINKS[sender]
        recount(**{counts: {getattr(row, field) for row in kwargs.get("objs", ())}})


def connect():
    from nrfsite.interchange.signals import rows_imported

    pre_save.connect(_remember, sender=Event, dispatch_uid="event-counts-remember")
    post_save.connect(_event_saved, sender=Event, dispatch_uid="event-counts-saved")
    pre_delete.connect(_remember_deleted, sender=Event, dispatch_uid="event-counts-remember-deleted")
    post_delete.connect(_event_deleted, sender=Event, dispatch_uid="event-counts-deleted")
    for model, (field, counts) in LINKS.items():
        _connect_link(model, field, counts)
    pre_save.connect(_remember_entity, sender=Entity, dispatch_uid="event-counts-entity-remember")
    post_save.connect(_entity_saved, sender=Entity, dispatch_uid="event-counts-entity")
    rows_imported.connect(_rows_imported, dispatch_uid="event-counts-imported")
