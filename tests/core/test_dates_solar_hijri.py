"""A partial date keeps the calendar it was written in: "Asad 1400" is a Solar Hijri month (23 July – 22 August
2021), read in Latin or Arabic script, written back exactly, shown to Dari and Pashto readers in Solar Hijri
beside the Gregorian, and sorted, compared and counted by its real days."""

import datetime
import re

import pytest
from django.utils import translation

from nrfsite.core import solar_hijri
from nrfsite.core.dates import (
    ISO_PATTERN,
    Calendar,
    PartialDate,
    PartialDateError,
    Precision,
    duration_text,
    format_range,
    how_long,
    period_starts,
)

AUGUST_17 = datetime.date(2021, 8, 17)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("1400-05-26 SH", "1400-05-26 SH"),
        ("1400-05 SH", "1400-05 SH"),
        ("1400 SH", "1400 SH"),
        ("26 Asad 1400", "1400-05-26 SH"),
        ("Asad 1400", "1400-05 SH"),
        ("26 Asad 1400 SH", "1400-05-26 SH"),
        ("۲۶ اسد ۱۴۰۰", "1400-05-26 SH"),
        ("اسد ۱۴۰۰", "1400-05 SH"),
        ("۱۴۰۰-۰۵-۲۶ ه.ش", "1400-05-26 SH"),
        ("۱۴۰۰-۰۵-۲۶ ه\u200d.ش", "1400-05-26 SH"),  # with the zero-width joiner Dari keyboards put in
        ("۱۴۰۰-۰۵-۲۶ هـ ش", "1400-05-26 SH"),
        ("۱۴۰۰-۰۵-۲۶ هجری شمسی", "1400-05-26 SH"),
        ("٢٦ اسد ١٤٠٠", "1400-05-26 SH"),  # Arabic-Indic digits
        ("۲۶ زمری ۱۴۰۰", "1400-05-26 SH"),  # Pashto
        ("c. Asad 1400", "c. 1400-05 SH"),
        ("c. ۱۴۰۰ ه.ش", "c. 1400 SH"),
        ("حدود ۱۴۰۰ ه.ش", "c. 1400 SH"),  # as a Dari page writes "about"
        ("Sonbola 1400", "1400-06 SH"),  # a common transliteration
        ("مرداد ۱۴۰۰", "1400-05 SH"),  # Iran's name of Asad
        ("اگست ۲۰۲۱", "2021-08"),  # a Gregorian month as Dari writes it
        ("۱۷ اګست ۲۰۲۱", "2021-08-17"),  # and Pashto
    ],
)
def test_solar_hijri_wordings_parse_in_their_calendar(text, iso):
    assert PartialDate.parse(text).isoformat() == iso


@pytest.mark.parametrize(
    "name", ["وری", "غویی", "غبرگولی", "چنګاښ", "زمری", "وږی", "تله", "لړم", "لیندۍ", "مرغومی", "سلواغه", "کب"]
)
def test_every_pashto_month_name_is_read(name):
    month = ["وری", "غویی", "غبرگولی", "چنګاښ", "زمری", "وږی", "تله", "لړم", "لیندۍ", "مرغومی", "سلواغه", "کب"].index(name) + 1

    date = PartialDate.parse(f"{name} ۱۴۰۰")

    assert (date.calendar, date.parts()[:2]) == (Calendar.SOLAR_HIJRI, (1400, month))


@pytest.mark.parametrize(
    "text",
    ["1400-05-26 SH", "1400-05 SH", "1400 SH", "c. 1400-05-26 SH", "c. 1400-05 SH", "c. 1400 SH", "1399-12-30 SH"],
)
def test_the_solar_hijri_csv_form_round_trips_exactly(text):
    date = PartialDate.parse(text)

    assert date.isoformat() == text
    assert PartialDate.parse(date.isoformat()) == date
    assert PartialDate.parse(date.input_text()) == date
    assert re.fullmatch(ISO_PATTERN, text)


@pytest.mark.parametrize("text", ["26 Asad 1400", "August 2021", "2021-08-17", "26 Asad 1400 SH", "Asad 1400"])
def test_a_solar_hijri_day_and_the_gregorian_day_are_the_same_day_but_not_the_same_date(text):
    date = PartialDate.parse(text)
    assert date.value <= AUGUST_17 <= date.last_day
    assert (date.calendar == Calendar.SOLAR_HIJRI) == ("Asad" in text)


