"""The search benchmark runs end to end on a small scale: each query at each size with its ratio, and the worst."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from events.models import Event, EventType
from nrfsite.ops.management.commands.benchmark_search import SEARCHES, TIMELINE
from tests.factories import EntityFactory, EventTypeFactory

pytestmark = pytest.mark.django_db


# As benchmark_pages' test: in autocommit, as the command runs.
@pytest.mark.django_db(transaction=True)
def test_the_search_benchmark_reports_each_query_at_each_size_and_the_worst_ratio(monkeypatch):
    # Transactional tests empty every table, the migrated vocabulary too: the synthetic events need a sub-type.
    if not EventType.objects.filter(parent__isnull=False).exists():
        EventTypeFactory(slug="bench-clash", parent=EventTypeFactory(slug="bench-battles"))
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    out = io.StringIO()

    call_command("benchmark_search", "--events", "40", "80", "--runs", "1", stdout=out, stderr=io.StringIO())

    lines = out.getvalue().splitlines()
    assert "| query | 40 events | 80 events |" in lines
    for name, _url in SEARCHES + TIMELINE:
        [row] = [line for line in lines if line.startswith(f"| {name} |")]
        assert row.count(" ms") == 2 and row.endswith("×) |"), row
    assert lines[-1].startswith("Worst ratio of the search page to 40 events: ") and lines[-1].endswith("×.")
    assert Event.objects.count() == 80
    assert Event.objects.filter(title__startswith="حمله در كابل").count() == 5  # one in 16, named in Dari script


def test_the_search_benchmark_refuses_a_database_with_content():
    EntityFactory()

    with pytest.raises(CommandError, match="empty scratch database"):
        call_command("benchmark_search", "--events", "20", stdout=io.StringIO())
