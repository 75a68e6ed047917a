"""Partial dates: a day, a month or a year, possibly approximate ("c. 2021").

Sources rarely give a full date: "In July 2021", "Since 2024", "On 9 September".
A `PartialDate` keeps the value at the precision the source gives, so we never
round "July 2021" to 1 July 2021 on a page, and it sorts coarser periods before
the finer ones they contain.
"""

import calendar
import datetime
import re
from dataclasses import dataclass

from django.db import models

from nrfsite.core import solar_hijri


class Precision(models.TextChoices):
    YEAR = "year", "year"
    MONTH = "month", "month"
    DAY = "day", "day"


_RANK = {Precision.YEAR: 0, Precision.MONTH: 1, Precision.DAY: 2}

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9

_CIRCA = re.compile(r"^(?:c\.|ca\.|circa|c|ca|~)\s*", re.IGNORECASE)
# re.ASCII: \d is 0-9 only. Persian and Arabic-Indic digits are read as ASCII first (`solar_hijri.ascii_digits`);
# a digit of any other script is no digit here.
_ISO = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{1,2})(?:-(?P<day>\d{1,2}))?)?$", re.ASCII)
_DAY_MONTH_YEAR = re.compile(r"^(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?P<month>[a-z]+)\.?,?\s+(?P<year>\d{4})$", re.I | re.ASCII)
_MONTH_DAY_YEAR = re.compile(r"^(?P<month>[a-z]+)\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})$", re.I | re.ASCII)
_MONTH_YEAR = re.compile(r"^(?P<month>[a-z]+)\.?,?\s+(?P<year>\d{4})$", re.I | re.ASCII)

# The form `isoformat` writes, as a regular expression a whole cell must match (the bundle's Table Schema
# gives it to every partial-date column): "2021", "2021-08", "2021-08-17", each maybe with "c. " in front, from
# EARLIEST_YEAR (1800) on, as `parse` reads them.
ISO_PATTERN = r"(c\. )?(1[89][0-9]{2}|[2-9][0-9]{3})(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?"  # from 1800
# No date in this knowledge base is older. A year before it is nearly always a Solar Hijri year typed where a
# Gregorian one belongs ("1400-05-26" for 17 August 2021): refused, with the Solar Hijri reading suggested.
EARLIEST_YEAR = 1800
FORMATS_HELP = '"2021", "2021-08", "2021-08-17", "August 2021" or "17 August 2021", optionally with "c." in front'


class PartialDateError(ValueError):
    """A text that is not a partial date; the message quotes it and says why."""


