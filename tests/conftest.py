"""Test-only settings and the fixtures every test module shares."""

import pytest


@pytest.fixture(autouse=True)
def _fast_test_settings(settings):
    # Test-only choices live here, not in `if TESTING:` branches of settings.py.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
