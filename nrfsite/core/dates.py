"""Partial dates: a day, a month or a year, possibly approximate ("c. 2021"), in the Gregorian or the Solar
Hijri calendar ("Asad 1400", "26 Asad 1400 SH", "۲۶ اسد ۱۴۰۰").

Sources rarely give a full date: "In July 2021", "Since 2024", "On 9 September", and Afghan ones give it in
the Solar Hijri calendar. A `PartialDate` keeps the value at the precision and in the calendar the source
gives, so we never round "July 2021" to 1 July 2021 on a page, nor "Asad 1400" to a Gregorian month it is
not (it runs from 23 July to 22 August 2021).

A partial date is a period of days: `value` is its first day and `last_day` its last, both Gregorian
`datetime.date`s whatever calendar it was written in, so comparing, sorting and filtering need no calendar.
It sorts by its first day, a longer period before the shorter ones it contains.

Storage and intervals (`nrfsite.core.fields`): the first day is the date column, beside its precision,
circa and calendar. The last day is *not* stored: the first day and the precision already fix it, because no
Solar Hijri month or year begins on the first day of a Gregorian month (tested from 1179 to 1500 SH), so a
month-precision date on the 1st is a Gregorian month and on any other day a Solar Hijri one. The filters
test overlap from the first day and the precision alone (`ends_on_or_after`), which keeps every timeline
filter on the indexes that start with the date and PostgreSQL's covering indexes (they carry the precision);
a `_last` column would have to join every one of them, and be kept right by every write that bypasses the
model.

Pages write a date for the reader (`__str__`, `display`): on English pages as it was written ("17 August
2021", "26 Asad 1400 SH (17 August 2021)"); on Dari and Pashto pages in Solar Hijri with the Gregorian
beside it, in Persian digits, month names in the page's language, and a Gregorian month or year that covers
two Solar Hijri ones as that span ("اسد–سنبله ۱۴۰۰ (اگست ۲۰۲۱)"). Files and the API write `isoformat`.
"""

import contextlib
import datetime
import re
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from nrfsite.core import numerals, solar_hijri
from nrfsite.core.languages import reading_language


class Precision(models.TextChoices):
    YEAR = "year", "year"
    MONTH = "month", "month"
    DAY = "day", "day"


class Calendar(models.TextChoices):
    GREGORIAN = "gregorian", gettext_lazy("Gregorian")
    SOLAR_HIJRI = "solar_hijri", gettext_lazy("Solar Hijri")


_RANK = {Precision.YEAR: 0, Precision.MONTH: 1, Precision.DAY: 2}
GREGORIAN, SOLAR_HIJRI = Calendar.GREGORIAN, Calendar.SOLAR_HIJRI

MONTHS = {name.lower(): number for number, (name, *_names) in enumerate(solar_hijri.GREGORIAN_MONTHS, start=1)}
MONTHS.update({name[:3].lower(): number for name, number in list(MONTHS.items())})
MONTHS["sept"] = 9

# What "approximately" is written as before a date: "c. 2021", "circa 2021", "~2021"; Dari حدود / حدوداً /
# تقریباً and Pashto شاوخوا, which Dari and Pashto pages write (`CIRCA`). Read after `solar_hijri.normalize`.
_CIRCA = re.compile(r"^(?:circa|ca\.|ca(?=[\s0-9])|c\.|c|~|حدودا|حدود|تقریبا|شاوخوا)\s*", re.IGNORECASE)
# "SH" after a date: the Solar Hijri calendar. Dari writes ه.ش (هـ.ش, ه‍.ش, هـ ش: normalized to "ه.ش", "ه ش")
# or هجری شمسی; Pashto ل. or هجری لمریز.
_SOLAR_HIJRI_MARK = re.compile(r"\s*(?:s\.?\s?h\.?|ه\.?\s?[شل]\.?|هجری\s+(?:شمسی|خورشیدی|لمریز))$", re.IGNORECASE)
# Digits are [0-9]: Persian and Arabic-Indic digits are read as ASCII first (`numerals.ascii_digits`), and a
# digit of any other script is no digit here. A month is a word in any script ("August", "Asad", "اسد").
_ISO = re.compile(r"^(?P<year>[0-9]{4})(?:-(?P<month>[0-9]{1,2})(?:-(?P<day>[0-9]{1,2}))?)?$")
_NAME = r"(?P<month>[^\W\d_]+)\.?[,،]?"
_DAY_MONTH_YEAR = re.compile(rf"^(?P<day>[0-9]{{1,2}})(?:st|nd|rd|th)?\s+{_NAME}\s+(?P<year>[0-9]{{4}})$", re.I)
_MONTH_DAY_YEAR = re.compile(rf"^{_NAME}\s+(?P<day>[0-9]{{1,2}})(?:st|nd|rd|th)?[,،]?\s+(?P<year>[0-9]{{4}})$", re.I)
_MONTH_YEAR = re.compile(rf"^{_NAME}\s+(?P<year>[0-9]{{4}})$", re.I)

