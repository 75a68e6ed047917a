"""The Dari and Pashto message catalogs (locale/<language>/LC_MESSAGES/django.po), kept in step with the code.

`manage.py catalogs` runs Django's makemessages over the project's own code (the same files every time: the
list is here, not in a Makefile and a test) and compiles the catalogs with compilemessages (GNU msgfmt, which
also refuses a translation whose placeholders differ from its message's). `make messages` calls it.

`manage.py catalogs --check` changes nothing: it extracts the messages into a copy of the catalogs and fails,
naming each one, when a message in the code is missing from a catalog, has no translation (or only a fuzzy
one), when a catalog keeps a message the code no longer has, or when a compiled .mo is not its .po's.
The test suite runs it, so a template string added without its Dari and Pashto translation fails CI.
"""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

# Translated: the project's own code. Not: the virtualenv, collected static files, tests, tools, docs.
SOURCES = ("manage.py", "nrfsite", "entities", "events", "sources", "templates")
IGNORE = [
    "migrations",
    "__pycache__",
    "staticfiles",
    "tests",
    "tools",
    "scripts",
    "docs",
    "deploy",
    "fixtures",
    "security",
    "test-artifacts",
    "node_modules",
]


def languages():
    """The catalogs there are: every language but the default (the code's own English)."""
    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def catalog(root, language, suffix="po"):
    return Path(root) / "locale" / language / "LC_MESSAGES" / f"django.{suffix}"


def extract(root):
    """makemessages in `root` (a project directory): what the code there asks to translate.

    In a process of its own, run in `root`: makemessages writes to the LOCALE_PATHS of the settings it runs
    with, and for --check those must be the copy's, not this checkout's."""
    result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py, fixed arguments
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "--no-obsolete",
            "--add-location=file",
            *(f"--locale={code}" for code in languages()),
            *(f"--ignore={pattern}" for pattern in IGNORE),
        ],
        cwd=root,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise CommandError(f"makemessages failed:\n{result.stderr}")


def stale(po_path, mo_path, remedy="make messages"):
    """A compiled catalog that is missing or says something its .po does not."""
    if not mo_path.exists():
        return [f"{mo_path} is missing (run {remedy})"]
    compiled = {(entry.msgctxt, entry.msgid): (entry.msgstr, entry.msgstr_plural) for entry in polib.mofile(str(mo_path))}
    compiled.pop((None, ""), None)  # the header
    source = {
        (entry.msgctxt, entry.msgid): (entry.msgstr, entry.msgstr_plural)
        for entry in polib.pofile(str(po_path)).translated_entries()
    }
    return [] if compiled == source else [f"{mo_path} is older than its .po (run {remedy})"]


def problems(extracted_root, committed_root):
    """What is wrong with the committed catalogs, as lines a person can act on."""
    found = []
    for language in languages():
        extracted = polib.pofile(str(catalog(extracted_root, language)))
        committed = polib.pofile(str(catalog(committed_root, language)))
        wanted = {(entry.msgctxt, entry.msgid) for entry in extracted}
        kept = {(entry.msgctxt, entry.msgid) for entry in committed if not entry.obsolete}
        for context, msgid in sorted(wanted - kept, key=str):
            found.append(f"{language}: not in the catalog: {msgid!r}" + (f" (context {context!r})" if context else ""))
        for _context, msgid in sorted(kept - wanted, key=str):
            found.append(f"{language}: no longer in the code: {msgid!r}")
        for entry in committed:
            if entry.obsolete or (entry.msgctxt, entry.msgid) not in wanted:
                continue
            if "fuzzy" in entry.flags:
                found.append(f"{language}: fuzzy (not yet checked): {entry.msgid!r}")
            elif not entry.translated():
                found.append(f"{language}: no translation: {entry.msgid!r}")
        found.extend(stale(catalog(committed_root, language), catalog(committed_root, language, "mo")))
        for domain in ("django", "djangojs"):  # Django's and the libraries' messages (scripts/vendor_catalogs.py)
            vendored = Path(committed_root) / "locale-vendor" / language / "LC_MESSAGES" / f"{domain}.po"
            if vendored.exists():
                found.extend(stale(vendored, vendored.with_suffix(".mo"), remedy="scripts/vendor_catalogs.py"))
    return found


class Command(BaseCommand):
    help = "Update and compile the Dari and Pashto catalogs from the code, or with --check, say what is missing."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Change nothing; fail if a catalog is incomplete.")

    def handle(self, *args, check, **options):
        root = Path(settings.BASE_DIR)
        if not check:
            extract(root)
            call_command("compilemessages", locale=languages(), ignore_patterns=[".*", *IGNORE], verbosity=0)
            self.stdout.write(f"Updated and compiled the catalogs: {', '.join(languages())}.")
            return
        with tempfile.TemporaryDirectory() as scratch:
            copy = Path(scratch) / "project"
            for name in SOURCES:
                source = root / name
                if source.is_dir():
                    shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns(*IGNORE))
                else:
                    copy.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(source, copy / name)
            shutil.copytree(root / "locale", copy / "locale")
            extract(copy)
            found = problems(copy, root)
        if found:
            raise CommandError(f"{len(found)} catalog problem(s):\n" + "\n".join(found))
        self.stdout.write(f"The catalogs are complete: {', '.join(languages())}.")
