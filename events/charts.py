"""Server-side SVG geometry for the timeline: events per month, and a tile grid of Afghanistan's provinces."""

import datetime
import math
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext, ngettext

from entities.models import Entity
from events import tally
from events.models import Event
from nrfsite.core import solar_hijri
from nrfsite.core.dates import PartialDate, Precision
from nrfsite.core.languages import reading_language
from nrfsite.core.numerals import local_number

# A tile grid of the 34 provinces, roughly where they lie: (ISO 3166-2 code, name, column, row).
PROVINCES = [
    ("AF-JOW", "Jowzjan", 2, 0),
    ("AF-BAL", "Balkh", 3, 0),
    ("AF-KDZ", "Kunduz", 4, 0),
    ("AF-TAK", "Takhar", 5, 0),
    ("AF-BDS", "Badakhshan", 6, 0),
    ("AF-FYB", "Faryab", 1, 1),
    ("AF-SAR", "Sar-e Pol", 2, 1),
    ("AF-SAM", "Samangan", 3, 1),
    ("AF-BGL", "Baghlan", 4, 1),
    ("AF-PAN", "Panjshir", 5, 1),
    ("AF-NUR", "Nuristan", 6, 1),
    ("AF-HER", "Herat", 0, 2),
    ("AF-BDG", "Badghis", 1, 2),
    ("AF-BAM", "Bamyan", 3, 2),
    ("AF-PAR", "Parwan", 4, 2),
    ("AF-KAP", "Kapisa", 5, 2),
    ("AF-KNR", "Kunar", 6, 2),
    ("AF-FRA", "Farah", 0, 3),
    ("AF-GHO", "Ghor", 1, 3),
    ("AF-DAY", "Daykundi", 2, 3),
    ("AF-WAR", "Wardak", 3, 3),
    ("AF-KAB", "Kabul", 4, 3),
    ("AF-LAG", "Laghman", 5, 3),
    ("AF-NAN", "Nangarhar", 6, 3),
    ("AF-NIM", "Nimroz", 0, 4),
    ("AF-HEL", "Helmand", 1, 4),
    ("AF-URU", "Uruzgan", 2, 4),
    ("AF-GHA", "Ghazni", 3, 4),
    ("AF-LOG", "Logar", 4, 4),
    ("AF-PIA", "Paktia", 5, 4),
    ("AF-KHO", "Khost", 6, 4),
    ("AF-KAN", "Kandahar", 2, 5),
    ("AF-ZAB", "Zabul", 3, 5),
    ("AF-PKA", "Paktika", 4, 5),
]
TILE = 58
HEAT_STEPS = 4


@dataclass
class Bar:
    """A month's bar: the events dated to that month or to a day in it."""

    x: int
    y: int
    width: int
    height: int
    month: datetime.date
    count: int

    @property
    def label(self):
        return gettext("%(month)s: %(events)s") % {"month": _month(self.month), "events": _events(self.count)}


@dataclass
class YearSpan:
    """The events of a year known only to the year ("2021"): a band under that year's months, never a bar in
    one of them (plotted as January they made every January look busy)."""

    x: int
    width: int
    year: int
    count: int

    @property
    def label(self):
        return gettext("%(year)s, month not known: %(events)s") % {
            "year": PartialDate.of(self.year),
            "events": _events(self.count),
        }


@dataclass
class Tick:
    x: int
    text: str
    year: int | None  # the year, under a January tick and the first


def _events(count):
    return ngettext("%(count)s event", "%(count)s events", count) % {"count": local_number(count)}


def _month(first_day):
    """A Gregorian month as the reader reads dates ("August 2021"; in Dari its Solar Hijri months beside it)."""
    return str(PartialDate.of(first_day.year, first_day.month))


def _short_month(first_day):
    """A tick's month: "Aug" in English, the month's name as Afghanistan writes it in Dari and Pashto."""
    language = reading_language()
    return f"{first_day:%b}" if language == "en" else solar_hijri.gregorian_month_name(first_day.month, language)


@dataclass
class Tile:
    code: str
    name: str
    x: int
    y: int
    count: int
    heat: int
    slug: str

    @property
    def short(self):
        return self.code.removeprefix("AF-")

    @property
    def label(self):
        return gettext("%(place)s: %(events)s") % {"place": self.name, "events": _events(self.count)}


@dataclass
class Point:
    """A place on the map of points: a province at its capital (a ring: its events as a whole) or a place
    more precise than a province at its own coordinates (a dot)."""

    name: str
    slug: str
    x: float
    y: float
    r: float
    count: int
    precise: bool
    province: str = ""

    @property
    def label(self):
        where = f"{self.name} ({self.province})" if self.province else self.name
        return gettext("%(place)s: %(events)s") % {"place": where, "events": _events(self.count)}


