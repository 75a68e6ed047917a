"""No save silently replaces another: every content model carries a version, and a form must carry it back."""

import re

import pytest
from django.urls import reverse

from entities.models import Alias, Section
from nrfsite.editorial.models import PendingChange
from tests.factories import AliasFactory, EntityFactory, SectionFactory, member

pytestmark = pytest.mark.django_db


def alias_form(alias, name, version):
    return {"entity": alias.entity_id, "name": name, "language": alias.language, "note": alias.note, "opened_version": version}


def test_a_second_editor_saving_an_alias_opened_before_the_first_save_is_refused(client):
    alias = AliasFactory(entity=EntityFactory(slug="nrf", status="draft"), name="NRF", language="en")
    url = reverse("admin:entities_alias_change", args=[alias.pk])
    version = Alias.objects.get(pk=alias.pk).version  # both editors open the form on this version
    client.force_login(member("Editor"))
    client.post(url, alias_form(alias, "N.R.F.", version))
    client.force_login(member("Editor"))

    response = client.post(url, alias_form(alias, "NRFA", version))

    assert response.status_code == 200
    assert "since you opened it" in response.content.decode()
    assert 'value="NRFA"' in response.content.decode()  # what they typed is kept
    assert Alias.objects.get(pk=alias.pk).name == "N.R.F."


def test_a_change_form_sent_without_its_version_is_refused_and_keeps_the_text(client):
    section = SectionFactory(entity=EntityFactory(slug="nrf"), title="Status", position=1, body="Old text.")
    client.force_login(member("Reviewer"))
    data = {
        "entity": section.entity_id,
        "title": "Status",
        "position": 1,
        "body": "New text.",
        "note": "",
        "as_of": "",
        "update_reason": "",
        "flagged_on": "",
        "review_every": 180,
        "status": "published",
        "citations-TOTAL_FORMS": "0",
        "citations-INITIAL_FORMS": "0",
    }

    response = client.post(reverse("admin:entities_section_change", args=[section.pk]), data)

    assert response.status_code == 200
    assert "sent without the version it was opened on" in response.content.decode()
    assert "New text." in response.content.decode()
    assert Section.objects.get(pk=section.pk).body == "Old text."


def section_data(section, body):
    section.refresh_from_db()
    return {
        "entity": section.entity_id,
        "title": section.title,
        "position": section.position,
        "body": body,
        "note": "",
        "as_of": "",
        "update_reason": "",
        "flagged_on": "",
        "review_every": 180,
        "status": section.status,
        "opened_version": section.version,
        "citations-TOTAL_FORMS": "0",
        "citations-INITIAL_FORMS": "0",
    }


def waiting_body(section):
    change = PendingChange.objects.waiting().of(section).first()
    return change.rows["sections.csv"][0]["body"] if change else None


def test_a_second_editor_cannot_replace_a_first_editors_change_that_waits_for_review(client):
    section = SectionFactory(entity=EntityFactory(slug="nrf"), title="Status", position=1, body="Old text.")
    url = reverse("admin:entities_section_change", args=[section.pk])
    alice, bob, rita = member("Editor"), member("Editor"), member("Reviewer")
    client.force_login(alice)
    client.post(url, section_data(section, "Alice's text."))
    client.force_login(bob)

    refused = client.post(url, section_data(section, "Bob's text."))
    client.force_login(alice)
    alices_form = client.get(url).content.decode()
    client.post(url, section_data(section, "Alice's second try."))
    after_alice = waiting_body(section)
    client.force_login(rita)
    rita_refused = client.post(url, section_data(section, "Rita's text."))

    assert f"{alice.username}'s change to this item waits for a reviewer" in refused.content.decode()
    assert "<ins>Alice&#x27;s</ins>" in refused.content.decode()  # their change, shown against the live text
    assert "Bob&#x27;s text." in refused.content.decode()  # what he typed, kept
    assert "Alice&#x27;s text." in alices_form  # her own waiting change is what her form opens on
    assert after_alice == "Alice's second try."  # she may go on editing it
    assert "waits for a reviewer" in rita_refused.content.decode()  # nobody replaces it silently, a reviewer neither
    assert Section.objects.get(pk=section.pk).body == "Old text."  # readers' text never moved


