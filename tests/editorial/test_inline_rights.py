"""Inlines obey the rules of their own forms, and the vocabulary is a reviewer's to change."""

import pytest
from django.urls import reverse

from entities.models import Property, Section, Statement
from nrfsite.editorial.models import PendingChange
from tests.factories import EntityFactory, SectionFactory, StatementFactory, member

pytestmark = pytest.mark.django_db


def values(form):
    """A form's fields as a browser would post them unchanged."""
    data = {}
    for name in form.fields:
        bound = form[name]
        value = bound.value()
        if isinstance(value, bool):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(v) for v in value]
        elif value is not None:
            data[bound.html_name] = str(value)
    return data


def change_form_data(response):
    """Everything the admin change form would post, its inlines included."""
    data = values(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(values(formset.management_form))
        for form in formset.forms:
            data.update(values(form))
    return data


@pytest.fixture
def nrf():
    entity = EntityFactory(slug="nrf", name="NRF")
    SectionFactory(entity=entity, title="Status", position=1, body="Old text.")
    StatementFactory(subject=entity, property=Property.objects.get(slug="ideology"), value_text="Draft idea", status="draft")
    return entity


def entity_form(client, entity):
    return client.get(reverse("admin:entities_entity_change", args=[entity.pk]))


def test_an_editor_sees_the_status_of_inline_statements_and_sections_but_cannot_set_it(client, nrf):
    client.force_login(member("Editor"))
    editor_page = entity_form(client, nrf).content.decode()
    client.force_login(member("Reviewer"))
    reviewer_page = entity_form(client, nrf).content.decode()

    assert 'name="statements-0-status"' not in editor_page and 'name="sections-0-status"' not in editor_page
    assert 'name="statements-0-status"' in reviewer_page and 'name="sections-0-status"' in reviewer_page


def test_an_editor_cannot_publish_a_draft_statement_through_the_inline(client, nrf):
    client.force_login(member("Editor"))
    data = change_form_data(entity_form(client, nrf))
    data["statements-0-status"] = "published"

    client.post(reverse("admin:entities_entity_change", args=[nrf.pk]), data)

    assert Statement.objects.get(subject=nrf).status == "draft"
    client.logout()
    assert "Draft idea" not in client.get("/entities/nrf/").content.decode()


def test_an_editors_inline_change_to_a_published_section_waits_for_review(client, nrf):
    client.force_login(member("Editor"))
    data = change_form_data(entity_form(client, nrf))
    data["sections-0-body"] = "New text."

    response = client.post(reverse("admin:entities_entity_change", args=[nrf.pk]), data, follow=True)

    assert "waits for a reviewer" in response.content.decode()
    section = Section.objects.get(entity=nrf)
    assert (section.body, section.status) == ("Old text.", "published")
    assert PendingChange.objects.waiting().of(section).get().rows["sections.csv"][0]["body"] == "New text."
    client.logout()
    public = client.get("/entities/nrf/").content.decode()
    assert "Old text." in public and "New text." not in public


def test_a_reviewers_inline_change_is_public_at_once(client, nrf):
    client.force_login(member("Reviewer"))
    data = change_form_data(entity_form(client, nrf))
    data["sections-0-body"] = "New text."

    client.post(reverse("admin:entities_entity_change", args=[nrf.pk]), data)

    client.logout()
    assert "New text." in client.get("/entities/nrf/").content.decode()


@pytest.mark.parametrize(("role", "may_change"), [("Editor", False), ("Reviewer", True)])
def test_only_a_reviewer_changes_the_vocabulary(client, role, may_change):
    leader = Property.objects.get(slug="leader")
    client.force_login(member(role))
    url = reverse("admin:entities_property_change", args=[leader.pk])
    page = client.get(url)
    data = values(page.context["adminform"].form) | {"label": "Boss", "review_every": "30"}

    response = client.post(url, data)

    assert page.status_code == 200  # an editor still reads it
    assert ('name="label"' in page.content.decode()) is may_change
    assert (response.status_code == 403) is not may_change
    assert (Property.objects.get(pk=leader.pk).label == "Boss") is may_change
    assert (Property.objects.get(pk=leader.pk).review_every == 30) is may_change  # how fast its facts age


def test_a_stale_entity_form_does_not_overwrite_a_section_changed_since_through_its_inline(client, nrf):
    client.force_login(member("Reviewer"))
    data = change_form_data(entity_form(client, nrf))  # opened now: the section is at this version
    section = Section.objects.get(entity=nrf)
    section.body = "Someone else's text."
    section.save()  # meanwhile
    data["sections-0-body"] = "My inline text."

    response = client.post(reverse("admin:entities_entity_change", args=[nrf.pk]), data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "since you opened it" in page and "My inline text." in page  # refused, and the typed text kept
    assert 'name="_keep_theirs"' in page
    assert Section.objects.get(pk=section.pk).body == "Someone else's text."


def test_a_stale_forms_untouched_inline_row_is_not_written_back_over_the_newer_text(client, nrf):
    client.force_login(member("Reviewer"))
    data = change_form_data(entity_form(client, nrf))  # its section row still holds "Old text."
    section = Section.objects.get(entity=nrf)
    section.body = "Someone else's text."
    section.save()
    data["name"] = "NRF (renamed)"

    response = client.post(reverse("admin:entities_entity_change", args=[nrf.pk]), data)

    assert response.status_code == 200 and "since you opened it" in response.content.decode()
    assert Section.objects.get(pk=section.pk).body == "Someone else's text."


def test_an_entity_form_opened_on_the_current_versions_saves(client, nrf):
    client.force_login(member("Reviewer"))
    data = change_form_data(entity_form(client, nrf))
    data["name"] = "NRF (renamed)"

    response = client.post(reverse("admin:entities_entity_change", args=[nrf.pk]), data)

    assert response.status_code == 302
    assert Section.objects.get(entity=nrf).body == "Old text."
