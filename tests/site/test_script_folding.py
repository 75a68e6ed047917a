"""Search reads a word as Dari, Pashto and Arabic keyboards write it: Arabic yeh and kaf find Persian ones and
back, hamza on an alef or waw or not, a final teh marbuta or heh, tatweel, diacritics and the zero-width
non-joiner ignored, digits in three scripts. In the query and in the stored text alike (both are folded by
`nrfsite.core.fulltext.FOLDS`): entities (names and aliases), events (the full-text index), sources, the text
of pages, and the timeline's text filter."""

import pytest
from django.urls import reverse

from tests.factories import AliasFactory, EntityFactory, EventFactory, PlaceFactory, SectionFactory, SourceFactory

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


@pytest.mark.parametrize("query", ['"كابل" OR *', "NEAR(كابل", "كابل:*|", "ك" * 500])
def test_query_syntax_in_any_spelling_is_only_text(client, written, query):
    assert client.get(reverse("search"), {"q": query}).status_code == 200
    assert client.get(reverse("events:list"), {"q": query}).status_code == 200


# Stored text ----------------------------------------------------------------------------------------------

# (as the text is written, as a reader types it): each is found by the other, in either direction.
WRITTEN_AND_TYPED = [
    ("پنجشـیر", "پنجشیر"),  # tatweel
    ("كابُل", "کابل"),  # a damma, and an Arabic kaf
    ("محمّد", "محمد"),  # shadda
    ("رحمٰن", "رحمن"),  # superscript alef
    ("مسؤول", "مسوول"),  # hamza on waw
    ("کتاب‌ها", "کتابها"),  # the zero-width non-joiner: one word
    ("پنجشير", "پنجشیر"),  # Arabic yeh
    ("مدرسة", "مدرسه"),  # teh marbuta
    ("أحمد", "احمد"),  # hamza above an alef
    ("إسلام", "اسلام"),  # hamza below
    ("آمریکا", "امریکا"),  # madda
    ("۲۰۲۱", "2021"),  # Persian digits
]


def written_everywhere(text):
    """`text` in every place the search reads: an event, an alias, a source's title, a page's text."""
    EventFactory(slug="event", title=f"Report {text}")
    AliasFactory(entity=PlaceFactory(slug="place", name="A place"), name=text, language="prs")
    SourceFactory(key="source", title=f"Report {text}")
    SectionFactory(entity=EntityFactory(slug="page", name="A page"), title="Notes", body=f"Seen in {text}.")


def found_everywhere(client, query):
    results = client.get(reverse("search"), {"q": query}).context["results"]
    timeline = client.get(reverse("events:list"), {"q": query}).context["events"]
    return {
        "events": [event.slug for event in results["events"]],
        "entities": [entity.slug for entity in results["entities"]],
        "sources": [source.key for source in results["sources"]],
        "sections": [hit.section.entity.slug for hit in results["sections"]],
        "timeline": [view.slug for view in timeline],
    }


EVERYWHERE = {"events": ["event"], "entities": ["place"], "sources": ["source"], "sections": ["page"], "timeline": ["event"]}


@pytest.mark.parametrize(("written", "typed"), WRITTEN_AND_TYPED)
def test_text_written_with_variant_letters_or_marks_is_found_by_the_plain_word(client, written, typed):
    written_everywhere(written)

    assert found_everywhere(client, typed) == EVERYWHERE


@pytest.mark.parametrize(("plain", "typed"), WRITTEN_AND_TYPED)
def test_plain_text_is_found_by_a_word_typed_with_variant_letters_or_marks(client, plain, typed):
    written_everywhere(typed)

    assert found_everywhere(client, plain) == EVERYWHERE


def test_the_start_of_a_word_joined_by_a_non_joiner_finds_it(client):
    written_everywhere("کتاب‌ها")

    assert found_everywhere(client, "کتاب") == EVERYWHERE


def test_the_part_after_a_non_joiner_is_no_word_of_its_own(client):
    # Folded, "کتاب‌ها" is the one word "کتابها": "ها" starts no word of it, on either engine or path.
    written_everywhere("کتاب‌ها")

    assert found_everywhere(client, "ها") == {name: [] for name in EVERYWHERE}


def test_a_result_found_by_a_variant_alias_says_the_alias_as_written(client):
    kabul = PlaceFactory(slug="kabul", name="Kabul")
    AliasFactory(entity=kabul, name="كـابُل", language="prs")  # as an Arabic keyboard wrote it, decorated

    html = client.get(reverse("search"), {"q": "کابل"}).content.decode()

    assert '<a href="/entities/kabul/">Kabul</a> <span class="matched">(found as <bdi lang="prs">كـابُل</bdi>)</span>' in html


# Section text ----------------------------------------------------------------------------------------------


@pytest.fixture
def sections():
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
