"""Translations that keep up (issue 19, point 4): when the English of a section, a lead or an event summary
changes, its translations are marked behind (as MediaWiki's Translate marks a unit "outdated"), listed in the
needs-attention queue, and readers are told "this translation may be behind the English version of D".

A translation's record is the fingerprint of the English it was made from (`<column>_basis`); every way in
keeps it: the admin, an import, the queue's "still current" box. The English changed back makes it current.
"""

import datetime

import pytest
from django.urls import reverse

from entities.models import Section
from events.models import Event
from tests.csv_helpers import export, import_, rewrite_rows
from tests.editorial.test_inline_rights import change_form_data, values
from tests.factories import EntityFactory, EventFactory, SectionFactory, SourceFactory, member

pytestmark = pytest.mark.django_db

DARI_BEHIND = "این ترجمه شاید از نسخهٔ انگلیسی"
SECTION_QUEUE = reverse("admin:entities_section_changelist") + "?attention=behind-section"
EVENT_QUEUE = reverse("admin:events_event_changelist") + "?attention=behind-event"


@pytest.fixture
def section():
    SourceFactory(key="bbc-2021")
    entity = EntityFactory(slug="nrf", name="National Resistance Front")
    return SectionFactory(
        entity=entity, title="Status", title_prs="وضعیت", position=1, body="Active.[@bbc-2021]", body_prs="فعال است.[@bbc-2021]"
    )


def edit_section(client, section, **changes):
    url = reverse("admin:entities_section_change", args=[section.pk])
    data = change_form_data(client.get(url))
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return Section.objects.get(pk=section.pk)


def dari_page(client):
    return client.get("/prs/entities/nrf/").content.decode()


def test_a_new_translation_is_current(client, section):
    assert DARI_BEHIND not in dari_page(client)
    client.force_login(member("Reviewer"))
    assert ">وضعیت<" not in client.get(SECTION_QUEUE).content.decode()


def test_an_english_change_puts_the_translation_behind_and_says_since_when(client, section):
    client.force_login(member("Reviewer"))
    edited = edit_section(client, section, body="Active in the north.[@bbc-2021]")
    today = datetime.date.today()

    page = dari_page(client)
    queue = client.get(SECTION_QUEUE).content.decode()

    assert edited.english_changed_on == today
    assert DARI_BEHIND in page and "فعال است." in page  # still the Dari text, with the warning
    assert "Dari behind the English of" in queue and "National Resistance Front: Status" in queue
    assert "Pashto" not in queue.split("Dari behind")[1][:40]  # nothing in Pashto: nothing behind


def test_editing_the_translation_makes_it_current(client, section):
    client.force_login(member("Reviewer"))
    edit_section(client, section, body="Active in the north.[@bbc-2021]")

    edit_section(client, section, body_prs="در شمال فعال است.[@bbc-2021]")

    assert DARI_BEHIND not in dari_page(client)
    assert "Dari behind" not in client.get(SECTION_QUEUE).content.decode()


def test_the_still_current_box_marks_the_translations_current_without_editing_them(client, section):
    client.force_login(member("Reviewer"))
    edit_section(client, section, body="Active.  [@bbc-2021]  ", title="Status now")
    assert "Dari behind" in client.get(SECTION_QUEUE).content.decode()

    edit_section(client, section, translations_current="on")

    assert "Dari behind" not in client.get(SECTION_QUEUE).content.decode()
    assert DARI_BEHIND not in dari_page(client)
    assert Section.objects.get(pk=section.pk).body_prs == "فعال است.[@bbc-2021]"


def test_the_english_changed_back_makes_the_translation_current_again(client, section):
    client.force_login(member("Reviewer"))
    edit_section(client, section, body="Changed.[@bbc-2021]")
    assert DARI_BEHIND in dari_page(client)

    edit_section(client, section, body="Active.[@bbc-2021]")

    assert DARI_BEHIND not in dari_page(client)


def test_a_changed_title_puts_the_section_behind_too(client, section):
    client.force_login(member("Reviewer"))
    edit_section(client, section, title="Current status")

    assert DARI_BEHIND in dari_page(client)


def import_out(directory):
    ok, out, err = import_(directory)
    assert ok, err
    return out


