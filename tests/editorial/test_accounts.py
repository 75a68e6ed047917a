"""Staff logins: strong passwords wherever one is set, and a lockout that stops spraying from one address."""

import io

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "password", ["ed2ed2ed2", "ed2ed2ed2ed2", "aaaaaaaaaaaaaaaa", "password1234", "123456789012", "abcabcabcabc"]
)
def test_createeditor_refuses_a_weak_password_and_creates_no_login(password):
    with pytest.raises(CommandError, match="The password is refused"):
        call_command("createeditor", "weak", "--role", "editor", f"--password={password}", stdout=io.StringIO())

    assert not get_user_model().objects.filter(username="weak").exists()


def test_createeditor_accepts_a_strong_password():
    call_command("createeditor", "strong", "--role", "reviewer", "--password=tulip-Harbour-93-quiet", stdout=io.StringIO())

    assert get_user_model().objects.get(username="strong").check_password("tulip-Harbour-93-quiet")


def test_the_admins_password_form_refuses_a_repeated_piece(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    target = UserFactory(username="carol", is_staff=True)
    client.force_login(admin)

    response = client.post(
        reverse("admin:auth_user_password_change", args=[target.pk]),
        {"password1": "ed2ed2ed2ed2", "password2": "ed2ed2ed2ed2", "usable_password": "true"},
    )

    assert "repeats a short piece of text" in response.content.decode()


def test_failed_logins_across_many_usernames_from_one_address_lock_that_address(client):
    UserFactory(username="dave", is_staff=True)
    for number in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("admin:login"), {"username": f"guess-{number}", "password": "wrong"})

    response = client.post(reverse("admin:login"), {"username": "dave", "password": "correct horse battery staple"})

    assert response.status_code == 429