# The map of points: an equirectangular view of Afghanistan (60.4–75.0° E, 29.3–38.6° N), its width scaled by
# the cosine of 34° N so that a degree east and a degree north look alike there.
WEST, EAST, SOUTH, NORTH = 60.4, 75.0, 29.3, 38.6
POINTS_WIDTH = 420
POINTS_HEIGHT = round(POINTS_WIDTH * (NORTH - SOUTH) / ((EAST - WEST) * math.cos(math.radians(34))))
RADIUS_MIN, RADIUS_MAX = 3.5, 14.0


def _project(latitude, longitude):
    x = (float(longitude) - WEST) / (EAST - WEST) * POINTS_WIDTH
    y = (NORTH - float(latitude)) / (NORTH - SOUTH) * POINTS_HEIGHT
    return round(x, 1), round(y, 1)


def _on_map(place):
    return (
        place is not None
        and place.latitude is not None
        and place.longitude is not None
        and SOUTH <= place.latitude <= NORTH
        and WEST <= place.longitude <= EAST
    )


def place_points(by_place):
    """The places of the filtered events as points (one query): a province's events at its capital, a
    district's or town's at its own place when it has coordinates, else in the ring of the place holding it;
    the 34 capitals stay on the map as small marks, so a point is seen where it is. The area of a point grows
    with its count; `unshown` counts the events at places the map cannot show (abroad, or no coordinates)."""
    places = (
        Entity.objects.public()
        .filter(Q(pk__in=list(by_place)) | Q(iso_code__startswith="AF-", latitude__isnull=False))
        .select_related("parent")
        .order_by("name")
    )
    counts, unshown, marks = {}, 0, []
    for place in places:
        if place.iso_code.startswith("AF-") and _on_map(place):
            marks.append(place)
        count = by_place.get(place.pk, 0)
        if not count:
            continue
        parent = place.parent if place.parent and place.parent.is_published else None
        shown_at = place if _on_map(place) else parent if _on_map(parent) else None
        if shown_at is None:
            unshown += count
        else:
            counts[shown_at] = counts.get(shown_at, 0) + count
    peak = max(counts.values(), default=0)
    points = []
    for place, count in counts.items():
        x, y = _project(place.latitude, place.longitude)
        r = RADIUS_MIN + (RADIUS_MAX - RADIUS_MIN) * math.sqrt(count / peak)
        province = place.iso_code.startswith("AF-")
        parent = place.parent.name if place.parent and not province else ""
        points.append(Point(place.name, place.slug, x, y, round(r, 1), count, precise=not province, province=parent))
    points.sort(key=lambda point: -point.r)  # the largest first, so a small point is drawn over it, not under
    capitals = [Point(mark.name, mark.slug, *_project(mark.latitude, mark.longitude), 2, 0, precise=False) for mark in marks]
    return {"width": POINTS_WIDTH, "height": POINTS_HEIGHT, "marks": capitals, "points": points, "unshown": unshown}


def _countable(queryset):
    """The filtered events, ready to group: as they are, or (when a filter's join made them DISTINCT)
    through their ids, so a grouped count sees each event once. Most timelines need no subquery: on
    100,000 events without it the chart takes 26 ms instead of 67 on PostgreSQL (14 instead of 63 on
    SQLite), the map 35 instead of 98 (60 instead of 87)."""
    if queryset.query.distinct:
        return Event.objects.filter(pk__in=queryset.values("pk")).order_by()
    return queryset.order_by()


@dataclass
class Summary:
    """How many events a timeline lists, per month and per place: what its count, chart and map show."""

    total: int
    by_month: dict  # {(first day of month, precision): events}; year-precision events on their January
    by_place: dict  # {place pk: events}


def summarize(queryset):
    """The Summary of the filtered events, from one grouped query (by day, precision and place; the
    months and places are folded here). Three counts of the same filtered rows took 3 × 48 ms at
    100,000 events on SQLite, each repeating the public rule's joins for thousands of rows."""
    rows = _countable(queryset).values_list("date", "date_precision", "location_id").annotate(n=Count("pk"))
    by_month, by_place, total = {}, {}, 0
    for date, precision, place, n in rows:
        month = (tally.month_of(date), precision)
        by_month[month] = by_month.get(month, 0) + n
        if place is not None:
            by_place[place] = by_place.get(place, 0) + n
        total += n
    return Summary(total, by_month, by_place)


def kept_summary():
    """The Summary of every public event, from the counts `events.tally` keeps (two small queries)."""
    by_month = tally.month_counts()
    return Summary(sum(by_month.values()), by_month, tally.place_counts())


MONTH_LABELS = 18  # up to this many months, each is named under its bar; up to 4 times as many, each quarter


