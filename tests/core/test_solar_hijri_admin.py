"""An editor types a Solar Hijri date in the admin as Afghanistan writes it; it is stored in its calendar, shown
back as typed, and refused with a reason (the typed text kept) when the day does not exist."""

import datetime

import pytest
from django.urls import reverse

from events.models import Event
from tests.core import test_fields
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

# The admin's Event form and a logged-in client, as the plain date tests have them.
staff_client, event_form = test_fields.staff_client, test_fields.event_form


def test_a_dari_date_typed_in_the_admin_is_stored_in_its_calendar_and_shown_back_as_typed(staff_client):
    response = staff_client.post(reverse("admin:events_event_add"), event_form(date="۲۶ اسد ۱۴۰۰", end="c. Sunbula 1400"))

    assert response.status_code == 302, response.context["adminform"].form.errors
    event = Event.objects.get(slug="northern-alliance-mobilizes")
    assert (event.date, event.date_precision, event.date_calendar) == (datetime.date(2021, 8, 17), "day", "solar_hijri")
    assert (event.end, event.end_precision, event.end_circa, event.end_calendar) == (
        datetime.date(2021, 8, 23),
        "month",
        True,
        "solar_hijri",
    )
    assert event.history.latest().date_partial.isoformat() == "1400-05-26 SH"  # its revision keeps the calendar
    form = staff_client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()
    assert 'name="date" value="26 Asad 1400 SH"' in form and 'name="end" value="c. Sunbula 1400 SH"' in form


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("30 Hut 1400", "Hut 1400 SH has 29 days"),
        ("۳۱ میزان ۱۴۰۰", "Mizan 1400 SH has 30 days"),
        ("1400-05-26", "1400-05-26 SH or 2021-08-17"),
    ],
)
def test_a_date_that_does_not_exist_is_refused_and_the_typed_text_is_kept(staff_client, typed, reason):
    response = staff_client.post(reverse("admin:events_event_add"), event_form(date=typed))

    html = response.content.decode()
    assert response.status_code == 200 and not Event.objects.exists()
    assert reason in html
    assert f'value="{typed}"' in html


def test_the_dari_changelist_shows_dates_in_solar_hijri_beside_the_gregorian(staff_client):
    EventFactory(date_partial="August 2021", title="A Gregorian month")
    EventFactory(date_partial="Asad 1400", title="A Solar Hijri month")

    html = staff_client.get("/prs/admin/events/event/").content.decode()

    assert "اسد–سنبله ۱۴۰۰ (اگست ۲۰۲۱)" in html
    assert "اسد ۱۴۰۰ (جولای–اگست ۲۰۲۱)" in html
