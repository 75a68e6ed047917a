"""The watchlists' email digests: an editor or reviewer gets, daily or weekly, what readers saw change of what
they watch and the needs-attention items about it; once per period, whatever runs at once or fails.

What a digest lists of changes is what the public changes pages list (`changes_page`): a draft, a change
waiting for review and an unpublished item never appear in it.
"""

import contextlib
import datetime
import os
import smtplib
import sqlite3
import subprocess
import sys

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.core.mail.backends import locmem
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from nrfsite.editorial import queues, services
from nrfsite.editorial.models import PendingChange
from nrfsite.editorial.roles import sync_roles
from nrfsite.jobs.models import Job
from nrfsite.site import digests
from nrfsite.site.models import Watch, Watchlist
from tests.editorial.test_inline_rights import change_form_data
from tests.factories import (
    EntityFactory,
    EventFactory,
    EventTypeFactory,
    ParticipationFactory,
    PlaceFactory,
    SectionFactory,
    StatementFactory,
    member,
)
from tests.site.test_changes import revise

pytestmark = pytest.mark.django_db

SITE = "https://nrf.example.org"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def reviewer():
    return member("Reviewer", username="rahima-reviews", first_name="Rahima", email="rahima@example.org")


def watching(user, *things, frequency="daily", last_sent_at=None):
    """`user`'s watchlist of `things`: entities, event types, and provinces by their ISO code."""
    watchlist = Watchlist.objects.create(user=user, frequency=frequency, last_sent_at=last_sent_at)
    for thing in things:
        if isinstance(thing, str):
            Watch.objects.create(watchlist=watchlist, province=thing)
        elif thing._meta.model_name == "eventtype":
            Watch.objects.create(watchlist=watchlist, event_type=thing)
        else:
            Watch.objects.create(watchlist=watchlist, entity=thing)
    return watchlist


def digest_of(watchlist, now=None):
    now = now or timezone.now()
    watchlist = Watchlist.objects.select_related("user").get(pk=watchlist.pk)
    return digests.build_digest(watchlist, now=now, buckets=queues.buckets(timezone.localdate(now)))


def listed(digest):
    """{topic label: [headline, …]} of a digest's changes."""
    return {topic.label: [line.title for line in topic.lines] for topic in digest.topics}


def text_and_html(message):
    return message.body, message.alternatives[0][0]


# What a digest says ---------------------------------------------------------------------------------


