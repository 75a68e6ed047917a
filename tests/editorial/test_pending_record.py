"""The record of editors' changes to published items: every one, with what became of it, read-only."""

import pytest
from django.urls import reverse

from nrfsite.editorial.models import PendingChange
from tests.editorial.test_inline_rights import change_form_data
from tests.factories import EntityFactory, SectionFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(client):
    """An Editor's save of a published section: held as a pending change."""
    section = SectionFactory(entity=EntityFactory(slug="nrf"), title="Status", position=1, body="Old text.")
    client.force_login(member("Editor", username="ed"))
    url = reverse("admin:entities_section_change", args=[section.pk])
    data = change_form_data(client.get(url))
    data.update(body="New text from the editor.", change_reason="newer report")
    client.post(url, data)
    change = PendingChange.objects.get()
    assert change.state == "pending"
    return section, change


def test_a_waiting_change_is_listed_and_shows_what_it_changes(client, held):
    section, change = held

    listing = client.get(reverse("admin:editorial_pendingchange_changelist")).content.decode()
    page = client.get(reverse("admin:editorial_pendingchange_change", args=[change.pk])).content.decode()

    assert "waiting for review" in listing and "Status" in listing and ">ed<" in listing
    assert "<ins>New text from the editor.</ins>" in page or "<ins>New" in page
    assert reverse("admin:entities_section_change", args=[section.pk]) in page


def test_a_rejected_change_stays_on_record_with_who_decided_and_why(client, held):
    section, change = held
    client.force_login(member("Reviewer", username="rev"))
    client.post(reverse("admin:entities_section_workflow", args=[section.pk, "reject"]), {"note": "source unclear"})

    change.refresh_from_db()
    page = client.get(reverse("admin:editorial_pendingchange_change", args=[change.pk])).content.decode()
    filtered = client.get(reverse("admin:editorial_pendingchange_changelist"), {"state": "rejected"}).content.decode()

    assert change.state == "rejected"
    assert "rejected" in page and "rev" in page and "source unclear" in page
    assert "New text from the editor." in page  # the rows it proposed
    assert "Status" in filtered


@pytest.mark.parametrize("role", ["Editor", "Reviewer"])
def test_the_record_cannot_be_changed_added_or_deleted_by_anyone_through_the_admin(client, held, role):
    _section, change = held
    client.force_login(member(role))

    assert client.get(reverse("admin:editorial_pendingchange_add")).status_code == 403
    assert (
        client.post(reverse("admin:editorial_pendingchange_change", args=[change.pk]), {"state": "published"}).status_code
        == 403
    )
    assert client.post(reverse("admin:editorial_pendingchange_delete", args=[change.pk]), {"post": "yes"}).status_code == 403
    assert PendingChange.objects.get().state == "pending"


def test_a_logged_in_non_staff_user_cannot_read_the_record(client, held):
    from tests.factories import UserFactory

    _section, change = held
    client.force_login(UserFactory(is_staff=False))

    response = client.get(reverse("admin:editorial_pendingchange_change", args=[change.pk]))

    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_record_is_listed_in_a_bounded_number_of_queries(client, held, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert client.get(reverse("admin:editorial_pendingchange_changelist")).status_code == 200
