"""Evidence by part: one happening reported twice ("same event as") and citations that back one part of a fact."""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from entities.models import Entity, Property
from events.models import Event, EventCitation
from tests.csv_helpers import export, import_, write_csv
from tests.editorial.test_inline_rights import change_form_data
from tests.entities.test_entity_page import page
from tests.factories import (
    EntityFactory,
    EventCitationFactory,
    EventFactory,
    SourceFactory,
    StatementCitationFactory,
    StatementFactory,
    member,
)

pytestmark = pytest.mark.django_db

EVENTS_HEADER = "slug,title,date,event_type,certainty,same_as,status"


@pytest.fixture
def seed():
    call_command("load_seed", stdout=io.StringIO())


def event_page(client, slug):
    response = client.get(reverse("events:detail", args=[slug]))
    assert response.status_code == 200
    return response.content.decode()


def squeeze(html):
    return re.sub(r"\s+", " ", html)


# Same event as: one happening, two reports


def test_the_seeds_two_dates_of_dashtis_death_are_a_contradiction_shown_side_by_side(client, seed):
    html = squeeze(event_page(client, "dashti-killed-2021-09-05"))

    assert '<div class="contested"><dt>Date</dt>' in html
    section = html[html.index('<section class="other-reports"') :]
    section = section[: section.index("</section>")]
    assert "Sources differ on the date" in section
    assert "5 September 2021" in section and "6 September 2021" in section
    assert 'href="/events/dashti-killed-infobox-2021-09-06/"' in section
    assert 'class="fn"' in section  # the other report keeps its own footnote beside its date


def test_the_timeline_marks_both_reports_of_dashtis_death(client, seed):
    html = squeeze(client.get(reverse("events:list"), {"q": "Dashti"}).content.decode())

    for slug in ("dashti-killed-2021-09-05", "dashti-killed-infobox-2021-09-06"):
        item = html[html.index(f'id="event-{slug}"') :]
        item = item[: item.index("</article>")]
        assert "sources differ on the date" in item


def test_the_needs_attention_queue_lists_both_reports_of_dashtis_death(client, seed):
    client.force_login(member("Editor"))

    response = client.get(reverse("admin:events_event_changelist"), {"attention": "contradiction-event"})

    slugs = sorted(obj.slug for obj in response.context["cl"].result_list)
    assert slugs == ["dashti-killed-2021-09-05", "dashti-killed-infobox-2021-09-06"]


def test_reports_whose_dates_can_name_the_same_day_are_not_a_contradiction(client):
    first = EventFactory(slug="first", date_partial="September 2021")
    EventFactory(slug="second", date_partial="6 September 2021", same_as="first")

    html = squeeze(event_page(client, first.slug))

    assert "Other reports of this event" in html and "sources differ" not in html


def test_a_link_may_name_an_event_a_later_row_of_the_file_creates(tmp_path):
    write_csv(
        tmp_path,
        "events.csv",
        f"{EVENTS_HEADER}\r\n"
        "b-second,Second report,2021-09-06,death,reported,a-first,draft\r\n"
        "a-first,First report,2021-09-05,death,reported,,draft\r\n",
    )

    ok, _out, err = import_(tmp_path)

    assert ok, err
    assert Event.objects.get(slug="b-second").same_as == "a-first"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("x,X,2021-09-06,death,reported,nowhere,draft", 'No event with the slug "nowhere"'),
        ("x,X,2021-09-06,death,reported,b,draft\r\nb,B,2021,death,reported,a,draft", 'is itself a report of "a"'),
        ("x,X,2021-09-06,death,reported,x,draft", "cannot be the same event as itself"),
    ],
)
def test_a_bad_link_is_refused_with_its_line_and_column_and_nothing_is_written(tmp_path, rows, message):
    EventFactory(slug="a", date_partial="2021")
    write_csv(tmp_path, "events.csv", f"{EVENTS_HEADER}\r\n{rows}\r\n")
    before = sorted(Event.objects.values_list("slug", "same_as"))

    ok, out, err = import_(tmp_path)

    assert not ok
    assert "events.csv" in err + out and "line 2" in err + out and "same_as" in err + out
    assert message in err + out
    assert sorted(Event.objects.values_list("slug", "same_as")) == before


