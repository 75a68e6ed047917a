"""Wikidata QuickStatements: public statements of entities with a Wikidata id, sourced, at their precision.

Every line the export writes must parse under QuickStatements version 1's grammar (`parse` below is
strict); every public statement it cannot say is listed with its reason, never dropped in silence.
"""

import datetime
import io
import re

import pytest
from django.core.management import call_command

from entities.models import Entity, Property
from tests.factories import (
    EntityFactory,
    PropertyFactory,
    SourceFactory,
    StatementCitationFactory,
    StatementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ITEM = re.compile(r"Q[1-9][0-9]*")
PROPERTY = re.compile(r"P[1-9][0-9]*")
STRING = re.compile(r'"[^"\t\n\r]*"')
QUANTITY = re.compile(r"-?[0-9]+(\.[0-9]+)?(~[0-9]+(\.[0-9]+)?)?")
TIME = re.compile(r"\+(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})T00:00:00Z/(?P<precision>9|10|11)")


def value_ok(text):
    time = TIME.fullmatch(text)
    if time:
        month, day, precision = int(time["month"]), int(time["day"]), time["precision"]
        # A coarser precision zeroes what it does not know; a finer one knows it.
        return {"9": month == day == 0, "10": 1 <= month <= 12 and day == 0, "11": 1 <= month <= 12 and 1 <= day <= 31}[
            precision
        ]
    return any(pattern.fullmatch(text) for pattern in (ITEM, STRING, QUANTITY))


def parse(line):
    """One QuickStatements v1 line → (item, property, value, qualifiers, references); AssertionError if malformed."""
    assert line == line.strip("\n") and "\n" not in line
    fields = line.split("\t")
    assert len(fields) >= 3 and len(fields) % 2 == 1, f"odd field count: {fields}"
    item, prop, value, *rest = fields
    assert ITEM.fullmatch(item), item
    assert PROPERTY.fullmatch(prop), prop
    assert value_ok(value), value
    qualifiers, references = [], []
    for key, part in zip(rest[::2], rest[1::2], strict=True):
        assert value_ok(part), f"{key}: {part}"
        if key.startswith(("S", "!S")):
            assert re.fullmatch(r"!?S[1-9][0-9]*", key), key
            if key.startswith("!") or not references:
                assert key.startswith("!") == bool(references), "a second reference starts with !S, the first not"
                references.append([])
            references[-1].append((key.lstrip("!"), part))
        else:
            assert not references, "a qualifier after the references"
            assert PROPERTY.fullmatch(key), key
            qualifiers.append((key, part))
    return item, prop, value, qualifiers, references


@pytest.fixture
def world():
    nrf = EntityFactory(slug="nrf", name="National Resistance Front", wikidata_id="Q107472524")
    massoud = EntityFactory(slug="ahmad-massoud", name="Ahmad Massoud", kind="person", wikidata_id="Q4694994")
    leader = Property.objects.get(slug="leader")  # P488, from the shipped vocabulary
    wapo = SourceFactory(
        key="wapo",
        url="https://www.washingtonpost.com/opinions/2021/08/18/massoud/",
        published_on_partial="2021-08-18",
        accessed_on=datetime.date(2021, 9, 1),
        wikidata_id="Q166032",
    )
    bbc = SourceFactory(key="bbc", url="https://www.bbc.com/news/world-asia-58390000")
    unidentified = SourceFactory(key="wp-ref-9", title="", publisher="")
    statement = StatementFactory(
        subject=nrf, property=leader, value_entity=massoud, value_text="", start_partial="2021-08", end_partial="c. 2023"
    )
    for source in (wapo, bbc, unidentified):
        StatementCitationFactory(statement=statement, source=source)
    return nrf


def export(client, url="/data/quickstatements.txt"):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert text == "" or text.endswith("\n")
    return [parse(line) for line in text.splitlines()]


def left_out(client):
    return client.get("/data/wikidata/").content.decode()


def test_a_statement_goes_out_with_its_dates_at_precision_and_every_reference(client, world):
    [(item, prop, value, qualifiers, references)] = export(client)

    assert (item, prop, value) == ("Q107472524", "P488", "Q4694994")
    assert qualifiers == [
        ("P580", "+2021-08-00T00:00:00Z/10"),
        ("P582", "+2023-00-00T00:00:00Z/9"),
        ("P1480", "Q5727902"),  # the end is "c. 2023": sourcing circumstances, circa
    ]
    assert references == [
        [
            ("S854", '"https://www.washingtonpost.com/opinions/2021/08/18/massoud/"'),
            ("S248", "Q166032"),
            ("S577", "+2021-08-18T00:00:00Z/11"),
            ("S813", "+2021-09-01T00:00:00Z/11"),
        ],
        [("S854", '"https://www.bbc.com/news/world-asia-58390000"')],
    ]  # the reference without URL or item is not one Wikidata could follow


def test_quantities_text_and_day_precision(client, world):
    size = Property.objects.get(slug="size")
    motto = PropertyFactory(slug="motto", label="Motto", value_type="text", wikidata_property="P1451")
    source = SourceFactory(url="https://example.org/report")
    for statement in (
        StatementFactory(
            subject=world, property=size, value_text="", quantity_low=4000, quantity_best=5000, quantity_high=6000
        ),
        StatementFactory(subject=world, property=motto, value_text="Freedom", start_partial="2021-08-17"),
    ):
        StatementCitationFactory(statement=statement, source=source)

    lines = {prop: (value, qualifiers) for _, prop, value, qualifiers, _ in export(client)}

    assert lines["P2124"] == ("5000~1000", [])
    assert lines["P1451"] == ('"Freedom"', [("P580", "+2021-08-17T00:00:00Z/11")])


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"property": "ideology", "value_text": "Anti-Taliban"}, '"Ideology" has no Wikidata property'),
        ({"value_entity": "unmapped", "value_text": ""}, 'The value "Unmapped Ally" has no Wikidata id.'),
        ({"certainty": "claimed", "claimed_by": "ahmad-massoud"}, "It is Ahmad Massoud's claim"),
        ({"certainty": "alleged"}, "It is alleged"),
        ({"rank": "deprecated", "rank_reason": "an older count"}, "It is deprecated"),
        ({"stance": "denies"}, "No public citation supports it"),
        ({"source": {"url": ""}}, "None of its sources has a URL or a Wikidata item"),
        ({"quantity": (4000, 5000, 9000)}, "is not symmetric around 5000"),
        ({"quantity": (None, None, 9000)}, "no best figure"),
        ({"value_text": 'The "free" front'}, "a double quote"),
        ({"source": {"status": "draft"}}, "No public citation supports it"),  # a draft source is no reference
    ],
)
def test_what_cannot_be_said_is_listed_with_its_reason(client, world, fields, reason):
    EntityFactory(slug="unmapped", name="Unmapped Ally")
    prop_slug = fields.pop("property", None)
    quantity = fields.pop("quantity", None)
    stance = fields.pop("stance", "reports")
    source_fields = {"url": "https://example.org/x", **fields.pop("source", {})}
    if "value_entity" in fields:
        fields["value_entity"] = Entity.objects.get(slug=fields["value_entity"])
        prop = Property.objects.get(slug="ally")
        prop.wikidata_property = "P1327"
        prop.save()
    elif quantity:
        prop = Property.objects.get(slug="size")
        fields.update(value_text="", quantity_low=quantity[0], quantity_best=quantity[1], quantity_high=quantity[2])
    else:
        prop = Property.objects.get(slug=prop_slug) if prop_slug else PropertyFactory(wikidata_property="P1451")
        fields.setdefault("value_text", "Some text")
    if "claimed_by" in fields:
        fields["claimed_by"] = Entity.objects.get(slug=fields["claimed_by"])
    statement = StatementFactory(subject=world, property=prop, **fields)
    StatementCitationFactory(statement=statement, source=SourceFactory(**source_fields), stance=stance)

    assert [p for _, p, *_ in export(client)] == ["P488"]  # only the leader, from the fixture
    page = left_out(client)
    assert reason.replace('"', "&quot;").replace("'", "&#x27;") in page
    assert "National Resistance Front" in page


