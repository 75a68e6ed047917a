"""Scheduled publishing: a reviewer picks a time; a job publishes what they reviewed then, through the same rule
as the Publish button, and the public page follows. Jobs are queued here (the dummy backend runs nothing) and
run as a worker runs them, once their time has come; tests/jobs/test_workers.py runs one on a real worker.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from entities.models import Entity
from nrfsite.core.publishing import Status
from nrfsite.editorial.models import PendingChange
from nrfsite.jobs import runner
from nrfsite.jobs.models import Job
from tests.editorial.test_inline_rights import change_form_data
from tests.factories import EntityFactory, SectionFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def queued_only(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def later(minutes=30):
    return (timezone.localtime() + datetime.timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M")


def schedule(client, obj, at):
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_workflow", args=[obj.pk, "schedule"])
    return client.post(url, {"publish_at": at}, follow=True)


def when_due(job):
    """The worker's turn: the job's time has come (moved into the past, as time passing would), and it runs."""
    Job.objects.filter(pk=job.pk).update(run_after=timezone.now() - datetime.timedelta(seconds=1))
    runner.execute(job.pk)
    job.refresh_from_db()
    return job


def test_a_reviewer_schedules_a_draft_and_it_is_published_at_that_time_not_before(client):
    entity = EntityFactory(slug="ipa", name="Islamic Party of Afghanistan", status=Status.DRAFT)
    reviewer = member("Reviewer", username="rev")
    client.force_login(reviewer)

    response = schedule(client, entity, later())

    assert "will be published at" in response.content.decode()
    job = Job.objects.get(kind="publish")
    assert (job.state, job.created_by, job.params["pk"]) == ("queued", reviewer, str(entity.pk))
    form = client.get(reverse("admin:entities_entity_change", args=[entity.pk])).content.decode()
    assert "Scheduled: published at" in form
    runner.execute(job.pk)  # a worker that picked it up early: nothing happens before its time
    assert Job.objects.get(pk=job.pk).state == "queued"
    client.logout()
    assert client.get("/entities/ipa/").status_code == 404

    job = when_due(job)

    assert job.state == "done", job.error
    entity.refresh_from_db()
    assert (entity.status, entity.published_by) == (Status.PUBLISHED, reviewer)
    assert "Islamic Party of Afghanistan" in client.get("/entities/ipa/").content.decode()  # the cache followed


def test_a_scheduled_held_change_is_published_with_its_review(client):
    section = SectionFactory(entity=EntityFactory(slug="nrf"), title="Status", position=1, body="Old text.")
    client.get("/entities/nrf/")  # the public page, cached
    client.force_login(member("Editor", username="ed"))
    url = reverse("admin:entities_section_change", args=[section.pk])
    data = change_form_data(client.get(url))
    client.post(url, {**data, "body": "New text from the editor.", "change_reason": "newer report"})
    client.force_login(member("Reviewer", username="rev"))

    schedule(client, section, later())
    job = when_due(Job.objects.get(kind="publish"))

    assert job.state == "done", job.error
    assert PendingChange.objects.get().state == "published"
    client.logout()
    assert "New text from the editor." in client.get("/entities/nrf/").content.decode()


def test_an_item_saved_again_after_scheduling_is_not_published(client):
    entity = EntityFactory(slug="ipa", status=Status.DRAFT)
    client.force_login(member("Reviewer"))
    schedule(client, entity, later())
    entity.name = "Changed after review"
    entity.save()

    job = when_due(Job.objects.get(kind="publish"))

    assert job.state == "failed" and "saved again after its publication was scheduled" in job.error
    assert Entity.objects.get(pk=entity.pk).status == Status.DRAFT


def test_another_waiting_change_than_the_reviewed_one_is_not_published(client):
    section = SectionFactory(entity=EntityFactory(slug="nrf"), title="Status", position=1, body="Old text.")
    url = reverse("admin:entities_section_change", args=[section.pk])
    client.force_login(member("Editor", username="ed"))
    client.post(url, {**change_form_data(client.get(url)), "body": "Reviewed text.", "change_reason": "r"})
    client.force_login(member("Reviewer", username="rev"))
    schedule(client, section, later())
    client.post(reverse("admin:entities_section_workflow", args=[section.pk, "reject"]), {"note": "no"})
    client.force_login(member("Editor", username="ed2"))
    client.post(url, {**change_form_data(client.get(url)), "body": "Unreviewed text.", "change_reason": "r"})

    job = when_due(Job.objects.get(kind="publish"))

    assert job.state == "failed" and "not the one reviewed" in job.error
    client.logout()
    page = client.get("/entities/nrf/").content.decode()
    assert "Unreviewed text." not in page and "Old text." in page


def test_a_reviewer_who_lost_the_right_publishes_nothing(client):
    entity = EntityFactory(slug="ipa", status=Status.DRAFT)
    reviewer = member("Reviewer")
    client.force_login(reviewer)
    schedule(client, entity, later())
    reviewer.groups.clear()

    job = when_due(Job.objects.get(kind="publish"))

    assert job.state == "failed" and "Only a reviewer" in job.error
    assert Entity.objects.get(pk=entity.pk).status == Status.DRAFT


def test_an_editor_cannot_schedule(client):
    entity = EntityFactory(slug="ipa", status=Status.DRAFT)
    client.force_login(member("Editor"))

    response = schedule(client, entity, later())

    assert "Only a reviewer may do that" in response.content.decode()
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    "at, error",
    [
        ("", "Pick a date and time"),
        ("tomorrow", "Write the time as a date and a time"),
        ("2026-02-30T10:00", "Write the time as a date and a time"),
        ("<script>alert(1)</script>", "Write the time as a date and a time"),
        ("x" * 10000, "Write the time as a date and a time"),
        ("2001-01-01T10:00", "Pick a time in the future"),
        ("2999-01-01T10:00", "Pick a time within a year"),
    ],
)
def test_a_bad_time_is_refused_with_why_and_schedules_nothing(client, at, error):
    entity = EntityFactory(slug="ipa", status=Status.DRAFT)
    client.force_login(member("Reviewer"))

    response = schedule(client, entity, at)

    assert error in response.content.decode()
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert not Job.objects.exists()


def test_a_published_item_with_nothing_waiting_has_nothing_to_schedule(client):
    entity = EntityFactory(slug="nrf")
    client.force_login(member("Reviewer"))

    response = schedule(client, entity, later())

    assert "there is nothing to publish" in response.content.decode() and not Job.objects.exists()


def test_scheduling_again_replaces_the_earlier_time_and_a_cancelled_one_never_runs(client):
    entity = EntityFactory(slug="ipa", status=Status.DRAFT)
    client.force_login(member("Reviewer", username="rev"))
    schedule(client, entity, later(30))
    schedule(client, entity, later(60))
    first, second = Job.objects.filter(kind="publish").order_by("created_at")
    assert (first.state, second.state) == ("cancelled", "queued")

    client.post(reverse("admin:jobs_job_cancel", args=[second.pk]))
    second = when_due(second)

    assert second.state == "cancelled" and "Cancelled by rev" in second.error
    assert Entity.objects.get(pk=entity.pk).status == Status.DRAFT
