"""ACLED's event format, both ways: the timeline as an ACLED-style CSV, and an ACLED file as draft events.

Column meanings follow ACLED's codebook (2023 columns: `disorder_type`, `civilian_targeting`, `tags`):
`time_precision` 1 = the source gives the day, 2 = a range of days or a week around the coded day,
3 = only the month (coded mid-month); `geo_precision` 1 = the exact town or village, 2 = near it or part of
a district, 3 = only the province (admin1) is known. docs/formats.md lists what each direction loses.

Export (`rows`): a reader's filtered timeline, public data only (the queryset is the timeline's own).
- An event known only to its year has no ACLED precision: it is left out, never moved to a day.
- Our roles map to the actor columns: actors → actor1 and assoc_actor_1, counterparts and targets →
  actor2 and assoc_actor_2; allies join their side's associates. Claimants, deniers and the mentioned have
  no ACLED column: they go to `tags` ("claimed by: Taliban"), with our certainty.
- ACLED's fatalities is one conservative figure: our low figure. An unknown count stays empty (not 0).
- Our political types (appointment, statement…) are not ACLED's: they become Strategic developments/Other,
  with the type in `tags`.

Import (`read`): each ACLED row becomes a draft event, its participants matched by entity name or alias,
its province by `admin1`, its type by `sub_event_type` (else `event_type`), cited to a draft source that
names the ACLED record and keeps ACLED's `source` and `notes`. A row that cannot be mapped is reported with
its line, column and reason; as with every import here, one such row writes nothing, and `--dry-run`
writes nothing at all. The rows then go through the events importer (`events.csv` as an editor imports it),
so every rule of an import applies: drafts only for an editor, markers checked, history written.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import slugify

from entities.models import Alias, Entity, EntityKind
from events.models import EventType, LocationPrecision, Role
from nrfsite.core.dates import PartialDate, Precision
from nrfsite.core.markup import to_plain_text
from nrfsite.interchange import dialect
from nrfsite.interchange.report import ImportFailed, ImportReport

COLUMNS = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
]

COUNTRY, ISO, REGION = "Afghanistan", "4", "Caucasus and Central Asia"
DISORDER = {
    "battles": "Political violence",
    "explosions-remote-violence": "Political violence",
    "violence-against-civilians": "Political violence",
    "protests": "Demonstrations",
    "riots": "Demonstrations",
    "strategic-developments": "Strategic developments",
}
GEO_PRECISION = {LocationPrecision.EXACT: "1", LocationPrecision.DISTRICT: "2", LocationPrecision.PROVINCE: "3"}
SIDE_ONE, SIDE_TWO = (Role.ACTOR,), (Role.COUNTERPART, Role.TARGET)
SEPARATOR = "; "


# Export -----------------------------------------------------------------------------------------------


def time_precision(date):
    """ACLED's code for one of our dates, or None when ACLED cannot say it (a year, or a Solar Hijri month that
    spans two Gregorian months: `gregorian()` makes it the year that holds it)."""
    date = date.gregorian()
    if date.precision == Precision.DAY:
        return "2" if date.circa else "1"
    if date.precision == Precision.MONTH:
        return "3"
    return None


def coded_day(date):
    """The day ACLED writes: the day itself, or the 15th of a month known only to the month (for a Solar Hijri
    date, of the Gregorian period that holds it)."""
    date = date.gregorian()
    value = date.value
    return value.replace(day=15) if date.precision == Precision.MONTH else value


def acled_name(place):
    """A place as ACLED names it: provinces without the word (our "Panjshir Province" is its "Panjshir")."""
    return place.name.removesuffix(" Province") if place.iso_code else place.name


def _province_and_district(place):
    if place is None:
        return "", ""
    if place.parent is not None and place.parent.kind == EntityKind.PLACE and place.parent.iso_code:
        return acled_name(place.parent), place.name  # a district in its province
    return acled_name(place), ""


def _names(participations, roles):
    return [p.entity.name for p in participations if p.role in roles]


def rows(events):
    """The header, then one ACLED row per public event of `events` (the timeline's filtered queryset)."""
    yield COLUMNS
    queryset = events.select_related("event_type__parent", "location__parent")
    for event in queryset.iterator(chunk_size=2000):  # with its prefetches, a chunk at a time: flat memory
        precision = time_precision(event.date_partial)
        if precision is None:
            continue  # a year: ACLED has no precision for it (docs/formats.md)
        yield _row(event, precision)


def _row(event, precision):
    day = coded_day(event.date_partial)
    kind = event.event_type
    top = kind.parent or kind
    acled_type = top.slug in DISORDER
    participations = list(event.participations.all())
    first, second = _names(participations, SIDE_ONE), _names(participations, SIDE_TWO)
    allies = _names(participations, (Role.ALLY,))
    tags = []
    if not acled_type:
        tags.append(f"nrfsite type: {kind.label}")
    if event.certainty not in ("confirmed", "reported"):
        tags.append(f"certainty: {event.certainty}")
    for role in (Role.CLAIMANT, Role.DENIER, Role.MENTIONED):
        names = _names(participations, (role,))
        if names:
            tags.append(f"{role.value}: {', '.join(names)}")
    sources = sorted({c.source.publisher or c.source.display_title for c in event.citations.all()})
    admin1, admin2 = _province_and_district(event.location)
    place = event.location
    return [
        event.acled_id or event.slug,
        day.isoformat(),
        str(day.year),
        precision,
        DISORDER.get(top.slug, "Strategic developments"),
        top.label if acled_type else "Strategic developments",
        (kind.label if kind.parent else "") if acled_type else "Other",
        first[0] if first else "",
        SEPARATOR.join(first[1:] + allies),
        "",  # inter1: ACLED's actor types are not ours to guess
        second[0] if second else "",
        SEPARATOR.join(second[1:]),
        "",
        "",
        "Civilian targeting" if top.slug == "violence-against-civilians" else "",
        ISO,
        REGION,
        COUNTRY,
        admin1,
        admin2,
        "",
        acled_name(place) if place else "",
        "" if place is None or place.latitude is None else f"{place.latitude.normalize():f}",
        "" if place is None or place.longitude is None else f"{place.longitude.normalize():f}",
        GEO_PRECISION.get(event.location_precision, "") if place else "",
        SEPARATOR.join(sources),
        "",
        to_plain_text(event.summary) or event.title,
        "" if event.fatalities_low is None else str(event.fatalities_low),
        SEPARATOR.join(tags),
        str(int(event.updated_at.timestamp())),
    ]


# Import -----------------------------------------------------------------------------------------------

PRECISION_OF = {
    "1": (Precision.DAY, False),
    "2": (Precision.DAY, True),
    "3": (Precision.MONTH, False),
}
LOCATION_OF = {"1": LocationPrecision.EXACT, "2": LocationPrecision.DISTRICT, "3": LocationPrecision.PROVINCE}
REQUIRED = ("event_id_cnty", "event_date", "time_precision", "event_type", "actor1", "country")
DAY_MONTH_YEAR = re.compile(r"^\d{1,2} [A-Za-z]+ \d{4}$")


@dataclass
class Translation:
    """An ACLED file as the rows of our files, with every cell that could not be mapped."""

    sources: list = field(default_factory=list)  # (line, {column: cell}) of sources.csv
    events: list = field(default_factory=list)  # (line, {column: cell}) of events.csv
    errors: list = field(default_factory=list)  # CellError


class Names:
    """Entities by every name and alias (case and spacing folded), read once per file."""

    def __init__(self):
        self.by_name = {}
        for slug, name in Entity.objects.values_list("slug", "name"):
            self.by_name.setdefault(self.fold(name), set()).add(slug)
        for slug, name in Alias.objects.values_list("entity__slug", "name"):
            self.by_name.setdefault(self.fold(name), set()).add(slug)
        places = Entity.objects.filter(kind=EntityKind.PLACE)
        self.places = set(places.values_list("slug", flat=True))
        self.provinces = {}  # ACLED's admin1 is "Panjshir" where our name is "Panjshir Province"
        for slug, name in places.exclude(iso_code="").values_list("slug", "name"):
            self.provinces[self.fold(name.removesuffix(" Province"))] = slug
        self.types = {}
        for slug, label, parent in EventType.objects.values_list("slug", "label", "parent__label"):
            self.types[(self.fold(parent or ""), self.fold(label))] = slug

    @staticmethod
    def fold(text):
        return " ".join(text.casefold().split())

    def entity(self, name, *, place=False, province=False):
        """(slug, problem): the one entity a name or alias names, or why there is none."""
        if province and self.fold(name) in self.provinces:
            return self.provinces[self.fold(name)], ""
        found = self.by_name.get(self.fold(name), set())
        if place:
            found = found & self.places
        if len(found) == 1:
            return next(iter(found)), ""
        what = "place" if place else "entity"
        if not found:
            return "", f'No {what} is named "{name}" (by name or alias): add the name as an alias and import again.'
        return "", f'"{name}" names {len(found)} entities ({", ".join(sorted(found))}): make the alias unambiguous.'

    def event_type(self, event_type, sub_event_type):
        if sub_event_type:
            slug = self.types.get((self.fold(event_type), self.fold(sub_event_type)))
            if slug:
                return slug, ""
            return "", f'"{event_type}: {sub_event_type}" is not an event type of this site.'
        slug = self.types.get(("", self.fold(event_type)))
        return (slug, "") if slug else ("", f'"{event_type}" is not an event type of this site.')


def parse_acled_date(text):
    """ACLED writes `2021-09-06`, or `06 September 2021` in older downloads."""
    text = text.strip()
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        pass
    if DAY_MONTH_YEAR.match(text):
        try:
            return datetime.datetime.strptime(text, "%d %B %Y").date()
        except ValueError:
            pass
    raise ValueError(f'"{text}" is not a date ACLED writes (2021-09-06 or 06 September 2021).')


def translate(table, *, file_name):
    """Map every row of a parsed ACLED file; nothing is written here."""
    result = Translation()
    missing = [column for column in REQUIRED if column not in table.header]
    if missing:
        result.errors.append(
            dialect.CellError(file_name, 1, "", f"Missing ACLED column(s): {', '.join(missing)}. Is this an ACLED export?")
        )
        return result
    names = Names()
    seen = {}
    for line, cells in table.rows:
        row = dict(zip(table.header, (dialect.unescape_cell(c).strip() for c in cells), strict=False))
        problems = []

        def problem(column, message, problems=problems, line=line):
            problems.append(dialect.CellError(file_name, line, column, message))

        acled_id = row.get("event_id_cnty", "")
        if not acled_id:
            problem("event_id_cnty", "Every ACLED row has an event id.")
        elif acled_id in seen:
            problem("event_id_cnty", f'"{acled_id}" is also on line {seen[acled_id]}.')
        seen.setdefault(acled_id, line)
        if row.get("country") != COUNTRY:
            problem("country", f'"{row.get("country")}" is not {COUNTRY}: this site holds events in {COUNTRY}.')
        date = None
        try:
            day = parse_acled_date(row.get("event_date", ""))
        except ValueError as error:
            problem("event_date", str(error))
        else:
            code = row.get("time_precision", "")
            if code not in PRECISION_OF:
                problem("time_precision", f'"{code}" is not an ACLED time precision (1, 2 or 3).')
            else:
                precision, circa = PRECISION_OF[code]
                date = PartialDate(day if precision == Precision.DAY else day.replace(day=1), precision, circa)
        event_type, message = names.event_type(row.get("event_type", ""), row.get("sub_event_type", ""))
        if message:
            problem("sub_event_type" if row.get("sub_event_type") else "event_type", message)
        participants = []
        for column, role in (("actor1", Role.ACTOR), ("assoc_actor_1", Role.ACTOR), ("actor2", Role.COUNTERPART),
                             ("assoc_actor_2", Role.COUNTERPART)):  # fmt: skip
            for name in filter(None, (part.strip() for part in row.get(column, "").split(";"))):
                slug, message = names.entity(name)
                if message:
                    problem(column, message)
                elif (role, slug) not in participants:
                    participants.append((role, slug))
        location, precision = "", LocationPrecision.UNKNOWN
        for column, wanted in (("location", row.get("geo_precision") or "1"), ("admin2", "2"), ("admin1", "3")):
            if not row.get(column):
                continue
            slug, message = names.entity(row[column], place=True, province=column == "admin1")
            if slug:
                location, precision = slug, LOCATION_OF.get(wanted, LocationPrecision.PROVINCE)
                break
            if column == "admin1":
                problem("admin1", message)
        fatalities = row.get("fatalities", "")
        if fatalities and not fatalities.isdigit():
            problem("fatalities", f'"{fatalities}" is not a number of deaths.')
        result.errors += problems
        if problems:
            continue
        slug = slugify(f"acled-{acled_id}")
        source_key = f"acled-{slugify(acled_id)}"
        notes = row.get("notes", "")
        result.sources.append(
            (
                line,
                {
                    "key": source_key,
                    "title": f"ACLED event {acled_id}",
                    "publisher": "ACLED",
                    "source_type": "report",
                    "language": "en",
                    "published_on": date.isoformat() if date else "",
                    "affiliation": "independent",
                    "notes": f"ACLED's sources: {row.get('source') or 'not given'} "
                    f"({row.get('source_scale') or 'scale not given'}).",
                    "status": "draft",
                },
            )
        )
        kind = row.get("sub_event_type") or row.get("event_type")
        place = row.get("location") or row.get("admin1") or COUNTRY
        result.events.append(
            (
                line,
                {
                    "slug": slug,
                    "title": f"{kind} in {place}"[:300],
                    "date": date.isoformat(),
                    "event_type": event_type,
                    "location": location,
                    "location_precision": precision,
                    "summary": f"{notes} [@{source_key}]".strip(),
                    "fatalities_low": fatalities,  # ACLED's figure is its conservative count: our low
                    "certainty": "reported",
                    "participants": SEPARATOR.join(f"{role}:{slug}" for role, slug in participants),
                    "sources": source_key,
                    "acled_id": acled_id,
                    "note": f"Imported from ACLED (tags: {row.get('tags') or 'none'}).",
                    "status": "draft",
                },
            )
        )
    return result


def as_table(rows):
    """(line, {column: cell}) rows as a dialect.Table with one header for all."""
    header = list(dict.fromkeys(column for _line, row in rows for column in row))
    return dialect.Table(header, [(line, [row.get(column, "") for column in header]) for line, row in rows])


def import_file(data, *, file_name="acled.csv", user=None, dry_run=False, encoding=None):
    """Import an ACLED file (bytes) as draft events in one transaction; return the reports (sources, events).

    Every unmappable row is reported; if any row has an error, or with `dry_run`, nothing is written.
    """
    from events.resources import EventResource  # the resources register with interchange on app load
    from sources.resources import SourceResource

    table = dialect.parse(dialect.decode(data, encoding))
    translation = translate(table, file_name=file_name)
    if translation.errors:
        return [ImportReport(file_name, errors=translation.errors)]
    reason = f"ACLED import: {file_name}"
    reports = []
    try:
        with transaction.atomic():
            for resource, rows in ((SourceResource(), translation.sources), (EventResource(), translation.events)):
                report = resource.run_import(as_table(rows), file_name=file_name, user=user, reason=reason)
                reports.append(report)
                if report.errors:
                    break
            if dry_run or any(report.errors for report in reports):
                raise ImportFailed(reports)
    except ImportFailed:
        pass
    return reports