def test_a_published_change_of_a_watched_entity_is_emailed_with_absolute_links_and_unsubscribe_headers(reviewer):
    nrf = EntityFactory(slug="nrf", name="National Resistance Front", description="An armed group.")
    watching(reviewer, nrf)
    revise(nrf, reviewer, "BBC, 3 March 2025", description="An armed opposition group.")

    outcome = digests.send_digests()

    assert outcome["sent"] == 1 and len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["rahima@example.org"]
    assert message.subject == "NRF knowledge base digest: 2 published changes"  # published, then changed
    text, html = text_and_html(message)
    entry = nrf.history.order_by("-history_id").first()
    link = f"{SITE}/entities/nrf/changes/#change-entity-{entry.history_id}"
    assert "National Resistance Front: Description changed" in text and link in text
    assert "Reviewer’s note: BBC, 3 March 2025" in text
    assert f'href="{link}"' in html and "National Resistance Front: Description changed" in html
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith(f"<{SITE}/digests/unsubscribe/") and unsubscribe.endswith("/>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe[1:-1] in text and unsubscribe[1:-1] in html


def test_drafts_changes_waiting_for_review_and_unpublished_items_are_never_listed(client, reviewer):
    nrf = EntityFactory(slug="nrf", name="National Resistance Front")
    watchlist = watching(reviewer, nrf)
    draft = SectionFactory(entity=nrf, title="Hidden plans", body="Draft words.", status="draft")
    revise(draft, reviewer, "draft note", body="Draft words, revised.")
    held = SectionFactory(entity=nrf, title="Status", position=1, body="Old text.")
    editor = member("Editor")
    client.force_login(editor)
    url = reverse("admin:entities_section_change", args=[held.pk])
    client.post(
        url, {**change_form_data(client.get(url)), "body": "New text from the editor.", "change_reason": "a newer report"}
    )
    assert PendingChange.objects.get().state == "pending"
    clash = EventFactory(slug="clash", title="A clash")
    ParticipationFactory(event=clash, entity=nrf)
    revise(clash, reviewer, "event note", title="A bigger clash")
    services.publishable_unpublish(obj=clash, user=reviewer)

    digest = digest_of(watchlist)
    text, html = text_and_html(digests.digest_message(digest))

    changes = listed(digest)["National Resistance Front"]
    assert "National Resistance Front: Status: published" in changes  # the live section, as readers saw it
    assert not [line for line in changes if "Hidden plans" in line or "clash" in line]
    for secret in ("Draft words", "draft note", "New text from the editor", "a newer report", "event note"):
        assert secret not in text and secret not in html


def test_an_unwatched_entitys_change_is_not_in_the_digest(reviewer):
    watched = EntityFactory(slug="nrf", name="National Resistance Front")
    other = EntityFactory(slug="taliban", name="Taliban")
    watchlist = watching(reviewer, watched)
    revise(other, reviewer, "note-taliban", description="Changed.")

    text, _html = text_and_html(digests.digest_message(digest_of(watchlist)))

    assert "Taliban" not in text and "note-taliban" not in text


@pytest.fixture
def world(reviewer):
    """Two provinces, an event type with a sub-type, and an event in each, each changed once with a note."""
    panjshir = PlaceFactory(slug="panjshir", name="Panjshir", iso_code="AF-PAN")
    district = PlaceFactory(slug="rukha", name="Rukha", parent=panjshir)
    kabul = PlaceFactory(slug="kabul", name="Kabul", iso_code="AF-KAB")
    battles = EventTypeFactory(slug="battles-test", label="Battles")
    clash_type = EventTypeFactory(slug="armed-clash-test", label="Armed clash", parent=battles)
    clash = EventFactory(slug="clash", title="Clash", event_type=clash_type, location=district)
    talk = EventFactory(slug="talk", title="Talk", location=kabul)
    for place, note in ((panjshir, "note-panjshir"), (kabul, "note-kabul")):
        revise(place, reviewer, note, description="Changed.")
    for event, note in ((clash, "note-clash"), (talk, "note-talk")):
        revise(event, reviewer, note, summary="Changed.")
    return {"battles": battles, "clash_type": clash_type}


def notes(text):
    return {note for note in ("note-panjshir", "note-clash", "note-talk", "note-kabul") if note in text}


@pytest.mark.parametrize(
    ("watched", "expected"),
    [
        (lambda world: ["AF-PAN"], {"note-panjshir", "note-clash"}),  # the province, its district's event
        (lambda world: [world["battles"]], {"note-clash"}),  # the type's sub-types' events too
        (lambda world: [world["clash_type"], "AF-KAB"], {"note-clash", "note-talk", "note-kabul"}),
    ],
)
def test_province_and_event_type_watches_pick_up_their_places_and_events(reviewer, world, watched, expected):
    watchlist = watching(reviewer, *watched(world))

    text, _html = text_and_html(digests.digest_message(digest_of(watchlist)))

    assert notes(text) == expected


def test_a_change_listed_under_one_watched_thing_is_not_repeated_under_another(reviewer, world):
    nrf = EntityFactory(slug="nrf", name="National Resistance Front")
    ParticipationFactory(event=Event.objects.get(slug="clash"), entity=nrf)
    watchlist = watching(reviewer, nrf, "AF-PAN")

    text, _html = text_and_html(digests.digest_message(digest_of(watchlist)))

    assert text.count("note-clash") == 1


def test_queue_items_about_what_is_watched_are_listed_with_why_and_an_admin_link(reviewer):
    nrf = EntityFactory(slug="nrf", name="National Resistance Front")
    panjshir = PlaceFactory(slug="panjshir", name="Panjshir", iso_code="AF-PAN")
    status = SectionFactory(entity=nrf, title="Status", body="Cited [@bbc].")
    services.reviewable_flag(obj=status, user=reviewer, reason="Overtaken by the 2024 talks")
    EventFactory(slug="raid", title="A raid in the valley", location=panjshir)  # uncited
    elsewhere = SectionFactory(entity=EntityFactory(name="Taliban"), title="Elsewhere", body="Cited [@bbc].")
    services.reviewable_flag(obj=elsewhere, user=reviewer, reason="Someone else's worry")
    EventFactory(slug="far", title="A far event")  # uncited, nowhere watched
    watchlist = watching(reviewer, nrf, "AF-PAN")

    digest = digest_of(watchlist)
    text, html = text_and_html(digests.digest_message(digest))

    attention = {queue.title: [label for label, _why, _url in queue.items] for queue in digest.attention}
    assert attention["Sections flagged as needing an update"] == ["National Resistance Front: Status"]
    assert attention["Published events with no citation"] == ["A raid in the valley"]
    assert "Overtaken by the 2024 talks" in text
    assert f"{SITE}/admin/entities/section/{status.pk}/change/" in text
    assert "Someone else" not in text and "A far event" not in text and "Elsewhere" not in html


def test_items_that_stay_on_their_queue_are_not_mailed_again_until_something_new_comes(reviewer):
    nrf = EntityFactory(slug="nrf", name="National Resistance Front")
    status = SectionFactory(entity=nrf, title="Status", body="Cited [@bbc].")
    start = timezone.now() + datetime.timedelta(minutes=1)  # after the entity's and section's own publication
    watching(reviewer, nrf, last_sent_at=start)
    services.reviewable_flag(obj=status, user=reviewer, reason="Overtaken by the 2024 talks")  # no change to list

    first = digests.send_digests(now=start + datetime.timedelta(days=1))
    again = digests.send_digests(now=start + datetime.timedelta(days=2))  # the same item, still flagged
    history = SectionFactory(entity=nrf, title="History", body="Cited [@bbc].")
    services.reviewable_flag(obj=history, user=reviewer, reason="A new worry")
    new_item = digests.send_digests(now=start + datetime.timedelta(days=3))

    assert (first["sent"], again["sent"], again["quiet"], new_item["sent"]) == (1, 0, 1, 1)
    assert "Overtaken" in mail.outbox[0].body and "A new worry" in mail.outbox[1].body


def test_nothing_new_or_nothing_watched_sends_no_email_and_keeps_the_last_sent_time(reviewer):
    nrf = EntityFactory(slug="nrf")  # published now: the change is before the last digest
    start = timezone.now()
    watchlist = watching(reviewer, nrf, last_sent_at=start + datetime.timedelta(minutes=1))
    watching(member("Editor", email="ed@example.org"))  # watches nothing yet

    outcome = digests.send_digests(now=start + datetime.timedelta(days=1, minutes=2))

    watchlist.refresh_from_db()
    assert mail.outbox == [] and outcome["quiet"] == 2 and outcome["sent"] == 0
    assert watchlist.last_sent_at == start + datetime.timedelta(minutes=1)


# When it goes ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "ago", "sent"),
    [
        ("daily", datetime.timedelta(hours=22), 0),
        ("daily", datetime.timedelta(hours=23, minutes=30), 1),  # cron a few seconds early still sends
        ("weekly", datetime.timedelta(days=6), 0),
        ("weekly", datetime.timedelta(days=7), 1),
        ("off", datetime.timedelta(days=30), 0),
    ],
)
def test_daily_and_weekly_digests_go_when_their_period_has_passed_since_the_last(reviewer, frequency, ago, sent):
    nrf = EntityFactory(slug="nrf")
    now = timezone.now() + datetime.timedelta(seconds=10)  # after the change below
    watchlist = watching(reviewer, nrf, frequency=frequency, last_sent_at=now - ago)
    revise(nrf, reviewer, "a change", description="Changed.")

    digests.send_digests(now=now)

    watchlist.refresh_from_db()
    assert len(mail.outbox) == sent
    assert watchlist.last_sent_at == (now if sent else now - ago)


