"""A job's page, its status and its retry, through the admin; the rules a job keeps whatever runs it.

Jobs run inside the request that starts them here (tests/conftest.py); tests/jobs/test_workers.py runs them on
real `db_worker` processes. A job left queued is made with the dummy backend, which runs nothing.
"""

import datetime

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from entities.models import Entity
from nrfsite.jobs import runner
from nrfsite.jobs.models import Job
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ENTITIES = "slug,kind,name\r\nnrf,organization,National Resistance Front\r\n"


@pytest.fixture
def reviewer(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


@pytest.fixture
def queued_only(settings):
    """Jobs are queued and not run: no worker is there."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def upload(client, text=ENTITIES, follow=False):
    data = SimpleUploadedFile("entities.csv", text.encode(), content_type="text/csv")
    return client.post(
        reverse("admin:entities_entity_import"), {"resource": 0, "format": 0, "import_file": data}, follow=follow
    )


def job_of(response):
    return Job.objects.get(pk=response["Location"].split("/")[-3])


def status(client, job):
    return client.get(reverse("admin:jobs_job_status", args=[job.pk])).json()


def test_an_upload_only_stores_the_file_and_queues_its_check(client, reviewer, queued_only):
    response = upload(client)

    assert response.status_code == 302
    job = job_of(response)
    assert (job.kind, job.state, job.created_by, job.input.decode()) == ("import-check", "queued", reviewer, ENTITIES)
    assert bytes(job.payload)[:2] == b"\x1f\x8b"  # kept compressed: a 24 MiB upload is 3.6 MiB in the database
    page = client.get(response["Location"]).content.decode()
    assert '<progress id="job-progress"' in page and "Waiting for a worker…" in page
    assert "js/job-progress.js" in page
    assert status(client, job) == {
        "state": "queued",
        "state_label": "Waiting for a worker",
        "finished": False,
        "done": 0,
        "total": None,
        "percent": None,
        "stage": "",
        "error": "",
        "attempts": 0,
        "worker": "",
    }


def test_a_checked_upload_shows_the_preview_and_the_confirm_imports_it(client, reviewer):
    checked = upload(client, follow=True)

    assert "1 new, 0 changed, 0 unchanged (not shown), 0 deleted." in checked.content.decode()
    assert not Entity.objects.exists()
    job = Job.objects.get(kind="import-check")
    assert status(client, job)["state"] == "done" and status(client, job)["percent"] == 100

    imported = client.post(
        reverse("admin:entities_entity_process_import"), checked.context["confirm_form"].initial, follow=True
    )

    assert Entity.objects.get(slug="nrf").name == "National Resistance Front"
    assert imported.redirect_chain[-1][0] == reverse("admin:entities_entity_changelist")
    assert Job.objects.get(kind="import").state == "done"


def test_a_confirm_cannot_name_another_editors_check(client, reviewer):
    checked = upload(client, follow=True)
    confirm = checked.context["confirm_form"].initial
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.post(reverse("admin:entities_entity_process_import"), confirm)

    assert response.status_code == 400
    assert "upload the file again" in response.content.decode()
    assert not Entity.objects.exists() and not Job.objects.filter(kind="import").exists()


def test_a_confirm_cannot_reuse_a_check_for_another_model(client, reviewer):
    checked = upload(client, follow=True)

    response = client.post(reverse("admin:sources_source_process_import"), checked.context["confirm_form"].initial)

    assert response.status_code == 400 and not Job.objects.filter(kind="import").exists()


def test_a_refused_file_shows_every_bad_row_and_the_form_again_and_cannot_be_confirmed(client, reviewer):
    text = ENTITIES + "bad slug!,organization,X\r\nipa,no-such-kind,IPA\r\n"

    response = upload(client, text, follow=True)

    html = response.content.decode()
    assert "2 rows have errors: line 3 slug; line 4 kind." in html
    assert 'name="import_file"' in html and "confirm_form" not in response.context
    check = Job.objects.get(kind="import-check")
    forged = {"import_file_name": signing.dumps(str(check.pk), salt="nrfsite.interchange.confirm")}
    refused = client.post(
        reverse("admin:entities_entity_process_import"), {**forged, "original_file_name": "e.csv", "format": 0, "resource": 0}
    )
    assert refused.status_code == 400 and not Entity.objects.exists()


def test_a_job_delivered_twice_runs_once(client, reviewer, queued_only):
    job = job_of(upload(client))
    job.kind = "import"  # as the confirm queues it
    job.save()

    runner.execute(job.pk)
    runner.execute(job.pk)  # the task again: a queue that delivers at least once

    job.refresh_from_db()
    assert (job.state, job.attempts) == ("done", 1)
    assert Entity.history.filter(slug="nrf").count() == 1


def test_a_running_job_whose_worker_stopped_beating_is_reported_failed_and_retry_runs_it(
    client, reviewer, queued_only, settings
):
    job = job_of(upload(client))
    # As a worker killed mid-job leaves it: claimed, started, and no heartbeat since.
    Job.objects.filter(pk=job.pk).update(
        kind="import", state="running", attempts=1, started_at=timezone.now() - datetime.timedelta(seconds=31)
    )

    answer = status(client, job)

    assert answer["state"] == "failed" and answer["finished"]
    assert "stopped before it finished" in answer["error"] and "nothing of it was written" in answer["error"]
    page = client.get(reverse("admin:jobs_job_change", args=[job.pk])).content.decode()
    assert "Retry" in page and not Entity.objects.exists()

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    retried = client.post(reverse("admin:jobs_job_retry", args=[job.pk]))

    assert retried.status_code == 302
    job.refresh_from_db()
    assert (job.state, job.attempts, job.error) == ("done", 2, "")
    assert Entity.objects.filter(slug="nrf").count() == 1


def test_a_job_just_claimed_is_not_reported_lost_before_its_first_heartbeat(client, reviewer, queued_only):
    job = job_of(upload(client))
    Job.objects.filter(pk=job.pk).update(state="running", attempts=1, started_at=timezone.now())

    assert status(client, job)["state"] == "running"


def test_only_a_failed_job_is_retried(client, reviewer):
    job = job_of(upload(client))

    client.post(reverse("admin:jobs_job_retry", args=[job.pk]))

    job.refresh_from_db()
    assert (job.state, job.attempts) == ("done", 1)


def test_an_editor_sees_only_their_own_jobs(client, reviewer, queued_only):
    job = job_of(upload(client))
    other = UserFactory(is_staff=True)
    client.force_login(other)

    page = client.get(reverse("admin:jobs_job_change", args=[job.pk]))
    assert page.status_code == 302 and page["Location"] == reverse("admin:index")  # as for any object not there
    assert client.get(reverse("admin:jobs_job_status", args=[job.pk])).status_code == 404
    assert client.post(reverse("admin:jobs_job_retry", args=[job.pk])).status_code == 404
    assert client.post(reverse("admin:jobs_job_cancel", args=[job.pk])).status_code == 404
    assert Job.objects.get(pk=job.pk).state == "queued"
    assert job.title not in client.get(reverse("admin:jobs_job_changelist")).content.decode()


def test_the_public_and_malformed_ids_get_nothing(client, reviewer, queued_only):
    job = job_of(upload(client))
    client.logout()

    response = client.get(reverse("admin:jobs_job_status", args=[job.pk]))

    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get("/admin/jobs/job/not-a-uuid/change/").status_code in (302, 404)
    assert client.get("/admin/jobs/job/00000000-0000-0000-0000-000000000000/status/").status_code == 404


def test_a_check_is_confirmed_once_and_the_upload_is_not_kept_after_its_import(client, reviewer):
    checked = upload(client, follow=True)
    confirm = checked.context["confirm_form"].initial
    client.post(reverse("admin:entities_entity_process_import"), confirm)

    again = client.post(reverse("admin:entities_entity_process_import"), confirm)

    assert again.status_code == 400 and "upload the file again" in again.content.decode()
    assert Job.objects.filter(kind="import").count() == 1
    assert list(Job.objects.values_list("payload", flat=True)) == [None, None]
