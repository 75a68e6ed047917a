"""A Latin name is found in any of its usual transliterations: Massoud, Masoud, Masood; Panjshir, Panjsher,
Panjsheer, Panjshayr; Dostum, Dostam. A query word also searches the words of names the site holds that share
its key (`nrfsite.core.transliteration`), in the site search, the timeline and the API alike; the page says
which spelling it searched, and different names keep different keys."""

import csv
from collections import defaultdict

import pytest
from django.conf import settings
from django.urls import reverse

from nrfsite.core.transliteration import MAX_VARIANTS, name_words, translit_key
from tests.factories import AliasFactory, EntityFactory, EventFactory, PlaceFactory, SourceFactory

pytestmark = pytest.mark.django_db

# Keys ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spellings",
    [
        ["Massoud", "Masoud", "Masood", "Masud", "MASSOUD"],
        ["Panjshir", "Panjsher", "Panjsheer", "Panjshayr", "Panjshīr"],
        ["Dostum", "Dostam", "Dustum"],
        ["Mohammad", "Muhammad"],
        ["Nazary", "Nazari"],
        ["Noor", "Nur"],
    ],
)
def test_the_spellings_of_one_name_share_a_key(spellings):
    assert len({translit_key(word) for word in spellings}) == 1


@pytest.mark.parametrize(
    "names",
    [
        ["Nazar", "Nazir"],
        ["Rashid", "Rashad"],
        ["Karim", "Karam"],
        ["Jamal", "Jamil"],
        ["Hakim", "Hakam"],
        ["Nur", "Nar"],
        ["Kabul", "Kapisa", "Khost"],
        ["Massoud", "Mahmud", "Masih"],
        ["Dostum", "Dashti"],
    ],
)
def test_different_names_keep_different_keys(names):
    assert len({translit_key(name) for name in names}) == len(names)


def test_the_only_words_of_the_seeds_names_that_share_a_key_are_spellings_of_one_name():
    # Every capitalised word of the seed's entity names, aliases and source titles: a shared key makes a search
    # for one find the other. The seed writes the one name both ways (Atta Muhammad Nur, Mohammad Zahir
    # Aghbar); "Nangahar" and "Nangarhar" differ by a letter, not a vowel: two keys.
    seed = settings.BASE_DIR / "fixtures" / "seed"
    names = []
    for file, column in (("entities.csv", "name"), ("aliases.csv", "name"), ("sources.csv", "title")):
        with (seed / file).open(encoding="utf-8") as rows:
            names += [row[column] for row in csv.DictReader(rows)]
    words = defaultdict(set)
    for word in name_words(names):
        if key := translit_key(word):
            words[key].add(word.lower())

    assert len(words) > 150
    assert {key: spelled for key, spelled in words.items() if len(spelled) > 1} == {"muhamad": {"mohammad", "muhammad"}}


@pytest.mark.parametrize("word", ["کابل", "2021", "al", "B52", "Ж"])
def test_words_of_other_scripts_digits_and_short_words_have_no_key(word):
    assert translit_key(word) is None


# Search -----------------------------------------------------------------------------------------------------


@pytest.fixture
def named():
    massoud = EntityFactory(slug="ahmad-massoud", name="Ahmad Massoud", kind="person")
    AliasFactory(entity=massoud, name="احمد مسعود", language="prs")
    panjshir = PlaceFactory(slug="panjshir", name="Panjshir Province")
    EntityFactory(slug="dostum", name="Abdul Rashid Dostum", kind="person")
    EntityFactory(slug="nazir", name="Nazir Ahmad", kind="person")  # not a spelling of "Nazar"
    EventFactory(slug="massoud-speaks", title="Massoud speaks", summary="An address to the NRF.")
    EventFactory(slug="clash", title="Clash near Rukha", location=panjshir)
    EventFactory(slug="dostum-returns", title="Dostum returns to Kabul")
    SourceFactory(key="interview", title="An interview with Ahmad Massoud")


def found(client, query):
    results = client.get(reverse("search"), {"q": query}).context["results"]
    return {
        "entities": [entity.slug for entity in results["entities"]],
        "events": [event.slug for event in results["events"]],
        "sources": [source.key for source in results["sources"]],
    }


def timeline(client, query):
    return [view.slug for view in client.get(reverse("events:list"), {"q": query}).context["events"]]


