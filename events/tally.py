"""Event counts kept as data: public events per month (and date precision) and per place.

An unfiltered timeline, its map and the home page read these few rows instead of counting every public
event (at 100,000 events on SQLite the three counts took about 300 ms). The counts follow every write
that can change them, in the same transaction:

- an event saved or deleted one at a time (admin, publishing, restoring a revision): the months and
  places it was and is in are counted again (`signals`, below);
- an events.csv import: the months and places of every written row, before and after, once the file is
  written (`EventResource.after_write` and `check_written`);
- an entity saved or imported: it may make the events at it, or claimed by it, public or not; their
  months and places are counted again (a whole import of entities counts everything again).

Counting again, rather than adding and subtracting, keeps the counts equal to `Event.objects.public()`
whatever changed. On PostgreSQL one transaction at a time counts (an advisory lock, held to its commit),
so two saves in the same month cannot both write a count that misses the other's event; SQLite allows
one writer at a time anyway. `manage.py count_events` rebuilds the counts, or with `--check` says
whether they equal a full count.
"""

import datetime

from django.db import connection
from django.db.models import Count, Q, Sum
from django.db.models.signals import post_delete, post_save, pre_save

from entities.models import Entity
from events.models import Event, EventMonthCount, EventPlaceCount

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


def by_month(counts):
    """{month: events} from {(month, precision): events}: what the chart draws."""
    months = {}
    for (month, _precision), n in counts.items():
        months[month] = months.get(month, 0) + n
    return months


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


def count_places(places=None):
    """Count the public events at `places` (pks) again; None: every place."""
    places = None if places is None else {pk for pk in places if pk is not None}
    if places == set():
        return
    events = Event.objects.public()
    stale = EventPlaceCount.objects.all()
    if places is not None:
        events = events.filter(location__in=places)
        stale = stale.filter(location__in=places)
    counts = counted_by_place(events)
    stale.delete()
    EventPlaceCount.objects.bulk_create(EventPlaceCount(location_id=pk, count=n) for pk, n in counts.items())


def recount(months=None, places=None, *, everything=False):
    """Count these months and places again, under the lock; `everything` rebuilds both tables."""
    if not (everything or months or places):
        return
    _lock()
    if everything:
        count_months()
        count_places()
        return
    count_months(months)
    count_places(places)


def recount_events(events):
    """Count again the months and places of these events (a queryset or (date, location_id) pairs)."""
    if hasattr(events, "values_list"):
        events = events.order_by().values_list("date", "location_id").distinct()
    pairs = list(events)
    recount({month_of(date) for date, _ in pairs}, {location for _, location in pairs})


# Reading


def month_counts():
    """{(month, precision): public events}, from the kept counts."""
    return {(row.month, row.precision): row.count for row in EventMonthCount.objects.all()}


def place_counts():
    """{place pk: public events there}, from the kept counts."""
    return dict(EventPlaceCount.objects.values_list("location_id", "count"))


def total():
    return EventMonthCount.objects.aggregate(total=Sum("count"))["total"] or 0


def check():
    """Where the kept counts differ from a full count: [] when they agree."""
    live_months, live_places = counted_by_month(Event.objects.public()), counted_by_place(Event.objects.public())
    problems = []
    kept_months, kept_places = month_counts(), place_counts()
    for key in sorted(set(live_months) | set(kept_months)):
        if live_months.get(key, 0) != kept_months.get(key, 0):
            problems.append(f"{key[0]:%Y-%m} ({key[1]}): kept {kept_months.get(key, 0)}, counted {live_months.get(key, 0)}")
    for pk in sorted(set(live_places) | set(kept_places)):
        if live_places.get(pk, 0) != kept_places.get(pk, 0):
            problems.append(f"place {pk}: kept {kept_places.get(pk, 0)}, counted {live_places.get(pk, 0)}")
    return problems


# Following the writes


def _remember(sender, instance, raw=False, **kwargs):
    """Before an event is saved: the month and place it is in now, which the save may leave."""
    instance._counted_before = None
    if instance.pk and not raw:
        instance._counted_before = Event.objects.filter(pk=instance.pk).values_list("date", "location_id").first()


def _event_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    pairs = [(instance.date, instance.location_id)]
    if getattr(instance, "_counted_before", None):
        pairs.append(instance._counted_before)
    recount_events(pairs)


def _event_deleted(sender, instance, **kwargs):
    recount_events([(instance.date, instance.location_id)])


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
    if getattr(instance, "_public_rule_before", None) == (instance.status, instance.parent_id):
        return  # a new description or name: no event changes side
    touched = Event.objects.filter(
        Q(location=instance) | Q(location__parent=instance) | Q(claimed_by=instance) | Q(claimed_by__parent=instance)
    )
    recount_events(touched)


def _rows_imported(sender, **kwargs):
    if sender is Entity:
        recount(everything=True)  # an entities.csv import may publish or withdraw any place


def connect():
    from nrfsite.interchange.signals import rows_imported

    pre_save.connect(_remember, sender=Event, dispatch_uid="event-counts-remember")
    post_save.connect(_event_saved, sender=Event, dispatch_uid="event-counts-saved")
    post_delete.connect(_event_deleted, sender=Event, dispatch_uid="event-counts-deleted")
    pre_save.connect(_remember_entity, sender=Entity, dispatch_uid="event-counts-entity-remember")
    post_save.connect(_entity_saved, sender=Entity, dispatch_uid="event-counts-entity")
    rows_imported.connect(_rows_imported, dispatch_uid="event-counts-imported")
