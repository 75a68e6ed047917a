"""A reader's journeys through the public site in a real browser (Playwright driving Debian's Chromium).

No browser is downloaded: the tests launch the system Chromium at /usr/bin/chromium (or $CHROMIUM_PATH), and
fail, not skip, when it is missing. One browser serves the whole module; each test gets a fresh context.
"""

import csv
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from entities.models import Property, Section
from entities.services import section_sync_citations
from events.models import EventType
from tests.browser.support import (
    HOSTILE_IMG,
    HOSTILE_LINK,
    HOSTILE_SCRIPT,
    SCREENSHOTS,
    new_page,
)
from tests.factories import (
    AliasFactory,
    EntityFactory,
    EventCitationFactory,
    EventFactory,
    ParticipationFactory,
    PlaceFactory,
    PropertyFactory,
    SectionFactory,
    SourceFactory,
    StatementCitationFactory,
    StatementFactory,
    restore_vocabulary,
)

# live_server needs a transactional database. Each transactional test ends by emptying every table, the vocabulary
# that migrations create (properties, event types) included, so `site` puts that vocabulary back first.
# (serialized_rollback cannot: while Playwright's event loop runs, Django gives the main thread a context-local
# connection object, which lacks the contents serialized at database setup.)
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Data ------------------------------------------------------------------------------------------------------------

LEAD = """The **National Resistance Front** is an alliance of anti-Taliban forces.[@wapo-2021-08-18-massoud, p. 2]

It was announced from the Panjshir Valley in August 2021.[@wapo-2021-08-18-massoud, p. 3] Its leader called
for talks and, failing them, for resistance.[@wapo-2021-08-18-massoud, p. 4; @bbc-2021-09-07]
"""

HISTORY = "\n\n".join(
    f"Paragraph {number} of the history: fighting moved from valley to valley through the autumn, and each side "
    f"reported the other's losses in figures that no third party could confirm at the time.[@rferl-2022-05-10]"
    for number in range(1, 13)
)


@pytest.fixture
def site():
    """The NRF with Dari and Pashto names, a cited lead, and six events in two provinces across two years."""
    restore_vocabulary()
    wapo = SourceFactory(
        key="wapo-2021-08-18-massoud",
        title="The mujahideen resistance to the Taliban begins now",
        authors="Ahmad Massoud",
        publisher="The Washington Post",
        published_on_partial="18 August 2021",
        url="https://example.org/wapo",
    )
    bbc = SourceFactory(
        key="bbc-2021-09-07",
        title="Panjshir: Taliban claim control",
        publisher="BBC News",
        published_on_partial="7 September 2021",
    )
    rferl = SourceFactory(
        key="rferl-2022-05-10", title="Fighting flares in the north", publisher="RFE/RL", published_on_partial="10 May 2022"
    )
    afghanistan = PlaceFactory(slug="afghanistan", name="Afghanistan", iso_code="AF")
    panjshir = PlaceFactory(
        slug="panjshir",
        name="Panjshir Province",
        iso_code="AF-PAN",
        parent=afghanistan,
        latitude=Decimal("35.3"),
        longitude=Decimal("69.5"),
    )
    rukha = PlaceFactory(slug="rukha-district", name="Rukha District", parent=panjshir)
    baghlan = PlaceFactory(slug="baghlan", name="Baghlan Province", iso_code="AF-BGL", parent=afghanistan)
    nrf = EntityFactory(
        slug="nrf",
        name="National Resistance Front of Afghanistan",
        start_partial="17 August 2021",
        description="Afghan anti-Taliban alliance",
    )
    massoud = EntityFactory(slug="ahmad-massoud", kind="person", name="Ahmad Massoud", start_partial="10 July 1989")
    taliban = EntityFactory(slug="taliban", name="Taliban")
    AliasFactory(entity=nrf, name="جبهه مقاومت ملی افغانستان", language="prs", note="Dari")
    AliasFactory(entity=nrf, name="د افغانستان د ملي مقاومت جبهه", language="ps", note="Pashto")
    AliasFactory(entity=nrf, name="NRF", language="en", note="abbreviation")
    leader = StatementFactory(
        subject=nrf,
        property=Property.objects.get(slug="leader"),
        value_text="",
        value_entity=massoud,
        start_partial="17 August 2021",
    )
    StatementCitationFactory(statement=leader, source=wapo, locator="para. 1")
    headquarters = StatementFactory(
        subject=nrf,
        property=Property.objects.get(slug="headquarters"),
        value_text="",
        value_entity=panjshir,
        start_partial="August 2021",
    )
    StatementCitationFactory(statement=headquarters, source=bbc)
    SectionFactory(entity=nrf, title="", position=0, body=LEAD)
    SectionFactory(entity=nrf, title="History", position=1, body=HISTORY)
    for section in Section.objects.all():
        section_sync_citations(section=section)

    clash = EventType.objects.get(slug="armed-clash")
    announcement = EventType.objects.get(slug="announcement")
    events = [
        ("nrf-announced", "NRF announced in Panjshir", "17 August 2021", panjshir, announcement, [nrf], wapo),
        ("andarab-uprising", "Uprising in Andarab", "22 August 2021", baghlan, clash, [nrf, taliban], bbc),
        ("rukha-clash", "Clash in Rukha", "2 September 2021", rukha, clash, [nrf, taliban], bbc),
        (
            "taliban-claim-panjshir",
            "Taliban claim control of Panjshir",
            "6 September 2021",
            panjshir,
            clash,
            [taliban, nrf],
            bbc,
        ),
        ("baghlan-spring-offensive", "Spring offensive in Baghlan", "May 2022", baghlan, clash, [nrf], rferl),
        ("panjshir-2022-fighting", "Fighting in Panjshir", "10 May 2022", panjshir, clash, [nrf, taliban], rferl),
    ]
    for slug, title, date, place, event_type, participants, source in events:
        event = EventFactory(
            slug=slug,
            title=title,
            date_partial=date,
            location=place,
            event_type=event_type,
            location_precision="province" if place.iso_code else "district",
            summary=f"{title}, as reported.[@{source.key}]",
        )
        for role, entity in zip(["actor", "target"], participants, strict=False):
            ParticipationFactory(event=event, entity=entity, role=role)
        EventCitationFactory(event=event, source=source, quote="As reported at the time.")
    return nrf