def test_the_frequency_option_sends_only_those_digests(reviewer):
    nrf = EntityFactory(slug="nrf")
    weekly = watching(member("Editor", email="ed@example.org"), nrf, frequency="weekly")
    watching(reviewer, nrf, frequency="daily")

    outcome = digests.send_digests(frequency="weekly")

    assert outcome["sent"] == 1 and mail.outbox[0].to == [weekly.user.email]


def test_a_second_run_and_a_run_at_the_same_time_send_the_digest_once(reviewer):
    nrf = EntityFactory(slug="nrf")
    watching(reviewer, nrf)
    now = timezone.now()
    read_by_the_other_run = list(Watchlist.objects.due(now).select_related("user"))  # it read the digest due too

    first = digests.send_digests(now=now)
    other = digests.send_due(read_by_the_other_run, now=now + datetime.timedelta(seconds=1))
    later = digests.send_digests(now=now + datetime.timedelta(minutes=5))

    assert (first["sent"], other["taken"], other["sent"], later["sent"]) == (1, 1, 0, 0)
    assert len(mail.outbox) == 1


class RefusingBackend(locmem.EmailBackend):
    """Django's test backend, refusing one address as an SMTP server refusing a recipient does."""

    def send_messages(self, messages):
        for message in messages:
            if "refused@example.org" in message.to:
                raise smtplib.SMTPRecipientsRefused({"refused@example.org": (550, b"No such mailbox")})
        return super().send_messages(messages)