def test_the_same_value_twice_would_merge_so_the_second_is_listed(client, world):
    leader = Property.objects.get(slug="leader")
    again = StatementFactory(
        subject=world,
        property=leader,
        value_entity=Entity.objects.get(slug="ahmad-massoud"),
        value_text="",
        start_partial="2025",
    )
    StatementCitationFactory(statement=again, source=SourceFactory(url="https://example.org/2025"))

    assert len(export(client)) == 1
    assert "QuickStatements would merge it into the statement of the same value (nrf.leader.ahmad-massoud)" in left_out(client)


def test_drafts_and_entities_without_an_item_are_not_exported(client, world):
    draft = EntityFactory(slug="draft-front", name="Draft Front", wikidata_id="Q777", status="draft")
    without = EntityFactory(slug="no-item", name="No Item Front")
    for subject in (draft, without):
        StatementCitationFactory(
            statement=StatementFactory(subject=subject, property=PropertyFactory(wikidata_property="P1451")),
            source=SourceFactory(url="https://example.org/y"),
        )
    StatementCitationFactory(
        statement=StatementFactory(subject=world, property=PropertyFactory(wikidata_property="P1451"), status="draft"),
        source=SourceFactory(url="https://example.org/z"),
    )

    assert [item for item, *_ in export(client)] == ["Q107472524"]
    page = left_out(client)
    assert "Draft Front" not in page and "Q777" not in page and "No Item Front" not in page
    assert client.get("/entities/draft-front/quickstatements.txt").status_code == 404
    assert client.get("/entities/no-item/quickstatements.txt").status_code == 404


