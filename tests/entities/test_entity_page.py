"""The entity page: infobox from statements, sections with notices, timeline, one reference list."""

import datetime
import re

import pytest
from django.urls import reverse

from entities.models import Property
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

pytestmark = pytest.mark.django_db


@pytest.fixture
def nrf():
    return EntityFactory(slug="nrf", name="National Resistance Front")


def page(client, entity):
    response = client.get(reverse("entities:detail", args=[entity.slug]))
    assert response.status_code == 200
    return response.content.decode()


def prop(slug):
    return Property.objects.get(slug=slug)


def test_one_source_cited_three_times_gets_one_number_and_three_backlinks(client, nrf):
    wapo = SourceFactory(
        key="wapo",
        title="The resistance begins now",
        authors="Ahmad Massoud",
        publisher="The Washington Post",
        published_on_partial="18 August 2021",
    )
    SourceFactory(key="bbc", title="Panjshir", publisher="BBC")
    ideology = StatementFactory(subject=nrf, property=prop("ideology"), value_text="Democratization")
    StatementCitationFactory(statement=ideology, source=wapo)
    SectionFactory(entity=nrf, title="", position=0, body="Founded in 2021.[@wapo, p. 2] Still active.[@bbc; @wapo]")

    html = page(client, nrf)

    assert re.findall(r'<sup class="fn" id="(cite-\d-\d)"><a href="#(ref-\d)"', html) == [
        ("cite-1-1", "ref-1"),
        ("cite-1-2", "ref-1"),
        ("cite-2-1", "ref-2"),
        ("cite-1-3", "ref-1"),
    ]
    references = html[html.index('id="references-heading"') :]
    assert '<li id="ref-1">' in references and '<li id="ref-2">' in references
    assert references.index("The resistance begins now") < references.index("Panjshir")
    for anchor in ("cite-1-1", "cite-1-2", "cite-1-3"):
        assert f'href="#{anchor}"' in references
    assert 'href="#cite-2-1"' in references
    assert "Ahmad Massoud. “The resistance begins now”. <i>The Washington Post</i>, 18 August 2021." in references


def test_uncited_fact_says_citation_needed(client, nrf):
    StatementFactory(subject=nrf, property=prop("status"), value_text="Active")

    assert "citation needed" in page(client, nrf)


def test_certainty_and_claimant_labels_are_shown(client, nrf):
    StatementFactory(
        subject=nrf,
        property=prop("size"),
        value_text="",
        quantity_best=5000,
        quantity_unit="fighters",
        certainty="claimed",
        claimed_by=nrf,
    )
    iran = EntityFactory(slug="iran", name="Iran", kind="state")
    StatementFactory(subject=nrf, property=prop("supporter"), value_text="", value_entity=iran, certainty="alleged")

    html = page(client, nrf)

    assert "5,000 fighters" in html
    assert 'class="certainty certainty-claimed">claimed by <a href="/entities/nrf/">National Resistance Front</a>' in html
    assert '<a href="/entities/iran/">Iran</a></span> <span class="certainty certainty-alleged">alleged</span>' in html


def test_contradicting_statements_are_both_shown_side_by_side(client, nrf):
    StatementFactory(subject=nrf, property=prop("size"), value_text="unknown")
    StatementFactory(
        subject=nrf,
        property=prop("size"),
        value_text="",
        quantity_best=5000,
        quantity_unit="fighters",
        certainty="claimed",
        claimed_by=nrf,
    )

    html = page(client, nrf)

    row = html[html.index("<dt>Size</dt>") : html.index("</dd>", html.index("<dt>Size</dt>"))]
    assert 'class="side-by-side" aria-label="Sources differ"' in row
    assert "Unknown" in row and "5,000 fighters" in row
    assert row.count("sources differ") == 2


