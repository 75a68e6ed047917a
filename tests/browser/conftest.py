"""Fixtures of the browser tests (see support.py)."""

from tests.browser.support import _async_unsafe_allowed, browser, page, seeded, watch  # noqa: F401 - fixtures
