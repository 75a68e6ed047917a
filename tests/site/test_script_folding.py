"""Search reads a word as Dari, Pashto and Arabic keyboards write it: Arabic yeh and kaf find Persian ones and
back, hamza on an alef or not, a final teh marbuta or heh, tatweel and diacritics ignored, digits in three
scripts. Entities (names and aliases), events (the full-text index) and the timeline's text filter alike."""

import pytest
from django.urls import reverse

from nrfsite.core.fulltext import spellings
from tests.factories import AliasFactory, EntityFactory, EventFactory, PlaceFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def written():
    kabul = PlaceFactory(slug="kabul", name="Kabul")
    AliasFactory(entity=kabul, name="کابل", language="prs")  # Persian kaf, as Dari is written
    panjshir = PlaceFactory(slug="panjshir", name="Panjshir")
    AliasFactory(entity=panjshir, name="پنجشیر", language="prs")  # Persian yeh
    massoud = EntityFactory(slug="ahmad-massoud", name="Ahmad Massoud", kind="person")
    AliasFactory(entity=massoud, name="احمد مسعود", language="prs")  # bare alef
    EventFactory(slug="kabul-falls", title="سقوط کابل", summary="Reported in ۲۰۲۱ by a local school (مدرسه).")
    SourceFactory(key="s1", title="A report")


def found(client, query):
    results = client.get(reverse("search"), {"q": query}).context["results"]
    return sorted([e.slug for e in results["entities"]] + [e.slug for e in results["events"]])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("كابل", ["kabul", "kabul-falls"]),  # Arabic kaf
        ("کابل", ["kabul", "kabul-falls"]),  # Persian kaf, as written
        ("كـابُل", ["kabul", "kabul-falls"]),  # tatweel and a damma
        ("پنجشير", ["panjshir"]),  # Arabic yeh
        ("أحمد", ["ahmad-massoud"]),  # hamza on the alef
        ("مدرسة", ["kabul-falls"]),  # teh marbuta for the final heh
        ("2021", ["kabul-falls"]),  # ASCII digits for Persian ones
        ("سقوط كابل", ["kabul-falls"]),  # every word, each in any spelling
    ],
)
def test_a_word_is_found_however_the_keyboard_wrote_it(client, written, query, expected):
    assert found(client, query) == expected


def test_the_timeline_text_filter_reads_spellings_alike(client, written):
    response = client.get(reverse("events:list"), {"q": "كابل"})

    assert [view.slug for view in response.context["events"]] == ["kabul-falls"]


def test_no_word_has_more_than_24_spellings():
    worst = "يكأة۱" * 4
    assert len(spellings(worst)) <= 24 and spellings(worst)[0] == worst


@pytest.mark.parametrize("query", ['"كابل" OR *', "NEAR(كابل", "كابل:*|", "ك" * 500])
def test_query_syntax_in_any_spelling_is_only_text(client, written, query):
    assert client.get(reverse("search"), {"q": query}).status_code == 200
    assert client.get(reverse("events:list"), {"q": query}).status_code == 200


# Section text ----------------------------------------------------------------------------------------------


@pytest.fixture
def sections():
    from tests.factories import SectionFactory

    SourceFactory(key="secret-source", title="Secret", status="draft")
    nrf = EntityFactory(slug="nrf", name="National Resistance Front")
    SectionFactory(entity=nrf, title="Structure", position=2, body="Fighters regrouped in **Andarab**.[@secret-source]")
    SectionFactory(entity=nrf, title="Draft part", position=3, body="Andarab secret plans.", status="draft")
    hidden = EntityFactory(slug="hidden", name="Hidden group", status="draft")
    SectionFactory(entity=hidden, title="About", position=1, body="Andarab too.")


def test_the_text_of_pages_is_searched_and_links_to_its_section(client, sections):
    html = client.get(reverse("search"), {"q": "andarab"}).content.decode()

    assert '<a href="/entities/nrf/#section-2">National Resistance Front: Structure</a>' in html
    assert "Fighters regrouped in Andarab." in html  # the words as read: no Markdown, no marker
    assert "secret plans" not in html and "Hidden group" not in html  # a draft section, a draft entity's


def test_a_markers_key_is_not_text_a_search_finds(client, sections):
    results = client.get(reverse("search"), {"q": "secret-source"}).context["results"]

    assert results["sections"] == [] and results["sources"] == []


def test_section_search_reads_spellings_and_is_bounded(client, sections, django_assert_max_num_queries):
    from tests.factories import SectionFactory

    SectionFactory(entity=EntityFactory(slug="k", name="K"), title="کابل", position=1, body="در کابل")
    assert [hit.section.title for hit in client.get(reverse("search"), {"q": "كابل"}).context["results"]["sections"]] == [
        "کابل"
    ]
    with django_assert_max_num_queries(8):
        client.get(reverse("search"), {"q": "andarab"})


def test_a_result_says_which_name_matched_when_it_is_not_the_one_shown(client, written):
    by_alias = client.get(reverse("search"), {"q": "كابل"}).content.decode()  # Arabic kaf, the alias is Persian
    by_name = client.get(reverse("search"), {"q": "kabul"}).content.decode()

    assert '<a href="/entities/kabul/">Kabul</a> <span class="matched">(found as <bdi lang="prs">کابل</bdi>)</span>' in by_alias
    assert "found as" not in by_name
