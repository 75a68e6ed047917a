"""A dataset that fills every CSV column of every model, and helpers to move bundles through the commands."""

import csv
import datetime
import io
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from django.core.management import call_command

from entities.models import Alias, Entity, Property, Section, SectionCitation, Statement, StatementCitation
from events.models import Event, EventCitation, EventType, Participation
from sources.models import Source
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
)

CONTENT_MODELS = [
    Source,
    Entity,
    Alias,
    Statement,
    StatementCitation,
    Section,
    SectionCitation,
    Event,
    Participation,
    EventCitation,
]


def make_full_dataset():
    """Rows using every column of every model, including cells a spreadsheet would run as formulas."""
    wapo = SourceFactory(
        key="wapo-2021-08-18-massoud",
        title="Ahmad Massoud: The mujahideen resistance to the Taliban begins now",
        authors="Ahmad Massoud",
        publisher="The Washington Post",
        source_type="op-ed",
        language="en",
        published_on_partial="18 August 2021",
        url="https://example.org/washington-post-op-ed",
        archive_url="https://web.archive.org/web/2021/https://example.org/washington-post-op-ed",
        accessed_on=datetime.date(2025, 11, 1),
        affiliation="nrf",
        notes='=HYPERLINK("http://evil.example")',
        status="published",
    )
    bbc = SourceFactory(
        key="bbc-2021-09-07",
        title="Panjshir: Taliban claim",
        publisher="BBC News",
        published_on_partial="September 2021",
        status="draft",
        notes="+1 -1 @home\tend",
    )
    afghanistan = PlaceFactory(slug="afghanistan", name="Afghanistan", iso_code="AF")
    panjshir = PlaceFactory(
        slug="panjshir",
        name="Panjshir Province",
        iso_code="AF-PAN",
        parent=afghanistan,
        latitude=Decimal("35.3"),
        longitude=Decimal("69.5"),
        wikidata_id="Q185224",
        description="A province in north-eastern Afghanistan",
    )
    nrf = EntityFactory(
        slug="nrf",
        name="National Resistance Front of Afghanistan",
        start_partial="17 August 2021",
        description="Afghan anti-Taliban alliance",
        wikidata_id="Q107609598",
    )
    massoud = EntityFactory(slug="ahmad-massoud", kind="person", name="Ahmad Massoud", start_partial="c. 1989", status="draft")
    taliban = EntityFactory(slug="taliban", name="Taliban", end_partial=None)
    AliasFactory(entity=nrf, name="جبهه مقاومت ملی افغانستان", language="prs", note="Dari")
    AliasFactory(entity=nrf, name="NRF", language="en")
    leader = StatementFactory(
        key="nrf.leader.ahmad-massoud",
        subject=nrf,
        property=Property.objects.get(slug="leader"),
        value_text="",
        value_entity=massoud,
        start_partial="17 August 2021",
        certainty="confirmed",
        rank="preferred",
        note="- leads from exile",
        as_of_partial="August 2024",
        reviewed_on=datetime.date(2025, 1, 2),
        review_every=90,
        needs_update=True,
        update_reason="Check 2025 reports",
        flagged_on_partial="September 2022",
    )
    StatementCitationFactory(
        statement=leader,
        source=wapo,
        locator="para. 2",
        backs="value,start",
        quote="I am the son of Ahmad Shah Massoud",
        quote_translation="",
    )
    StatementCitationFactory(statement=leader, source=bbc, locator="", quote="", quote_translation="")
    StatementFactory(
        key="nrf.size.5000",
        subject=nrf,
        property=Property.objects.get(slug="size"),
        value_text="",
        quantity_low=Decimal("4000"),
        quantity_best=Decimal("5000"),
        quantity_high=Decimal("5000.5"),
        quantity_unit="fighters",
        certainty="claimed",
        claimed_by=nrf,
        start_partial="2021",
        end_partial="April 2023",
        end_reason="superseded",
        rank="deprecated",
        status="draft",
    )
    lead = SectionFactory(entity=nrf, title="", position=0, body="The **NRF** is an alliance.[@wapo-2021-08-18-massoud, p. 2]")
    SectionFactory(
        entity=nrf,
        title="History",
        position=1,
        body="Line one\n\nLine two [@bbc-2021-09-07; @wapo-2021-08-18-massoud]",
        note="rewritten",
        as_of_partial="August 2024",
        needs_update=True,
        update_reason="stale",
        flagged_on_partial="September 2022",
    )
    from entities.services import section_sync_citations

    for section in Section.objects.all():
        section_sync_citations(section=section)
    event = EventFactory(
        slug="taliban-claim-panjshir",
        title="Taliban claim control of Panjshir",
        date_partial="6 September 2021",
        end_partial="7 September 2021",
        event_type=EventType.objects.get(slug="non-state-actor-overtakes-territory"),
        location=panjshir,
        location_precision="province",
        summary="Claimed by the Taliban, denied by the NRF.[@bbc-2021-09-07]",
        fatalities_low=10,
        fatalities_high=30,
        casualty_note="figures vary",
        certainty="claimed",
        claimed_by=taliban,
        acled_id="AFG123",
        ucdp_id="456",
        wikidata_id="Q1",
        note="=1+1",
    )
    ParticipationFactory(event=event, entity=taliban, role="claimant", note="announced on Twitter")
    ParticipationFactory(event=event, entity=nrf, role="denier", note="")
    EventCitationFactory(
        event=event, source=bbc, locator="", quote="The Taliban say they have taken Panjshir", quote_translation="طالبان"
    )
    EventCitationFactory(event=event, source=wapo, locator="para. 9", backs="date,casualties")
    EventFactory(
        slug="nrf-formed",
        same_as="taliban-claim-panjshir",
        title="NRF formed",
        date_partial="2021",
        event_type=EventType.objects.get(slug="agreement"),
        status="draft",
        location=None,
    )
    return lead


