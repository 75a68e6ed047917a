"""The seed's names in Dari (prs) and Pashto (ps): every province, the main people, groups and states, each with
the source it was copied from (issue 19)."""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from entities.models import Alias, Entity
from sources.models import Source

pytestmark = pytest.mark.django_db

# The NRF's own names come from the article's infobox (tests/seed/test_seed.py); every other name in Dari or
# Pashto ends its note with the key of the source it was copied from.
INFOBOX_NOTES = {"Dari name, from the infobox", "Pashto name, from the infobox"}
SOURCE_AT_END = re.compile(r"; source ([a-z0-9-]+)$")

MAIN_ENTITIES = [
    "nrf",
    "ahmad-massoud",
    "amrullah-saleh",
    "ahmad-shah-massoud",
    "taliban",
    "islamic-emirate-of-afghanistan",
    "panjshir",
    "panjshir-valley",
    "kabul",
    "dushanbe",
    "afghanistan",
    "tajikistan",
    "pakistan",
    "iran",
    "uzbekistan",
    "russia",
    "united-states",
]


@pytest.fixture
def seed():
    out = io.StringIO()
    call_command("load_seed", stdout=out)
    return out.getvalue()


def names(slug, language):
    return set(Alias.objects.filter(entity__slug=slug, language=language).values_list("name", flat=True))


def test_the_seed_with_its_names_loads_without_errors_and_a_second_load_changes_nothing(seed):
    again = io.StringIO()
    call_command("load_seed", stdout=again)
    assert "aliases.csv: 129 new, 0 updated, 0 unchanged, 0 errors" in seed
    assert "sources.csv: 94 new, 0 updated, 0 unchanged, 0 errors" in seed
    assert "Loaded the seed as the system: 0 new, 0 updated," in again.getvalue()


def test_every_province_has_a_dari_and_a_pashto_name(seed):
    provinces = Entity.objects.filter(kind="place", iso_code__startswith="AF-")
    missing = [(p.slug, lang) for p in provinces for lang in ("prs", "ps") if not names(p.slug, lang)]
    assert provinces.count() == 34
    assert missing == []


def test_the_main_people_groups_and_states_have_a_dari_and_a_pashto_name(seed):
    missing = [(slug, lang) for slug in MAIN_ENTITIES for lang in ("prs", "ps") if not names(slug, lang)]
    assert missing == []


def test_every_dari_and_pashto_name_says_which_published_source_it_comes_from(seed):
    notes = (
        Alias.objects.filter(language__in=["prs", "ps"])
        .exclude(note__in=INFOBOX_NOTES)
        .values_list("entity__slug", "name", "note")
    )
    unsourced = [(slug, name) for slug, name, note in notes if not SOURCE_AT_END.search(note)]
    cited = {match.group(1) for *_, note in notes if (match := SOURCE_AT_END.search(note))}
    assert unsourced == []
    assert len(cited) == 18
    assert set(Source.objects.published().filter(key__in=cited).values_list("key", flat=True)) == cited


def test_dari_and_pashto_names_are_written_right_to_left_without_latin_letters(seed):
    aliases = Alias.objects.filter(language__in=["prs", "ps"])
    assert [a.name for a in aliases if a.direction != "rtl" or re.search("[A-Za-z]", a.name)] == []


def test_cldr_names_keep_the_afghan_forms_letter_for_letter(seed):
    # CLDR's Dari locale fa_AF writes Tajikistan تاجکستان where Persian (fa) has تاجیکستان; Pashto keeps its own
    # letters (ې, ګ, Arabic ي), which a "normalised" copy would lose.
    assert names("tajikistan", "prs") == {"تاجکستان"}
    assert names("panjshir", "prs") == {"ولایت پنجشیر"}
    assert names("panjshir", "ps") == {"پنجشېر ولايت"}
    assert names("logar", "ps") == {"لوګر ولايت"}


def test_a_province_page_shows_its_pashto_name_right_to_left_with_its_source(seed, client):
    response = client.get(reverse("entities:detail", args=["panjshir"]))
    html = response.content.decode()
    assert '<span class="alias" lang="ps" dir="rtl">پنجشېر ولايت</span>' in html
    assert "source cldr-48" in html
