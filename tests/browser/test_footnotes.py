"""A footnote previews its reference beside it: on hover and focus with a mouse and keyboard, on a tap on a phone.

The footnote stays a link to the reference: a click with the mouse, or Enter, still jumps there."""

import pytest
from playwright.sync_api import expect

from tests.browser.support import new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE = "/entities/nrf/"


def first_footnote(page):
    return page.locator("sup.fn a[href^='#ref-']").first


def reference_text(page, link):
    """The reference's own words at the foot of the page, without its back-links."""
    target = link.get_attribute("href")
    return page.locator(f"{target} cite").first.inner_text()


def test_a_tap_on_a_phone_shows_the_reference_in_place_and_a_link_to_it(browser, watch, live_server, seeded):
    context, page = new_page(
        browser, watch, viewport={"width": 375, "height": 800}, has_touch=True, is_mobile=True, base_url=live_server.url
    )
    page.goto(PAGE)
    link = first_footnote(page)
    link.scroll_into_view_if_needed()

    link.tap()

    preview = page.locator("#fn-preview")
    expect(preview).to_be_visible()
    assert page.url.endswith(PAGE)  # a tap does not jump
    assert reference_text(page, link).split("Everything this source backs")[0].strip() in preview.inner_text()
    assert "^" not in preview.inner_text()  # the back-links stay at the foot
    box = preview.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375  # inside a phone's screen
    expect(link).to_have_attribute("aria-expanded", "true")

    preview.get_by_role("link", name="Go to reference").tap()

    assert page.url.endswith(link.get_attribute("href"))
    expect(preview).to_be_hidden()
    assert watch.errors == []
    context.close()


def test_hover_and_focus_preview_it_and_a_click_or_enter_still_jumps(browser, watch, live_server, seeded):
    context, page = new_page(browser, watch, viewport={"width": 1366, "height": 900}, base_url=live_server.url)
    page.goto(PAGE)
    link = first_footnote(page)
    preview = page.locator("#fn-preview")

    link.hover()
    expect(preview).to_be_visible()
    page.mouse.move(5, 5)
    expect(preview).to_be_hidden()

    link.focus()
    expect(preview).to_be_visible()
    page.keyboard.press("Escape")
    expect(preview).to_be_hidden()
    assert page.evaluate("document.activeElement.getAttribute('href')") == link.get_attribute("href")

    page.keyboard.press("Enter")
    page.wait_for_function("location.hash.startsWith('#ref-')")
    link.click()
    page.wait_for_function("location.hash.startsWith('#ref-')")
    assert watch.errors == []
    context.close()


def test_each_footnote_is_a_target_of_at_least_24_by_24_pixels(browser, watch, live_server, seeded):
    context, page = new_page(browser, watch, viewport={"width": 375, "height": 800}, base_url=live_server.url)
    page.goto(PAGE)

    sizes = page.eval_on_selector_all(
        "sup.fn a", "links => links.map(a => { const r = a.getBoundingClientRect(); return [r.width, r.height]; })"
    )

    assert len(sizes) > 20
    small = [size for size in sizes if size[0] < 24 or size[1] < 24]
    assert small == []
    context.close()