# Journeys --------------------------------------------------------------------------------------------------------


def test_reader_follows_a_footnote_to_its_reference_and_back(page, site, watch):
    page.goto("/entities/nrf/")
    footnote = page.locator("#lead sup.fn").nth(1)  # the lead's second footnote: the source's second use there
    anchor = footnote.get_attribute("id")
    number, use = re.fullmatch(r"cite-(\d+)-(\d+)", anchor).groups()
    reference = page.locator(f"li#ref-{number}")
    assert int(use) > 1, "the source is cited more than once before this footnote"
    expect(reference).not_to_be_in_viewport()

    footnote.get_by_role("link").click()

    expect(page).to_have_url(re.compile(rf"#ref-{number}$"))
    expect(reference).to_be_in_viewport()
    back_links = reference.locator(".backlinks a")
    assert back_links.count() >= 3, "one back-link for each place that cites the source"

    reference.locator(f'.backlinks a[href="#{anchor}"]').click()

    expect(page).to_have_url(re.compile(rf"#{anchor}$"))
    expect(page.locator(f"sup#{anchor}")).to_be_in_viewport()
    expect(reference).not_to_be_in_viewport()

    page.go_back()

    expect(page).to_have_url(re.compile(rf"#ref-{number}$"))
    expect(reference).to_be_in_viewport()

    page.go_back()

    expect(page).to_have_url(re.compile(r"/entities/nrf/$"))
    assert watch.errors == []


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_reader_filters_the_timeline_and_downloads_exactly_those_events(page, site, watch):
    page.goto("/events/")
    count = page.locator(".result-count")
    expect(count).to_have_text(re.compile(r"^\s*6 events\b"))

    form = page.locator("form.filters")
    form.locator("select[name=place]").select_option("panjshir")
    form.locator("input[name=date_from]").fill("2021-08-20")
    form.locator("input[name=date_to]").fill("2021-12")
    form.get_by_role("button", name="Filter").click()

    expect(count).to_have_text(re.compile(r"^\s*2 events\b"))
    expect(page).to_have_url(re.compile(r"place=panjshir"))
    titles = page.locator(".timeline article.event h3 > a").all_inner_texts()
    assert titles == ["Clash in Rukha", "Taliban claim control of Panjshir"]

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download these events as CSV").click()
    download = download_info.value

    assert download.suggested_filename == "events-2021-08-20-2021-12-panjshir.csv"  # the name says the filter
    rows = read_csv(download.path())
    assert sorted(row["slug"] for row in rows) == ["rukha-clash", "taliban-claim-panjshir"]
    assert watch.errors == []


@pytest.mark.parametrize(
    "path",
    [
        "/entities/nrf/",
        "/events/",
    ],
)
def test_pages_fit_a_375_pixel_wide_phone_without_horizontal_scrolling(browser, watch, live_server, site, path):
    context, page = new_page(
        browser, watch, viewport={"width": 375, "height": 740}, base_url=live_server.url, is_mobile=True, has_touch=True
    )
    try:
        page.goto(path)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= 375 + 1, f"{path} is {scroll_width} px wide at a 375 px viewport"
        if path == "/entities/nrf/":
            expect(page.locator(".infobox")).to_be_visible()
            expect(page.locator(".infobox-names")).to_contain_text("جبهه مقاومت ملی افغانستان")
        else:
            expect(page.locator("form.filters")).to_be_visible()
            expect(page.locator(".result-count")).to_be_visible()
        assert watch.errors == []
    finally:
        context.close()


