"""Month names in one table per calendar, read in every spelling without two months sharing one; digits in the
reader's script."""

from django.utils import translation

from nrfsite.core import solar_hijri
from nrfsite.core.numerals import ascii_digits, local_digits, local_number


def test_each_month_has_its_name_in_each_language():
    assert [solar_hijri.month_name(5, language) for language in ("en", "prs", "ps")] == ["Asad", "اسد", "زمری"]
    assert [solar_hijri.gregorian_month_name(8, language) for language in ("en-gb", "prs", "ps")] == [
        "August",
        "اگست",
        "اګست",
    ]
    assert [row[1] for row in solar_hijri.GREGORIAN_MONTHS] == [
        "جنوری",
        "فبروری",
        "مارچ",
        "اپریل",
        "می",
        "جون",
        "جولای",
        "اگست",
        "سپتامبر",
        "اکتوبر",
        "نوامبر",
        "دسامبر",
    ]


def test_no_two_months_share_a_spelling():
    seen = {}
    tables = [("solar_hijri", solar_hijri.MONTHS), ("gregorian", solar_hijri.GREGORIAN_MONTHS)]
    for calendar, table in tables:
        for number, row in enumerate(table, start=1):
            for name in row:
                meaning = seen.setdefault(solar_hijri.fold(name), (calendar, number))
                assert meaning == (calendar, number), name
    for number, spellings in enumerate(solar_hijri.SPELLINGS, start=1):
        for name in spellings:
            assert seen.get(solar_hijri.fold(name), ("solar_hijri", number)) == ("solar_hijri", number), name


def test_a_name_is_found_whatever_keyboard_wrote_it():
    # Arabic yeh and kaf, Pashto's own letters, a tatweel and a zero-width non-joiner are one spelling.
    assert solar_hijri.MONTH_NAMES[solar_hijri.fold("جدي")] == ("solar_hijri", 10)
    assert solar_hijri.MONTH_NAMES[solar_hijri.fold("غبرګولی")] == ("solar_hijri", 3)
    assert solar_hijri.MONTH_NAMES[solar_hijri.fold("حـوت")] == ("solar_hijri", 12)


def test_digits_follow_the_active_language():
    with translation.override("prs"):
        assert local_digits("2021 and 17") == "۲۰۲۱ and ۱۷"
        assert local_number(12345) == "۱۲٬۳۴۵"
    with translation.override("ps"):
        assert local_digits(1400) == "۱۴۰۰"
    with translation.override("en-gb"):
        assert local_digits("2021") == "2021"
        assert local_number(12345) == "12,345"
    assert ascii_digits("۱۴۰۰ and ١٤٠٠") == "1400 and 1400"