def test_several_values_of_a_multi_valued_property_are_not_contradictions(client, nrf):
    for name in ("Panjshir", "Parwan"):
        StatementFactory(
            subject=nrf, property=prop("active-region"), value_text="", value_entity=PlaceFactory(name=name, slug=name.lower())
        )

    html = page(client, nrf)

    assert "Panjshir" in html and "Parwan" in html
    assert "sources differ" not in html


def test_open_ended_range_shows_present_and_a_live_duration(client, nrf):
    today = datetime.date.today()
    start = today.replace(year=today.year - 2, day=min(today.day, 28))
    leader = EntityFactory(slug="massoud", name="Ahmad Massoud", kind="person")
    StatementFactory(subject=nrf, property=prop("leader"), value_text="", value_entity=leader, start_partial=start.isoformat())

    html = page(client, nrf)

    expected_days = (today - today.replace(day=min(today.day, 28))).days
    duration = "2 years" + (f" and {expected_days} day{'s' if expected_days != 1 else ''}" if expected_days else "")
    assert f"{start.day} {start:%B %Y} – present ({duration})" in html


def test_deprecated_values_are_behind_a_toggle(client, nrf):
    StatementFactory(subject=nrf, property=prop("status"), value_text="Active")
    StatementFactory(subject=nrf, property=prop("status"), value_text="Forming", rank="deprecated")

    html = page(client, nrf)

    assert '<details class="superseded"><summary>Superseded (1)</summary>' in html
    assert html.index("Forming") > html.index("Superseded (1)")


def test_flagged_section_says_it_may_be_out_of_date_and_as_of_is_shown(client, nrf):
    SectionFactory(
        entity=nrf,
        title="Status",
        position=1,
        body="Text.",
        needs_update=True,
        flagged_on_partial="September 2022",
        update_reason="This section needs to be updated.",
    )
    SectionFactory(entity=nrf, title="Fighters", position=2, body="Text.", as_of_partial="August 2024")

    html = page(client, nrf)

    assert "<strong>May be out of date</strong> — flagged September 2022: This section needs to be updated." in html
    assert "As of August 2024" in html


def test_dari_and_pashto_names_are_marked_with_language_and_direction(client, nrf):
    AliasFactory(entity=nrf, name="جبهه مقاومت ملی", language="prs")
    AliasFactory(entity=nrf, name="د ملي مقاومت جبهه", language="ps")

    html = page(client, nrf)

    assert '<span class="alias" lang="prs" dir="rtl">جبهه مقاومت ملی</span>' in html
    assert '<span class="alias" lang="ps" dir="rtl">د ملي مقاومت جبهه</span>' in html


def test_entity_page_lists_its_events_and_a_province_page_the_events_there(client, nrf):
    panjshir = PlaceFactory(slug="panjshir", name="Panjshir", iso_code="AF-PAN")
    district = PlaceFactory(slug="rokha", name="Rokha", parent=panjshir)
    event = EventFactory(title="Taliban claim Panjshir", location=district)
    ParticipationFactory(event=event, entity=nrf, role="denier")

    assert "Taliban claim Panjshir" in page(client, nrf)
    html = page(client, panjshir)
    assert "Taliban claim Panjshir" in html
    assert 'href="/entities/rokha/">Rokha</a>' in html


def test_a_province_page_lists_each_of_its_events_once(client, nrf):
    panjshir = PlaceFactory(slug="panjshir", name="Panjshir", iso_code="AF-PAN")
    district = PlaceFactory(slug="rokha", name="Rokha", parent=panjshir)
    elsewhere = PlaceFactory(slug="kabul", name="Kabul", iso_code="AF-KAB")
    EventFactory(title="In the province", location=panjshir)
    in_district = EventFactory(title="In a district", location=district)
    ParticipationFactory(event=in_district, entity=panjshir, role="target")  # also a participant: still once
    named = EventFactory(title="Names the province", location=elsewhere)
    ParticipationFactory(event=named, entity=panjshir, role="target")
    EventFactory(title="Somewhere else", location=elsewhere)

    html = page(client, panjshir)

    assert [html.count(title) for title in ("In the province", "In a district", "Names the province")] == [1, 1, 1]
    assert "Somewhere else" not in html


