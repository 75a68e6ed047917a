"""Editors and reviewers in a real browser: the review queue to a published update, and an edit conflict."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from entities.models import Section
from tests.browser.support import PASSWORD, SCREENSHOTS, log_in, new_page
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NEW_TEXT = "Updated in November 2025: the NRF has kept up hit-and-run attacks but holds no territory."


def test_flagged_section_from_queue_to_published_update(browser, watch, live_server, seeded):
    flagged = Section.objects.get(entity__slug="nrf", needs_update=True)
    old_words = flagged.body.split(".")[0]
    editor_context, editor = log_in(browser, watch, live_server, "editor")

    # The September 2022 section is at the top of the editor's queue.
    first = editor.locator("#needs-attention tr").first
    expect(first).to_contain_text("Sections flagged as needing an update")
    expect(first).to_contain_text("flagged September 2022")
    first.locator("ul a").first.click()
    editor.fill("#id_body", NEW_TEXT)
    editor.uncheck("#id_needs_update")
    editor.fill("#id_update_reason", "")
    editor.fill("#id_as_of", "November 2025")
    editor.click("input[name=_save]")
    expect(editor.locator(".messagelist")).to_contain_text("waits for a reviewer")

    # Readers still see the published text and its notice until a reviewer publishes.
    reader_context, reader = new_page(browser, watch, base_url=live_server.url)
    reader.goto("/entities/nrf/")
    expect(reader.locator("#content")).to_contain_text(old_words)
    expect(reader.locator(".notice-stale")).to_contain_text("flagged September 2022")

    reviewer_context, reviewer = log_in(browser, watch, live_server, "reviewer")
    reviewer.goto(f"/admin/entities/section/{flagged.pk}/change/")
    expect(reviewer.locator(".pending-change")).to_contain_text("Published — changes pending review")
    expect(reviewer.locator(".pending-change tbody ins").first).to_contain_text(NEW_TEXT.split(" ")[0])
    reviewer.click("button[form=workflow-publish]")
    expect(reviewer.locator(".messagelist")).to_contain_text("is published")

    reader.reload()
    expect(reader.locator("#content")).to_contain_text(NEW_TEXT)
    expect(reader.locator(".notice-stale")).to_have_count(0)
    expect(reader.locator("#content")).to_contain_text("As of November 2025")
    reader.screenshot(path=str(SCREENSHOTS / "editorial-published.png"), full_page=True)

    # The old text is one click away: the section's history.
    reviewer.goto(f"/admin/entities/section/{flagged.pk}/change/")
    reviewer.click(".object-tools a.historylink")
    reviewer.select_option("#compare-a", index=1)  # the seed's revision: the editor's change never was live
    reviewer.click("text=Show the differences")
    body_row = reviewer.locator(".revision-diff tr").filter(has=reviewer.locator("th", has_text="Body"))
    expect(body_row.locator("del").first).to_contain_text(old_words.split(",")[0])
    reviewer.screenshot(path=str(SCREENSHOTS / "editorial-history.png"), full_page=True)
    assert watch.dialogs == []
    for context in (editor_context, reader_context, reviewer_context):
        context.close()


def test_two_editors_on_one_section_never_overwrite_each_other(browser, watch, live_server, seeded):
    section = Section.objects.get(entity__slug="nrf", title="")
    first_context, first = log_in(browser, watch, live_server, "reviewer")
    UserFactory(username="second", is_staff=True, password=PASSWORD).groups.add(Group.objects.get(name="Reviewer"))
    second_context, second = log_in(browser, watch, live_server, "second")
    url = f"/admin/entities/section/{section.pk}/change/"
    first.goto(url)
    second.goto(url)

    first.fill("#id_body", "The first editor's lead.")
    first.click("input[name=_save]")
    expect(first.locator(".messagelist")).to_contain_text("was changed successfully")

    second.fill("#id_body", "The second editor's lead.")
    second.click("input[name=_save]")
    errors = second.locator(".errornote, .errorlist.nonfield")
    expect(errors.last).to_contain_text("Changed by reviewer on")
    expect(errors.last).to_contain_text("since you opened it")
    expect(second.locator("#id_body")).to_have_value("The second editor's lead.")
    expect(second.locator(".errorlist.nonfield ul del").first).to_contain_text("first")
    assert Section.objects.get(pk=section.pk).body == "The first editor's lead."
    second.screenshot(path=str(SCREENSHOTS / "editorial-conflict.png"), full_page=True)

    second.click("input[name=_save]")  # having read the differences, keep this version on purpose
    expect(second.locator(".messagelist")).to_contain_text("was changed successfully")
    assert Section.objects.get(pk=section.pk).body == "The second editor's lead."
    first_context.close()
    second_context.close()