@pytest.fixture
def hostile(site):
    """Markup, script and javascript: links typed into every field a reader sees."""
    source = SourceFactory(
        key="hostile-source",
        title=HOSTILE_SCRIPT,
        authors=HOSTILE_IMG,
        publisher=HOSTILE_LINK,
        url="https://example.org/a?b=<script>",
    )
    entity = EntityFactory(
        slug="hostile",
        name=f"{HOSTILE_SCRIPT} Front",
        description=f'"><svg onload=alert(1)> {HOSTILE_IMG}',
        wikidata_id="Q4242",  # its statements reach the QuickStatements page
    )
    AliasFactory(entity=entity, name=HOSTILE_IMG, language="en", note=HOSTILE_SCRIPT)
    AliasFactory(entity=entity, name=f"جبهه {HOSTILE_IMG}", language="prs")
    statement = StatementFactory(
        subject=entity,
        property=Property.objects.get(slug="ideology"),
        value_text=HOSTILE_IMG,
        note=HOSTILE_SCRIPT,
    )
    StatementCitationFactory(statement=statement, source=source, locator='p. 1" onmouseover="alert(1)', quote=HOSTILE_SCRIPT)
    motto = PropertyFactory(slug="motto", label=HOSTILE_IMG, wikidata_property="P1451")
    StatementCitationFactory(
        statement=StatementFactory(subject=entity, property=motto, value_text=HOSTILE_SCRIPT), source=source
    )
    SectionFactory(
        entity=entity,
        title="",
        position=0,
        body=(
            f"Click {HOSTILE_LINK} or [y](JaVaScRiPt:alert(1)).\n\n{HOSTILE_IMG}\n\n{HOSTILE_SCRIPT}\n\n"
            f'<a href="javascript:alert(1)">z</a> [@hostile-source, p. 2"><script>alert(1)</script>]'
        ),
    )
    SectionFactory(entity=entity, title=HOSTILE_SCRIPT, position=1, body=f"# {HOSTILE_IMG}\n\n{HOSTILE_LINK}")
    event = EventFactory(
        slug="hostile-event",
        title=HOSTILE_SCRIPT,
        date_partial="1 January 2023",
        summary=f"{HOSTILE_LINK} {HOSTILE_IMG}[@hostile-source]",
        casualty_note=HOSTILE_IMG,
    )
    ParticipationFactory(event=event, entity=entity)
    EventCitationFactory(event=event, source=source, quote=HOSTILE_IMG, quote_translation=HOSTILE_SCRIPT)
    return entity


def test_hostile_text_is_shown_as_text_and_never_runs(page, hostile, watch):
    for path in [
        "/entities/hostile/",
        "/entities/",
        "/events/",
        "/events/hostile-event/",
        "/sources/",
        "/sources/hostile-source/",
        "/",
        "/search/?q=%3Cscript%3E",
        "/data/wikidata/",
    ]:
        response = page.goto(path)
        assert response.status == 200, path
        page.wait_for_load_state("load")
        typed_scripts = page.evaluate("[...document.scripts].filter(s => s.textContent.includes('alert(1)')).length")
        assert typed_scripts == 0, f"a typed <script> became an element on {path}"
        assert watch.dialogs == [], watch.dialogs
        assert page.locator('img[src="x"], svg[onload]').count() == 0, f"a typed <img> or <svg> became an element on {path}"
        assert page.locator("[onerror], [onload], [onmouseover]").count() == 0, path
        assert page.locator('a[href^="javascript:" i]').count() == 0, path

    page.goto("/entities/hostile/")
    expect(page.locator("h1")).to_have_text(f"{HOSTILE_SCRIPT} Front")
    expect(page.locator(".aliases")).to_contain_text(HOSTILE_IMG)
    expect(page.locator("#lead")).to_contain_text(f"Click {HOSTILE_LINK} or")  # not a link: shown as typed
    expect(page.locator("#lead")).to_contain_text(HOSTILE_IMG)
    expect(page.locator("#section-1 h2").first).to_have_text(HOSTILE_SCRIPT)

    assert watch.dialogs == [], watch.dialogs
    assert watch.errors == [], watch.errors


def test_screenshots_of_every_main_page(page, site, watch):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pages = {
        "home": "/",
        "entity": "/entities/nrf/",
        "timeline": "/events/",
        "event": "/events/taliban-claim-panjshir/",
        "source": "/sources/bbc-2021-09-07/",
        "search": "/search/?q=panjshir",
    }
    for name, path in pages.items():
        response = page.goto(path)
        assert response.status == 200, path
        target = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(target), full_page=True)
        assert target.stat().st_size > 10_000, f"{target} looks empty"
    assert watch.errors == []


def test_a_data_user_reads_the_api_documentation_and_tries_the_events_endpoint(page, site, watch, live_server):
    # Swagger UI runs under the site's strict CSP, from files served by this site (no CDN).
    outside = []
    page.on("request", lambda request: None if request.url.startswith(live_server.url) else outside.append(request.url))
    page.goto("/api/docs/")

    expect(page.get_by_text("nrfsite open data API").first).to_be_visible()
    operation = page.locator("#operations-events-events_list")
    expect(operation).to_be_visible()
    operation.locator(".opblock-summary").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()

    expect(page.locator(".live-responses-table .response .response-col_status").first).to_contain_text("200")
    assert outside == []
    assert watch.errors == []
