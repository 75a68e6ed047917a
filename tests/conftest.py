"""Test-only settings and the fixtures every test module shares."""

import pytest


@pytest.fixture(autouse=True)
def _empty_caches():
    """Each test starts with empty caches: cached pages must not leak from one test's database to the next."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def _fast_test_settings(settings):
    # Test-only choices live here, not in `if TESTING:` branches of settings.py.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.API_ANON_RATE = "100000/min"  # the API's rate limit has its own test (tests/site/test_api.py)
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
