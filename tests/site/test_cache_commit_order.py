"""The page cache never serves a page that a committed change made stale, whatever order transactions commit in."""

import threading

import pytest
from django.db import connection, transaction

from events.models import Event
from nrfsite.editorial import services
from sources.models import Source
from tests.factories import EventFactory, UserFactory


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite runs one write transaction at a time, so commits cannot overtake each other",
)
@pytest.mark.django_db(transaction=True)
def test_an_unpublish_overtaken_by_a_later_commit_still_empties_the_cache(client):
    event = EventFactory(slug="clash", title="Clash in Panjshir")
    reviewer = UserFactory(is_staff=True, is_superuser=True)
    unpublishing, may_commit, done = threading.Event(), threading.Event(), threading.Event()
    errors = []

    def unpublish():  # transaction 1: unpublishes first, commits last
        try:
            with transaction.atomic():
                services.publishable_unpublish(obj=Event.objects.get(pk=event.pk), user=reviewer)
                unpublishing.set()
                assert may_commit.wait(timeout=30)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()
            done.set()

    def other_change():  # transaction 2: starts after 1's version row and commits before it
        with transaction.atomic():
            Source.objects.create(key="another-source", title="Another source", status="published")
        connection.close()

    first = threading.Thread(target=unpublish)
    first.start()
    assert unpublishing.wait(timeout=30)
    second = threading.Thread(target=other_change)
    second.start()
    second.join(timeout=30)

    while_pending = client.get("/events/clash/")  # transaction 1 is not committed: still public, and cached
    may_commit.set()
    assert done.wait(timeout=30) and not errors, errors
    after_commit = client.get("/events/clash/")

    assert while_pending.status_code == 200
    assert after_commit.status_code == 404, f"served from the cache: {after_commit.get('X-Page-Cache')}"
