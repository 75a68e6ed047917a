"""An editor writes a section in the admin's Markdown box: the preview follows with its footnotes, and the
picker cites a source from the keyboard."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from entities.models import Entity
from tests.browser.support import SCREENSHOTS, log_in
from tests.browser.test_accessibility import violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BBC = "bbc-2021-08-undefeated-panjshir"
TEXT = f"The valley held.[@{BBC}] Its fighters withdrew."


def test_an_editor_sees_the_preview_follow_the_text_and_cites_a_source_from_the_keyboard(browser, watch, live_server, seeded):
    nrf = Entity.objects.get(slug="nrf")
    context, page = log_in(browser, watch, live_server, "editor", width=1366)
    page.goto(f"/admin/entities/entity/{nrf.pk}/change/")
    lead = page.locator("#sections-0")
    body = lead.locator("textarea[name=sections-0-body]")
    preview = lead.locator(".markup-preview-body")

    # Typing: the preview shows the text as readers will, its footnote and its reference.
    body.fill(TEXT)
    expect(preview.locator("p")).to_have_text(["The valley held.[1] Its fighters withdrew."])
    expect(preview.locator(".references li")).to_have_count(1)
    expect(preview.locator(".references li")).to_contain_text("The 'undefeated' Panjshir Valley")
    footnote = preview.locator("sup.fn a")
    assert footnote.get_attribute("href") == f"#{preview.locator('.references li').get_attribute('id')}"

    # An unknown key: the public page's [?] and the message a save would give.
    body.fill("Held.[@no-such-source]")
    expect(preview.locator("sup.fn-missing")).to_have_text("[?]")
    expect(lead.locator(".markup-preview-status")).to_contain_text(
        'Unknown source key(s) in citation markers: "no-such-source"'
    )

    # Citing: the cursor after "held.", the picker opened, a search, Down and Up, Enter.
    body.fill(TEXT.replace(f"[@{BBC}]", ""))
    caret = len("The valley held.")
    body.evaluate("(box, at) => { box.focus(); box.setSelectionRange(at, at); }", caret)
    lead.get_by_role("button", name="Cite a source").click()
    search = lead.get_by_role("combobox", name="Search sources by title, publisher or key")
    expect(search).to_be_focused()
    search.press_sequentially("panjshir")
    options = lead.get_by_role("option")
    expect(options.first).to_be_visible()
    assert options.count() > 1
    expect(options.first).to_have_attribute("aria-selected", "true")
    search.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    expect(search).to_have_attribute("aria-activedescendant", options.nth(1).get_attribute("id"))
    search.press("ArrowUp")
    expect(options.first).to_have_attribute("aria-selected", "true")
    chosen = options.first.locator(".markup-result-key").inner_text()

    axe = Axe()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    lead.screenshot(path=str(SCREENSHOTS / "admin-markdown-editor.png"))
    problems = violations(axe, page)  # the form with its previews and the picker open on its results

    search.press("Enter")
    expect(body).to_have_value(f"The valley held.[@{chosen}] Its fighters withdrew.")
    expect(body).to_be_focused()
    expect(lead.locator(".markup-picker")).to_be_hidden()
    expect(preview.locator("p")).to_have_text(["The valley held.[1] Its fighters withdrew."])

    # Escape closes the picker and gives the text back its cursor.
    lead.get_by_role("button", name="Cite a source").click()
    expect(search).to_be_focused()
    search.press("Escape")
    expect(lead.locator(".markup-picker")).to_be_hidden()
    expect(body).to_be_focused()

    # A section added with "Add another" has its own box.
    page.locator("#sections-group .add-row a").click()
    added = page.locator(".inline-related.dynamic-sections").last
    expect(added.get_by_role("button", name="Cite a source")).to_have_count(1)
    added.locator("textarea[name$=-body]").fill(f"New.[@{BBC}]")
    expect(added.locator(".markup-preview-body sup.fn")).to_have_text("[1]")

    assert problems == []
    assert watch.errors == []
    context.close()