def test_an_event_other_reports_name_cannot_itself_name_another(tmp_path):
    EventFactory(slug="a", date_partial="2021")
    EventFactory(slug="b", date_partial="2021", same_as="a")
    EventFactory(slug="c", date_partial="2021")
    write_csv(tmp_path, "events.csv", f"{EVENTS_HEADER}\r\na,A,2021,death,reported,c,draft\r\n")

    ok, out, err = import_(tmp_path)

    assert not ok and "Other events name this one" in err + out
    assert Event.objects.get(slug="a").same_as == ""


def test_the_admin_refuses_a_link_to_no_event_and_keeps_what_was_typed(client):
    event = EventFactory(slug="dashti", title="Dashti killed", date_partial="5 September 2021")
    client.force_login(member("Reviewer"))
    url = reverse("admin:events_event_change", args=[event.pk])
    data = change_form_data(client.get(url))
    data.update(same_as="no-such-event", title="Dashti killed, retitled")

    response = client.post(url, data)

    html = response.content.decode()
    assert response.status_code == 200 and "No event with the slug &quot;no-such-event&quot;." in html
    assert 'value="Dashti killed, retitled"' in html
    event.refresh_from_db()
    assert event.same_as == "" and event.title == "Dashti killed"


def test_the_admin_links_two_reports_and_the_pages_show_them_together(client):
    first = EventFactory(slug="text-date", title="Killed (text)", date_partial="5 September 2021")
    second = EventFactory(slug="infobox-date", title="Killed (infobox)", date_partial="6 September 2021")
    client.force_login(member("Reviewer"))
    url = reverse("admin:events_event_change", args=[second.pk])
    data = change_form_data(client.get(url))
    data.update(same_as="text-date")

    response = client.post(url, data)

    assert response.status_code == 302
    client.logout()
    assert "Sources differ on the date" in event_page(client, first.slug)


# Citations that back one part of a fact


def test_a_citation_of_the_casualty_figures_stands_beside_them_not_beside_the_title(client):
    source = SourceFactory(key="counts", title="The counts")
    event = EventFactory(slug="clash", title="A clash", fatalities_low=60, fatalities_high=60, casualty_note="or injured")
    EventCitationFactory(event=event, source=SourceFactory(key="whole", title="The story"))
    EventCitationFactory(event=event, source=source, backs="casualties")

    html = squeeze(event_page(client, event.slug))

    title = html[html.index("<h1>") : html.index("</h1>")]
    whole = html[html.index("<dt>Sources</dt>") :]
    whole = whole[: whole.index("</dd>")]
    casualties = html[html.index("<dt>Casualties</dt>") :]
    casualties = casualties[: casualties.index("</dd>")]
    assert 'class="fn"' not in title  # no footnote inside a heading
    assert whole.count('class="fn"') == 1 and 'href="#ref-1"' in whole
    assert 'href="#ref-2"' in casualties
    assert "Sources</dt><dd>2 sources" in html  # corroboration counts every part's sources


def test_an_event_sourced_only_by_its_date_is_not_marked_citation_needed(client):
    event = EventFactory(slug="dated", title="Dated", date_partial="6 September 2021")
    EventCitationFactory(event=event, source=SourceFactory(key="infobox"), backs="date")

    html = squeeze(event_page(client, event.slug))

    assert "citation needed" not in html
    date = html[html.index("<dt>Date</dt>") :]
    assert 'class="fn"' in date[: date.index("</dd>")]


def test_a_statement_citation_of_its_dates_stands_beside_the_dates(client):
    nrf = EntityFactory(slug="nrf", name="NRF")
    leader = EntityFactory(slug="massoud", kind="person", name="Ahmad Massoud")
    statement = StatementFactory(
        subject=nrf, property=Property.objects.get(slug="leader"), value_text="", value_entity=leader, start_partial="2021"
    )
    StatementCitationFactory(statement=statement, source=SourceFactory(key="who", title="Who leads"))
    StatementCitationFactory(statement=statement, source=SourceFactory(key="when", title="Since when"), backs="start")

    html = squeeze(page(client, nrf))

    row = html[html.index("<dt>Leader") :]
    row = row[: row.index("</dd>")]
    value, dates = row.index(">Ahmad Massoud<"), row.index('class="dates"')
    first, second = row.index('href="#ref-1"'), row.index('href="#ref-2"')
    assert value < first < dates < second  # the value's footnote after the value, the date's after the dates