def test_an_import_that_changes_the_english_puts_the_translation_behind(tmp_path, client):
    EventFactory(slug="clash", title="Clash", summary="Fighting.", summary_ps="جګړه.")
    export(tmp_path)
    rewrite_rows(tmp_path / "events.csv", lambda row: row.update(summary="Heavy fighting."))

    assert "events.csv: 0 new, 1 updated" in import_out(tmp_path)

    event = Event.objects.get(slug="clash")
    client.force_login(member("Reviewer"))
    queue = client.get(EVENT_QUEUE).content.decode()
    assert "Pashto behind the English of" in queue
    assert "دا ژباړه ښايي" in client.get("/ps/events/clash/").content.decode()
    assert event.english_changed_on == datetime.date.today()


def test_an_import_of_a_new_translation_makes_it_current(tmp_path, client):
    EventFactory(slug="clash", title="Clash", summary="Fighting.")
    export(tmp_path)
    rewrite_rows(tmp_path / "events.csv", lambda row: row.update(summary_prs="درگیری."))

    import_out(tmp_path)

    client.force_login(member("Reviewer"))
    assert "Dari behind" not in client.get(EVENT_QUEUE).content.decode()
    assert "درگیری." in client.get("/prs/events/clash/").content.decode()


def test_the_bundle_keeps_the_behind_state_exactly(tmp_path, client, section):
    client.force_login(member("Reviewer"))
    edit_section(client, section, body="Changed.[@bbc-2021]")
    Section.objects.filter(pk=section.pk).update(english_changed_on=datetime.date(2025, 3, 3))
    export(tmp_path / "first")

    Section.objects.all().delete()
    import_out(tmp_path / "first")
    export(tmp_path / "second")

    for name in ("sections.csv", "events.csv"):
        assert (tmp_path / "first" / name).read_bytes() == (tmp_path / "second" / name).read_bytes()
    restored = Section.objects.get(title="Status")
    assert restored.english_changed_on == datetime.date(2025, 3, 3)
    assert DARI_BEHIND in dari_page(client)
    assert "Dari behind the English of 3 March 2025" in client.get(SECTION_QUEUE).content.decode()


# Every way in keeps the record: an editor's change published by a reviewer, the entity form's inline, a
# restored revision, an undeleted section.


def test_an_editors_change_puts_the_translation_behind_when_it_is_published_not_before(client, section):
    client.force_login(member("Editor"))
    edit_section(client, section, body="Active in the north.[@bbc-2021]")
    assert DARI_BEHIND not in dari_page(client)  # the change waits for review: readers see the old English

    client.force_login(member("Reviewer"))
    client.post(reverse("admin:entities_section_workflow", args=[section.pk, "publish"]))

    assert DARI_BEHIND in dari_page(client)
    assert "Dari behind the English of" in client.get(SECTION_QUEUE).content.decode()


def test_an_english_edit_through_the_entity_forms_inline_puts_the_translation_behind(client, section):
    client.force_login(member("Reviewer"))
    url = reverse("admin:entities_entity_change", args=[section.entity_id])
    data = change_form_data(client.get(url))
    data["sections-0-body"] = "Active in the north.[@bbc-2021]"

    assert client.post(url, data).status_code == 302
    assert Section.objects.get(pk=section.pk).body == "Active in the north.[@bbc-2021]"
    assert DARI_BEHIND in dari_page(client)


def test_restoring_the_revision_of_before_the_change_makes_the_translation_current(client, section):
    client.force_login(member("Reviewer"))
    before = Section.history.filter(id=section.pk).latest("history_date")
    edit_section(client, section, body="Changed.[@bbc-2021]")
    assert DARI_BEHIND in dari_page(client)

    url = reverse("admin:entities_section_simple_history", args=[section.pk, before.history_id])
    form = client.get(url).context["adminform"].form  # the revision's form, as the page shows it
    assert client.post(url, values(form)).status_code == 302

    restored = Section.objects.get(pk=section.pk)
    assert restored.body == "Active.[@bbc-2021]" and restored.body_prs == "فعال است.[@bbc-2021]"
    assert DARI_BEHIND not in dari_page(client)


def test_an_undeleted_section_comes_back_with_its_translation_and_its_state(client, section):
    client.force_login(member("Reviewer"))
    edit_section(client, section, body="Changed.[@bbc-2021]")
    client.post(reverse("admin:entities_section_delete", args=[section.pk]), {"post": "yes"})
    record = Section.history.filter(id=section.pk, history_type="-").latest("history_date")

    client.post(reverse("admin:entities_section_restore_deleted", args=[record.history_id]))

    back = Section.objects.get(pk=section.pk)
    assert back.body_prs == "فعال است.[@bbc-2021]" and back.english_changed_on == datetime.date.today()
    assert DARI_BEHIND in dari_page(client)  # as it was when deleted: behind