# The forms `isoformat` writes, as a regular expression a whole cell must match (the bundle's Table Schema gives
# it to every partial-date column): "2021", "2021-08", "2021-08-17" from EARLIEST_YEAR (1800) on, or a Solar
# Hijri "1400", "1400-05", "1400-05-26" followed by " SH" (years 1178 to 1500: `parse` refuses a 1178 SH day
# before 1800), each maybe with "c. " in front.
_MONTH_DAY = r"(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?"
ISO_PATTERN = (
    rf"(c\. )?((1[89][0-9]{{2}}|[2-9][0-9]{{3}}){_MONTH_DAY}|(117[89]|11[89][0-9]|1[2-4][0-9]{{2}}|1500){_MONTH_DAY} SH)"
)
# No date in this knowledge base is older. A year before it is nearly always a Solar Hijri year typed where a
# Gregorian one belongs ("1400-05-26" for 17 August 2021): refused, with the Solar Hijri reading suggested.
EARLIEST_YEAR = 1800
FORMATS_HELP = (
    '"2021", "2021-08", "2021-08-17", "August 2021", "17 August 2021", or in Solar Hijri "1400-05-26 SH", '
    '"Asad 1400" or "26 Asad 1400", optionally with "c." in front'
)
# How pages write "approximately" before a date, by reading language (a word of the date's own table, as the
# month names are, not a translation catalog's).
CIRCA = {"en": "c. ", "prs": "حدود ", "ps": "شاوخوا "}


class PartialDateError(ValueError):
    """A text that is not a partial date; the message quotes it and says why."""


