"""Popolo JSON: public persons, organizations, posts and memberships, with dates at their precision."""

import io
import json
import re

import pytest
from django.core.management import call_command

from entities.models import Entity, Property
from tests.factories import AliasFactory, EntityFactory, SourceFactory, StatementCitationFactory, StatementFactory

pytestmark = pytest.mark.django_db

POPOLO_DATE = re.compile(r"[0-9]{4}(-[0-9]{2}){0,2}")  # the pattern of Popolo's schemas


def popolo(client):
    response = client.get("/data/popolo.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def check_document(document):
    """What Popolo's schemas ask: ids present and unique, every reference resolves, dates in its pattern."""
    ids = {}
    for kind in ("persons", "organizations", "posts", "memberships"):
        kind_ids = [item["id"] for item in document[kind]]
        assert len(kind_ids) == len(set(kind_ids)), f"duplicate ids in {kind}"
        ids[kind] = set(kind_ids)
    for post in document["posts"]:
        assert post["label"] and post["organization_id"] in ids["organizations"]
    for membership in document["memberships"]:
        assert membership["person_id"] in ids["persons"]
        assert membership["organization_id"] in ids["organizations"]
        assert membership.get("post_id") is None or membership["post_id"] in ids["posts"]
        for source in membership.get("sources", []):
            assert source["url"].startswith(("http://", "https://"))
    for item in (*document["persons"], *document["organizations"], *document["memberships"]):
        for key in ("birth_date", "death_date", "founding_date", "dissolution_date", "start_date", "end_date"):
            if key in item:
                assert POPOLO_DATE.fullmatch(item[key]), f"{item['id']} {key}: {item[key]}"


def memberships_of(document, person):
    return [m for m in document["memberships"] if m["person_id"] == person]


def test_the_seed_ahmad_massoud_leads_the_nrf(client):
    call_command("load_seed", stdout=io.StringIO())

    document = popolo(client)

    check_document(document)
    persons = {p["id"]: p for p in document["persons"]}
    organizations = {o["id"]: o for o in document["organizations"]}
    assert persons["ahmad-massoud"]["name"] == "Ahmad Massoud"
    assert persons["ahmad-massoud"]["links"][0]["url"] == "http://testserver/entities/ahmad-massoud/"
    nrf = organizations["nrf"]
    assert nrf["classification"] == "organization"
    assert {"name": "جبهه مقاومت ملی", "lang": "prs"}.items() <= next(
        n for n in nrf["other_names"] if n.get("lang") == "prs"
    ).items()
    [leads] = [m for m in memberships_of(document, "ahmad-massoud") if m["organization_id"] == "nrf"]
    assert (leads["role"], leads["post_id"], leads["label"]) == ("leader", "nrf/leader", "Leader of National Resistance Front")
    assert {"id": "nrf/leader", "label": "Leader of National Resistance Front", "role": "leader", "organization_id": "nrf"} in (
        document["posts"]
    )
    assert leads["sources"], "every membership names its sources"
    # The spokesperson's term, at the precision the article gives.
    spokes = [m for m in document["memberships"] if m.get("post_id") == "nrf/spokesperson"]
    assert {(m["person_id"], m.get("start_date"), m.get("end_date")) for m in spokes} >= {
        ("muhammad-fahim-dashti", "2021-08-17", "2021-09-06")
    }
    # Places and topics are not Popolo's; a statement about a place is not a membership.
    assert "panjshir" not in persons and "panjshir" not in organizations


@pytest.fixture
def front():
    return EntityFactory(slug="front", name="The Front")


def test_only_public_plain_facts_become_memberships(client, front):
    leader = Property.objects.get(slug="leader")
    spokesperson = Property.objects.get(slug="spokesperson")
    draft_person = EntityFactory(slug="secret-person", name="Secret Person", kind="person", status="draft")
    claimant = EntityFactory(slug="claimant", name="Claimant", kind="person")
    doubtful = EntityFactory(slug="doubtful", name="Doubtful", kind="person")
    older = EntityFactory(slug="older", name="Older", kind="person")
    StatementFactory(subject=front, property=leader, value_entity=draft_person, value_text="")
    StatementFactory(subject=front, property=leader, value_entity=doubtful, value_text="", certainty="alleged")
    StatementFactory(
        subject=front, property=spokesperson, value_entity=claimant, value_text="", certainty="claimed", claimed_by=front
    )
    StatementFactory(
        subject=front, property=spokesperson, value_entity=older, value_text="", rank="deprecated", rank_reason="a misreading"
    )
    StatementFactory(subject=front, property=spokesperson, value_entity=older, value_text="", status="draft")

    document = popolo(client)

    check_document(document)
    assert document["memberships"] == []
    assert "secret-person" not in json.dumps(document) and "Secret Person" not in json.dumps(document)
    assert {p["id"] for p in document["persons"]} == {"claimant", "doubtful", "older"}


def test_memberships_either_way_round_with_approximate_dates_said_in_the_label(client, front):
    person = EntityFactory(slug="fighter", name="A Fighter", kind="person", start_partial="1990-03")
    AliasFactory(entity=person, name="فایتر", language="prs")
    member_of = Property.objects.get(slug="member-of")
    spokesperson = Property.objects.get(slug="spokesperson")
    source = SourceFactory(key="report", title="A report", url="https://example.org/report")
    joined = StatementFactory(
        subject=person, property=member_of, value_entity=front, value_text="", start_partial="c. 2021-09", end_partial="2023"
    )
    StatementCitationFactory(statement=joined, source=source)
    StatementFactory(subject=front, property=spokesperson, value_entity=person, value_text="", start_partial="2022-01-05")
    # A person "member of" a person, and a statement whose property is no membership, are left out.
    StatementFactory(subject=person, property=member_of, value_entity=EntityFactory(kind="person"), value_text="")
    StatementFactory(subject=front, property=Property.objects.get(slug="ally"), value_entity=person, value_text="")

    document = popolo(client)

    check_document(document)
    member, speaks = sorted(memberships_of(document, "fighter"), key=lambda m: m["role"])
    assert member == {
        "id": joined.key,
        "label": "Member of The Front (dates approximate: c. 2021-09)",
        "role": "member",
        "person_id": "fighter",
        "organization_id": "front",
        "start_date": "2021-09",
        "end_date": "2023",
        "sources": [{"url": "https://example.org/report", "note": "A report, BBC"}],
    }
    assert (speaks["role"], speaks["post_id"], speaks["start_date"]) == ("spokesperson", "front/spokesperson", "2022-01-05")
    assert "sources" not in speaks
    fighter = next(p for p in document["persons"] if p["id"] == "fighter")
    assert fighter["birth_date"] == "1990-03"
    assert fighter["other_names"] == [{"name": "فایتر", "lang": "prs"}]
    assert len(document["memberships"]) == 2


def test_the_document_reads_a_fixed_number_of_queries(client, front, django_assert_max_num_queries):
    leader = Property.objects.get(slug="member-of")
    for number in range(30):
        person = EntityFactory(kind="person", slug=f"person-{number}", wikidata_id=f"Q{100 + number}")
        AliasFactory(entity=person)
        StatementCitationFactory(
            statement=StatementFactory(subject=person, property=leader, value_entity=front, value_text=""),
            source=SourceFactory(),
        )

    with django_assert_max_num_queries(8):
        document = popolo(client)

    assert len(document["memberships"]) == 30
    assert Entity.objects.filter(kind="person").count() == len(document["persons"])