def test_a_solar_hijri_period_runs_over_its_real_days():
    assert (PartialDate.parse("Asad 1400").value, PartialDate.parse("Asad 1400").last_day) == (
        datetime.date(2021, 7, 23),
        datetime.date(2021, 8, 22),
    )
    assert (PartialDate.parse("1400 SH").value, PartialDate.parse("1400 SH").last_day) == (
        datetime.date(2021, 3, 21),
        datetime.date(2022, 3, 20),
    )
    assert PartialDate.parse("Hut 1399").last_day == datetime.date(2021, 3, 20)  # 1399 is a leap year: 30 days


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("30 Hut 1400", "Hut 1400 SH has 29 days, so day 30 does not exist."),
        ("1400-12-30 SH", "Hut 1400 SH has 29 days, so day 30 does not exist."),
        ("31 Mizan 1400", "Mizan 1400 SH has 30 days, so day 31 does not exist."),
        ("۳۱ میزان ۱۴۰۰", "Mizan 1400 SH has 30 days, so day 31 does not exist."),
        ("1400-13 SH", "there is no month 13"),
        ("August 1400 SH", "August is a Gregorian month, but the date says SH"),
        (
            "Asad 2021",
            "there is no year 2021 SH here: Solar Hijri years run from 1 to 1500. The Gregorian year 2021 is 1399–1400 SH.",
        ),
        ("1100 SH", "no date here is before 1800."),
        ("SH", "use "),
    ],
)
def test_an_impossible_solar_hijri_date_is_refused_with_a_reason(text, reason):
    with pytest.raises(PartialDateError) as refused:
        PartialDate.parse(text)
    assert str(refused.value).startswith(f'"{text}" is not a valid date: ')
    assert reason in str(refused.value)


def test_a_solar_hijri_year_typed_as_gregorian_is_refused_with_the_form_that_is_accepted():
    with pytest.raises(PartialDateError) as refused:
        PartialDate.parse("۱۴۰۰-۰۵-۲۶")
    assert str(refused.value) == (
        '"۱۴۰۰-۰۵-۲۶" is not a valid date: no date here is before 1800. Did you mean 1400-05-26 SH (26 Asad 1400) = '
        "17 August 2021? Enter it as 1400-05-26 SH or 2021-08-17."
    )
    assert PartialDate.parse("1400-05-26 SH").value == AUGUST_17  # and the form it suggests is accepted


def test_a_stored_solar_hijri_period_starts_on_its_first_day():
    with pytest.raises(ValueError, match="first day"):
        PartialDate(datetime.date(2021, 8, 1), Precision.MONTH, calendar=Calendar.SOLAR_HIJRI)
    assert PartialDate(datetime.date(2021, 7, 23), Precision.MONTH, calendar=Calendar.SOLAR_HIJRI).isoformat() == "1400-05 SH"


def test_no_solar_hijri_month_or_year_starts_on_a_gregorian_months_first_day():
    # What lets the date and its precision alone tell the calendar of a month or a year (the filters rely on it).
    for year in range(1179, solar_hijri.LAST_YEAR + 1):
        for month in range(1, 13):
            assert solar_hijri.to_gregorian(year, month, 1).day != 1, (year, month)


def test_the_periods_holding_a_day_in_either_calendar():
    assert period_starts(datetime.date(2021, 8, 10)) == {
        Precision.MONTH: [datetime.date(2021, 7, 23), datetime.date(2021, 8, 1)],
        Precision.YEAR: [datetime.date(2021, 1, 1), datetime.date(2021, 3, 21)],
    }


def test_dates_of_both_calendars_sort_by_their_days_a_period_before_what_it_holds():
    texts = ["26 Asad 1400", "2022", "Asad 1400", "1400 SH", "2021", "August 2021", "17 August 2021", "Sunbula 1400"]

    ordered = sorted(PartialDate.parse(text) for text in texts)

    assert [d.isoformat() for d in ordered] == [
        "2021",  # 1 January 2021
        "1400 SH",  # 21 March 2021
        "1400-05 SH",  # 23 July 2021
        "2021-08",
        "2021-08-17",  # the same day as 26 Asad 1400: the Gregorian one first
        "1400-05-26 SH",
        "1400-06 SH",  # 23 August 2021
        "2022",
    ]


