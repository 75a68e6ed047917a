"""The seed dataset: every fact of the NRF article, loaded by the same importer users use."""

import io

import pytest
from django.core.management import call_command

from entities.models import Alias, Entity, Section, Statement
from events.models import Event
from sources.models import Source

pytestmark = pytest.mark.django_db

ARTICLE_DARI = "جبهه مقاومت ملی"
ARTICLE_PASHTO = "د ملي مقاومت جبهه"


@pytest.fixture
def seed():
    out = io.StringIO()
    call_command("load_seed", stdout=out)
    return out.getvalue()


def statements(subject, prop):
    return Statement.objects.filter(subject__slug=subject, property__slug=prop).order_by("start", "key")


def test_load_seed_is_idempotent(seed):
    assert seed.splitlines()[-1].startswith("Loaded the seed as the system:") and " 0 new" not in seed.splitlines()[-1]
    again = io.StringIO()
    call_command("load_seed", stdout=again)
    assert "Loaded the seed as the system: 0 new, 0 updated," in again.getvalue()


def test_loading_into_an_empty_database_reports_each_row_as_new(seed):
    # Citations and participations are written by statements.csv and events.csv (their `sources` and
    # `participants` cells) before their own files add quotes and notes: those rows are still new.
    assert "statement_citations.csv: 163 new, 0 updated, 0 unchanged, 0 errors" in seed
    assert "event_citations.csv: 70 new, 0 updated, 0 unchanged, 0 errors" in seed
    assert "participations.csv: 113 new, 0 updated, 0 unchanged, 0 errors" in seed
    assert " 0 updated," in seed.splitlines()[-1]


def test_the_infobox_rows_are_statements_on_the_nrf(seed):
    assert [s.value_entity.slug for s in statements("nrf", "leader")] == ["ahmad-massoud"]
    assert [s.value_entity.slug for s in statements("nrf", "head-of-foreign-relations")] == ["ali-nazary"]
    assert [s.value_entity.slug for s in statements("nrf", "chief-of-staff")] == ["qadam-shah-shahim"]
    assert [s.value_entity.slug for s in statements("nrf", "headquarters")] == ["dushanbe"]
    assert str(Entity.objects.get(slug="nrf").start_partial) == "17 August 2021"
    assert Entity.objects.get(slug="nrf").end is None
    assert {s.value_text for s in statements("nrf", "ideology")} >= {
        "Democratization",
        "Decentralization",
        "Multiculturalism",
        "Social justice",
    }
    assert [s.value_text for s in statements("nrf", "status")] == ["Active"]
    assert "afghan-conflict" in [s.value_entity.slug for s in statements("nrf", "conflict")]


def test_both_spokespersons_keep_their_own_dates_and_the_contradiction(seed):
    dashti = statements("nrf", "spokesperson").get(value_entity__slug="muhammad-fahim-dashti")
    assert (dashti.start_partial.isoformat(), dashti.end_partial.isoformat(), dashti.end_reason) == (
        "2021-08-17",
        "2021-09-06",
        "killed",
    )
    assert "5 September" in dashti.note
    ahmadi = statements("nrf", "spokesperson").filter(value_entity__slug="sibghatullah-ahmadi")
    assert sorted((s.start_partial.isoformat(), s.end_partial.isoformat()) for s in ahmadi) == [
        ("2021-09-06", "2023-08-08"),
        ("2021-11-23", "2023-04"),
    ]


def test_active_regions_are_provinces_with_iso_codes(seed):
    regions = {s.value_entity.iso_code for s in statements("nrf", "active-region").filter(as_of__isnull=True)}
    assert regions == {"AF-PAN", "AF-PAR", "AF-BGL", "AF-WAR", "AF-DAY", "AF-SAM"}
    as_of_2024 = statements("nrf", "active-region").filter(as_of__isnull=False)
    assert as_of_2024.count() == 20
    assert {str(s.as_of_partial) for s in as_of_2024} == {"August 2024"}


def test_size_is_unknown_and_the_nrfs_own_claim_of_5000(seed):
    sizes = list(statements("nrf", "size"))
    assert {s.value_text.lower() for s in sizes if s.value_text} == {"unknown"}
    claim = next(s for s in sizes if s.quantity_best is not None)
    assert (claim.quantity_best, claim.quantity_unit, claim.certainty, claim.claimed_by.slug) == (
        5000,
        "fighters",
        "claimed",
        "nrf",
    )


def test_alleged_support_stays_alleged(seed):
    supporters = {s.value_entity.slug: s.certainty for s in statements("nrf", "supporter")}
    assert {supporters["iran"], supporters["pakistan"], supporters["tajikistan"]} <= {"alleged", "disputed"}
    assert "confirmed" not in supporters.values()


def test_names_in_dari_and_pashto_are_aliases_with_their_language(seed):
    aliases = set(Alias.objects.filter(entity__slug="nrf").values_list("language", "name"))
    assert ("prs", ARTICLE_DARI) in aliases
    assert ("ps", ARTICLE_PASHTO) in aliases
    assert ("en", "NRF") in aliases


