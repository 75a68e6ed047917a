"""What changed, for readers: each public page's published revisions, and the site's recent changes.

Only what readers saw appears: a revision made while its item was published, of an item still public, with
the fields readers see, and the reviewer's note without anyone's name. Drafts, changes waiting for review,
editors' notes and review stamps never do.
"""

import datetime
import re

import pytest
from django.urls import reverse

from entities.models import Entity
from events.models import Event
from nrfsite.editorial import services
from nrfsite.editorial.models import PendingChange
from tests.editorial.test_history_readable import edit
from tests.editorial.test_inline_rights import change_form_data
from tests.factories import (
    EntityFactory,
    EventFactory,
    EventTypeFactory,
    ParticipationFactory,
    PlaceFactory,
    SectionFactory,
    SourceFactory,
    StatementFactory,
    member,
)

pytestmark = pytest.mark.django_db

REVIEWER = "rahima-reviews"


@pytest.fixture
def reviewer():
    return member("Reviewer", username=REVIEWER, first_name="Rahima", last_name="Noori")


def revise(obj, user, reason=None, **fields):
    """Save `obj` with `fields` as `user` would through the admin, with the reason typed in its box."""
    for name, value in fields.items():
        setattr(obj, name, value)
    obj._history_user = user
    if reason:
        obj._change_reason = reason
    obj.save()
    return obj


def page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def entries(html):
    """The listed changes, newest first, each as its HTML."""
    return re.findall(r'<li class="change".*?</li>', html, re.S)


def assert_nobody_named(html, *people):
    for user in people:
        for name in filter(None, (user.username, user.first_name, user.last_name)):
            assert name not in html, name


def test_an_entity_edited_twice_by_a_reviewer_lists_both_changes_newest_first_with_word_diffs_and_notes(client, reviewer):
    entity = EntityFactory(slug="nrf", name="National Resistance Front", description="An armed group.")
    client.force_login(reviewer)
    edit(client, entity, description="An armed opposition group.", change_reason="BBC, 3 March 2025, confirms it")
    edit(
        client, Entity.objects.get(pk=entity.pk), name="National Resistance Front of Afghanistan", change_reason="Its own site"
    )
    client.logout()

    html = page(client, reverse("entities:changes", args=["nrf"]))

    newest, older, first = entries(html)
    assert "<dt>Name</dt>" in newest and "National Resistance Front <ins>of Afghanistan</ins>" in newest
    assert "Reviewer’s note: Its own site" in newest
    assert "<dt>Description</dt>" in older and "An armed <ins>opposition</ins> group." in older
    assert "Reviewer’s note: BBC, 3 March 2025, confirms it" in older
    assert "First published" in first
    assert_nobody_named(html, reviewer)


def test_the_changes_page_of_a_draft_entity_or_event_is_not_found(client):
    EntityFactory(slug="secret-draftperson", status="draft")
    EventFactory(slug="secret-event", status="draft")

    assert client.get(reverse("entities:changes", args=["secret-draftperson"])).status_code == 404
    assert client.get(reverse("events:changes", args=["secret-event"])).status_code == 404
    assert client.get(reverse("entities:changes", args=["no-such-entity"])).status_code == 404


def test_revisions_made_while_the_item_was_a_draft_are_not_listed_once_it_is_published(client, reviewer):
    entity = EntityFactory(slug="nrf", status="draft", description="Draft words one.")
    revise(entity, reviewer, "draft note one", description="Draft words two.")
    revise(entity, reviewer, "draft note two", description="Published words.")
    client.force_login(reviewer)
    client.post(reverse("admin:entities_entity_workflow", args=[entity.pk, "publish"]))
    revise(Entity.objects.get(pk=entity.pk), reviewer, "a public note", description="Published words, revised.")
    client.logout()

    html = page(client, reverse("entities:changes", args=["nrf"]))
    recent = page(client, reverse("changes"))

    changed, published = entries(html)
    assert "Published <del>words.</del> <ins>words, revised.</ins>" in changed and "a public note" in changed
    assert "First published" in published
    for text in (html, recent):
        assert "Draft words" not in text and "draft note" not in text
        assert_nobody_named(text, reviewer)


def test_a_section_edited_while_its_entity_was_a_draft_is_listed_only_from_the_entitys_publication(client, reviewer):
    entity = EntityFactory(slug="nrf", status="draft")
    section = SectionFactory(entity=entity, title="Status", body="Hidden words.")
    revise(section, reviewer, "while the page was hidden", body="Words readers first saw.")
    services.publishable_publish(obj=entity, user=reviewer)
    revise(section, reviewer, "after publication", body="Words readers saw next.")

    html = page(client, reverse("entities:changes", args=["nrf"]))

    changed, entity_published = entries(html)  # the section's publication was hidden with its entity
    assert "Words readers <del>first saw.</del> <ins>saw next.</ins>" in changed
    assert "after publication" in changed and "First published" in entity_published
    assert "Hidden words" not in html and "while the page was hidden" not in html