@dataclass(frozen=True)
class PartialDate:
    """A date known to a year, a month or a day of a calendar; `value` is the first day of that period."""

    value: datetime.date
    precision: Precision = Precision.DAY
    circa: bool = False
    calendar: Calendar = Calendar.GREGORIAN

    def __post_init__(self):
        object.__setattr__(self, "precision", Precision(self.precision))
        object.__setattr__(self, "calendar", Calendar(self.calendar))
        if self.precision == Precision.DAY or self.value == period_start(self.value, self.precision, self.calendar):
            return
        if self.calendar == SOLAR_HIJRI:
            raise ValueError(f"A Solar Hijri {self.precision.value}-precision date must be stored as its first day.")
        if self.precision == Precision.YEAR:
            raise ValueError("A year-precision date must be stored as 1 January.")
        raise ValueError("A month-precision date must be stored as the 1st of its month.")

    # Construction -------------------------------------------------------

    @classmethod
    def of(cls, year, month=None, day=None, *, circa=False, calendar=Calendar.GREGORIAN):
        """`PartialDate.of(2021, 8)` is August 2021, `PartialDate.of(1400, 5, calendar=SOLAR_HIJRI)` Asad 1400;
        checks the calendar."""
        solar = Calendar(calendar) == SOLAR_HIJRI
        if solar and not solar_hijri.FIRST_YEAR <= year <= solar_hijri.LAST_YEAR:
            message = _("there is no year %(year)s SH here: Solar Hijri years run from %(first)s to %(last)s.") % {
                "year": year,
                "first": solar_hijri.FIRST_YEAR,
                "last": solar_hijri.LAST_YEAR,
            }
            if EARLIEST_YEAR <= year <= 9000:  # a Gregorian year, most likely, after a Solar Hijri month's name
                spanned = _("The Gregorian year %(year)s is %(first)s–%(last)s SH.") % {
                    "year": year,
                    "first": solar_hijri.from_gregorian(datetime.date(year, 1, 1))[0],
                    "last": solar_hijri.from_gregorian(datetime.date(year, 12, 31))[0],
                }
                message = f"{message} {spanned}"
            raise PartialDateError(message)
        if not 1 <= year <= 9999:
            raise PartialDateError(_("year %(year)s is out of range.") % {"year": year})
        if month is not None and not 1 <= month <= 12:
            raise PartialDateError(_("there is no month %(month)s; months run from 1 to 12.") % {"month": month})
        if day is not None:
            days = solar_hijri.days_in_month(year, month) if solar else _gregorian_days(year, month)
            if not 1 <= day <= days:
                if solar:
                    message = _("%(month)s %(year)s SH has %(days)s days, so day %(day)s does not exist.")
                else:
                    message = _("%(month)s %(year)s has %(days)s days, so day %(day)s does not exist.")
                name = solar_hijri.month_name(month) if solar else solar_hijri.gregorian_month_name(month)
                raise PartialDateError(message % {"month": name, "year": year, "days": days, "day": day})
        precision = Precision.YEAR if month is None else Precision.MONTH if day is None else Precision.DAY
        to_date = solar_hijri.to_gregorian if solar else datetime.date
        value = to_date(year, month or 1, day or 1)
        return cls(value, precision, circa, calendar)

    @classmethod
    def parse(cls, text):
        """Read "2021", "2021-08", "17 August 2021", "August 17, 2021", "c. 2021" and the like; in Solar Hijri
        "1400-05-26 SH", "1400 SH", "26 Asad 1400", "۲۶ اسد ۱۴۰۰", "زمری ۱۴۰۰", "۱۴۰۰-۰۵-۲۶ ه.ش"; in ASCII,
        Persian or Arabic-Indic digits. A Gregorian year before EARLIEST_YEAR is refused, with its Solar Hijri
        reading. This is the one parser: every date box, CSV cell, filter and the API read through it."""
        if not isinstance(text, str):
            raise PartialDateError(_("Expected a date as text, got %(value)r.") % {"value": text})
        raw = " ".join(text.split())
        if not raw:
            raise PartialDateError(_("The date is empty."))
        plain = solar_hijri.normalize(numerals.ascii_digits(raw))
        rest = _CIRCA.sub("", plain, count=1)
        circa = rest != plain
        unmarked = _SOLAR_HIJRI_MARK.sub("", rest, count=1)
        marked = unmarked != rest and bool(unmarked)
        rest = unmarked if marked else rest
        iso = _ISO.match(rest)
        year, month, day = (int(part) if part else None for part in iso.group("year", "month", "day")) if iso else (None,) * 3
        if year is not None and year < EARLIEST_YEAR and not marked:
            # Before the Gregorian check: "1400-02-31" is 31 Sawr 1400, a day, though February has no 31st.
            raise _invalid(raw, _before_earliest(year, month, day))
        try:
            date = cls._parse_plain(rest, circa, marked)
        except PartialDateError as error:
            raise _invalid(raw, str(error)) from None
        if date.value.year < EARLIEST_YEAR:
            # A Solar Hijri date says its calendar: no other reading to offer.
            raise _invalid(raw, _before_earliest(date.value.year) if date.calendar == GREGORIAN else _refusal())
        return date

    @classmethod
    def parse_optional(cls, text):
        """`parse`, or None for None or a blank text: what every form box, filter and CSV cell means by empty."""
        if text is None or not str(text).strip():
            return None
        return cls.parse(str(text))

    @classmethod
    def _parse_plain(cls, text, circa, marked):
        if match := _ISO.match(text):
            parts = [int(part) if part else None for part in match.group("year", "month", "day")]
            return cls.of(*parts, circa=circa, calendar=SOLAR_HIJRI if marked else GREGORIAN)
        for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR, _MONTH_YEAR):
            if match := pattern.match(text):
                groups = match.groupdict()
                calendar, month = _month(groups["month"])
                if marked and calendar == GREGORIAN:
                    raise PartialDateError(
                        _(
                            '%(name)s is a Gregorian month, but the date says SH: write the Solar Hijri month ("Asad '
                            '1400 SH") or leave out the SH.'
                        )
                        % {"name": groups["month"]}
                    )
                day = int(groups["day"]) if groups.get("day") else None
                return cls.of(int(groups["year"]), month, day, circa=circa, calendar=calendar)
        raise PartialDateError(_("use %(formats)s.") % {"formats": FORMATS_HELP})

    @classmethod
    def from_date(cls, value, *, circa=False):
        return cls(value, Precision.DAY, circa)

    # Reading ------------------------------------------------------------

    @property
    def last_day(self):
        """The last day of the period: 31 December for a year, the month's end for a month; 20 March 2022 for
        1400 SH, 22 August 2021 for Asad 1400."""
        if self.precision == Precision.DAY:
            return self.value
        if self.calendar == SOLAR_HIJRI:
            year, month, _day = solar_hijri.from_gregorian(self.value)
            span = solar_hijri.year_span(year) if self.precision == Precision.YEAR else solar_hijri.month_span(year, month)
            return span[1]
        if self.precision == Precision.YEAR:
            return self.value.replace(month=12, day=31)
        return self.value.replace(day=_gregorian_days(self.value.year, self.value.month))

    @property
    def sort_key(self):
        """Chronological by first day, a longer period before the shorter ones it contains (in either calendar)."""
        return (self.value, -self.last_day.toordinal(), self.circa, self.calendar != GREGORIAN)

    def __lt__(self, other):
        return self.sort_key < other.sort_key

    def __le__(self, other):
        return self.sort_key <= other.sort_key

    def __gt__(self, other):
        return self.sort_key > other.sort_key

    def __ge__(self, other):
        return self.sort_key >= other.sort_key

    def parts(self, calendar=None):
        """(year, month, day) of the first day in `calendar` (by default the date's own): Asad 1400 is
        (1400, 5, 1), or (2021, 7, 23) in Gregorian."""
        if (calendar or self.calendar) == SOLAR_HIJRI:
            return solar_hijri.from_gregorian(self.value)
        return self.value.year, self.value.month, self.value.day

    def gregorian(self):
        """The Gregorian date that says it best: itself; an SH day's Gregorian day; the smallest Gregorian month
        or year that holds an SH month or year ("Asad 1400" → 2021); else, when no Gregorian year holds it all
        (1400 SH, Jadi 1399), the Gregorian period of its precision holding its middle day, approximate."""
        if self.calendar == GREGORIAN:
            return self
        first, last = self.value, self.last_day
        if self.precision == Precision.DAY:
            return PartialDate(first, Precision.DAY, self.circa)
        if (first.year, first.month) == (last.year, last.month):
            return PartialDate(first.replace(day=1), Precision.MONTH, self.circa)
        if first.year == last.year:
            return PartialDate(first.replace(month=1, day=1), Precision.YEAR, self.circa)
        middle = first + (last - first) // 2
        return PartialDate(period_start(middle, self.precision, GREGORIAN), self.precision, True)

    def iso_date(self):
        """ISO 8601 at the date's precision, "2021", "2021-08" or "2021-08-17", without saying if approximate:
        what machines read (`<time datetime>`, Popolo). A Solar Hijri date gives its `gregorian()` one."""
        if self.calendar == SOLAR_HIJRI:
            return self.gregorian().iso_date()
        value = self.value
        return {
            Precision.YEAR: f"{value.year:04d}",
            Precision.MONTH: f"{value.year:04d}-{value.month:02d}",
            Precision.DAY: value.isoformat(),
        }[self.precision]

    def isoformat(self):
        """The CSV form, which `parse` reads back to this date: "2021", "2021-08", "2021-08-17", or in Solar
        Hijri "1400", "1400-05", "1400-05-26" with " SH" after; "c. " in front when approximate."""
        if self.calendar == SOLAR_HIJRI:
            year, month, day = self.parts()
            text = f"{year:04d}" + (f"-{month:02d}" if self.precision != Precision.YEAR else "")
            text += (f"-{day:02d}" if self.precision == Precision.DAY else "") + " SH"
        else:
            text = self.iso_date()
        return f"c. {text}" if self.circa else text

    def input_text(self):
        """What a date box shows for it, in any page's language, which `parse` reads back to this date:
        "17 August 2021", "c. 2021", "26 Asad 1400 SH"."""
        text = self._written(self.calendar, "en")
        text = f"{text} SH" if self.calendar == SOLAR_HIJRI else text
        return f"c. {text}" if self.circa else text

    def __str__(self):
        """The reading form in the active language: "17 August 2021", "c. 2021", "Asad 1400 SH (July–August
        2021)"; on a Dari page "۲۶ اسد ۱۴۰۰ (۱۷ اگست ۲۰۲۱)". See `display`."""
        return self.display()

    def display(self, language=None):
        """The date as a reader of `language` (by default the active one) reads it, at its own precision.

        English: a Gregorian date as it is ("August 2021"), a Solar Hijri one as written with its Gregorian
        period after it ("26 Asad 1400 SH (17 August 2021)", "1400 SH (2021–2022)"). Dari and Pashto: in Solar
        Hijri, then the Gregorian, in Persian digits and the language's month names; a period that covers two
        of the other calendar's months or years is that span ("اسد–سنبله ۱۴۰۰ (اگست ۲۰۲۱)", "۱۳۹۹–۱۴۰۰ (۲۰۲۱)").
        """
        language = reading_language(language)
        if language == "en":
            text = self._written(GREGORIAN, "en")
            if self.calendar == SOLAR_HIJRI:
                text = f"{self._written(SOLAR_HIJRI, 'en')} SH ({text})"
        else:
            text = self._written(GREGORIAN, language)
            with contextlib.suppress(ValueError):  # after 9377 SH (in 9998), past jdatetime's: the Gregorian alone
                text = f"{self._written(SOLAR_HIJRI, language)} ({text})"
            text = numerals.local_digits(text, language)
        return CIRCA[language] + text if self.circa else text

    def _written(self, calendar, language):
        """The period in `calendar` at the date's precision, a span when it covers two of that calendar's."""
        cut = _RANK[self.precision] + 1
        first = self.parts(calendar)[:cut]
        # In its own calendar a period is one period; in the other it may reach into a second one.
        last = first if calendar == self.calendar else PartialDate.from_date(self.last_day).parts(calendar)[:cut]
        name = solar_hijri.month_name if calendar == SOLAR_HIJRI else solar_hijri.gregorian_month_name

        def one(year, month=None, day=None):
            words = [str(day) if day else "", name(month, language) if month else "", str(year)]
            return " ".join(word for word in words if word)

        if first == last:
            return one(*first)
        if self.precision == Precision.YEAR:
            return f"{first[0]}–{last[0]}"
        if first[0] == last[0]:
            return f"{name(first[1], language)}–{name(last[1], language)} {first[0]}"
        return f"{one(*first)} – {one(*last)}"


