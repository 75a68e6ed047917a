"""Test-only settings and the fixtures every test module shares."""

import pytest

# The scratch site (a migrated database, once per session) and the child processes of the deployment tests.
from tests.processes import children, scratch_env, scratch_template  # noqa: F401  (fixtures)


@pytest.fixture(autouse=True)
def _empty_caches(_fast_test_settings):
    """Each test starts with empty caches: cached pages must not leak from one test's database to the next.

    After the test settings: the jobs' cache is then this process's own, not the files another run shares."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def _fast_test_settings(settings):
    # Test-only choices live here, not in `if TESTING:` branches of settings.py.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.API_ANON_RATE = "100000/min"  # the API's rate limit has its own test (tests/site/test_api.py)
    # Jobs run inside the request that starts them, so a test sees their outcome at once; the tests of real
    # workers (tests/jobs/test_workers.py) start `db_worker` processes on the database backend.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    jobs_cache = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "jobs"}
    settings.CACHES = {**settings.CACHES, "jobs": jobs_cache}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
