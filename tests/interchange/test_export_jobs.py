"""The editors' whole bundle as a background job: started from a list's button, built by a worker, kept in the
database, downloaded from the job's page by the one who asked.

Jobs run inside the request that starts them here (tests/conftest.py); the last test runs one on a real
`manage.py db_worker` process.
"""

import contextlib
import io
import json
import os
import re
import sqlite3
import zipfile

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.urls import reverse

from entities.models import Entity
from nrfsite.interchange.bundle import export_zip
from nrfsite.interchange.registry import resource_classes
from nrfsite.jobs.models import Job, JobFile, JobFileChunk, store_file
from tests.csv_helpers import make_full_dataset
from tests.factories import UserFactory, member
from tests.jobs.test_workers import start_worker
from tests.processes import manage, psql

START = reverse("admin:entities_entity_export_bundle")
CSV_FILES = {resource_class.file_name for resource_class in resource_classes()}


@pytest.fixture
def editor(client):
    user = member("Editor")
    client.force_login(user)
    return user


@pytest.fixture
def queued_only(settings):
    """Jobs are queued and not run: no worker is there."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def job_of(response):
    return Job.objects.get(pk=response["Location"].split("/")[-3])


def file_url(job, stored):
    return reverse("admin:jobs_job_file", args=[job.pk, stored.pk])


def downloaded(response):
    return b"".join(response.streaming_content)


def without(user_permissions, app_label, model_name, actions):
    return [
        permission
        for permission in user_permissions
        if not (
            permission.content_type.app_label == app_label
            and permission.codename in {f"{action}_{model_name}" for action in actions}
        )
    ]


@pytest.mark.django_db
def test_an_editor_starts_the_export_and_downloads_every_file_of_the_bundle_drafts_included(client, editor, tmp_path):
    make_full_dataset()

    started = client.post(START)

    assert started.status_code == 302
    job = job_of(started)
    assert started["Location"] == reverse("admin:jobs_job_change", args=[job.pk])
    assert (job.kind, job.state, job.created_by, job.error) == ("bundle-export", "done", editor, "")
    stored = job.files.get()
    page = client.get(started["Location"]).content.decode()
    assert "Files to download" in page and f'href="{file_url(job, stored)}"' in page
    response = client.get(file_url(job, stored))
    body = downloaded(response)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert re.fullmatch(r'attachment; filename="nrfsite-bundle-\d{8}-\d{4}\.zip"', response["Content-Disposition"])
    assert int(response["Content-Length"]) == len(body) == stored.size
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    archive = zipfile.ZipFile(io.BytesIO(body))
    assert set(archive.namelist()) == CSV_FILES | {"manifest.json", "datapackage.json"}
    direct = zipfile.ZipFile(export_zip(tmp_path / "direct.zip", public=False))
    assert {name: archive.read(name) for name in CSV_FILES} == {name: direct.read(name) for name in CSV_FILES}
    assert archive.read("manifest.json") == direct.read("manifest.json")
    draft = Entity.objects.get(slug="ahmad-massoud", status="draft")
    assert f"{draft.slug},person,{draft.name}" in archive.read("entities.csv").decode()
    manifest = json.loads(archive.read("manifest.json"))
    assert job.outcome == {"files": manifest["files"], "rows": sum(manifest["files"].values()), "bytes": stored.size}


@pytest.mark.django_db
def test_the_export_tells_each_file_as_it_is_written_then_compressed_then_the_zip_stored(client, editor, tmp_path):
    heard = []

    export_zip(tmp_path / "bundle.zip", public=False, on_progress=lambda *progress: heard.append(progress))

    steps = 2 * (len(CSV_FILES) + 2)
    assert heard[0] == (0, steps, "writing sources.csv") and heard[-1] == (steps, steps, "every file compressed")
    assert (len(CSV_FILES) + 2, steps, "compressing aliases.csv") in heard
    assert [done for done, _total, _stage in heard] == sorted(done for done, _total, _stage in heard)
    job = job_of(client.post(START))
    assert client.get(reverse("admin:jobs_job_status", args=[job.pk])).json()["stage"] == "storing the zip"


@pytest.mark.django_db
def test_the_list_offers_the_export_and_a_get_only_shows_its_button(client, editor):
    listing = client.get(reverse("admin:events_event_changelist")).content.decode()

    page = client.get(START)

    assert f'href="{reverse("admin:events_event_export_bundle")}"' in listing
    assert "Export the whole bundle (zip)" in listing
    html = page.content.decode()
    assert page.status_code == 200 and '<form method="post">' in html and "Start the export" in html
    assert "event_citations.csv" in html and "drafts and editors' notes included" in html
    assert not Job.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("lacking", [("view", "change"), ("export",)], ids=["view", "export"])
def test_staff_who_may_not_view_or_export_one_model_get_403_and_no_job(client, lacking):
    editor = UserFactory(is_staff=True)
    everything = Permission.objects.filter(group__name="Editor").select_related("content_type")
    editor.user_permissions.set(without(everything, "events", "eventcitation", lacking))
    client.force_login(editor)

    refused = client.post(START)

    assert refused.status_code == 403 and client.get(START).status_code == 403
    assert not Job.objects.exists()
    assert "Export the whole bundle" not in client.get(reverse("admin:entities_entity_changelist")).content.decode()


@pytest.mark.django_db
def test_the_job_page_and_its_file_are_only_for_the_editor_who_asked(client, editor):
    job = job_of(client.post(START))
    stored = job.files.get()
    client.force_login(member("Editor"))

    page = client.get(reverse("admin:jobs_job_change", args=[job.pk]))
    download = client.get(file_url(job, stored))

    assert page.status_code == 302 and page["Location"] == reverse("admin:index")  # as for any job not theirs
    assert download.status_code == 404
    assert client.get(reverse("admin:jobs_job_status", args=[job.pk])).status_code == 404
    client.force_login(editor)
    assert client.get(file_url(job, stored)).status_code == 200
    assert client.post(file_url(job, stored)).status_code == 405


@pytest.mark.django_db
def test_a_bundle_over_the_size_ceiling_fails_its_job_with_why_and_keeps_nothing(client, editor, settings):
    settings.JOBS_FILE_MAX_BYTES = 1024

    job = job_of(client.post(START))

    assert job.state == "failed"
    assert "a job may keep files of at most 1.0\xa0KB: nothing was kept" in job.error
    assert "manage.py export_bundle" in job.error and "JOBS_FILE_MAX_BYTES" in job.error
    assert not JobFile.objects.exists() and not JobFileChunk.objects.exists()
    page = client.get(reverse("admin:jobs_job_change", args=[job.pk])).content.decode()
    assert 'class="errornote"' in page and "Files to download" not in page


@pytest.mark.django_db
def test_a_job_still_queued_offers_no_download(client, editor, queued_only, tmp_path):
    job = job_of(client.post(START))
    (tmp_path / "part.zip").write_bytes(b"not yet")
    early = store_file(job=job, path=tmp_path / "part.zip", name="part.zip", content_type="application/zip")

    page = client.get(reverse("admin:jobs_job_change", args=[job.pk])).content.decode()

    assert job.state == "queued" and "Waiting for a worker" in page and "Files to download" not in page
    assert client.get(file_url(job, early)).status_code == 404


@pytest.mark.django_db
def test_a_file_of_several_parts_downloads_whole(client, editor, queued_only, tmp_path):
    job = job_of(client.post(START))
    content = os.urandom(9 * 1024 * 1024 + 5)  # three parts of 4 MiB, the last one short
    (tmp_path / "big.bin").write_bytes(content)
    stored = store_file(job=job, path=tmp_path / "big.bin", name="../big file.bin", content_type="application/octet-stream")
    Job.objects.filter(pk=job.pk).update(state="done")

    response = client.get(file_url(job, stored))

    assert stored.chunks.count() == 3
    assert downloaded(response) == content
    assert response["Content-Disposition"] == 'attachment; filename="big_file.bin"'


@pytest.mark.django_db
def test_the_finished_export_page_takes_a_fixed_number_of_queries(client, editor, django_assert_num_queries):
    url = client.post(START)["Location"]

    # The session, the user, the job with who asked for it, its files; the user's permissions (2), and whether
    # they may keep a watchlist (the admin's menu).
    with django_assert_num_queries(7):
        response = client.get(url)

    assert "Files to download" in response.content.decode()


@pytest.fixture(scope="module")
def worker_database(django_db_setup, django_db_blocker, tmp_path_factory):
    """DATABASE_URL of a copy of the suite's test database, migrated already, for child processes: a copy takes
    a fraction of a second where `migrate` takes some twenty (the scratch databases of tests/ops). Made before
    any test's transaction opens (a module's fixture comes first), as PostgreSQL copies an idle database only."""
    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            template, name = connection.settings_dict["NAME"], f"{connection.settings_dict['NAME']}_worker_{os.getpid()}"
            connection.close()
            psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            psql(f"CREATE DATABASE {name} TEMPLATE {template}")
            yield f"postgres://postgres@127.0.0.1:5432/{name}"
            psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", check=False)
            return
        path = tmp_path_factory.mktemp("worker") / "worker.sqlite3"
        connection.ensure_connection()
        with contextlib.closing(sqlite3.connect(path)) as copy:
            connection.connection.backup(copy)
            copy.execute("PRAGMA journal_mode=WAL")  # as settings.py sets it, before two processes open it
    yield f"sqlite:///{path}"


@pytest.mark.django_db  # so that the suite's test database is made, to be copied
def test_a_real_worker_builds_the_export_and_keeps_it_for_any_app_server(worker_database, tmp_path, children):
    env = {**os.environ, "DATABASE_URL": worker_database, "JOBS_CACHE_URL": f"filecache://{tmp_path / 'jobs-cache'}"}
    worker = start_worker(children, env, tmp_path, "worker-1")
    code = (
        "import io, json, time, zipfile\n"
        "from entities.models import Entity\n"
        "from nrfsite.jobs import runner\n"
        "from nrfsite.jobs.models import Job\n"
        "Entity.objects.create(slug='draft-front', kind='organization', name='Draft Front', status='draft')\n"
        "job = runner.start('bundle-export', title='Export')\n"
        "deadline = time.monotonic() + 60\n"
        "while not Job.objects.get(pk=job.pk).finished and time.monotonic() < deadline:\n"
        "    time.sleep(0.1)\n"
        "job = Job.objects.get(pk=job.pk)\n"
        "files = [(f.name, zipfile.ZipFile(io.BytesIO(b''.join(f.read())))) for f in job.files.all()]\n"
        "print(json.dumps({'state': job.state, 'error': job.error, 'worker': job.worker,\n"
        "    'names': [sorted(z.namelist()) for _n, z in files],\n"
        "    'draft': [b'draft-front,organization,Draft Front' in z.read('entities.csv') for _n, z in files]}))\n"
    )

    run = manage(env, "shell", "-v0", "-c", code, check=False)

    assert run.returncode == 0, run.stderr[-3000:]
    answer = json.loads(run.stdout.strip().splitlines()[-1])

    assert (answer["state"], answer["error"]) == ("done", "")
    assert answer["worker"].endswith(f":{worker.pid}")  # made by the worker, not by the shell that asked
    assert answer["names"] == [sorted(CSV_FILES | {"manifest.json", "datapackage.json"})]
    assert answer["draft"] == [True]