def period_start(day, precision, calendar):
    """The first day of the year, month or day of `calendar` that holds `day`."""
    precision = Precision(precision)
    if precision == Precision.DAY:
        return day
    if Calendar(calendar) == GREGORIAN:
        return day.replace(month=1, day=1) if precision == Precision.YEAR else day.replace(day=1)
    year, month, _day = solar_hijri.from_gregorian(day)
    return solar_hijri.first_day(year, 1 if precision == Precision.YEAR else month)


def period_starts(day):
    """{precision: first days}: the first day of each month and each year, in either calendar, that holds `day`
    (what the filters need to find the periods that run into a day from before it)."""
    starts = {}
    for precision in (Precision.MONTH, Precision.YEAR):
        firsts = {period_start(day, precision, GREGORIAN)}
        with contextlib.suppress(ValueError):  # after 9377 SH (in 9998): no Solar Hijri date is stored there
            firsts.add(period_start(day, precision, SOLAR_HIJRI))
        starts[precision] = sorted(firsts)
    return starts


def _gregorian_days(year, month):
    if month == 12:
        return 31
    return (datetime.date(year, month + 1, 1) - datetime.timedelta(days=1)).day


def _invalid(raw, reason):
    return PartialDateError(_('"%(text)s" is not a valid date: %(reason)s') % {"text": raw, "reason": reason})