@pytest.mark.parametrize(
    ("text", "english", "dari", "pashto"),
    [
        ("2021-08-17", "17 August 2021", "۲۶ اسد ۱۴۰۰ (۱۷ اگست ۲۰۲۱)", "۲۶ زمری ۱۴۰۰ (۱۷ اګست ۲۰۲۱)"),
        ("2021-08", "August 2021", "اسد–سنبله ۱۴۰۰ (اگست ۲۰۲۱)", "زمری–وږی ۱۴۰۰ (اګست ۲۰۲۱)"),
        ("2021", "2021", "۱۳۹۹–۱۴۰۰ (۲۰۲۱)", "۱۳۹۹–۱۴۰۰ (۲۰۲۱)"),
        ("c. 2021", "c. 2021", "حدود ۱۳۹۹–۱۴۰۰ (۲۰۲۱)", "شاوخوا ۱۳۹۹–۱۴۰۰ (۲۰۲۱)"),
        ("2021-03", "March 2021", "حوت ۱۳۹۹ – حمل ۱۴۰۰ (مارچ ۲۰۲۱)", "کب ۱۳۹۹ – وری ۱۴۰۰ (مارچ ۲۰۲۱)"),
        ("1400-05-26 SH", "26 Asad 1400 SH (17 August 2021)", "۲۶ اسد ۱۴۰۰ (۱۷ اگست ۲۰۲۱)", "۲۶ زمری ۱۴۰۰ (۱۷ اګست ۲۰۲۱)"),
        ("1400-05 SH", "Asad 1400 SH (July–August 2021)", "اسد ۱۴۰۰ (جولای–اگست ۲۰۲۱)", "زمری ۱۴۰۰ (جولای–اګست ۲۰۲۱)"),
        ("1400 SH", "1400 SH (2021–2022)", "۱۴۰۰ (۲۰۲۱–۲۰۲۲)", "۱۴۰۰ (۲۰۲۱–۲۰۲۲)"),
        (
            "1399-10 SH",
            "Jadi 1399 SH (December 2020 – January 2021)",
            "جدی ۱۳۹۹ (دسامبر ۲۰۲۰ – جنوری ۲۰۲۱)",
            "مرغومی ۱۳۹۹ (ډسمبر ۲۰۲۰ – جنوري ۲۰۲۱)",
        ),
    ],
)
def test_each_language_reads_a_date_in_its_calendar_at_its_precision(text, english, dari, pashto):
    date = PartialDate.parse(text)

    with translation.override("en-gb"):
        shown_in_english = str(date)
    with translation.override("prs"):
        shown_in_dari = str(date)
    with translation.override("ps"):
        shown_in_pashto = str(date)

    assert (shown_in_english, shown_in_dari, shown_in_pashto) == (english, dari, pashto)


def test_the_date_box_shows_what_reads_back_whatever_the_page_language():
    with translation.override("prs"):
        assert PartialDate.parse("۲۶ اسد ۱۴۰۰").input_text() == "26 Asad 1400 SH"
        assert PartialDate.parse("c. 2021-08").input_text() == "c. August 2021"


def test_a_solar_hijri_date_gives_machines_the_gregorian_period_that_says_it_best():
    assert PartialDate.parse("26 Asad 1400").iso_date() == "2021-08-17"
    assert PartialDate.parse("Asad 1400").iso_date() == "2021"  # July–August: the year holds it all
    assert PartialDate.parse("Jadi 1399").gregorian().isoformat() == "c. 2021-01"  # December–January: its middle
    assert PartialDate.parse("1400 SH").gregorian().isoformat() == "c. 2021"


def test_durations_count_solar_hijri_months_between_solar_hijri_dates():
    assert duration_text(PartialDate.parse("Asad 1400"), PartialDate.parse("Hamal 1401")) == "about 8 months"
    assert duration_text(PartialDate.parse("26 Asad 1400"), PartialDate.parse("25 Sunbula 1400")) == "30 days"
    assert duration_text(PartialDate.parse("26 Asad 1400"), PartialDate.parse("20 November 2025")) == (
        "4 years, 3 months and 3 days"  # to 29 Aqrab 1404
    )


def test_ranges_and_durations_follow_the_readers_language_and_digits():
    start = PartialDate.parse("17 August 2021")
    today = datetime.date(2025, 11, 20)

    with translation.override("prs"):
        dari = format_range(start, None, today=today)
        dari_closed = format_range(PartialDate.parse("6 September 2021"), PartialDate.parse("7 September 2021"))
        dari_weeks = how_long(45)

    # Words from the Dari catalog, digits from nrfsite.core.numerals.
    assert dari == "۲۶ اسد ۱۴۰۰ (۱۷ اگست ۲۰۲۱) – اکنون (۴ سال، ۳ ماه و ۳ روز)"
    assert dari_closed == "۱۵ سنبله ۱۴۰۰ (۶ سپتامبر ۲۰۲۱) – ۱۶ سنبله ۱۴۰۰ (۷ سپتامبر ۲۰۲۱)"
    assert dari_weeks == "۶ هفته"
    assert format_range(PartialDate.parse("26 Asad 1400"), PartialDate.parse("Sunbula 1400")) == (
        "26 Asad 1400 SH (17 August 2021) – Sunbula 1400 SH (August–September 2021)"
    )
