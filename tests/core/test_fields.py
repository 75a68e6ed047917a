"""Editors type a partial date as text; the admin stores it at its own precision."""

import pytest
from django.urls import reverse

from events.models import Event, EventType
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def event_form(**overrides):
    data = {
        "title": "Remnants of the Northern Alliance mobilize",
        "slug": "northern-alliance-mobilizes",
        "event_type": EventType.objects.get(slug="change-to-group-activity").pk,
        "date": "July 2021",
        "end": "",
        "location_precision": "unknown",
        "summary": "",
        "certainty": "reported",
        "status": "draft",
        "participations-TOTAL_FORMS": "0",
        "participations-INITIAL_FORMS": "0",
        "citations-TOTAL_FORMS": "0",
        "citations-INITIAL_FORMS": "0",
    }
    return {**data, **overrides}


def test_month_typed_in_admin_is_stored_at_month_precision(staff_client):
    response = staff_client.post(reverse("admin:events_event_add"), event_form())
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = Event.objects.get(slug="northern-alliance-mobilizes")
    assert (event.date.isoformat(), event.date_precision, event.date_circa) == ("2021-07-01", "month", False)
    assert str(event.date_partial) == "July 2021"


def test_circa_year_typed_in_admin_is_stored_as_approximate(staff_client):
    staff_client.post(reverse("admin:events_event_add"), event_form(date="c. 2021"))
    event = Event.objects.get(slug="northern-alliance-mobilizes")
    assert (event.date_precision, event.date_circa) == ("year", True)


def test_impossible_date_is_refused_and_the_typed_text_is_kept(staff_client):
    response = staff_client.post(reverse("admin:events_event_add"), event_form(date="32 August 2021"))
    assert response.status_code == 200
    assert not Event.objects.exists()
    html = response.content.decode()
    assert "31 days" in html
    assert 'value="32 August 2021"' in html


def test_change_form_shows_the_date_at_its_precision(staff_client):
    event = EventFactory(date_partial="2024")
    response = staff_client.get(reverse("admin:events_event_change", args=[event.pk]))
    assert 'name="date" value="2024"' in response.content.decode()


def test_changelist_shows_dates_at_their_precision(staff_client):
    EventFactory(date_partial="September 2022", title="Flagged month")
    response = staff_client.get(reverse("admin:events_event_changelist"))
    assert "September 2022" in response.content.decode()