def _english(day):
    return PartialDate.from_date(day).display("en")


def _refusal():
    return _("no date here is before %(year)s.") % {"year": EARLIEST_YEAR}


def _before_earliest(year, month=None, day=None):
    """Why a date before EARLIEST_YEAR is refused, and what it means read as a Solar Hijri date when it is one
    (whose Gregorian day is not itself too early): "did you mean 1400-05-26 SH (26 Asad 1400) = 17 August
    2021? Enter it as 1400-05-26 SH or 2021-08-17."."""
    refusal = _refusal()
    try:
        if day is not None:
            gregorian = solar_hijri.to_gregorian(year, month, day)
            typed = f"{year}-{month:02}-{day:02} SH"
            hint = _(" Did you mean %(typed)s (%(day)s %(month)s %(year)s) = %(gregorian)s? Enter it as %(typed)s or %(iso)s.")
            hint %= {
                "typed": typed,
                "day": day,
                "month": solar_hijri.month_name(month),
                "year": year,
                "gregorian": _english(gregorian),
                "iso": gregorian.isoformat(),
            }
        elif month is not None:
            gregorian, last = solar_hijri.month_span(year, month)
            hint = _(
                " Did you mean %(typed)s (%(month)s %(year)s), which runs from %(first)s to %(last)s? Enter it as "
                "%(typed)s, or the Gregorian month or day you mean."
            ) % {
                "typed": f"{year}-{month:02} SH",
                "month": solar_hijri.month_name(month),
                "year": year,
                "first": _english(gregorian),
                "last": _english(last),
            }
        else:
            gregorian, last = solar_hijri.year_span(year)
            hint = _(
                " Did you mean the year %(typed)s, which runs from %(first)s to %(last)s? Enter it as %(typed)s, or "
                "the Gregorian year or date you mean."
            ) % {"typed": f"{year} SH", "first": _english(gregorian), "last": _english(last)}
    except (ValueError, IndexError):  # no such Solar Hijri day (Hut 30 of a common year), month or year
        return refusal
    return refusal + (hint if gregorian.year >= EARLIEST_YEAR else "")


