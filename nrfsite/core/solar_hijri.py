"""The Solar Hijri calendar as Afghanistan writes it: months Hamal … Hut, years from the Hijra, starting at the
March equinox.

The arithmetic (which Gregorian day a Solar Hijri day is, which years are leap years) is jdatetime's, the
Jalali calendar Iran and Afghanistan share; the month names are Afghanistan's (Dari), not Iran's
(Farvardin …). Years before 1 SH or after 1500 SH are not converted.
"""

import datetime

import jdatetime

MONTHS = (
    ("Hamal", "حمل"),
    ("Sawr", "ثور"),
    ("Jawza", "جوزا"),
    ("Saratan", "سرطان"),
    ("Asad", "اسد"),
    ("Sunbula", "سنبله"),
    ("Mizan", "میزان"),
    ("Aqrab", "عقرب"),
    ("Qaws", "قوس"),
    ("Jadi", "جدی"),
    ("Dalw", "دلو"),
    ("Hut", "حوت"),
)
FIRST_YEAR, LAST_YEAR = 1, 1500

# Persian (۰–۹) and Arabic-Indic (٠–٩) digits, read as the ASCII digits they are.
DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")


def ascii_digits(text):
    """The text with Persian and Arabic-Indic digits written as ASCII digits: "۱۴۰۰" is "1400"."""
    return text.translate(DIGITS)


def month_name(month):
    return MONTHS[month - 1][0]


def to_gregorian(year, month, day):
    """The Gregorian date of a Solar Hijri day; ValueError when there is no such day (Hut 30 of a common year)."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"{year} SH is out of range.")
    return jdatetime.date(year, month, day).togregorian()


def month_span(year, month):
    """The first and last Gregorian days of a Solar Hijri month."""
    first = to_gregorian(year, month, 1)
    following = to_gregorian(year + 1, 1, 1) if month == 12 else to_gregorian(year, month + 1, 1)
    return first, following - datetime.timedelta(days=1)


def year_span(year):
    """The first and last Gregorian days of a Solar Hijri year."""
    return to_gregorian(year, 1, 1), to_gregorian(year + 1, 1, 1) - datetime.timedelta(days=1)
