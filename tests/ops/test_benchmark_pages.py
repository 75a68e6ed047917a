"""The page benchmark runs end to end on a small scale and reports every page with its ratio and the worst."""

import io

import pytest
from django.core.management import call_command

from events.models import Event, EventType
from nrfsite.ops.management.commands.benchmark_pages import PAGES
from tests.factories import EventTypeFactory

pytestmark = pytest.mark.django_db


# As the command runs: in autocommit (it hangs up on a streamed CSV, which inside a test transaction
# broke it on PostgreSQL).
@pytest.mark.django_db(transaction=True)
def test_the_benchmark_reports_each_page_at_each_size_and_the_worst_ratio(monkeypatch, settings):
    # Transactional tests run last and empty every table, the migrated vocabulary too: the synthetic events
    # need one event sub-type.
    if not EventType.objects.filter(parent__isnull=False).exists():
        EventTypeFactory(slug="bench-clash", parent=EventTypeFactory(slug="bench-battles"))
    # The command sets this for itself; through monkeypatch it leaves the environment as it found it,
    # so no later test's subprocess (`check --deploy`) inherits it.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    out = io.StringIO()

    call_command("benchmark_pages", "--events", "20", "60", "--runs", "1", stdout=out, stderr=io.StringIO())

    lines = out.getvalue().splitlines()
    assert "| page | 20 events | 60 events |" in lines
    for name, *_page in PAGES:
        [row] = [line for line in lines if line.startswith(f"| {name} |")]
        assert row.count(" ms") == 2 and row.endswith("×) |"), row
    assert lines[-1].startswith("Worst ratio to 20 events: ") and lines[-1].endswith("×.")
    # Each growth step is one import_bundle transaction, timed, with its peak memory (Linux's /proc is here).
    imports = [line for line in lines if line.startswith("| 0 | ") or line.startswith("| 20 | ")]
    assert [line.split(" | ")[:2] for line in imports] == [["| 0", "20"], ["| 20", "40"]], imports
    assert all(line.endswith(" MiB |") for line in imports), imports
    assert Event.objects.count() == 60  # the events the pages were measured with are really there


def test_the_benchmark_refuses_a_database_with_content():
    from django.core.management.base import CommandError

    from tests.factories import EntityFactory

    EntityFactory()
    with pytest.raises(CommandError, match="empty scratch database"):
        call_command("benchmark_pages", "--events", "20", stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)
def test_a_cache_hit_row_refuses_to_time_a_page_the_cache_did_not_serve(monkeypatch, settings):
    # The cache-hit rows time what most readers get; if the page cache served nothing (a cache that keeps
    # nothing here), they would time a rendered page under that name. The command says so instead.
    from django.core.management.base import CommandError

    if not EventType.objects.filter(parent__isnull=False).exists():
        EventTypeFactory(slug="bench-clash", parent=EventTypeFactory(slug="bench-battles"))
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.CACHES = {**settings.CACHES, "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

    with pytest.raises(CommandError, match="was not served from the page cache"):
        call_command("benchmark_pages", "--events", "20", "--runs", "1", stdout=io.StringIO(), stderr=io.StringIO())
