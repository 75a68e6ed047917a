"""Digits as the reader writes them: ASCII on English pages, Persian digits (۰–۹) on Dari and Pashto ones.

What readers type is read in any of the three scripts Afghans meet (`ascii_digits`); what pages write is in
the page's own (`local_digits`, `local_number`), decided by the active language (`get_language()`), so a
count, a date or a duration says "۱۴۰۰" on /prs/ and "1400" on the English page, from one template.
"""

from django.utils import translation

from nrfsite.core.languages import base_language

# Persian (۰–۹, what Afghanistan writes in Dari and Pashto) and Arabic-Indic (٠–٩) digits, read as ASCII ones.
ASCII_OF = {digit: str(value % 10) for value, digit in enumerate("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩")}
_TO_ASCII = str.maketrans(ASCII_OF)
_TO_PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
# ARABIC THOUSANDS SEPARATOR and ARABIC DECIMAL SEPARATOR, which Persian digits are grouped and pointed with.
_PERSIAN_SEPARATORS = str.maketrans({",": "٬", ".": "٫"})

PERSIAN_DIGIT_LANGUAGES = frozenset({"prs", "ps", "fa"})


def ascii_digits(text):
    """The text with Persian and Arabic-Indic digits written as ASCII digits: "۱۴۰۰" is "1400"."""
    return text.translate(_TO_ASCII)


def uses_persian_digits(language=None):
    """Whether pages in `language` (by default the active one) write Persian digits: Dari and Pashto do."""
    return base_language(language or translation.get_language()) in PERSIAN_DIGIT_LANGUAGES


def local_digits(text, language=None):
    """The text with its ASCII digits written as the reader's: "17 August 2021" stays on an English page,
    "۱۷" on a Dari or Pashto one. Anything else in the text is left as it is."""
    text = str(text)
    return text.translate(_TO_PERSIAN) if uses_persian_digits(language) else text


def local_number(number, language=None):
    """A number grouped by thousands in the reader's digits: 12345 is "12,345" in English, "۱۲٬۳۴۵" in Dari."""
    text = f"{number:,}"
    if not uses_persian_digits(language):
        return text
    return text.translate(_PERSIAN_SEPARATORS).translate(_TO_PERSIAN)