MASSOUD = {"entities": ["ahmad-massoud"], "events": ["massoud-speaks"], "sources": ["interview"]}
PANJSHIR = {"entities": ["panjshir"], "events": [], "sources": []}
DOSTUM = {"entities": ["dostum"], "events": ["dostum-returns"], "sources": []}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Massoud", MASSOUD),
        ("Masoud", MASSOUD),
        ("Masood", MASSOUD),
        ("masood", MASSOUD),
        ("Ahmad Masood", {**MASSOUD, "events": []}),  # every word, each in its spellings (the event has no Ahmad)
        ("Panjshir", PANJSHIR),
        ("Panjsher", PANJSHIR),
        ("Panjsheer", PANJSHIR),
        ("Panjshayr", PANJSHIR),
        ("Dostum", DOSTUM),
        ("Dostam", DOSTUM),
        ("Nazar", {"entities": [], "events": [], "sources": []}),  # Nazir is another name
    ],
)
def test_a_name_is_found_in_any_of_its_transliterations(client, named, query, expected):
    assert found(client, query) == expected


@pytest.mark.parametrize("query", ["Panjshir", "Panjsher", "Panjsheer", "Panjshayr"])
def test_the_timeline_finds_events_at_a_place_in_any_transliteration(client, named, query):
    assert timeline(client, query) == ["clash"]


@pytest.mark.parametrize(("query", "expected"), [("Masood", ["massoud-speaks"]), ("Dostam", ["dostum-returns"])])
def test_the_timeline_and_the_api_find_event_text_in_any_transliteration(client, named, query, expected):
    api = client.get("/api/events/", {"q": query}).json()

    assert timeline(client, query) == expected
    assert [event["slug"] for event in api["results"]] == expected


def test_a_result_found_by_another_spelling_says_which(client, named):
    html = client.get(reverse("search"), {"q": "Masood"}).content.decode()

    found_as = '<span class="matched">(found as <bdi lang="en">Massoud</bdi>)</span>'
    assert f'<a href="/entities/ahmad-massoud/">Ahmad Massoud</a> {found_as}' in html
    assert '<p class="respelled">Also searched for other spellings: <bdi>Masood</bdi> as <bdi>Massoud</bdi>.</p>' in html


def test_a_name_found_as_typed_says_nothing_more(client, named):
    html = client.get(reverse("search"), {"q": "Massoud"}).content.decode()

    assert "found as" not in html and "Also searched for" not in html


def test_an_alias_found_by_another_spelling_is_named(client):
    place = PlaceFactory(slug="panjshir", name="Panjshir Province")
    AliasFactory(entity=place, name="Panjsher valley", language="en")
    PlaceFactory(slug="other", name="Andarab")

    html = client.get(reverse("search"), {"q": "Panjshayr valley"}).content.decode()

    found_as = '<span class="matched">(found as <bdi lang="en">Panjsher valley</bdi>)</span>'
    assert f'<a href="/entities/panjshir/">Panjshir Province</a> {found_as}' in html


def test_a_draft_name_lends_no_spelling(client):
    EntityFactory(slug="draft", name="Ahmad Massoud", status="draft")
    EventFactory(slug="massoud-speaks", title="Massoud speaks")

    assert found(client, "Masood") == {"entities": [], "events": [], "sources": []}


def test_a_word_searches_at_most_a_bounded_number_of_other_spellings(client, django_assert_max_num_queries):
    # Twelve spellings of one name: the search reads the commonest MAX_VARIANTS of them, in one query.
    spellings = ["Massoud", "Masoud", "Masood", "Masud", "Massud", "Masod", "Massod", "Masad", "Massad", "Masaad"]
    spellings += ["Masūd", "Masōd"]
    for number, spelling in enumerate(spellings):
        EntityFactory(slug=f"m-{number}", name=f"Ahmad {spelling}", kind="person")
    EntityFactory(slug="m-again", name="Ahmad Massoud", kind="person")  # the commonest spelling comes first

    # The page cache's version, the names, entities and their aliases, (on SQLite: how to read the index,) events,
    # sections, sources.
    with django_assert_max_num_queries(8):
        response = client.get(reverse("search"), {"q": "Masood"})

    [(word, others)] = response.context["respelled"]
    assert word == "Masood" and len(others) == MAX_VARIANTS and others[0] == "Massoud"
    names = {entity.name for entity in response.context["results"]["entities"]}
    assert names == {f"Ahmad {spelling}" for spelling in ["Masood", *others]}
