"""The change forms with the widest inlines fit a 1366-px screen: no sideways scrolling of the page."""

import pytest
from django.urls import reverse

from entities.models import Statement
from events.models import Event
from tests.browser.support import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_forms_with_citation_inlines_fit_a_1366_px_screen(browser, watch, live_server, seeded):
    event = Event.objects.filter(citations__quote__gt="").first() or Event.objects.filter(citations__isnull=False).first()
    statement = Statement.objects.filter(citations__isnull=False).first()
    context, page = log_in(browser, watch, live_server, "reviewer", width=1366)
    for url in (
        reverse("admin:events_event_change", args=[event.pk]),
        reverse("admin:entities_statement_change", args=[statement.pk]),
        reverse("admin:entities_entity_change", args=[statement.subject_id]),
    ):
        page.goto(url)
        assert page.locator(".inline-group").count() >= 1, url
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1366, f"{url} is {width} px wide"
        quote = page.locator(".inline-group textarea[name$='-quote']").first
        if quote.count():
            assert quote.bounding_box()["width"] >= 140  # still a box to write a quote in
    context.close()
