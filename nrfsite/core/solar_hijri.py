"""The Solar Hijri calendar as Afghanistan writes it: months Hamal … Hut, years from the Hijra, starting at the
March equinox; and the names of the months of both calendars in English, Dari and Pashto.

The arithmetic (which Gregorian day a Solar Hijri day is, which years are leap years) is jdatetime's, the
Jalali calendar Iran and Afghanistan share; the month names are Afghanistan's (Dari حمل … حوت, Pashto وری …
کب), not Iran's (Farvardin …), which are read but never written. Years before 1 SH or after 1500 SH are not
converted.
"""

import datetime
import re

import jdatetime

from nrfsite.core.languages import base_language
from nrfsite.core.numerals import ascii_digits  # noqa: F401  (its old home: callers may still import it from here)

# The one table of month names, one row a month, in the languages of `LANGUAGES`: the Solar Hijri months as
# Afghanistan names them (the English column is the usual transliteration of the Dari), and the Gregorian months
# as Afghanistan writes them in Dari and Pashto (Afghan spellings, not Iran's ژانویه … دسامبر).
LANGUAGES = ("en", "prs", "ps")
MONTHS = (
    ("Hamal", "حمل", "وری"),
    ("Sawr", "ثور", "غویی"),
    ("Jawza", "جوزا", "غبرگولی"),
    ("Saratan", "سرطان", "چنګاښ"),
    ("Asad", "اسد", "زمری"),
    ("Sunbula", "سنبله", "وږی"),
    ("Mizan", "میزان", "تله"),
    ("Aqrab", "عقرب", "لړم"),
    ("Qaws", "قوس", "لیندۍ"),
    ("Jadi", "جدی", "مرغومی"),
    ("Dalw", "دلو", "سلواغه"),
    ("Hut", "حوت", "کب"),
)
GREGORIAN_MONTHS = (
    ("January", "جنوری", "جنوري"),
    ("February", "فبروری", "فبروري"),
    ("March", "مارچ", "مارچ"),
    ("April", "اپریل", "اپرېل"),
    ("May", "می", "مۍ"),
    ("June", "جون", "جون"),
    ("July", "جولای", "جولای"),
    ("August", "اگست", "اګست"),
    ("September", "سپتامبر", "سپتمبر"),
    ("October", "اکتوبر", "اکتوبر"),
    ("November", "نوامبر", "نومبر"),
    ("December", "دسامبر", "ډسمبر"),
)
# Other spellings a date box reads (never writes): transliterations of the Afghan names, and Iran's names of
# the Solar Hijri months, which sources printed in Iran use.
SPELLINGS = (
    ("Farvardin", "فروردین"),
    ("Saur", "Sowr", "Sur", "Ordibehesht", "اردیبهشت"),
    ("Jauza", "Jowza", "Khordad", "خرداد"),
    ("Sartan", "Tir", "تیر"),
    ("Assad", "Mordad", "Amordad", "مرداد", "امرداد"),
    ("Sonbola", "Sunbulah", "Sumbula", "Sombola", "Shahrivar", "شهریور"),
    ("Meezan", "Mehr", "مهر"),
    ("Akrab", "Aban", "آبان"),
    ("Qaus", "Kaws", "Azar", "آذر"),
    ("Jaddi", "Dey", "دی"),
    ("Dalv", "Dalwa", "Bahman", "بهمن"),
    ("Hoot", "Hout", "Esfand", "اسفند"),
)
FIRST_YEAR, LAST_YEAR = 1, 1500

# Letters that one name is written with in different keyboards and scripts: Arabic yeh and kaf for Persian ones,
# Pashto's yeh forms and gaf, teh marbuta; and what only joins or stretches letters (ZWNJ, ZWJ, tatweel, harakat).
_FOLD = str.maketrans({"ي": "ی", "ى": "ی", "ې": "ی", "ۍ": "ی", "ئ": "ی", "ك": "ک", "ګ": "گ", "ة": "ه", "ۀ": "ه"})
_JOINERS = re.compile("[\u200c\u200d\u0640\u064b-\u065f\u0670]")


def normalize(text):
    """The text with one spelling of each letter and without joiners or vowel marks: "هـ.ش" is "ه.ش"."""
    return _JOINERS.sub("", text).translate(_FOLD)


def fold(text):
    """A word as month names are looked up: `normalize`d, in lower case."""
    return normalize(text).lower()


def _names():
    names = {}
    for calendar, table in (("solar_hijri", MONTHS), ("gregorian", GREGORIAN_MONTHS)):
        for number, row in enumerate(table, start=1):
            for name in row[1:] if calendar == "gregorian" else row:  # English Gregorian names: dates.MONTHS
                names[fold(name)] = (calendar, number)
    for number, spellings in enumerate(SPELLINGS, start=1):
        for name in spellings:
            names.setdefault(fold(name), ("solar_hijri", number))
    return names


# {folded name: (calendar, month number)} for every month name a date box reads, except the English Gregorian ones.
MONTH_NAMES = _names()


def month_name(month, language="en"):
    """The Solar Hijri month's name: `month_name(5)` is "Asad", `month_name(5, "prs")` "اسد", "ps" "زمری"."""
    return MONTHS[month - 1][_column(language)]


def gregorian_month_name(month, language="en"):
    """The Gregorian month's name as Afghanistan writes it: "August", "اگست" (Dari), "اګست" (Pashto)."""
    return GREGORIAN_MONTHS[month - 1][_column(language)]


def _column(language):
    code = base_language(language)
    return LANGUAGES.index(code) if code in LANGUAGES else 0


def to_gregorian(year, month, day):
    """The Gregorian date of a Solar Hijri day; ValueError when there is no such day (Hut 30 of a common year)."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"{year} SH is out of range.")
    return first_day(year, month, day)


def first_day(year, month=1, day=1):
    """`to_gregorian` for any year jdatetime knows (to 9377 SH): which period a Gregorian day falls in."""
    return jdatetime.date(year, month, day).togregorian()


def from_gregorian(date):
    """The Solar Hijri (year, month, day) of a Gregorian date: 17 August 2021 is (1400, 5, 26). ValueError after
    9377 SH (the last days of 9998)."""
    solar = jdatetime.date.fromgregorian(date=date)
    return solar.year, solar.month, solar.day


def days_in_month(year, month):
    """29 to 31: the first six months have 31 days, the next five 30, Hut 29 or 30 in a leap year."""
    if month < 12:
        return 31 if month <= 6 else 30
    return 30 if jdatetime.date(year, 1, 1).isleap() else 29


def month_span(year, month):
    """The first and last Gregorian days of a Solar Hijri month."""
    first = to_gregorian(year, month, 1)
    return first, first + datetime.timedelta(days=days_in_month(year, month) - 1)


def year_span(year):
    """The first and last Gregorian days of a Solar Hijri year."""
    first = to_gregorian(year, 1, 1)
    return first, to_gregorian(year, 12, days_in_month(year, 12))