@dataclass(frozen=True)
class PartialDate:
    """A date known to a year, a month or a day; `value` is the first day of that period."""

    value: datetime.date
    precision: Precision = Precision.DAY
    circa: bool = False

    def __post_init__(self):
        object.__setattr__(self, "precision", Precision(self.precision))
        if self.precision == Precision.YEAR and (self.value.month, self.value.day) != (1, 1):
            raise ValueError("A year-precision date must be stored as 1 January.")
        if self.precision == Precision.MONTH and self.value.day != 1:
            raise ValueError("A month-precision date must be stored as the 1st of its month.")

    # Construction -------------------------------------------------------

    @classmethod
    def of(cls, year, month=None, day=None, *, circa=False):
        """`PartialDate.of(2021, 8)` is August 2021; checks the calendar."""
        if not 1 <= year <= 9999:
            raise PartialDateError(f"year {year} is out of range.")
        if month is None:
            return cls(datetime.date(year, 1, 1), Precision.YEAR, circa)
        if not 1 <= month <= 12:
            raise PartialDateError(f"there is no month {month}; months run from 1 to 12.")
        if day is None:
            return cls(datetime.date(year, month, 1), Precision.MONTH, circa)
        days = calendar.monthrange(year, month)[1]
        if not 1 <= day <= days:
            raise PartialDateError(f"{calendar.month_name[month]} {year} has {days} days, so day {day} does not exist.")
        return cls(datetime.date(year, month, day), Precision.DAY, circa)

    @classmethod
    def parse(cls, text):
        """Read "2021", "2021-08", "17 August 2021", "August 17, 2021", "c. 2021" and the like, in ASCII, Persian
        or Arabic-Indic digits; a year before EARLIEST_YEAR is refused, with its Solar Hijri reading."""
        if not isinstance(text, str):
            raise PartialDateError(f"Expected a date as text, got {text!r}.")
        raw = " ".join(text.split())
        if not raw:
            raise PartialDateError("The date is empty.")
        plain = solar_hijri.ascii_digits(raw)
        rest = _CIRCA.sub("", plain, count=1)
        circa = rest != plain
        iso = _ISO.match(rest)
        year, month, day = (int(part) if part else None for part in iso.group("year", "month", "day")) if iso else (None,) * 3
        if year is not None and year < EARLIEST_YEAR:
            # Before the Gregorian check: "1400-02-31" is 31 Sawr 1400, a day, though February has no 31st.
            raise PartialDateError(f'"{raw}" is not a valid date: {_before_earliest(year, month, day)}')
        try:
            date = cls._parse_plain(rest, circa)
        except PartialDateError as error:
            raise PartialDateError(f'"{raw}" is not a valid date: {error}') from None
        if date.value.year < EARLIEST_YEAR:
            raise PartialDateError(f'"{raw}" is not a valid date: {_before_earliest(date.value.year)}')
        return date

    @classmethod
    def parse_optional(cls, text):
        """`parse`, or None for None or a blank text: what every form box, filter and CSV cell means by empty."""
        if text is None or not str(text).strip():
            return None
        return cls.parse(str(text))

    @classmethod
    def _parse_plain(cls, text, circa):
        if match := _ISO.match(text):
            parts = [int(part) if part else None for part in match.group("year", "month", "day")]
            return cls.of(*parts, circa=circa)
        for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR, _MONTH_YEAR):
            if match := pattern.match(text):
                groups = match.groupdict()
                day = int(groups["day"]) if groups.get("day") else None
                return cls.of(int(groups["year"]), _month_number(groups["month"]), day, circa=circa)
        raise PartialDateError(f"use {FORMATS_HELP}.")

    @classmethod
    def from_date(cls, value, *, circa=False):
        return cls(value, Precision.DAY, circa)

    # Reading ------------------------------------------------------------

    @property
    def last_day(self):
        """The last day of the period: 31 December for a year, the month's end for a month."""
        if self.precision == Precision.YEAR:
            return self.value.replace(month=12, day=31)
        if self.precision == Precision.MONTH:
            return self.value.replace(day=calendar.monthrange(self.value.year, self.value.month)[1])
        return self.value

    @property
    def sort_key(self):
        """Chronological, a coarser period before the finer periods it contains."""
        return (self.value, _RANK[self.precision], self.circa)

    def __lt__(self, other):
        return self.sort_key < other.sort_key

    def __le__(self, other):
        return self.sort_key <= other.sort_key

    def __gt__(self, other):
        return self.sort_key > other.sort_key

    def __ge__(self, other):
        return self.sort_key >= other.sort_key

    def iso_date(self):
        """ISO 8601 at the date's precision, "2021", "2021-08" or "2021-08-17", without saying if approximate."""
        value = self.value
        return {
            Precision.YEAR: f"{value.year:04d}",
            Precision.MONTH: f"{value.year:04d}-{value.month:02d}",
            Precision.DAY: value.isoformat(),
        }[self.precision]

    def isoformat(self):
        """The CSV form: "2021", "2021-08", "2021-08-17", with "c. " in front when approximate."""
        text = self.iso_date()
        return f"c. {text}" if self.circa else text

    def __str__(self):
        """The reading form: "17 August 2021", "August 2021", "2021", "c. 2021"."""
        value = self.value
        text = {
            Precision.YEAR: str(value.year),
            Precision.MONTH: f"{calendar.month_name[value.month]} {value.year}",
            Precision.DAY: f"{value.day} {calendar.month_name[value.month]} {value.year}",
        }[self.precision]
        return f"c. {text}" if self.circa else text