def test_a_statement_change_is_listed_on_its_subjects_page_by_its_property(client, reviewer):
    entity = EntityFactory(slug="nrf", name="National Resistance Front")
    statement = StatementFactory(subject=entity, property__label="Ideology", value_text="Democratization")
    revise(statement, reviewer, "per its charter", value_text="Democratization, federalism")

    html = page(client, reverse("entities:changes", args=["nrf"]))

    changed = entries(html)[0]
    assert "National Resistance Front: Ideology" in changed and "<dt>Value text</dt>" in changed
    assert "<del>Democratization</del> <ins>Democratization, federalism</ins>" in changed
    assert "per its charter" in changed


def test_an_editors_held_change_is_listed_only_once_a_reviewer_publishes_it(client, reviewer):
    section = SectionFactory(entity=EntityFactory(slug="nrf"), title="Status", position=1, body="Old text.")
    editor = member("Editor", username="ed-the-editor", first_name="Edris")
    client.force_login(editor)
    url = reverse("admin:entities_section_change", args=[section.pk])
    data = change_form_data(client.get(url))
    client.post(url, {**data, "body": "New text from the editor.", "change_reason": "newer report"})
    assert PendingChange.objects.get().state == "pending"
    client.logout()

    held = page(client, reverse("entities:changes", args=["nrf"])) + page(client, reverse("changes"))

    client.force_login(reviewer)
    client.post(reverse("admin:entities_section_workflow", args=[section.pk, "publish"]))
    client.logout()
    published = page(client, reverse("entities:changes", args=["nrf"]))

    assert "New text from the editor." not in held and "newer report" not in held
    changed = entries(published)[0]
    assert "<del>Old text.</del> <ins>New text from the editor.</ins>" in changed
    assert "Reviewer’s note: newer report" in changed
    assert_nobody_named(published, reviewer, editor)


def test_reasons_the_workflow_writes_name_no_one_and_a_review_stamp_alone_lists_nothing(client, reviewer):
    section = SectionFactory(entity=EntityFactory(slug="nrf"), title="Status", body="Text.")
    services.reviewable_mark_reviewed(obj=section, user=reviewer, note="checked against the BBC")
    services.reviewable_flag(obj=section, user=reviewer, reason="Overtaken by the 2024 talks")
    revise(section, reviewer, f"Confirmed by {REVIEWER} and Rahima Noori", body="Text, confirmed.")

    html = page(client, reverse("entities:changes", args=["nrf"]))

    confirmed, flagged, section_published, _entity_published = entries(html)
    assert "Confirmed by an editor and an editor" in confirmed
    assert "<dt>Needs update</dt>" in flagged and "Reviewer’s note: Overtaken by the 2024 talks" in flagged
    assert "First published" in section_published  # the review stamp changed no field readers see: not listed
    assert "checked against the BBC" not in html and "Flagged by" not in html and "Marked reviewed" not in html
    assert_nobody_named(html, reviewer)


def test_what_only_editors_see_stays_out_of_a_change(client, reviewer):
    draft_place = PlaceFactory(slug="hidden-valley", name="Hidden Valley", status="draft")
    SourceFactory(key="draft-source-key", status="draft")
    SourceFactory(key="bbc-2021")
    event = EventFactory(slug="clash", summary="Fighting [@bbc-2021].", note="")
    revise(event, reviewer, note="Editors only: year inferred.")
    revise(event, reviewer, summary="Fighting near the valley [@bbc-2021; @draft-source-key].", location=draft_place)
    Event.objects.filter(pk=event.pk).update(location=None)  # so the event itself stays public

    html = page(client, reverse("events:changes", args=["clash"]))

    changed, published = entries(html)  # the note-only revision shows nothing
    assert "Fighting <ins>near the valley</ins> [@bbc-2021]." in changed
    assert "<dt>Location</dt>" in changed and "(not public)" in changed
    assert "First published" in published
    for secret in ("Hidden Valley", "hidden-valley", "draft-source-key", "Editors only"):
        assert secret not in html


def test_a_translated_field_counts_as_a_change_and_is_marked_with_its_language(client, reviewer):
    entity = EntityFactory(slug="nrf", name="National Resistance Front")
    revise(entity, reviewer, name_prs="جبهه مقاومت ملی")

    html = page(client, reverse("entities:changes", args=["nrf"]))

    changed = entries(html)[0]
    assert "<dt>Name (Dari)</dt>" in changed and '<dd class="diff" lang="prs" dir="rtl"><ins>جبهه مقاومت ملی</ins>' in changed


