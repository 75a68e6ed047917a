"""Production settings, security headers, login lockout, upload limits, health check, page cache."""

import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import EntityFactory, UserFactory

pytestmark = pytest.mark.django_db

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "x7Kq2-9vLz_Pw4Rt8Ym3Nc6Bd1Hf5Gj0Sa7Ue2Io9Wq4Er8Ty3Ui6Op1As5Df0Gh",
    "DJANGO_ALLOWED_HOSTS": "nrf.example.org",
}


def manage(*args, env=None):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )


def test_deploy_check_passes_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY must be set"),
        (
            {"DJANGO_SECRET_KEY": "django-insecure-nrfsite-development-key-never-use-in-production"},
            "DJANGO_SECRET_KEY must be set",
        ),
        ({"DJANGO_ALLOWED_HOSTS": ""}, "DJANGO_ALLOWED_HOSTS must list"),
    ],
)
def test_production_refuses_to_start_without_a_real_secret_key_or_hosts(env, message):
    result = manage("check", env={**PRODUCTION_ENV, **env})

    assert result.returncode != 0
    assert message in result.stderr


def test_public_pages_carry_a_strict_csp_and_security_headers(client):
    EntityFactory(slug="nrf")

    response = client.get("/entities/nrf/")

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    html = response.content.decode()
    assert " style=" not in html and "<style" not in html
    # The site's own scripts only, from static files (the footnote previews): none inline, none from elsewhere.
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and html.count("<script") == len(scripts)
    for attributes, body in scripts:
        # data-* attributes carry a script's words in the page's language (footnotes.js); no other attribute.
        allowed = r' src="/static/js/[\w.-]+\.js" defer( data-[a-z]+="[^"<>]*")*'
        assert re.fullmatch(allowed, attributes) and body == "", attributes


def test_the_admin_gets_only_inline_styles_on_top(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    policy = client.get(reverse("admin:index"))["Content-Security-Policy"]

    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "script-src 'self';" in policy + ";"


def test_repeated_failed_logins_lock_the_account_out(client):
    UserFactory(username="alice", is_staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("admin:login"), {"username": "alice", "password": "wrong"})

    response = client.post(reverse("admin:login"), {"username": "alice", "password": "correct horse battery staple"})

    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()


def test_a_correct_login_still_works_before_the_limit(client):
    UserFactory(username="bob", is_staff=True)
    client.post(reverse("admin:login"), {"username": "bob", "password": "wrong"})

    response = client.post(reverse("admin:login"), {"username": "bob", "password": "correct horse battery staple"})

    assert response.status_code == 302


def test_an_oversized_import_is_refused_before_it_is_read(client, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 100
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    upload = SimpleUploadedFile("entities.csv", b"slug,kind,name\n" + b"x,person,X\n" * 20, content_type="text/csv")

    response = client.post(
        reverse("admin:entities_entity_import"), {"resource": 0, "format": 0, "import_file": upload}, follow=True
    )

    assert "imports take up to 100" in response.content.decode()


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_anonymous_pages_are_cached_and_any_change_refreshes_them(client):
    nrf = EntityFactory(slug="nrf", name="Old name")
    assert client.get("/entities/nrf/")["X-Page-Cache"] == "miss"
    assert client.get("/entities/nrf/")["X-Page-Cache"] == "hit"

    nrf.name = "New name"
    nrf.save()
    response = client.get("/entities/nrf/")

    assert response["X-Page-Cache"] == "miss"
    assert "New name" in response.content.decode()


def test_an_import_refreshes_cached_pages(client, tmp_path):
    from tests.csv_helpers import import_, write_csv

    EntityFactory(slug="nrf", name="Old name", kind="organization")
    client.get("/entities/nrf/")
    write_csv(tmp_path, "entities.csv", "slug,kind,name\nnrf,organization,Imported name\n")

    assert import_(tmp_path)[0]

    assert "Imported name" in client.get("/entities/nrf/").content.decode()


def test_logged_in_editors_bypass_the_cache(client):
    EntityFactory(slug="nrf")
    client.get("/entities/nrf/")
    client.force_login(UserFactory(is_staff=True))

    assert "X-Page-Cache" not in client.get("/entities/nrf/")