def test_the_parts_a_citation_backs_round_trip_through_the_bundle(tmp_path):
    EventFactory(slug="clash")
    SourceFactory(key="s")
    write_csv(tmp_path / "in", "event_citations.csv", 'event,source,locator,backs\r\nclash,s,,"casualties, date"\r\n')
    ok, _out, err = import_(tmp_path / "in")
    assert ok, err
    first = export(tmp_path / "first")
    assert b',"date,casualties",' in first["event_citations.csv"]  # one spelling, in the event's own order

    ok, out, err = import_(tmp_path / "first")

    assert ok, err
    assert "0 new, 0 updated" in out
    assert export(tmp_path / "second") == first
    assert EventCitation.objects.get().backed() == ["date", "casualties"]


def test_a_part_an_event_does_not_have_is_refused_with_its_line(tmp_path):
    EventFactory(slug="clash")
    SourceFactory(key="s")
    write_csv(tmp_path, "event_citations.csv", 'event,source,locator,backs\r\nclash,s,,"date,value"\r\n')

    ok, out, err = import_(tmp_path)

    assert not ok
    assert "line 2" in err + out and "backs" in err + out and "Unknown part(s): value" in err + out
    assert not EventCitation.objects.exists()


def test_the_admin_inline_ticks_the_parts_a_citation_backs(client):
    event = EventFactory(slug="clash", title="A clash")
    citation = EventCitationFactory(event=event, source=SourceFactory(key="s"))
    client.force_login(member("Reviewer"))
    url = reverse("admin:events_event_change", args=[event.pk])
    response = client.get(url)
    assert 'type="checkbox" name="citations-0-backs" value="casualties"' in response.content.decode()
    data = change_form_data(response)
    data["citations-0-backs"] = ["place", "date"]

    response = client.post(url, data)

    assert response.status_code == 302
    citation.refresh_from_db()
    assert citation.backs == "date,place"


def test_the_seeds_casualty_figure_of_the_baghlan_districts_is_cited_beside_it(client, seed):
    html = squeeze(event_page(client, "baghlan-districts-taken-2021-08-20"))

    casualties = html[html.index("<dt>Casualties</dt>") :]
    assert 'class="fn"' in casualties[: casualties.index("</dd>")]
    assert Entity.objects.filter(slug="baghlan").exists()


def test_footnotes_on_every_seed_event_page_are_numbered_in_reading_order(client, seed):
    from tests.sources.test_evidence import first_appearances, footnotes_of

    pages = 0
    for event in Event.objects.public():
        notes = footnotes_of(event_page(client, event.slug))
        assert notes.numbers, event.slug
        pages += 1
        # Field footnotes (date, place, casualties) and the summary's markers are numbered as they are read.
        assert first_appearances(notes.numbers) == list(range(1, len(notes.references) + 1)), event.slug
        assert set(notes.backlinks) == set(notes.anchors), event.slug
    assert pages == Event.objects.public().count() > 40


@pytest.mark.parametrize(
    ("title", "publisher", "published", "line"),
    [
        ("We need help.", "The Post", "18 August 2021", "“We need help.” <i>The Post</i>, 18 August 2021. <a"),
        ("Will it hold?", "", "", "“Will it hold?” <a"),
        ("A report", "The Post", "", "“A report”. <i>The Post</i>. <a"),
    ],
)
def test_a_reference_line_adds_no_full_stop_to_a_title_that_has_its_own(client, title, publisher, published, line):
    source = SourceFactory(key="s", title=title, publisher=publisher, published_on_partial=published or None)
    event = EventFactory(slug="e")
    EventCitationFactory(event=event, source=source)

    html = squeeze(event_page(client, event.slug))

    assert line in html.replace("&#x27;", "'")
