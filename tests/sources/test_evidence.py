"""Evidence a reader can weigh: each citation's stance, footnotes in reading order, quotes shown once."""

import io
import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.urls import reverse

from entities.models import Entity, Property, Statement, StatementCitation
from events.models import EventCitation
from sources.models import Source
from tests.csv_helpers import delete_content, export, import_, make_full_dataset, write_csv
from tests.entities.test_entity_page import page
from tests.factories import (
    EntityFactory,
    EventCitationFactory,
    EventFactory,
    ParticipationFactory,
    SectionFactory,
    SourceFactory,
    StatementCitationFactory,
    StatementFactory,
    member,
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


def source_page(client, key):
    response = client.get(reverse("sources:detail", args=[key]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_source_known_only_as_an_articles_reference_reads_as_such_not_as_its_key(client, seed):
    html = page(client, Entity.objects.get(slug="nrf"))
    references = html[html.index('id="references-heading"') :]

    assert (
        "Reference 45 of the encyclopedia article <i>National Resistance Front</i> (Wikipedia); publication not yet"
        in references
    )
    assert not re.search(r">wp-ref-\d+<", references)  # no key shown as if it were a title

    one = source_page(client, "wp-ref-45")
    assert "<title>Reference 45 of National Resistance Front" in one
    assert "<h1>Reference 45 of National Resistance Front</h1>" in one
    assert "Known only as reference 45 of the encyclopedia article" in one


def test_the_source_list_sorts_keys_naturally(client, seed):
    html = client.get(reverse("sources:list")).content.decode()

    keys = re.findall(r'<span class="muted">\[(wp-ref-\d+)\]</span>', html)
    numbers = [int(key.removeprefix("wp-ref-")) for key in keys]
    assert len(numbers) == 73
    assert numbers == sorted(numbers)  # 1, 2, 3 … 13, not 1, 13, 14 … 2


def test_editors_notes_are_shown_to_editors_and_not_to_readers(client, seed):
    note = "(article refs 13, 14)"
    assert Statement.objects.filter(subject__slug="ahmad-massoud", note__contains=note).exists()

    for path in (reverse("entities:detail", args=["ahmad-massoud"]), reverse("sources:detail", args=["wp-ref-13"])):
        assert "Editors’ note" not in client.get(path).content.decode()
    assert (
        "No location: the United States"
        not in client.get(reverse("events:detail", args=["afghanistan-united-front-office-us-2023"])).content.decode()
    )

    client.force_login(member("Editor"))
    assert note in client.get(reverse("entities:detail", args=["ahmad-massoud"])).content.decode()
    assert "Editors’ note" in source_page(client, "wp-ref-13")


def test_one_value_stated_twice_is_shown_once_with_both_footnotes_and_its_dates(client):
    nrf = EntityFactory(slug="nrf", name="National Resistance Front")
    baghlan = EntityFactory(slug="baghlan", name="Baghlan Province", kind="place")
    region = Property.objects.get(slug="active-region")
    first = StatementFactory(
        subject=nrf, property=region, value_entity=baghlan, value_text="", start_partial="2021", end_partial="2023"
    )
    second = StatementFactory(
        subject=nrf,
        property=region,
        value_entity=baghlan,
        value_text="",
        start_partial="August 2022",
        end_partial="August 2024",
    )
    StatementCitationFactory(statement=first, source=SourceFactory(key="first", title="First"))
    StatementCitationFactory(statement=second, source=SourceFactory(key="second", title="Second"))

    html = page(client, nrf)
    infobox = html[html.index('class="infobox"') : html.index("</aside>")]

    assert infobox.count("Baghlan Province") == 1
    assert re.search(
        r"Baghlan Province</a></span> <span class=\"dates\">\(2021 – August 2024\)</span>.*\[1\].*\[2\]", infobox, re.S
    )


def test_the_seeds_baghlan_and_panjshir_appear_once_each_among_the_nrfs_active_regions(client, seed):
    html = page(client, Entity.objects.get(slug="nrf"))
    row = html[html.index("<dt>Active regions</dt>") :]
    row = row[: row.index("</dd>")]

    assert row.count(">Baghlan Province<") == 1 and row.count(">Panjshir Province<") == 1
    baghlan = row[row.index(">Baghlan Province<") :]
    assert len(re.findall(r'<sup class="fn', baghlan[: baghlan.index("</li>")])) == 2


def test_a_source_cannot_be_found_in_itself_through_another(tmp_path):
    write_csv(
        tmp_path,
        "sources.csv",
        "key,found_in,found_as\r\nalpha,beta,1\r\nbeta,alpha,2\r\n",
    )

    ok, out, err = import_(tmp_path)

    assert not ok
    assert "line 2" in err + out and "line 3" in err + out and "found_in" in err + out
    assert not Source.objects.filter(key__in=["alpha", "beta"]).exists()


def test_a_public_download_never_names_a_draft_work(client):
    draft = SourceFactory(key="draft-article", title="Not yet published", status="draft")
    SourceFactory(key="its-reference", found_in=draft, found_as="7")

    response = client.get(reverse("sources:list"), {"format": "csv"})
    body = b"".join(response.streaming_content).decode()

    assert "its-reference" in body and "draft-article" not in body


def test_the_admin_refuses_a_source_found_in_itself_through_another_and_keeps_the_form(client):
    from tests.editorial.test_inline_rights import change_form_data

    article = SourceFactory(key="article", title="The article")
    reference = SourceFactory(key="article-ref-3", found_in=article, found_as="3")
    client.force_login(member("Reviewer"))
    url = reverse("admin:sources_source_change", args=[article.pk])
    data = change_form_data(client.get(url))
    data.update(found_in=str(reference.pk), found_as="12", title="The article, retitled")

    response = client.post(url, data)

    assert response.status_code == 200
    assert "cannot be a reference of itself" in response.content.decode()
    assert 'value="The article, retitled"' in response.content.decode()
    article.refresh_from_db()
    assert article.found_in is None and article.title == "The article"


@pytest.fixture
def mixed_event():
    """An event cited by two independent sources, one of the NRF's own and one of unknown affiliation."""
    event = EventFactory(slug="battle", title="Battle of Paryan")
    for key, affiliation in [("wire", "independent"), ("paper", "independent"), ("nrf-x", "nrf"), ("blog", "unknown")]:
        EventCitationFactory(event=event, source=SourceFactory(key=key, title=key, affiliation=affiliation))
    EventCitationFactory(event=event, source=Source.objects.get(key="wire"), locator="p. 2")  # the same source again
    EventCitationFactory(event=event, source=SourceFactory(key="draft", affiliation="independent", status="draft"))
    return event


def test_corroboration_counts_distinct_published_sources_by_affiliation(client, mixed_event):
    html = client.get(reverse("events:detail", args=[mixed_event.slug])).content.decode()

    assert "<dt>Sources</dt><dd>4 sources · 2 independent · 1 from the NRF<" in html  # then the footnotes
    timeline = client.get(reverse("events:list")).content.decode()
    assert '<span class="corroboration"' in timeline and "4 sources · 2 independent · 1 from the NRF" in timeline


def test_a_fact_with_one_source_shows_no_count_but_a_partys_own_source_is_always_said(client):
    nrf = EntityFactory(slug="nrf", name="National Resistance Front")
    plain = StatementFactory(subject=nrf, property=Property.objects.get(slug="ideology"), value_text="Decentralization")
    StatementCitationFactory(statement=plain, source=SourceFactory(key="one", affiliation="independent"))
    own = StatementFactory(subject=nrf, property=Property.objects.get(slug="ideology"), value_text="Moderate Islam")
    StatementCitationFactory(statement=own, source=SourceFactory(key="nrf-statement", affiliation="nrf"))

    html = page(client, nrf)

    assert html.count('class="corroboration"') == 1
    assert ">1 source · 1 from the NRF</span>" in html


@pytest.mark.parametrize(("at_least", "found"), [("1", True), ("2", True), ("3", False)])
def test_the_timeline_keeps_only_events_with_enough_independent_sources(client, mixed_event, at_least, found):
    EventFactory(slug="uncited", title="Uncited clash")

    html = client.get(reverse("events:list"), {"independent": at_least}).content.decode()

    assert ("Battle of Paryan" in html) is found
    assert "Uncited clash" not in html


def test_an_independent_filter_out_of_range_is_a_form_error_not_a_500(client, mixed_event):
    for value in ("0", "4", "-1", "x", "1e9"):
        response = client.get(reverse("events:list"), {"independent": value})
        assert response.status_code in (200, 400)
        assert "Select a valid choice" in response.content.decode()


def test_the_seeds_two_accounts_of_ahmadis_term_are_a_date_contradiction_shown_side_by_side(client, seed):
    html = page(client, Entity.objects.get(slug="nrf"))
    row = html[html.index("<dt>Spokesperson") :]
    row = row[: row.index("</dd>")]

    assert 'class="side-by-side" aria-label="Sources differ"' in row
    assert row.count(">Sibghatullah Ahmadi<") == 2  # not merged into one value: each account keeps its dates
    assert "6 September 2021 – 8 August 2023" in row and "23 November 2021 – April 2023" in row
    assert row.count("sources differ") >= 2


def test_the_needs_attention_queue_lists_the_seeds_date_contradiction(client, seed):
    client.force_login(member("Editor"))

    response = client.get(reverse("admin:entities_statement_changelist"), {"attention": "contradiction-statement"})

    keys = sorted(obj.key for obj in response.context["cl"].result_list)
    assert "nrf.spokesperson.sibghatullah-ahmadi.infobox" in keys and "nrf.spokesperson.sibghatullah-ahmadi.text" in keys
    # The dashboard says why, in words: it printed "gives <bound method Statement.value_display of …>".
    dashboard = client.get(reverse("admin:index")).content.decode()
    assert "gives Sibghatullah Ahmadi other dates than another published “Spokesperson” of National Resistance Front" in (
        dashboard
    )
    assert "bound method" not in dashboard


@pytest.mark.parametrize(
    ("first", "second", "contradicts"),
    [
        (("6 September 2021", "8 August 2023"), ("23 November 2021", "April 2023"), True),
        (("2021", ""), ("6 September 2021", ""), False),  # a year and a day in it can name the same day
        (("September 2021", "2023"), ("6 September 2021", "8 August 2023"), False),
        (("2021", "2022"), ("2021", "2023"), True),  # the ends cannot be the same day
        (("", "2022"), ("2021", ""), False),  # nothing to compare: one gives only a start, the other only an end
    ],
)
def test_one_value_with_incompatible_dates_is_a_contradiction_and_compatible_precision_is_not(
    client, first, second, contradicts
):
    nrf = EntityFactory(slug="nrf", name="National Resistance Front")
    person = EntityFactory(slug="spokesman", name="The Spokesman", kind="person")
    prop = Property.objects.get(slug="spokesperson")
    for start, end in (first, second):
        statement = StatementFactory(
            subject=nrf, property=prop, value_entity=person, value_text="", start_partial=start, end_partial=end
        )
        StatementCitationFactory(statement=statement, source=SourceFactory())

    html = page(client, nrf)
    row = html[html.index("<dt>Spokesperson") :]
    row = row[: row.index("</dd>")]

    assert ("Sources differ" in row) is contradicts
    assert row.count(">The Spokesman<") == (2 if contradicts else 1)


def test_reimporting_300_sources_found_in_a_work_takes_a_bounded_number_of_queries(tmp_path, django_assert_max_num_queries):
    """The found_in chain is checked for the whole file at once, not with a query per row (it took 307 here)."""
    rows = ["key,title,found_in,found_as", "article,The article,,"] + [f"ref-{n},,article,{n}" for n in range(300)]
    write_csv(tmp_path, "sources.csv", "\r\n".join(rows) + "\r\n")
    ok, _out, err = import_(tmp_path)
    assert ok, err
    assert Source.objects.filter(found_in__key="article").count() == 300

    with django_assert_max_num_queries(15):
        ok, _out, err = import_(tmp_path)

    assert ok, err