def test_a_deleted_or_unpublished_item_leaves_the_changes(client, reviewer):
    entity = EntityFactory(slug="nrf")
    section = SectionFactory(entity=entity, title="Gone soon", body="Text.")
    revise(section, reviewer, "section note", body="Text, edited.")
    event = EventFactory(slug="clash", title="A clash")
    revise(event, reviewer, "event note", title="A bigger clash")
    section.delete()
    services.publishable_unpublish(obj=event, user=reviewer)

    html = page(client, reverse("changes"))

    assert "section note" not in html and "Gone soon" not in html
    assert "event note" not in html and "A bigger clash" not in html
    assert client.get(reverse("events:changes", args=["clash"])).status_code == 404


@pytest.fixture
def world(reviewer):
    """Four items in two provinces, of two event types, each changed once with a note naming it."""
    panjshir = PlaceFactory(slug="panjshir", name="Panjshir", iso_code="AF-PAN")
    kabul = PlaceFactory(slug="kabul", name="Kabul", iso_code="AF-KAB")
    nrf = EntityFactory(slug="nrf", name="National Resistance Front")
    clash_type = EventTypeFactory(slug="armed-clash-test")
    clash = EventFactory(slug="clash", event_type=clash_type, location=panjshir)
    ParticipationFactory(event=clash, entity=nrf)
    talk = EventFactory(slug="talk", location=kabul)
    revise(nrf, reviewer, "note-nrf", description="Armed group.")
    revise(panjshir, reviewer, "note-panjshir", description="A province.")
    revise(clash, reviewer, "note-clash", title="A clash in the valley")
    revise(talk, reviewer, "note-talk", title="Talks in Kabul")
    return clash_type


@pytest.mark.parametrize(
    ("filters", "listed"),
    [
        ({}, {"note-nrf", "note-panjshir", "note-clash", "note-talk"}),
        ({"entity": "nrf"}, {"note-nrf", "note-clash"}),
        ({"event_type": "armed-clash-test"}, {"note-clash"}),
        ({"province": "panjshir"}, {"note-panjshir", "note-clash"}),
        ({"province": "kabul", "entity": "nrf"}, set()),
        ({"since": "2021-08"}, {"note-nrf", "note-panjshir", "note-clash", "note-talk"}),
        ({"since": (datetime.date.today() + datetime.timedelta(days=2)).isoformat()}, set()),
    ],
)
def test_recent_changes_filter_by_entity_event_type_province_and_date(client, world, filters, listed):
    html = page(client, reverse("changes"), **filters)

    assert {note for note in ("note-nrf", "note-panjshir", "note-clash", "note-talk") if note in html} == listed


def test_the_recent_changes_feed_takes_the_same_filters(client, world):
    feed = client.get(reverse("changes-feed"), {"province": "panjshir"}, HTTP_ACCEPT="application/atom+xml")
    xml = feed.content.decode()

    assert feed.status_code == 200 and feed["Content-Type"].startswith("application/atom+xml")
    assert "note-clash" in xml and "note-panjshir" in xml and "note-talk" not in xml
    assert REVIEWER not in xml


HOSTILE = "<script>alert(1)</script>"


@pytest.mark.parametrize(
    "params",
    [
        {"since": "not a date"},
        {"since": HOSTILE},
        {"since": "9" * 5000},
        {"entity": "no-such-entity"},
        {"entity": HOSTILE},
        {"entity": "x" * 100_000},
        {"event_type": HOSTILE},
        {"province": "nowhere"},
        {"province": "nrf"},  # public, but not a province
        {"before": "yesterday"},
        {"before": HOSTILE},
        {"before": "1" * 30 + "-entity-1"},
    ],
)
def test_a_filter_that_is_not_one_is_a_clear_400_never_a_500(client, world, params):
    response = client.get(reverse("changes"), params)
    html = response.content.decode()

    assert response.status_code == 400
    assert "<script>alert" not in html
    assert 'role="alert"' in html or "errorlist" in html
    assert not entries(html)


def test_a_draft_entitys_slug_filters_as_an_unknown_one(client, world):
    EntityFactory(slug="secret-draftperson", status="draft")

    unknown = client.get(reverse("changes"), {"entity": "no-such-entity"})
    draft = client.get(reverse("changes"), {"entity": "secret-draftperson"})

    assert draft.status_code == unknown.status_code == 400
    assert draft.content.decode().replace("secret-draftperson", "no-such-entity") == unknown.content.decode()


