"""No save silently replaces another: every content model carries a version, and a form must carry it back."""

import pytest
from django.urls import reverse

from entities.models import Alias, Section
from tests.factories import AliasFactory, EntityFactory, SectionFactory, member

pytestmark = pytest.mark.django_db


def alias_form(alias, name, version):
    return {"entity": alias.entity_id, "name": name, "language": alias.language, "note": alias.note, "opened_version": version}


def test_a_second_editor_saving_an_alias_opened_before_the_first_save_is_refused(client):
    alias = AliasFactory(entity=EntityFactory(slug="nrf"), name="NRF", language="en")
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


def test_a_second_editor_cannot_replace_a_first_editors_change_that_waits_for_review(client):
    section = SectionFactory(entity=EntityFactory(slug="nrf"), title="Status", position=1, body="Old text.")
    url = reverse("admin:entities_section_change", args=[section.pk])
    alice, bob, rita = member("Editor"), member("Editor"), member("Reviewer")
    client.force_login(alice)
    client.post(url, section_data(section, "Alice's text."))
    client.force_login(bob)

    refused = client.post(url, section_data(section, "Bob's text."))
    client.force_login(alice)
    client.post(url, section_data(section, "Alice's second try."))
    after_alice = Section.objects.get(pk=section.pk).body
    client.force_login(rita)
    client.post(url, section_data(section, "Rita's text."))

    assert f"{alice.username}&#x27;s change to this item waits for a reviewer" in refused.content.decode()
    assert "Bob&#x27;s text." in refused.content.decode()
    assert after_alice == "Alice's second try."  # her own pending change she may go on editing
    assert Section.objects.get(pk=section.pk).body == "Rita's text."  # a reviewer decides