def make_big_entity(nrf, statements, citations):
    sources = [SourceFactory() for _ in range(10)]
    made = [StatementFactory(subject=nrf, property=prop("ideology"), value_text=f"Idea {i}") for i in range(statements)]
    for i in range(citations):
        StatementCitationFactory(statement=made[i % statements], source=sources[i % 10], locator=f"p. {i}")
    SectionFactory(entity=nrf, title="", position=0, body="Lead.[@" + sources[0].key + "]")
    for i in range(5):
        event = EventFactory()
        ParticipationFactory(event=event, entity=nrf)
        EventCitationFactory(event=event, source=sources[i])


@pytest.mark.parametrize(("statements", "citations"), [(1, 1), (200, 300)])
def test_entity_page_query_count_does_not_grow_with_its_statements(
    client, nrf, statements, citations, django_assert_max_num_queries
):
    make_big_entity(nrf, statements, citations)

    with django_assert_max_num_queries(14):
        html = page(client, nrf)

    assert html.count('class="infobox-row') >= 1


def test_a_handover_on_the_same_day_is_not_a_contradiction(client, nrf):
    for name, start, end in (("Dashti", "17 August 2021", "6 September 2021"), ("Ahmadi", "6 September 2021", None)):
        StatementFactory(
            subject=nrf,
            property=prop("spokesperson"),
            value_text="",
            start_partial=start,
            end_partial=end,
            value_entity=EntityFactory(name=name, kind="person"),
        )

    html = page(client, nrf)

    assert "Dashti" in html and "Ahmadi" in html
    assert "sources differ" not in html


def test_a_row_of_many_values_shows_five_and_folds_the_rest(client, nrf):
    names = [f"Ally {number:02}" for number in range(1, 8)]
    for name in names:
        StatementFactory(subject=nrf, property=prop("ally"), value_text="", value_entity=EntityFactory(name=name))

    html = page(client, nrf)

    row = html[html.index("<dt>Allies</dt>") :]
    row = row[: row.index("</dd>")]
    shown, folded = row.split('<details class="more-values"><summary>and 2 more</summary>')
    assert [name for name in names if name in shown] == names[:5]
    assert [name for name in names if name in folded] == names[5:]


def test_a_row_of_five_values_folds_nothing(client, nrf):
    for number in range(1, 6):
        StatementFactory(subject=nrf, property=prop("ally"), value_text="", value_entity=EntityFactory(name=f"Ally {number}"))

    assert "more-values" not in page(client, nrf)


def test_a_page_of_more_than_three_sections_has_contents_after_its_lead(client, nrf):
    SourceFactory(key="bbc")
    SectionFactory(entity=nrf, title="", position=0, body="The lead.[@bbc]")
    titles = ["Background", "History", "Leadership", "Foreign relations"]
    for position, title in enumerate(titles, start=1):
        SectionFactory(entity=nrf, title=title, position=position, body=f"About {title}.")

    html = page(client, nrf)

    contents = html[html.index('<nav class="contents"') : html.index("</nav>", html.index('<nav class="contents"'))]
    links = re.findall(r'<li><a href="#([^"]+)">([^<]+)</a></li>', contents)
    assert [title for _anchor, title in links] == [*titles, "References"]
    for anchor, _title in links:
        assert f'id="{anchor}"' in html  # every entry leads somewhere
    assert html.index("The lead.") < html.index('<nav class="contents"') < html.index("<h2>Background</h2>")


def test_a_page_of_three_sections_has_no_contents(client, nrf):
    for position, title in enumerate(["Background", "History", "Leadership"], start=1):
        SectionFactory(entity=nrf, title=title, position=position, body=f"About {title}.")

    assert 'class="contents"' not in page(client, nrf)