def test_the_dari_and_pashto_names_shown_are_the_sourced_aliases(seed, client):
    """An entity's name in Dari or Pashto is its one alias in that language (each noted with its source);
    an entity with none is shown in English, marked so: no name is made up for it."""
    for entity in Entity.objects.exclude(name_prs=None):
        assert list(entity.aliases.filter(language="prs").values_list("name", flat=True)) == [entity.name_prs]
    for entity in Entity.objects.exclude(name_ps=None):
        assert list(entity.aliases.filter(language="ps").values_list("name", flat=True)) == [entity.name_ps]
    assert Entity.objects.exclude(name_prs=None).count() >= 58 and Entity.objects.exclude(name_ps=None).count() >= 54
    assert f"<h1>{ARTICLE_DARI}</h1>" in client.get("/prs/entities/nrf/").content.decode()
    assert f"<h1>{ARTICLE_PASHTO}</h1>" in client.get("/ps/entities/nrf/").content.decode()


def test_the_flagged_section_keeps_its_september_2022_notice(seed):
    flagged = Section.objects.get(entity__slug="nrf", needs_update=True)
    assert str(flagged.flagged_on_partial) == "September 2022"
    assert Section.objects.filter(entity__slug="nrf", title="").count() == 1
    positions = list(Section.objects.filter(entity__slug="nrf").values_list("position", flat=True))
    assert positions == sorted(positions)


def test_claims_and_denials_are_both_recorded(seed):
    event = Event.objects.get(slug="taliban-claim-victory-panjshir-2021-09-06")
    roles = set(event.participations.values_list("role", "entity__slug"))
    assert {("claimant", "taliban"), ("denier", "nrf")} <= roles
    assert event.certainty in {"claimed", "disputed"}
    assert event.citations.exists()


def test_dates_keep_the_precision_the_text_gives(seed):
    assert str(Event.objects.get(slug="northern-alliance-remnants-mobilize-2021-07").date_partial) == "July 2021"
    assert str(Event.objects.get(slug="ahmadi-resigns-2023-04").date_partial) == "April 2023"
    inferred = Event.objects.get(slug="nrf-announces-parallel-government-2021-09-09")
    assert "year" in inferred.note.lower()


def test_no_source_has_an_invented_url(seed):
    # A URL or title found in public material says in the source's notes where it was found; no other has one.
    # One source is not the article's: the gazetteer of the provinces' capitals, which says what was checked.
    gazetteer = Source.objects.get(key="geonames-af-capitals")
    assert gazetteer.notes.startswith("Not from the seed article") and "were checked against" in gazetteer.notes
    article = Source.objects.exclude(key="geonames-af-capitals")
    with_url = article.exclude(url="")
    assert sorted(with_url.values_list("key", flat=True)) == ["wp-ref-42", "wp-ref-48"]
    for source in with_url:
        assert "Identified on 2 December 2026" in source.notes and source.url.split("/")[2] in source.notes + source.url
    assert not Source.objects.exclude(archive_url="").exists()
    for source in article.exclude(title="").exclude(key="wikipedia-nrf-article"):
        assert "Identified on 2 December 2026" in source.notes, source.key
    op_ed = Source.objects.get(key="wp-ref-42")
    assert (op_ed.publisher, op_ed.authors, op_ed.published_on_partial.isoformat()) == (
        "The Washington Post",
        "Ahmad Massoud",
        "2021-08-18",
    )


def test_every_province_has_its_capital_with_coordinates_and_their_source(seed):
    provinces = Entity.objects.filter(kind="place", iso_code__startswith="AF-")
    assert provinces.count() == 34
    assert not provinces.filter(latitude__isnull=True).exists() and not provinces.filter(longitude__isnull=True).exists()
    for province in provinces:
        assert 29 < province.latitude < 39 and 60 < province.longitude < 75.5, province.slug  # inside Afghanistan
        [capital] = statements(province.slug, "capital")
        assert list(capital.citations.values_list("source__key", flat=True)) == ["geonames-af-capitals"]
    panjshir = Entity.objects.get(slug="panjshir")
    assert (statements("panjshir", "capital")[0].value_text, float(panjshir.latitude), float(panjshir.longitude)) == (
        "Bazarak",
        35.31,
        69.52,
    )
    # Places more precise than a province, where the seed knows their coordinates.
    assert Entity.objects.get(slug="charikar").latitude is not None and Entity.objects.get(slug="kabul").latitude is not None


def test_every_published_fact_has_a_citation(seed):
    assert not Statement.objects.published().filter(citations__isnull=True).exists()
    uncited = [e.slug for e in Event.objects.published() if not e.citations.exists() and "[@" not in e.summary]
    assert uncited == []


def test_the_nrf_page_shows_the_seed(client, seed):
    html = client.get("/entities/nrf/").content.decode()

    assert "17 August 2021 – present (" in html
    assert f'lang="prs" dir="rtl">{ARTICLE_DARI}</span>' in html
    assert "<strong>May be out of date</strong> — flagged September 2022" in html
    assert "claimed by" in html and "5,000 fighters" in html
    assert 'id="ref-1"' in html and "citation needed" not in html
