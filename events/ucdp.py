"""The timeline in UCDP GED's columns, where they apply; what we do not know stays empty, never invented.

Codes follow the UCDP Georeferenced Event Dataset codebook:
- `date_prec`: 1 the exact day; 2 a range of two to six days; 3 the week; 4 a range of 8–30 days or the
  month; 5 a longer range or only the year.
- `where_prec`: 1 the exact location; 3 a second-order division (our district); 4 a first-order division
  (our province); 6 only the country. Our "unknown" place stays empty.
- `type_of_violence`: 1 state-based, 2 non-state, 3 one-sided. We set 3 for our "violence against
  civilians" types, 1 for a battle with a state (an entity of kind "state") on one side, and nothing
  otherwise: whether an armed group is a state's government is not ours to decide.
- `best`, `low`, `high`: our casualty range; `best` only when the sources agree on one figure.
  `deaths_a`, `deaths_b`, `deaths_civilians` are unknown in our data (a total, not split by side):
  empty; a single agreed total is `deaths_unknown` (deaths of unknown side), as UCDP's best is their sum.
- `source_article`: each public source as "publisher, "title", date"; `number_of_sources` how many.
"""

from entities.models import EntityKind
from events.models import LocationPrecision, Role
from nrfsite.core.dates import Precision

COLUMNS = [
    "id",
    "relid",
    "year",
    "type_of_violence",
    "dyad_name",
    "side_a",
    "side_b",
    "number_of_sources",
    "source_article",
    "where_prec",
    "where_description",
    "adm_1",
    "adm_2",
    "latitude",
    "longitude",
    "country",
    "country_id",
    "region",
    "date_prec",
    "date_start",
    "date_end",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
    "best",
    "high",
    "low",
]

COUNTRY, COUNTRY_ID, REGION = "Afghanistan", "700", "Asia"  # 700: Gleditsch and Ward's code, as UCDP uses
WHERE_PREC = {
    LocationPrecision.EXACT: "1",
    LocationPrecision.DISTRICT: "3",
    LocationPrecision.PROVINCE: "4",
    LocationPrecision.COUNTRY: "6",
}
SIDE_A, SIDE_B = (Role.ACTOR, Role.ALLY), (Role.COUNTERPART, Role.TARGET)


def date_prec(event):
    """UCDP's code for how well the date is known: the start's precision, widened by a span to the end."""
    start = event.date_partial
    if start.precision == Precision.YEAR:
        return "5"
    if start.precision == Precision.MONTH:
        return "4"
    end = event.end_partial
    span = (end.last_day - start.value).days if end else 0
    if span == 0:
        return "2" if start.circa else "1"
    if span <= 6:
        return "2"
    if span == 7:
        return "3"
    return "4" if span <= 30 else "5"


def type_of_violence(event, participations):
    top = (event.event_type.parent or event.event_type).slug
    if top == "violence-against-civilians":
        return "3"
    sides = [p for p in participations if p.role in (*SIDE_A, *SIDE_B)]
    if top == "battles" and any(p.entity.kind == EntityKind.STATE for p in sides):
        return "1"
    return ""


def _source(citation):
    source = citation.source
    parts = [source.publisher, f'"{source.display_title}"', str(source.published_on_partial or "")]
    return ", ".join(part for part in parts if part and part != '""')


def rows(events):
    """The header, then one UCDP-style row per public event of `events` (the timeline's filtered queryset)."""
    yield COLUMNS
    queryset = events.select_related("event_type__parent", "location__parent")
    for event in queryset.iterator(chunk_size=2000):
        yield _row(event)


def _row(event):
    participations = list(event.participations.all())
    side_a = "; ".join(p.entity.name for p in participations if p.role in SIDE_A)
    side_b = "; ".join(p.entity.name for p in participations if p.role in SIDE_B)
    sources = sorted({_source(c) for c in event.citations.all()})
    place = event.location
    province, district = "", ""
    if place is not None:
        if place.parent is not None and place.parent.iso_code:
            province, district = place.parent.name, place.name
        elif place.iso_code:
            province = place.name
    low, high = event.fatalities_low, event.fatalities_high
    best = low if low is not None and (high is None or high == low) else None
    start, end = event.date_partial, event.end_partial
    return [
        event.ucdp_id or event.slug,
        event.slug,
        str(start.value.year),
        type_of_violence(event, participations),
        f"{side_a} - {side_b}" if side_a and side_b else "",
        side_a,
        side_b,
        str(len(sources)),
        "; ".join(sources),
        WHERE_PREC.get(event.location_precision, "") if place else "",
        place.name if place else "",
        province,
        district,
        "" if place is None or place.latitude is None else f"{place.latitude.normalize():f}",
        "" if place is None or place.longitude is None else f"{place.longitude.normalize():f}",
        COUNTRY,
        COUNTRY_ID,
        REGION,
        date_prec(event),
        start.value.isoformat(),
        (end or start).last_day.isoformat(),
        "",
        "",
        "",
        "" if best is None else str(best),
        "" if best is None else str(best),
        "" if high is None else str(high),
        "" if low is None else str(low),
    ]