def test_keep_mine_replaces_the_waiting_change_and_keeps_it_on_record(client):
    section = SectionFactory(entity=EntityFactory(slug="nrf"), title="Status", position=1, body="Old text.")
    url = reverse("admin:entities_section_change", args=[section.pk])
    alice, bob = member("Editor"), member("Editor")
    client.force_login(alice)
    client.post(url, section_data(section, "Alice's text."))
    client.force_login(bob)
    refused = client.post(url, section_data(section, "Bob's text."))
    replacing = re.search(r'name="replacing_change" value="(\d+)"', refused.content.decode()).group(1)

    client.post(url, {**section_data(section, "Bob's text."), "replacing_change": replacing, "_keep_mine": "1"})

    assert waiting_body(section) == "Bob's text."
    superseded = PendingChange.objects.get(pk=replacing)
    assert (superseded.state, superseded.decided_by) == ("superseded", bob)
    assert superseded.rows["sections.csv"][0]["body"] == "Alice's text."


def test_keep_theirs_drops_my_edit_and_writes_nothing(client):
    section = SectionFactory(entity=EntityFactory(slug="nrf"), title="Status", position=1, body="Old text.")
    url = reverse("admin:entities_section_change", args=[section.pk])
    client.force_login(member("Editor"))
    client.post(url, section_data(section, "Alice's text."))
    client.force_login(member("Editor"))

    response = client.post(url, {**section_data(section, "Bob's text."), "_keep_theirs": "1"}, follow=True)

    assert "Your edit was dropped" in response.content.decode()
    assert waiting_body(section) == "Alice's text."


def test_an_editors_alias_change_on_a_published_entity_waits_with_the_entity(client):
    nrf = EntityFactory(slug="nrf", name="National Resistance Front")
    alias = AliasFactory(entity=nrf, name="NRF", language="en")
    client.force_login(member("Editor"))

    response = client.post(reverse("admin:entities_alias_change", args=[alias.pk]), alias_form(alias, "N.R.F.", alias.version))

    assert response.status_code == 302
    assert Alias.objects.get(pk=alias.pk).name == "NRF"
    change = PendingChange.objects.waiting().of(nrf).get()
    assert "en:N.R.F." in change.rows["entities.csv"][0]["aliases"]
    client.logout()
    assert "N.R.F." not in client.get("/entities/nrf/").content.decode()


def test_restoring_a_revision_from_the_history_page_takes_one_save_and_still_sees_a_later_edit(client):
    from tests.editorial.test_inline_rights import values

    section = SectionFactory(entity=EntityFactory(slug="nrf"), title="Status", position=1, body="Old text.")
    first = Section.history.filter(id=section.pk).latest("history_date")
    section.body = "New text."
    section.save()
    client.force_login(member("Reviewer"))
    url = reverse("admin:entities_section_simple_history", args=[section.pk, first.history_id])

    # The revision's form used to be opened on the revision's own (older) version: every restore was refused
    # as a conflict showing no difference, and took a second save.
    restored = client.post(url, values(client.get(url).context["adminform"].form))
    assert restored.status_code == 302
    assert Section.objects.get(pk=section.pk).body == "Old text."

    opened = values(client.get(url).context["adminform"].form)
    later = Section.objects.get(pk=section.pk)
    later.body = "Someone else's text."
    later.save()  # saved after the restore page was opened
    refused = client.post(url, opened)
    assert refused.status_code == 200 and "since you opened it" in refused.content.decode()
    assert Section.objects.get(pk=section.pk).body == "Someone else's text."
