"""axe-core (the engine behind Lighthouse's and most audits' accessibility checks) over every public page type
of the seed, on a desktop and a phone, and over the editors' admin pages: no violation of any impact.

axe comes with axe-playwright-python (requirements-dev.txt), which injects its bundled axe.min.js into the page
through Playwright; nothing is fetched. Each page is also kept as a screenshot under test-artifacts/ to look at.
"""

import io

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import expect

from events.models import Event
from tests.browser.support import SCREENSHOTS, log_in, new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLIC_PAGES = {
    "home": "/",
    "entity-list": "/entities/",
    "organization": "/entities/nrf/",
    "person": "/entities/ahmad-massoud/",
    "place": "/entities/panjshir/",
    "timeline": "/events/",
    "timeline-filtered": "/events/?place=panjshir&date_from=2021-08&certainty=reported",
    "timeline-reversed-range": "/events/?date_from=2022&date_to=2021",
    "event": "/events/taliban-claim-victory-panjshir-2021-09-06/",
    "source-list": "/sources/",
    "source": "/sources/bbc-2021-08-undefeated-panjshir/",
    "search": "/search/?q=massoud",
    "feed": "/events/feed/",
    "not-found": "/entities/no-such-entity/",
}
WIDTHS = (1366, 375)


def violations(axe, page):
    """axe's violations on the page as one line each: rule, impact, how many elements, the first of them."""
    found = axe.run(page).response["violations"]
    return [f"{v['id']} ({v['impact']}, {len(v['nodes'])}×): {v['nodes'][0]['target']} {v['help']}" for v in found]


def test_every_public_page_type_has_no_accessibility_violation_on_a_desktop_or_a_phone(browser, watch, live_server):
    call_command("load_seed", stdout=io.StringIO())
    axe = Axe()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    found = {}
    for width in WIDTHS:
        context, page = new_page(browser, watch, viewport={"width": width, "height": 900}, base_url=live_server.url)
        for name, path in PUBLIC_PAGES.items():
            response = page.goto(path)
            assert response.status == (404 if name == "not-found" else 200), path
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
            if problems := violations(axe, page):
                found[f"{path} at {width} px"] = problems
        context.close()
    assert found == {}, "\n".join(f"{where}:\n  " + "\n  ".join(problems) for where, problems in found.items())
    assert [error for error in watch.errors if "status of 404" not in error] == []  # the 404 page's own status


BAD_EVENTS_CSV = "slug,title,date,event_type\nbad-day,A title,32 August 2021,armed-clash\n,No slug,2021,no-such-type\n"


def test_the_admin_pages_an_editor_works_in_have_no_accessibility_violation(browser, watch, live_server, seeded, tmp_path):
    axe = Axe()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    found = {}

    def check(page, name):
        page.screenshot(path=str(SCREENSHOTS / f"admin-{name}.png"), full_page=True)
        if problems := violations(axe, page):
            found[name] = problems

    context, page = new_page(browser, watch, viewport={"width": 1366, "height": 900}, base_url=live_server.url)
    page.goto("/admin/login/")
    check(page, "login")
    context.close()

    event = Event.objects.filter(participations__isnull=False, citations__isnull=False).order_by("pk").first()
    context, page = log_in(browser, watch, live_server, "editor", width=1366)
    check(page, "index")
    for name, path in {
        "changelist": "/admin/events/event/",
        "change-form": f"/admin/events/event/{event.pk}/change/",  # participation and citation inlines, select2 boxes
        "add-form": "/admin/events/event/add/",
        "source-changelist": "/admin/sources/source/",  # a filter on a field some rows leave blank
        "entity-change-form": "/admin/entities/entity/1/change/",
    }.items():
        assert page.goto(path).status == 200, path
        check(page, name)
    bad = tmp_path / "events.csv"
    bad.write_text(BAD_EVENTS_CSV)
    page.goto("/admin/events/event/import/")
    page.set_input_files("input[name=import_file]", str(bad))
    page.click("#content form [type=submit]")
    check(page, "import-with-errors")
    expect(page.locator("#content")).to_contain_text("2 rows have errors: line 2 date; line 3 event_type.")
    context.close()

    assert found == {}, "\n".join(f"{where}:\n  " + "\n  ".join(problems) for where, problems in found.items())
    assert watch.errors == []