def test_an_invalid_filter_gives_an_empty_feed(client, world):
    feed = client.get(reverse("changes-feed"), {"since": HOSTILE}, HTTP_ACCEPT="application/atom+xml")

    assert feed.status_code == 200 and "<entry>" not in feed.content.decode()


def test_entity_and_event_pages_link_to_their_changes(client):
    EntityFactory(slug="nrf")
    EventFactory(slug="clash")

    assert reverse("entities:changes", args=["nrf"]) in page(client, reverse("entities:detail", args=["nrf"]))
    assert reverse("events:changes", args=["clash"]) in page(client, reverse("events:detail", args=["clash"]))


def test_older_changes_are_one_link_away(client, reviewer):
    entity = EntityFactory(slug="nrf", description="Version 0")
    for number in range(1, 56):
        revise(entity, reviewer, f"edit {number}.", description=f"Version {number}")

    first = page(client, reverse("entities:changes", args=["nrf"]))
    older = re.search(r'<a rel="next" href="\?before=([^"]+)"', first)
    second = page(client, reverse("entities:changes", args=["nrf"]), before=older[1])

    assert len(entries(first)) == 50 and "edit 55." in entries(first)[0] and "edit 6." in entries(first)[-1]
    assert len(entries(second)) == 6 and "edit 5." in entries(second)[0] and "First published" in entries(second)[-1]
    assert 'rel="next"' not in second


def test_review_stamps_above_a_change_do_not_hide_it_from_the_first_page(client, reviewer, django_assert_max_num_queries):
    section = SectionFactory(entity=EntityFactory(slug="nrf"), title="Status", body="Old text.")
    revise(section, reviewer, "the one that matters", body="New text.")
    for _ in range(70):  # each stamp changes only bookkeeping: more than a page of them
        services.reviewable_mark_reviewed(obj=section, user=reviewer)

    with django_assert_max_num_queries(18):  # three batches of candidates at most
        html = page(client, reverse("entities:changes", args=["nrf"]))

    listed = [("the one that matters" in e, "First published" in e) for e in entries(html)]
    assert listed == [(True, False), (False, True), (False, True)]  # the change, the section's and the entity's publication


def edited(reviewer, times):
    """An entity, its section and statement, and an event it took part in, each edited `times` times."""
    entity = EntityFactory(slug="nrf")
    section = SectionFactory(entity=entity, title="Status", body="Text 0.")
    statement = StatementFactory(subject=entity, value_text="Value 0")
    event = EventFactory(slug="clash", location=PlaceFactory(slug="panjshir", iso_code="AF-PAN"))
    ParticipationFactory(event=event, entity=entity)
    for number in range(1, times + 1):
        revise(entity, reviewer, f"note {number}", description=f"Description {number}.")
        revise(section, reviewer, f"note {number}", body=f"Text {number}.")
        revise(event, reviewer, f"note {number}", summary=f"Summary {number}.")
        revise(statement, reviewer, f"note {number}", value_text=f"Value {number}")


@pytest.mark.parametrize("times", [1, 30])
@pytest.mark.parametrize(
    "url",
    ["/entities/nrf/changes/", "/events/clash/changes/", "/changes/", "/changes/?entity=nrf&province=panjshir&since=2021"],
)
def test_a_changes_page_takes_a_bounded_number_of_queries(client, reviewer, django_assert_max_num_queries, times, url):
    edited(reviewer, times)

    with django_assert_max_num_queries(18):  # measured: 7 (an event's) to 18 (the site's), for 1 and for 30
        html = page(client, url)

    assert len(entries(html)) >= times


def test_pages_come_from_the_public_page_cache_until_a_change_is_published(client, reviewer):
    entity = EntityFactory(slug="nrf", description="Before.")
    url = reverse("entities:changes", args=["nrf"])

    client.get(url)
    cached = client.get(url)
    revise(entity, reviewer, "fresh note", description="After.")
    fresh = client.get(url)

    assert cached["X-Page-Cache"] == "hit"
    assert fresh["X-Page-Cache"] == "miss" and "fresh note" in fresh.content.decode()


@pytest.mark.parametrize("language", ["prs", "ps"])
def test_the_changes_pages_render_in_dari_and_pashto(client, reviewer, language):
    entity = EntityFactory(slug="nrf", description="Before.")
    revise(entity, reviewer, "a note", description="After.")
    EventFactory(slug="clash")

    pages = [page(client, f"/{language}{path}") for path in ("/changes/", "/entities/nrf/changes/", "/events/clash/changes/")]

    for html in pages:
        assert f'<html lang="{language}" dir="rtl">' in html
    assert '<dd class="diff" lang="en" dir="ltr"><del>Before.</del> <ins>After.</ins></dd>' in pages[1]
    assert '<span lang="en" dir="ltr">a note</span>' in pages[1]
