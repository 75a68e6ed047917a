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