def _next_month(month):
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def monthly_chart(counts, *, width=720, left=40, top=8, plot=120):
    """The timeline's chart from {(first day of month, precision): events} (a Summary's `by_month`): a bar per
    month for events dated to the month or the day, a band under the months of a year for events dated only
    to the year, a month axis, a scale, and the same numbers as table rows.

    The SVG keeps its proportions (its text is never stretched); the page scrolls it sideways on a narrow
    screen rather than shrink it past reading.
    """
    months, years = {}, {}
    for (month, precision), count in counts.items():
        if not count:
            continue
        if precision == Precision.YEAR:
            years[month.year] = years.get(month.year, 0) + count
        else:
            months[month] = months.get(month, 0) + count
    if not months and not years:
        return {"bars": [], "spans": [], "rows": []}
    first = min([*months, *(datetime.date(year, 1, 1) for year in years)])
    last = max([*months, *(datetime.date(year, 12, 1) for year in years)])
    axis = [first]
    while axis[-1] < last:
        axis.append(_next_month(axis[-1]))
    step = (width - left) / len(axis)
    position = {month: left + round(index * step) for index, month in enumerate(axis)}
    peak = max(months.values(), default=0)
    baseline = top + plot
    bars = []
    for month in axis:
        count = months.get(month, 0)
        height = round(plot * count / peak) if count else 0
        bars.append(Bar(position[month], baseline - height, max(1, round(step) - 1), height, month, count))
    spans = []
    for year, count in sorted(years.items()):
        start = max(first, datetime.date(year, 1, 1))
        end = min(last, datetime.date(year, 12, 1))
        spans.append(YearSpan(position[start], position[end] + round(step) - 1 - position[start], year, count))
    every = 1 if len(axis) <= MONTH_LABELS else 3 if len(axis) <= 4 * MONTH_LABELS else 12
    ticks = [
        Tick(
            position[month] + round(step / 2),
            "" if every == 12 else _short_month(month),  # every year: the year alone says it
            month.year if month.month == 1 or index == 0 else None,
        )
        for index, month in enumerate(axis)
        if (month.month - 1) % every == 0 or index == 0
    ]
    scale = sorted({peak, (peak + 1) // 2, 0}) if peak else []
    rows = [(_month(month), months[month]) for month in sorted(months)]
    rows += [
        (gettext("%(year)s (month not known)") % {"year": PartialDate.of(year)}, count) for year, count in sorted(years.items())
    ]
    band = baseline + 36  # the top of the year-only band, under the month and year labels
    return {
        "bars": bars,
        "spans": spans,
        "ticks": ticks,
        "scale": [{"value": value, "y": baseline - round(plot * value / peak)} for value in scale],
        "rows": rows,
        "max": peak,
        "width": width,
        "left": left,
        "baseline": baseline,
        "band": band,
        "height": band + (18 if spans else 0) + 2,
    }


def province_tiles(by_place):
    """The 34 provinces coloured by how many events happened there, from {place pk: events} (a Summary's
    `by_place`; two queries): the places fold into their provinces here."""
    counts = {}
    places = Entity.objects.filter(pk__in=list(by_place)).values_list("pk", "iso_code", "parent__iso_code")
    for pk, code, parent_code in places:
        code = code if (code or "").startswith("AF-") else parent_code
        if code:
            counts[code] = counts.get(code, 0) + by_place[pk]
    slugs = dict(Entity.objects.public().places().filter(iso_code__startswith="AF-").values_list("iso_code", "slug"))
    peak = max(counts.values(), default=0)
    tiles = []
    for code, name, column, row in PROVINCES:
        count = counts.get(code, 0)
        tiles.append(Tile(code, name, column * TILE, row * TILE, count, _heat(count, peak), slugs.get(code, "")))
    return {
        "tiles": tiles,
        "width": 7 * TILE,
        "height": 6 * TILE,
        "size": TILE - 4,
        "legend": heat_legend(peak),
        "rows": sorted((tile for tile in tiles if tile.count), key=lambda tile: (-tile.count, tile.name)),
    }


def _heat(count, peak):
    return 0 if not count else 1 + min(HEAT_STEPS - 1, (HEAT_STEPS * count - 1) // peak)


def heat_legend(peak):
    """What each shade means, for the map's legend: [(heat, "1–2")], from none to the peak; a shade no count
    falls in (few events) is left out."""
    legend = [(0, "0")]
    for heat in range(1, HEAT_STEPS + 1):
        bounds = _shade_bounds(heat, peak)
        if bounds:
            low, high = bounds
            legend.append((heat, f"{low:,}" if low == high else f"{low:,}–{high:,}"))
    return legend


def _shade_bounds(heat, peak):
    """The lowest and highest count drawn in that shade (none: an empty list), from `_heat` solved for the
    count: (heat - 1) * peak <= HEAT_STEPS * count - 1 < heat * peak, the last shade running to the peak."""
    if not peak:
        return []
    low = max(1, ((heat - 1) * peak + HEAT_STEPS) // HEAT_STEPS)
    high = peak if heat == HEAT_STEPS else heat * peak // HEAT_STEPS
    return [low, high] if low <= high else []