def test_one_entitys_statements(client, world):
    other = EntityFactory(slug="taliban", name="Taliban", wikidata_id="Q42418")
    StatementCitationFactory(
        statement=StatementFactory(subject=other, property=PropertyFactory(wikidata_property="P1451")),
        source=SourceFactory(url="https://example.org/t"),
    )

    assert {item for item, *_ in export(client)} == {"Q107472524", "Q42418"}
    assert {item for item, *_ in export(client, "/entities/taliban/quickstatements.txt")} == {"Q42418"}


def test_the_export_reads_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    size = Property.objects.get(slug="size")
    for number in range(30):
        subject = EntityFactory(wikidata_id=f"Q{9000 + number}")
        StatementCitationFactory(
            statement=StatementFactory(subject=subject, property=size, value_text="", quantity_best=number + 1),
            source=SourceFactory(url=f"https://example.org/{number}"),
        )

    with django_assert_max_num_queries(8):
        assert len(export(client)) == 31


def test_the_seed_maps_its_vocabulary_and_says_why_each_statement_stays_home(client):
    call_command("load_seed", stdout=io.StringIO())
    Entity.objects.filter(slug="nrf").update(wikidata_id="Q107472524")
    Entity.objects.filter(slug="ahmad-massoud").update(wikidata_id="Q4694994")

    assert Property.objects.get(slug="leader").wikidata_property == "P488"
    page = left_out(client)
    # The seed's leader statement cites the Wikipedia article, which carries no URL in the seed text.
    assert "None of its sources has a URL or a Wikidata item" in page
    assert '"Ideology" has no Wikidata property' in page.replace("&quot;", '"')
    for _, prop, *_ in export(client):
        assert Property.objects.filter(wikidata_property=prop).exists()


def test_editors_map_a_property_in_the_admin_and_a_bad_id_is_refused(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    prop = Property.objects.get(slug="ally")
    url = f"/admin/entities/property/{prop.pk}/change/"
    form = {
        "slug": "ally",
        "label": "Allies",
        "inverse_label": "ally of",
        "value_type": "entity",
        "infobox_position": "100",
        "description": "Who fights on the same side.",
        "several_values": "on",
        "membership_role": "",
        "opened_version": prop.version,
    }

    refused = client.post(url, {**form, "wikidata_property": "Q5"})
    assert refused.status_code == 200
    assert "A Wikidata property id looks like" in refused.content.decode()
    assert 'value="Q5"' in refused.content.decode()  # what the editor typed stays

    assert client.post(url, {**form, "wikidata_property": "P1327"}).status_code == 302
    prop.refresh_from_db()
    assert prop.wikidata_property == "P1327"
