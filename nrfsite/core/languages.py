"""The reader's language comes from the page's address, and from nothing else.

English pages keep their addresses (`/entities/nrf/`); Dari and Pashto pages carry their language as the
first part of the path (`/prs/entities/nrf/`, `/ps/entities/nrf/`). A page's language is therefore part of
its address: links to it keep it, the page cache keys on it, search engines index each language apart
(`hreflang`), and no cookie or `Accept-Language` header makes one address answer in two languages.
"""

from typing import NamedTuple

from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html

# The language the knowledge base's own texts (names, descriptions, sections, summaries) are written in.
CONTENT_LANGUAGE = "en"


def base_language(code):
    """The language a code names, without its region: "en" for "en-gb", "prs" for "prs"; "" for none."""
    return (code or "").split("-")[0].lower()


def marked_attrs(language=CONTENT_LANGUAGE):
    """` lang="en" dir="ltr"`: the attributes of an element holding a text in a left-to-right `language`
    (the knowledge base's English) on a page in another language."""
    return format_html(' lang="{}" dir="ltr"', language)


def marked(text, language=CONTENT_LANGUAGE):
    """`<span lang="en" dir="ltr">text</span>`: a text in `language` inside a page in another language."""
    return format_html("<span{}>{}</span>", marked_attrs(language), text)


def reading_language(language=None):
    """ "prs" or "ps" on Dari and Pashto pages (by default the active language), "en" otherwise: the one
    place a language code ("en-gb", "prs") becomes the language dates, digits and content marks follow."""
    code = base_language(language or translation.get_language() or "en")
    return code if code in ("prs", "ps") else "en"


def reads_content_language():
    """Whether the page is in the language the knowledge base's own texts are written in (English)."""
    return reading_language() == CONTENT_LANGUAGE


def language_of_path(path):
    """The language an address is in: its prefix's, or the default (English) when it has none."""
    return translation.get_language_from_path(path) or settings.LANGUAGE_CODE


def path_without_language(path):
    """`/prs/admin/` → `/admin/`; an unprefixed path as it is."""
    prefix = translation.get_language_from_path(path)
    return path[len(prefix) + 1 :] if prefix else path


class Alternate(NamedTuple):
    code: str
    name: str  # in its own language: "دری"
    path: str
    url: str  # absolute, for `hreflang`
    current: bool


def alternates(request):
    """The current page in every language, for the switcher and `hreflang`.

    Built with Django's `translate_url`, so an address that is not a language-prefixed page (the API, a
    download) gives itself back, and the query string (a timeline's filters) is kept."""
    current = request.get_full_path()
    active = translation.get_language()
    pages = []
    for code, name in settings.LANGUAGES:
        path = translate_url(current, code)
        pages.append(Alternate(code, name, path, request.build_absolute_uri(path), code == active[: len(code)]))
    return pages


class PathLocaleMiddleware:
    """Activates the language of the address (see the module docstring); goes where Django's LocaleMiddleware
    would, after the session middleware. Unlike Django's, it never reads a cookie or `Accept-Language`, so it
    adds no `Vary: Accept-Language`: each address has one language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # An override, not a bare activate: the thread gets its language back after the response, so nothing
        # outside a request (a command, a test's reverse(), a job) runs in the language of the last page served.
        with translation.override(language_of_path(request.path_info)):
            request.LANGUAGE_CODE = translation.get_language()
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


def context(request):
    """Template context for every page: the current page in each language (`language_alternates`), and
    `content_attrs`, the attributes that mark a text from the database as English on a page in another
    language (` lang="en" dir="ltr"`), so a screen reader reads it as English and it is laid out left to right.
    Empty on English pages."""
    attrs = "" if reads_content_language() else marked_attrs()
    # Lazy: read by the public pages' base template (twice: the links and the switcher), computed once there,
    # and not at all on the admin's pages, which do not show it (three URL resolutions saved per page).
    return {"language_alternates": SimpleLazyObject(lambda: alternates(request)), "content_attrs": attrs}
