"""Writes locale-vendor/: the messages of Django's admin and of the libraries the admin shows, in Dari and Pashto.

Django and the libraries ship no Dari (`prs`) or Pashto (`ps`) catalog, so /prs/admin/ and /ps/admin/ would show
"Save", "Delete" and "Log out" in English. Dari is the Persian of Afghanistan, written in the same script with
the same words for these messages, so the Dari catalog is the libraries' own Persian (`fa`) translations,
copied as they are. The Pashto catalog holds the same messages; its translations are ours, kept in
locale-vendor/ps/ and merged, never overwritten, when this runs again (for a new Django, say).

    .venv/bin/python scripts/vendor_catalogs.py     # after upgrading Django or one of the libraries below

settings.LOCALE_PATHS lists locale/ first, so the project's own catalogs win where a message is in both.
The compiled .mo files are written with polib (no GNU gettext needed) and committed.
"""

import calendar
import importlib.util
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from nrfsite.core.solar_hijri import GREGORIAN_MONTHS  # noqa: E402 - after the path: the one table of month names

TARGET = ROOT / "locale-vendor"
# (package, domain): whose messages the admin shows. A package without a Persian catalog is skipped for Dari.
PACKAGES = [
    ("django.conf", "django"),
    ("django.contrib.admin", "django"),
    ("django.contrib.auth", "django"),
    ("django.contrib.contenttypes", "django"),
    ("import_export", "django"),
    ("django_filters", "django"),
    ("axes", "django"),
    ("django.contrib.admin", "djangojs"),
]
# Django's names of the Gregorian months (full, "alt. month", "abbrev. month", and the 3-letter ones), written
# as Afghanistan writes them in Dari and Pashto, from the table the public pages' dates use: Iran's Persian
# (ژانویه, اوت) is not Dari (جنوری, اگست).
ABBREVIATIONS = ("Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.")
MONTH_MESSAGES = {
    **{(context, name): number for context in (None, "alt. month") for number, name in enumerate(calendar.month_name) if name},
    **{("abbrev. month", name): number for number, name in enumerate(ABBREVIATIONS, start=1)},
    **{(None, name.lower()): number for number, name in enumerate(calendar.month_abbr) if name},
}
COLUMN = {"prs": 1, "ps": 2}


def afghan_months(language, entries):
    """The entries with Django's Gregorian month names replaced by the Afghan ones of `language`."""
    for entry in entries:
        number = MONTH_MESSAGES.get((entry.msgctxt, entry.msgid))
        if number is not None:
            entry.msgstr = GREGORIAN_MONTHS[number - 1][COLUMN[language]]
    return entries


PLURALS = {"prs": "nplurals=2; plural=(n > 1);", "ps": "nplurals=2; plural=(n != 1);"}
NAMES = {"prs": "Dari", "ps": "Pashto"}


def persian_catalog(package, domain):
    root = Path(importlib.util.find_spec(package).submodule_search_locations[0])
    path = root / "locale" / "fa" / "LC_MESSAGES" / f"{domain}.po"
    return polib.pofile(str(path)) if path.exists() else None


def write(language, domain, entries):
    folder = TARGET / language / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    po = polib.POFile(wrapwidth=0)
    po.header = (
        f"{NAMES[language]} ({language}) translations of Django's admin and its libraries' messages, for nrfsite.\n"
        "Written by scripts/vendor_catalogs.py; see its docstring."
    )
    po.metadata = {
        "Project-Id-Version": f"nrfsite vendored {domain}",
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": PLURALS[language],
    }
    po.extend(afghan_months(language, entries))
    po.save(str(folder / f"{domain}.po"))
    po.save_as_mofile(str(folder / f"{domain}.mo"))
    return len(entries), sum(1 for entry in entries if entry.translated())


def main():
    for domain in ("django", "djangojs"):
        dari, seen = [], set()
        for package, package_domain in PACKAGES:
            if package_domain != domain or (catalog := persian_catalog(package, domain)) is None:
                continue
            for entry in catalog.translated_entries():
                key = (entry.msgctxt, entry.msgid)
                if key not in seen and "fuzzy" not in entry.flags:
                    seen.add(key)
                    dari.append(
                        polib.POEntry(
                            msgctxt=entry.msgctxt,
                            msgid=entry.msgid,
                            msgid_plural=entry.msgid_plural,
                            msgstr=entry.msgstr,
                            msgstr_plural=dict(entry.msgstr_plural),
                            flags=[flag for flag in entry.flags if flag.endswith("-format")],
                        )
                    )
        print(domain, "prs", write("prs", domain, dari))
        kept_path = TARGET / "ps" / "LC_MESSAGES" / f"{domain}.po"
        kept = {(e.msgctxt, e.msgid): e for e in polib.pofile(str(kept_path))} if kept_path.exists() else {}
        pashto = []
        for entry in dari:
            old = kept.get((entry.msgctxt, entry.msgid))
            pashto.append(
                polib.POEntry(
                    msgctxt=entry.msgctxt,
                    msgid=entry.msgid,
                    msgid_plural=entry.msgid_plural,
                    msgstr=old.msgstr if old else "",
                    msgstr_plural=dict(old.msgstr_plural) if old else ({0: "", 1: ""} if entry.msgid_plural else {}),
                    flags=list(entry.flags),
                )
            )
        print(domain, "ps", write("ps", domain, pashto))


if __name__ == "__main__":
    main()
