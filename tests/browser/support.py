"""What the browser tests share: the system Chromium, a watch on dialogs and errors, and the migrated vocabulary.

The fixtures (`browser`, `watch`, `page`) live in conftest.py; the helpers here are imported by the tests.
"""

import io
import os
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.core.management import call_command
from playwright.sync_api import expect, sync_playwright

from nrfsite.editorial.roles import sync_roles
from tests.factories import UserFactory, restore_vocabulary

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
TIMEOUT_MS = 30_000
# Actions and assertions wait up to 30 s: on CI's loaded machine (two suites side by side, each starting servers,
# workers and browsers) a debounced preview's answer took more than expect()'s default 5 s, and a page load
# more than 10 s. A passing step waits no longer for it.
expect.set_options(timeout=TIMEOUT_MS)
HOSTILE_SCRIPT = "<script>alert(1)</script>"
HOSTILE_IMG = "<img src=x onerror=alert(1)>"
HOSTILE_LINK = "[x](javascript:alert(1))"
PASSWORD = "correct horse battery staple"


# Browser ---------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def _async_unsafe_allowed():
    # Playwright's sync API keeps an event loop on the main thread; Django refuses ORM calls there unless told.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="module")
def browser(_async_unsafe_allowed):
    if not Path(CHROMIUM_PATH).is_file():
        pytest.fail(f"Chromium is not installed at {CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, headless=True)
        yield browser
        browser.close()


class Watch:
    """Dialogs, console errors and uncaught exceptions of one browser context."""

    def __init__(self):
        self.dialogs = []
        self.errors = []

    def attach(self, page):
        def on_dialog(dialog):
            self.dialogs.append(f"{dialog.type}: {dialog.message} on {page.url}")
            dialog.dismiss()

        def on_console(message):
            if message.type == "error":
                self.errors.append(f"console error on {page.url}: {message.text} ({message.location.get('url', '')})")

        page.on("dialog", on_dialog)
        page.on("console", on_console)
        page.on("pageerror", lambda error: self.errors.append(f"uncaught exception on {page.url}: {error}"))


def new_page(browser, watch, **context_options):
    context = browser.new_context(**context_options)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    watch.attach(page)
    return context, page


@pytest.fixture
def watch():
    return Watch()


@pytest.fixture
def page(browser, watch, live_server):
    context, page = new_page(browser, watch, viewport={"width": 1280, "height": 800}, base_url=live_server.url)
    yield page
    context.close()


# Editors -----------------------------------------------------------------------------------------------------------


@pytest.fixture
def seeded(_async_unsafe_allowed):
    """The seed dataset with the Editor and Reviewer roles, and one person in each."""
    restore_vocabulary()
    sync_roles(django_apps)
    call_command("load_seed", stdout=io.StringIO())
    people = {}
    for role in ("Editor", "Reviewer"):
        user = UserFactory(username=role.lower(), is_staff=True, password=PASSWORD)
        user.groups.add(Group.objects.get(name=role))
        people[role] = user
    return people


def log_in(browser, watch, live_server, username, width=1280):
    context, page = new_page(browser, watch, viewport={"width": width, "height": 900}, base_url=live_server.url)
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#needs-attention")).to_be_visible()
    return context, page
