"""The site and the admin in Dari and in Pashto, in a real browser: the language and direction of the document,
a layout that mirrors (the infobox on the left, the chart's time running right to left), the Arabic-script font
from static/, screenshots at 375 and 1366 px, and no axe-core violation."""

from urllib.parse import quote

import pytest
from axe_playwright_python.sync_playwright import Axe

from events.models import Event
from tests.browser.support import SCREENSHOTS, log_in, new_page
from tests.browser.test_accessibility import violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ("prs", "ps")
WIDTHS = (1366, 375)
# The timeline filtered by a Solar Hijri range, typed as a Dari reader would: Asad to Sunbula 1400.
SOLAR_HIJRI_RANGE = f"?date_from={quote('اسد ۱۴۰۰')}&date_to={quote('سنبله ۱۴۰۰')}"


def pages(language):
    return {
        "home": f"/{language}/",
        "organization": f"/{language}/entities/nrf/",
        "timeline-solar-hijri": f"/{language}/events/{SOLAR_HIJRI_RANGE}",
        "event": f"/{language}/events/taliban-claim-victory-panjshir-2021-09-06/",
        "source": f"/{language}/sources/bbc-2021-08-undefeated-panjshir/",
        "search": f"/{language}/search/?q={quote('پنجشیر')}",
    }


def document_language(page):
    return page.evaluate("[document.documentElement.lang, document.documentElement.dir]")


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_pages_in_dari_and_pashto_read_right_to_left_without_violations(browser, watch, live_server, seeded, language):
    axe = Axe()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    found = {}
    for width in WIDTHS:
        context, page = new_page(browser, watch, viewport={"width": width, "height": 900}, base_url=live_server.url)
        for name, path in pages(language).items():
            assert page.goto(path).status == 200, path
            assert document_language(page) == [language, "rtl"], path
            page.screenshot(path=str(SCREENSHOTS / f"{language}-{name}-{width}.png"), full_page=True)
            if problems := violations(axe, page):
                found[f"{path} at {width} px"] = problems
        context.close()
    assert found == {}, "\n".join(f"{where}:\n  " + "\n  ".join(problems) for where, problems in found.items())
    assert watch.errors == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_layout_mirrors_and_the_font_comes_from_static(browser, watch, live_server, seeded, language):
    context, page = new_page(browser, watch, viewport={"width": 1366, "height": 900}, base_url=live_server.url)
    fonts = []
    page.on("response", lambda response: fonts.append(response.url) if ".woff2" in response.url else None)
    page.goto(f"/{language}/entities/nrf/")
    infobox = page.locator(".infobox").bounding_box()
    lead = page.locator(".page-header h1").bounding_box()
    assert infobox["x"] < lead["x"] + lead["width"] / 2  # the infobox floats to the left of the text
    page.wait_for_load_state("networkidle")
    assert fonts and all(url.startswith(live_server.url + "/static/fonts/") for url in fonts)
    assert page.evaluate("document.fonts.check('16px Vazirmatn', 'جبهه')")

    page.goto(f"/{language}/events/")
    bars = page.locator(".chart rect.bar")
    first, last = bars.first.bounding_box(), bars.last.bounding_box()
    assert first["x"] > last["x"]  # the earliest month is on the right
    context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_admin_in_dari_and_pashto_reads_right_to_left_without_violations(browser, watch, live_server, seeded, language):
    axe = Axe()
    found = {}
    context, page = log_in(browser, watch, live_server, "editor", width=1366)
    event = Event.objects.filter(participations__isnull=False).order_by("pk").first()
    for name, path in {
        "index": f"/{language}/admin/",
        "changelist": f"/{language}/admin/events/event/",
        "change-form": f"/{language}/admin/events/event/{event.pk}/change/",
    }.items():
        assert page.goto(path).status == 200, path
        assert document_language(page) == [language, "rtl"], path
        page.screenshot(path=str(SCREENSHOTS / f"{language}-admin-{name}.png"), full_page=True)
        if problems := violations(axe, page):
            found[name] = problems
    # Django's own admin words are translated too, not only the project's (locale-vendor/).
    page.goto(f"/{language}/admin/")
    assert "Log out" not in page.locator("#user-tools").inner_text()
    context.close()
    assert found == {}, "\n".join(f"{where}:\n  " + "\n  ".join(problems) for where, problems in found.items())
    assert watch.errors == []


def test_a_translator_translates_a_lead_and_readers_see_it_then_see_it_fall_behind(browser, watch, live_server, seeded):
    """The Dari admin's section form: the folded Dari fieldset opens on a right-to-left box with the Markdown
    preview; saved, the Dari page shows the Dari lead; the English changed, the Dari page says it may be behind."""
    from entities.models import Section
    from nrfsite.core.markup import citation_keys

    axe = Axe()
    lead = Section.objects.get(entity__slug="nrf", title="")
    key = citation_keys(lead.body)[0]
    dari = f"جبهه مقاومت ملی یک ائتلاف ضد طالبان است.[@{key}]"
    context, page = log_in(browser, watch, live_server, "reviewer", width=1366)

    page.goto(f"/prs/admin/entities/section/{lead.pk}/change/")
    page.locator("fieldset details summary", has_text="دری").first.click()
    box = page.locator("textarea[name=body_prs]")
    assert box.evaluate("el => [el.lang, getComputedStyle(el).direction]") == ["prs", "rtl"]
    box.fill(dari)
    page.screenshot(path=str(SCREENSHOTS / "prs-admin-section-translation.png"), full_page=True)
    problems = violations(axe, page)
    page.click("input[name=_save]")
    assert page.locator(".errornote").count() == 0, page.content()[:3000]

    page.goto("/prs/entities/nrf/")
    lead_text = page.locator("#lead")
    assert "یک ائتلاف ضد طالبان است" in lead_text.inner_text()
    assert page.locator("#lead .notice-untranslated").count() == 0
    page.screenshot(path=str(SCREENSHOTS / "prs-organization-translated-lead.png"), full_page=True)
    problems += violations(axe, page)

    fresh = Section.objects.get(pk=lead.pk)  # the English edited (a save: any way in keeps the record)
    fresh.body = fresh.body + "\n\nA sentence added in English."
    fresh.save()
    page.goto("/prs/entities/nrf/")
    assert "این ترجمه شاید از نسخهٔ انگلیسی" in page.locator("#lead").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "prs-organization-lead-behind.png"), full_page=True)
    problems += violations(axe, page)
    context.close()
    assert problems == []
    assert watch.errors == []
