"""The province map names the province a keyboard focuses or a mouse points at, under the map."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_focus_and_pointing_show_the_provinces_name_and_count(page, seeded):
    page.goto("/events/")
    readout = page.locator(".map-readout")
    expect(readout).to_have_text("Point at a province, or tab to it, to read its name.")

    panjshir = page.locator("svg[aria-labelledby='map-title'] a[aria-label^='Panjshir']")
    panjshir.focus()
    expect(readout).to_have_text(panjshir.get_attribute("aria-label"))
    assert readout.inner_text().startswith("Panjshir: ") and "event" in readout.inner_text()

    page.locator("svg[aria-labelledby='map-title'] a[aria-label^='Kabul']").hover()
    expect(readout).to_contain_text("Kabul")
    page.locator(".points-map a[aria-label^='Charikar']").hover()  # a point names its place and province
    expect(readout).to_have_text(page.locator(".points-map a[aria-label^='Charikar']").get_attribute("aria-label"))
    page.locator("h1").hover()
    page.locator("h1").click()  # focus leaves the map too
    expect(readout).to_have_text("Point at a province, or tab to it, to read its name.")
