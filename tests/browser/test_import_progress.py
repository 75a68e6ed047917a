"""An editor watches an admin import in Chromium: the upload's page shows a progress bar that moves while a real
worker checks the file, then the preview; after Confirm, the bar moves again while the worker imports, and the
page ends on the events' list with the counts. gunicorn and `db_worker` run as processes on a scratch database.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.support import SCREENSHOTS, new_page
from tests.jobs.test_workers import PASSWORD, site, start_worker  # noqa: F401  (site: a fixture)
from tests.processes import manage

pytestmark = [pytest.mark.browser]

ROWS = 12000  # events: three chunks of the import (IMPORT_CHUNK, 5,000), so the bar shows 5,000 and 10,000 on the way


def progress_values(page, seconds, screenshot):
    """The progress bar's values, sampled every 100 ms for up to `seconds` or until the page leaves the job; the
    page is kept as `screenshot` when the bar first shows some progress."""
    seen = []
    for _ in range(int(seconds * 10)):
        bar = page.locator("#job-progress")
        if bar.count() == 0:
            break
        try:
            seen.append((float(bar.get_attribute("value") or 0), float(bar.get_attribute("max") or 0)))
            if seen[-1][0] > 0 and all(value == 0 for value, _max in seen[:-1]):
                page.screenshot(path=str(SCREENSHOTS / screenshot))
        except Exception:  # the page reloaded between the reads
            break
        page.wait_for_timeout(100)
    return seen


def test_an_editor_watches_the_progress_bar_of_an_admin_import_to_its_report(browser, watch, site, tmp_path, children):  # noqa: F811
    env, base = site["env"], site["base"]
    manage(env, "generate_events", str(ROWS), "--bundle-only", str(tmp_path / "bundle"))
    start_worker(children, env, tmp_path, "worker-1")
    context, page = new_page(browser, watch, viewport={"width": 1280, "height": 900}, base_url=base)
    page.goto("/admin/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.goto("/admin/events/event/import/")

    page.set_input_files("input[name=import_file]", str(tmp_path / "bundle" / "events.csv"))
    page.click("input[type=submit]")

    page.wait_for_url("**/admin/jobs/job/**")
    checking = progress_values(page, 60, "admin-import-check-progress.png")
    expect(page.locator("#import-summary")).to_have_text(
        f"{ROWS} new, 0 changed, 0 unchanged (not shown), 0 deleted.", timeout=120_000
    )
    page.screenshot(path=str(SCREENSHOTS / "admin-import-preview-after-job.png"), full_page=False)

    page.locator("form[action$='process_import/'] input[type=submit]").click()
    page.wait_for_url("**/admin/jobs/job/**")
    importing = progress_values(page, 120, "admin-import-progress.png")
    page.wait_for_url("**/admin/events/event/", timeout=180_000)

    expect(page.locator(".messagelist")).to_contain_text(f"{ROWS} new")
    moved = [value for value, _max in checking + importing if value > 0]
    assert len(set(moved)) >= 2, f"the bar did not move: {checking} {importing}"
    assert all(maximum == ROWS for value, maximum in checking + importing if value), (checking, importing)
    assert not watch.errors and not watch.dialogs
    context.close()