def test_one_failing_address_does_not_stop_the_others_and_is_sent_at_the_next_run(reviewer, settings):
    nrf = EntityFactory(slug="nrf")
    refused = member("Editor", username="refused", email="refused@example.org")
    watching(refused, nrf)
    watching(reviewer, nrf)
    watching(member("Editor", username="third", email="third@example.org"), nrf)
    settings.EMAIL_BACKEND = "tests.site.test_digests.RefusingBackend"

    failing = digests.send_digests()
    delivered = sorted(message.to[0] for message in mail.outbox)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    retried = digests.send_digests(now=timezone.now() + datetime.timedelta(minutes=1))

    assert (failing["sent"], failing["failed"]) == (2, 1)
    assert delivered == ["rahima@example.org", "third@example.org"]
    assert (retried["sent"], retried["failed"]) == (1, 0) and mail.outbox[-1].to == ["refused@example.org"]
    assert "1 failed" in failing["summary"]


@pytest.mark.parametrize(
    "lose",
    [
        lambda user: user.groups.clear(),
        lambda user: setattr(user, "is_active", False) or user.save(),
        lambda user: setattr(user, "is_staff", False) or user.save(),
        lambda user: setattr(user, "email", "") or user.save(),
    ],
)
def test_someone_who_lost_the_role_was_deactivated_or_has_no_address_gets_nothing(reviewer, lose):
    nrf = EntityFactory(slug="nrf")
    watching(reviewer, nrf)
    lose(reviewer)

    outcome = digests.send_digests()

    assert mail.outbox == [] and outcome["sent"] == outcome["quiet"] == 0


@pytest.mark.parametrize("times", [1, 20])
def test_a_digest_of_several_watched_things_takes_a_bounded_number_of_queries(
    reviewer, world, django_assert_max_num_queries, times
):
    nrf = EntityFactory(slug="nrf", name="National Resistance Front")
    ally = EntityFactory(slug="ally", name="Ally")
    for n in range(times):
        revise(nrf, reviewer, f"note {n}", description=f"Version {n}.")
        SectionFactory(entity=ally, title=f"Section {n}")
        StatementFactory(subject=nrf)
    watchlist = watching(reviewer, nrf, ally, "AF-PAN", world["battles"])
    now = timezone.now()
    buckets = queues.buckets(timezone.localdate(now))  # once per run, for every digest
    watchlist = Watchlist.objects.select_related("user").get(pk=watchlist.pk)

    # 38 on SQLite at 1 and at 20 changes of each: about 9 a watched thing, however much happened to it.
    with django_assert_max_num_queries(40):
        digest = digests.build_digest(watchlist, now=now, buckets=buckets)

    assert digest.changes >= times and digest.items >= times