def export(directory):
    call_command("export_bundle", str(directory), stdout=io.StringIO())
    return {path.name: path.read_bytes() for path in sorted(Path(directory).iterdir())}


def import_(directory, *args):
    """Run import_bundle; return (ok, stdout, stderr)."""
    from django.core.management.base import CommandError

    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_bundle", str(directory), *args, stdout=out, stderr=err)
    except CommandError as error:
        return False, out.getvalue(), err.getvalue() + str(error)
    return True, out.getvalue(), err.getvalue()


def delete_content():
    """Empty every content table (the vocabulary tables stay, as on a freshly migrated site)."""
    for model in [EventCitation, Participation, Event, SectionCitation, Section, StatementCitation, Statement, Alias]:
        model.objects.all().delete()
    while Entity.objects.exists():
        Entity.objects.filter(children__isnull=True).delete()
    Source.objects.all().delete()


def counts():
    return {model.__name__: model.objects.count() for model in CONTENT_MODELS}


def write_csv(directory, name, text, encoding="utf-8"):
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return directory


def frictionless(descriptor):
    """`frictionless validate --json` of a descriptor, as CI runs it: {table: [(type, row, field)]}, and valid."""
    assert Path(sys.executable).with_name("frictionless").exists(), (
        "frictionless is in requirements.txt: the CLI must be installed"
    )
    run = subprocess.run(
        [str(Path(sys.executable).with_name("frictionless")), "validate", "--json", str(descriptor)],
        capture_output=True,
        text=True,
    )
    report = json.loads(run.stdout)
    found = {
        task["name"]: [(error["type"], error.get("rowNumber"), error.get("fieldName", "")) for error in task["errors"]]
        for task in report["tasks"]
    }
    return report["valid"], found


def rewrite_rows(path, change):
    """Rewrite a bundle's CSV file as a spreadsheet would, after `change(row)` on each row (a dict)."""
    with Path(path).open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    for row in rows:
        change(row)
    with Path(path).open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