def _before_earliest(year, month=None, day=None):
    """Why a date before EARLIEST_YEAR is refused, and what it means read as a Solar Hijri date when it is one
    (whose Gregorian day is not itself too early): "did you mean 1400-05-26 SH (26 Asad 1400) = 17 August 2021?"."""
    refusal = f"no date here is before {EARLIEST_YEAR}."
    try:
        if day is not None:
            gregorian = solar_hijri.to_gregorian(year, month, day)
            hint = (
                f" Did you mean {year}-{month:02}-{day:02} SH ({day} {solar_hijri.month_name(month)} {year}) = "
                f"{gregorian:%-d %B %Y}? Enter it as {gregorian.isoformat()}."
            )
        elif month is not None:
            gregorian, last = solar_hijri.month_span(year, month)
            hint = (
                f" Did you mean {year}-{month:02} SH ({solar_hijri.month_name(month)} {year}), which runs from "
                f"{gregorian:%-d %B %Y} to {last:%-d %B %Y}? Enter the Gregorian month or day you mean."
            )
        else:
            gregorian, last = solar_hijri.year_span(year)
            hint = (
                f" Did you mean the year {year} SH, which runs from {gregorian:%-d %B %Y} to {last:%-d %B %Y}? "
                "Enter the Gregorian year or date you mean."
            )
    except (ValueError, IndexError):  # no such Solar Hijri day (Hut 30 of a common year), month or year
        return refusal
    return refusal + (hint if gregorian.year >= EARLIEST_YEAR else "")


def _month_number(name):
    try:
        return MONTHS[name.lower().rstrip(".")]
    except KeyError:
        raise PartialDateError(f'"{name}" is not a month name.') from None


def _plural(number, word):
    return f"{number} {word}" if number == 1 else f"{number} {word}s"


def _join(parts):
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def duration_text(start, end):
    """ "4 years, 3 months and 3 days" from a start to an end, each at its own precision.

    The duration is given only down to the coarser precision of the two ends:
    from "2021" to a day it is counted in whole years ("about 4 years" when
    either end is approximate or not a day).
    """
    precision = min(start.precision, end.precision, key=_RANK.__getitem__)
    years = end.value.year - start.value.year
    months = end.value.month - start.value.month
    days = end.value.day - start.value.day
    if precision == Precision.DAY and days < 0:
        months -= 1
        previous_month = end.value.replace(day=1) - datetime.timedelta(days=1)
        days += calendar.monthrange(previous_month.year, previous_month.month)[1]
    if precision != Precision.YEAR and months < 0:
        years -= 1
        months += 12
    if precision == Precision.YEAR:
        parts = [_plural(years, "year")] if years else []
    elif precision == Precision.MONTH:
        parts = [p for p in (years and _plural(years, "year"), months and _plural(months, "month")) if p]
    else:
        parts = [
            p
            for p in (years and _plural(years, "year"), months and _plural(months, "month"), days and _plural(days, "day"))
            if p
        ]
    if not parts:
        unit = {Precision.YEAR: "a year", Precision.MONTH: "a month", Precision.DAY: "a day"}[precision]
        return f"less than {unit}"
    text = _join(parts)
    approximate = start.circa or end.circa or precision != Precision.DAY
    return f"about {text}" if approximate else text


def how_long(days):
    """A span of days as an editor reads it, in its largest whole unit: 1 → "1 day", 45 → "6 weeks",
    200 → "6 months", 1918 → "5 years". Weeks and months count from two of them ("13 days", "8 weeks"),
    years from one ("1 year" for 400 days, not "13 months")."""
    for unit, length in (("year", 365), ("month", 30), ("week", 7)):
        if days >= 2 * length or (unit == "year" and days >= length):
            return _plural(days // length, unit)
    return _plural(days, "day")


def format_range(start, end, *, today=None, ongoing=True):
    """ "17 August 2021 – present (4 years, 3 months and 3 days)" or "2021 – April 2023".

    With no end and `ongoing`, the range runs to the present and carries a live
    duration counted to `today`.
    """
    if start is None and end is None:
        return ""
    if start is None:
        return f"until {end}"
    if end is None:
        if not ongoing:
            return f"from {start}"
        today = today or datetime.date.today()
        return f"{start} – present ({duration_text(start, PartialDate.from_date(today))})"
    if start == end:
        return str(start)
    return _compact_range(start, end)


def _compact_range(start, end):
    """ "6–7 September 2021", "17 August – 6 September 2021" when both ends are exact days of one year."""
    same_kind = start.precision == end.precision == Precision.DAY and not start.circa and not end.circa
    if same_kind and start.value.year == end.value.year:
        if start.value.month == end.value.month:
            return f"{start.value.day}–{end}"
        return f"{start.value.day} {calendar.month_name[start.value.month]} – {end}"
    return f"{start} – {end}"
