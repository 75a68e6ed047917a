"""Evidence a reader can weigh: each citation's stance, footnotes in reading order, quotes shown once."""

import io
import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.urls import reverse

from entities.models import Entity, Property, Statement, StatementCitation
from events.models import EventCitation
from tests.csv_helpers import delete_content, export, import_, make_full_dataset, write_csv
from tests.factories import (
    EntityFactory,
    EventCitationFactory,
    EventFactory,
    ParticipationFactory,
    SectionFactory,
    SourceFactory,
    StatementCitationFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db


class Footnotes(HTMLParser):
    """The page's footnote numbers in document order, and its reference list's ids and backlink targets."""

    def __init__(self):
        super().__init__()
        self.numbers, self.anchors, self.references, self.backlinks, self.ids = [], [], [], [], set()
        self._in_fn = self._in_references = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        classes = (attrs.get("class") or "").split()
        if tag == "sup" and "fn" in classes and "id" in attrs:
            self.anchors.append(attrs["id"])
            self._in_fn = True
        elif tag == "a" and self._in_fn:
            self.numbers.append(int(attrs["href"].removeprefix("#ref-")))
            self._in_fn = False
        elif tag == "section" and "references" in classes:
            self._in_references = True
        elif self._in_references and tag == "li" and attrs.get("id", "").startswith("ref-"):
            self.references.append(int(attrs["id"].removeprefix("ref-")))
        elif self._in_references and tag == "a" and attrs.get("href", "").startswith("#cite-"):
            self.backlinks.append(attrs["href"][1:])


def footnotes_of(html):
    parser = Footnotes()
    parser.feed(html)
    return parser


def first_appearances(numbers):
    return list(dict.fromkeys(numbers))


def page(client, entity):
    response = client.get(reverse("entities:detail", args=[entity.slug]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def seed():
    call_command("load_seed", stdout=io.StringIO())


def test_footnotes_on_every_seed_entity_page_are_numbered_in_reading_order(client, seed):
    pages = 0
    for entity in Entity.objects.public():
        html = page(client, entity)
        notes = footnotes_of(html)
        if not notes.numbers:
            continue
        pages += 1
        # The first time each number appears, it is the next number: [1] … [2] … [1] … [3], never [1] [3] [2].
        assert first_appearances(notes.numbers) == list(range(1, len(notes.references) + 1)), entity.slug
        assert notes.references == sorted(notes.references), entity.slug
        assert set(notes.backlinks) == set(notes.anchors), entity.slug  # every backlink has its footnote and back
    assert pages > 20


def test_a_part_computed_before_the_sections_is_numbered_after_them_when_it_is_shown_below(client):
    """The "Related" block is computed before the sections but shown after them: its footnotes come after theirs."""
    nrf = EntityFactory(slug="nrf", name="National Resistance Front")
    massoud = EntityFactory(slug="ahmad-massoud", name="Ahmad Massoud", kind="person")
    SourceFactory(key="section-source", title="Section source")
    related = SourceFactory(key="related-source", title="Related source")
    leader = StatementFactory(subject=massoud, property=Property.objects.get(slug="member-of"), value_entity=nrf, value_text="")
    StatementCitationFactory(statement=leader, source=related)
    SectionFactory(entity=nrf, title="History", position=1, body="Founded in 2021.[@section-source]")

    html = page(client, nrf)

    assert html.index("Section source") < html.index("Related source")  # the reference list follows the numbering
    assert re.search(r'href="#ref-1"[^>]*>\[1\]</a></sup>', html[: html.index('id="related-heading"')])
    assert 'href="#ref-2"' in html[html.index('id="related-heading"') : html.index('id="references-heading"')]


def test_the_stance_of_a_citation_shows_on_its_footnote_and_in_the_reference_list(client):
    nrf = EntityFactory(slug="nrf", name="National Resistance Front")
    iran = EntityFactory(slug="iran", name="Iran", kind="state")
    claim = SourceFactory(key="claim", title="Iran arms the resistance")
    denial = SourceFactory(key="denial", title="Tehran denies support")
    support = StatementFactory(subject=nrf, property=Property.objects.get(slug="supporter"), value_entity=iran, value_text="")
    StatementCitationFactory(statement=support, source=claim, stance="supports")
    StatementCitationFactory(statement=support, source=denial, stance="denies")

    html = page(client, nrf)

    notes = re.findall(r'<sup class="fn( fn-\w+)?" id="cite-\d-\d"><a href="#ref-(\d)"[^>]*>(.*?)</a></sup>', html)
    assert notes == [
        (" fn-supports", "1", '[1<span class="stance"><span class="visually-hidden">, </span>supports</span>]'),
        (" fn-denies", "2", '[2<span class="stance"><span class="visually-hidden">, </span>denies</span>]'),
    ]
    assert 'title="This source denies it"' in html
    references = html[html.index('id="references-heading"') :]
    assert '<span class="stance stance-denies">denies the claim</span>' in references
    assert '<span class="stance stance-supports">supports the claim</span>' in references


def test_a_citation_that_only_reports_carries_no_stance_marker(client):
    nrf = EntityFactory(slug="nrf", name="National Resistance Front")
    event = EventFactory(title="Battle of Panjshir")
    ParticipationFactory(event=event, entity=nrf)
    EventCitationFactory(event=event, source=SourceFactory(key="wire"))

    html = page(client, nrf)

    assert '<sup class="fn" id="cite-1-1">' in html
    assert 'class="stance' not in html and "fn-" not in html.replace("fn-needed", "")


def test_the_seeds_denial_of_iranian_support_is_marked_as_a_denial(client, seed):
    denial = StatementCitation.objects.get(statement__key="nrf.supporter.iran.2021", source__key="wp-ref-68")
    assert denial.stance == "denies"
    assert (
        StatementCitation.objects.exclude(pk=denial.pk).filter(stance="reports").count()
        == StatementCitation.objects.count() - 1
    )

    html = page(client, Entity.objects.get(slug="nrf"))

    assert html.count("fn-denies") == 1
    references = html[html.index('id="references-heading"') :]
    assert references.count('class="stance stance-denies"') == 1


def test_stances_round_trip_through_the_bundle_exactly(tmp_path):
    make_full_dataset()
    StatementCitation.objects.filter(pk=StatementCitation.objects.order_by("pk").first().pk).update(stance="disputes")
    EventCitation.objects.filter(pk=EventCitation.objects.order_by("pk").first().pk).update(stance="supports")
    before = export(tmp_path / "first")
    assert b",disputes," in before["statement_citations.csv"] and b",supports," in before["event_citations.csv"]
    delete_content()

    ok, _out, err = import_(tmp_path / "first")

    assert ok, err
    assert export(tmp_path / "second") == before
    assert sorted(StatementCitation.objects.values_list("stance", flat=True)).count("disputes") == 1


def test_a_stance_outside_the_four_is_refused_with_its_line_and_column(tmp_path):
    make_full_dataset()
    export(tmp_path)
    rows = (tmp_path / "statement_citations.csv").read_text(encoding="utf-8").splitlines()
    header = rows[0].split(",")
    cells = rows[1].split(",")
    cells[header.index("stance")] = "agrees"
    write_csv(tmp_path, "statement_citations.csv", "\r\n".join([rows[0], ",".join(cells), *rows[2:]]) + "\r\n")
    before = sorted(StatementCitation.objects.values_list("pk", "stance"))

    ok, out, err = import_(tmp_path)

    assert not ok
    assert "statement_citations.csv" in err + out and "line 2" in err + out and "stance" in err + out
    assert "agrees" in err + out
    assert sorted(StatementCitation.objects.values_list("pk", "stance")) == before


def test_a_quote_cited_three_times_shows_once_without_doubled_quotation_marks(client):
    nrf = EntityFactory(slug="nrf", name="National Resistance Front")
    source = SourceFactory(key="op-ed", title="The resistance begins now")
    for slug in ("ideology", "founded-by", "headquarters"):
        statement = StatementFactory(subject=nrf, property=Property.objects.get(slug="ideology"), value_text=slug)
        StatementCitationFactory(statement=statement, source=source, quote='"We will fight"')
    assert Statement.objects.filter(subject=nrf).count() == 3

    html = page(client, nrf)

    references = html[html.index('id="references-heading"') :]
    assert references.count("We will fight") == 1
    assert "“We will fight”" in references and '“"' not in references and "&quot;We" not in references
