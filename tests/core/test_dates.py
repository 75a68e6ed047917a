"""Partial dates read what sources write and print it back at the same precision."""

import datetime

import pytest

from nrfsite.core.dates import PartialDate, PartialDateError, Precision, duration_text, format_range, how_long


@pytest.mark.parametrize(
    ("text", "iso", "reading"),
    [
        ("2021", "2021", "2021"),
        ("2021-08", "2021-08", "August 2021"),
        ("2021-08-17", "2021-08-17", "17 August 2021"),
        ("August 2021", "2021-08", "August 2021"),
        ("Aug 2021", "2021-08", "August 2021"),
        ("Sept. 2021", "2021-09", "September 2021"),
        ("17 August 2021", "2021-08-17", "17 August 2021"),
        ("17th August 2021", "2021-08-17", "17 August 2021"),
        ("August 17, 2021", "2021-08-17", "17 August 2021"),
        ("  9   september   2021 ", "2021-09-09", "9 September 2021"),
        ("c. 2021", "c. 2021", "c. 2021"),
        ("circa July 2021", "c. 2021-07", "c. July 2021"),
        ("~2021-08", "c. 2021-08", "c. August 2021"),
    ],
)
def test_source_wordings_parse_to_their_own_precision(text, iso, reading):
    date = PartialDate.parse(text)
    assert (date.isoformat(), str(date)) == (iso, reading)


@pytest.mark.parametrize("text", ["2021", "2021-08", "2021-08-17", "c. 2021", "c. 2021-08-17"])
def test_iso_form_round_trips(text):
    assert PartialDate.parse(text).isoformat() == text


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("32 August 2021", "August 2021 has 31 days"),
        ("29 February 2023", "February 2023 has 28 days"),
        ("2021-13", "no month 13"),
        ("Smarch 2021", '"Smarch" is not a month name'),
        ("next year", "is not a valid date"),
        ("", "empty"),
    ],
)
def test_impossible_dates_are_refused_with_a_reason(text, reason):
    with pytest.raises(PartialDateError, match=reason):
        PartialDate.parse(text)


def test_leap_day_is_accepted_in_a_leap_year():
    assert PartialDate.parse("29 February 2024").value == datetime.date(2024, 2, 29)


def test_empty_text_parses_to_no_date():
    assert PartialDate.parse_optional("  ") is None


def test_a_year_sorts_before_the_months_and_days_it_contains():
    dates = [PartialDate.parse(t) for t in ["17 August 2021", "2022", "August 2021", "2021", "1 January 2021"]]
    assert [d.isoformat() for d in sorted(dates)] == ["2021", "2021-01-01", "2021-08", "2021-08-17", "2022"]


def test_last_day_of_a_period():
    assert PartialDate.parse("February 2024").last_day == datetime.date(2024, 2, 29)
    assert PartialDate.parse("2021").last_day == datetime.date(2021, 12, 31)


def test_precision_is_checked_against_the_stored_value():
    with pytest.raises(ValueError, match="1 January"):
        PartialDate(datetime.date(2021, 8, 17), Precision.YEAR)


def test_live_duration_counts_years_months_and_days():
    start = PartialDate.parse("17 August 2021")
    assert duration_text(start, PartialDate.parse("20 November 2025")) == "4 years, 3 months and 3 days"
    assert duration_text(start, PartialDate.parse("16 September 2021")) == "30 days"


def test_duration_from_a_coarse_date_is_approximate_and_coarse():
    assert duration_text(PartialDate.parse("2024"), PartialDate.parse("25 November 2026")) == "about 2 years"
    assert duration_text(PartialDate.parse("July 2021"), PartialDate.parse("9 September 2021")) == "about 2 months"


def test_open_range_runs_to_the_present_with_a_duration():
    text = format_range(PartialDate.parse("17 August 2021"), None, today=datetime.date(2025, 11, 20))
    assert text == "17 August 2021 – present (4 years, 3 months and 3 days)"


def test_closed_range_keeps_each_end_at_its_precision():
    assert format_range(PartialDate.parse("2021"), PartialDate.parse("April 2023")) == "2021 – April 2023"


def test_ranges_within_one_year_are_written_compactly():
    assert format_range(PartialDate.parse("6 September 2021"), PartialDate.parse("7 September 2021")) == ("6–7 September 2021")
    assert format_range(PartialDate.parse("17 August 2021"), PartialDate.parse("6 September 2021")) == (
        "17 August – 6 September 2021"
    )
    assert format_range(PartialDate.parse("30 November 2022"), PartialDate.parse("1 December 2022")) == (
        "30 November – 1 December 2022"
    )


@pytest.mark.parametrize(
    ("days", "text"),
    [
        (0, "0 days"),
        (1, "1 day"),
        (13, "13 days"),
        (14, "2 weeks"),
        (59, "8 weeks"),
        (60, "2 months"),
        (364, "12 months"),
        (365, "1 year"),
        (729, "1 year"),
        (1918, "5 years"),
    ],
)
def test_how_long_says_a_span_of_days_in_its_largest_whole_unit(days, text):
    assert how_long(days) == text