# The command and the job ------------------------------------------------------------------------------


def test_send_digests_dry_run_says_how_many_would_go_and_sends_nothing(reviewer, capsys):
    nrf = EntityFactory(slug="nrf")
    watching(reviewer, nrf)
    watching(member("Editor", email="ed@example.org"))  # nothing to say

    call_command("send_digests", "--dry-run")

    assert "1 digest(s) would go (2 due, 1 with nothing to say)" in capsys.readouterr().out
    assert mail.outbox == [] and not Watchlist.objects.filter(last_sent_at__isnull=False).exists()


def test_send_digests_now_runs_the_digest_job_here_and_says_how_it_went(reviewer, capsys):
    watching(reviewer, EntityFactory(slug="nrf"))

    call_command("send_digests", "--now")

    out = capsys.readouterr().out
    assert "Digests: 1 sent, 0 failed" in out and len(mail.outbox) == 1
    job = Job.objects.get(kind="digest")
    assert (job.state, job.outcome["sent"], job.outcome["failed"]) == ("done", 1, 0)


def worker_database(tmp_path):
    """A DATABASE_URL a worker process can open holding what this test wrote: on PostgreSQL the test database
    itself (the test commits), on SQLite a file copy of the in-memory one; and how to read its writes back."""
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        who = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        return f"postgres://{who}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}", lambda: None
    copy = tmp_path / "worker.sqlite3"
    connection.ensure_connection()
    with contextlib.closing(sqlite3.connect(copy)) as target:
        connection.connection.backup(target)

    def read_back():
        with contextlib.closing(sqlite3.connect(copy)) as source:
            source.backup(connection.connection)

    return f"sqlite:///{copy}", read_back


@pytest.mark.django_db(transaction=True)
def test_a_worker_process_runs_the_digest_job_and_sends_through_the_configured_backend(tmp_path, settings):
    sync_roles(django_apps)  # a transactional test before this one may have emptied the editorial groups
    reviewer = member("Reviewer", username="rahima-reviews", email="rahima@example.org")
    watching(reviewer, EntityFactory(slug="nrf", name="National Resistance Front"))
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # queued for a worker
    job = digests.start()
    url, read_back = worker_database(tmp_path)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "EMAIL_URL": f"filemail:///{tmp_path / 'mail'}",  # four slashes: an absolute path
        "JOBS_CACHE_URL": f"filecache://{tmp_path / 'jobs-cache'}",
        "SITE_URL": SITE,
    }

    worker = subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0.1"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    read_back()

    assert worker.returncode == 0, worker.stderr[-2000:]
    job.refresh_from_db()
    assert (job.state, job.outcome["sent"], job.outcome["failed"]) == ("done", 1, 0), job.error
    sent = "".join(path.read_text() for path in (tmp_path / "mail").iterdir())
    assert "To: rahima@example.org" in sent and "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in sent
    assert f"{SITE}/entities/nrf/changes/#change-entity-" in sent
    assert Watchlist.objects.get(user=reviewer).last_sent_at is not None


@pytest.mark.parametrize(
    ("params", "expected"),
    [({"province": "panjshir"}, {"note-panjshir", "note-clash"}), ({"event_type": "battles-test"}, {"note-clash"})],
)
def test_readers_follow_the_same_through_the_changes_feed_filtered_by_province_or_event_type(client, world, params, expected):
    feed = client.get(reverse("changes-feed"), params, HTTP_ACCEPT="application/atom+xml")

    assert feed.status_code == 200 and notes(feed.content.decode()) == expected