def _month(name):
    """(calendar, number) of a month name: "August", "Aug." and "اگست" are Gregorian, "Asad" and "اسد" Solar Hijri."""
    key = name.lower().rstrip(".")
    if key in MONTHS:
        return GREGORIAN, MONTHS[key]
    if found := solar_hijri.MONTH_NAMES.get(solar_hijri.fold(key)):
        return Calendar(found[0]), found[1]
    raise PartialDateError(_('"%(name)s" is not a month name.') % {"name": name})


# Ranges and durations ---------------------------------------------------


def _count(number, unit):
    if unit == "year":
        text = ngettext("%(count)s year", "%(count)s years", number)
    elif unit == "month":
        text = ngettext("%(count)s month", "%(count)s months", number)
    elif unit == "week":
        text = ngettext("%(count)s week", "%(count)s weeks", number)
    else:
        text = ngettext("%(count)s day", "%(count)s days", number)
    return text % {"count": number}


def _join(parts):
    if len(parts) <= 1:
        return "".join(parts)
    separator = pgettext("between the items of a list", ", ")
    return _("%(items)s and %(last)s") % {"items": separator.join(parts[:-1]), "last": parts[-1]}


def _counting_calendar(start, end):
    """The calendar a duration is counted in: Solar Hijri when an end was given in it and no end is a Gregorian
    month or year (a day is the same day in both), so "Asad 1400 – Hamal 1401" is 8 months."""
    ends = (start, end)
    if any(d.calendar == SOLAR_HIJRI for d in ends) and all(
        d.calendar == SOLAR_HIJRI or d.precision == Precision.DAY for d in ends
    ):
        return SOLAR_HIJRI
    return GREGORIAN


def duration_text(start, end):
    """ "4 years, 3 months and 3 days" from a start to an end, each at its own precision.

    The duration is counted between the periods' first days, in whole years, months and days of one calendar
    (`_counting_calendar`), and given only down to the coarser precision of the two ends: from "2021" to a day
    it is counted in whole years ("about 4 years" when either end is approximate or not a day). In the
    reader's digits.
    """
    precision = min(start.precision, end.precision, key=_RANK.__getitem__)
    calendar = _counting_calendar(start, end)
    (start_year, start_month, start_day), (year, month, day) = start.parts(calendar), end.parts(calendar)
    years, months, days = year - start_year, month - start_month, day - start_day
    if precision == Precision.DAY and days < 0:
        months -= 1
        previous = (year, month - 1) if month > 1 else (year - 1, 12)
        days += solar_hijri.days_in_month(*previous) if calendar == SOLAR_HIJRI else _gregorian_days(*previous)
    if precision != Precision.YEAR and months < 0:
        years -= 1
        months += 12
    counted = [(years, "year"), (months, "month"), (days, "day")][: _RANK[precision] + 1]
    parts = [_count(number, unit) for number, unit in counted if number]
    if not parts:
        text = {Precision.YEAR: _("less than a year"), Precision.MONTH: _("less than a month")}.get(precision)
        return numerals.local_digits(text or _("less than a day"))
    text = _join(parts)
    if start.circa or end.circa or precision != Precision.DAY:
        text = _("about %(duration)s") % {"duration": text}
    return numerals.local_digits(text)


def how_long(days):
    """A span of days as an editor reads it, in its largest whole unit: 1 → "1 day", 45 → "6 weeks",
    200 → "6 months", 1918 → "5 years". Weeks and months count from two of them ("13 days", "8 weeks"),
    years from one ("1 year" for 400 days, not "13 months"). In the reader's digits."""
    for unit, length in (("year", 365), ("month", 30), ("week", 7)):
        if days >= 2 * length or (unit == "year" and days >= length):
            return numerals.local_digits(_count(days // length, unit))
    return numerals.local_digits(_count(days, "day"))


def format_range(start, end, *, today=None, ongoing=True):
    """ "17 August 2021 – present (4 years, 3 months and 3 days)" or "2021 – April 2023", each end as `display`
    writes it for the reader.

    With no end and `ongoing`, the range runs to the present and carries a live
    duration counted to `today`.
    """
    if start is None and end is None:
        return ""
    if start is None:
        return _("until %(end)s") % {"end": end}
    if end is None:
        if not ongoing:
            return _("from %(start)s") % {"start": start}
        today = today or datetime.date.today()
        duration = duration_text(start, PartialDate.from_date(today))
        return _("%(start)s – present (%(duration)s)") % {"start": start, "duration": duration}
    if start == end:
        return str(start)
    return _compact_range(start, end)


def _compact_range(start, end):
    """ "6–7 September 2021", "17 August – 6 September 2021" when both ends are exact Gregorian days of one year
    on an English page (a Dari or Pashto page writes each end in two calendars: no part is shared)."""
    plain = all(d.precision == Precision.DAY and not d.circa and d.calendar == GREGORIAN for d in (start, end))
    if plain and reading_language() == "en" and start.value.year == end.value.year:
        if start.value.month == end.value.month:
            return f"{start.value.day}–{end}"
        return f"{start.value.day} {solar_hijri.gregorian_month_name(start.value.month)} – {end}"
    return f"{start} – {end}"
