"""The history and compare pages read as an editor reads: word diffs, the author's name, no bookkeeping fields."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from entities.models import Section
from events.models import Event
from nrfsite.editorial import diff
from tests.editorial.test_inline_rights import change_form_data, values
from tests.editorial.test_publishing_matrix import exported, resource_for
from tests.factories import EventFactory, PlaceFactory, SectionFactory, member

pytestmark = pytest.mark.django_db

# A body long enough that django-simple-history's own list cut it to "openi[… chars]ing39" (issue 18).
OPENING = " ".join(f"opening{n}" for n in range(40))
CLOSING = " ".join(f"closing{n}" for n in range(40))
BODY = f"{OPENING} The NRF held the Panjshir Valley until September 2021. {CLOSING}"


@pytest.fixture
def reviewer():
    return member("Reviewer", first_name="Rahima", last_name="Noori")


def edit(client, obj, **changes):
    """Post `obj`'s admin change form as a browser would, with `changes`."""
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    form = client.get(url)
    data = change_form_data(form) if "inline_admin_formsets" in form.context else values(form.context["adminform"].form)
    response = client.post(url, {**data, **changes})
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    return type(obj).objects.get(pk=obj.pk)


def page(client, obj, view, **params):
    """The main content of `obj`'s admin history or compare page."""
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_{view}", args=[obj.pk])
    html = client.get(url, params).content.decode()
    return html[html.index('<div id="content-main">') : html.index("<!-- END Content -->")]


def history_rows(html):
    """The history table's rows, newest first, each as its HTML."""
    return re.findall(r"<tr>\s*<th scope=\"row\">.*?</tr>", html, re.S)


def labels(html):
    """The field labels a history (<strong>Body:</strong>) or compare page (<th scope="row">Body</th>) lists."""
    listed = re.findall(r"<strong>([^<]+):</strong>|<th scope=\"row\">([^<]+)</th>\s*<td class=\"diff\">", html)
    return {label for pair in listed for label in pair if label}


TRUNCATED = re.compile(r"\[\d+ chars\]")


def test_compare_shows_the_changed_words_of_a_long_body_and_cuts_the_unchanged_rest(client, reviewer):
    section = SectionFactory(body=BODY)
    client.force_login(reviewer)
    edit(client, section, body=BODY.replace("Panjshir Valley", "Andarab valley"))

    html = page(client, section, "compare")

    assert "<del>Panjshir Valley</del> <ins>Andarab valley</ins>" in html
    assert "opening39 The NRF held the" in html and "until September 2021. closing0" in html  # context kept
    assert "opening5 " not in html and "closing30" not in html  # the long unchanged runs are cut…
    assert html.count('<span class="diff-gap">…') == 2  # …to one "…" each
    assert not TRUNCATED.search(html)


def test_history_lists_each_revision_with_its_authors_name_and_word_diff(client, reviewer):
    event = EventFactory(summary="A meeting in Dushanbe with Tajik officials.")
    client.force_login(reviewer)
    event = edit(client, event, summary="A meeting in Kabul with Tajik officials.")
    edit(client, event, summary="A meeting in Kabul with Tajik and Iranian officials.")

    rows = history_rows(page(client, event, "history"))

    assert len(rows) == 3
    assert "Rahima Noori" in rows[0] and "Tajik <ins>and Iranian</ins> officials." in rows[0]
    assert "Rahima Noori" in rows[1] and "<del>Dushanbe</del> <ins>Kabul</ins>" in rows[1]
    assert "the system" in rows[2]  # made in a script (the factory), with no one signed in
    assert "None" not in "".join(rows)


def test_a_revision_an_import_made_names_the_importing_user_or_the_command_line(client, reviewer, tmp_path):
    event = EventFactory(summary="A meeting in Kabul.")
    client.force_login(reviewer)
    text = exported(Event).replace("Kabul", "Herat")
    upload = SimpleUploadedFile(resource_for(Event).file_name, text.encode(), content_type="text/csv")
    preview = client.post(
        reverse("admin:events_event_import"), {"resource": 0, "format": 0, "import_file": upload}, follow=True
    )
    client.post(reverse("admin:events_event_process_import"), preview.context["confirm_form"].initial)
    call_command("export_bundle", str(tmp_path), stdout=io.StringIO())
    path = tmp_path / resource_for(Event).file_name
    path.write_text(path.read_text(encoding="utf-8").replace("Herat", "Mazar"), encoding="utf-8")
    call_command("import_bundle", str(tmp_path), stdout=io.StringIO(), stderr=io.StringIO())

    history = page(client, event, "history")
    compare = page(client, event, "compare")

    by_command, by_admin_import, _created = history_rows(history)
    assert "<del>Herat.</del> <ins>Mazar.</ins>" in by_command and "a command-line import" in by_command
    assert "<del>Kabul.</del> <ins>Herat.</ins>" in by_admin_import and "Rahima Noori" in by_admin_import
    assert "(changed by Rahima Noori: CSV import: events.csv)" in compare
    assert "(changed by a command-line import: CSV import: " in compare
    assert "None" not in history and "None" not in compare


def test_bookkeeping_fields_are_left_out_of_history_and_compare(client, reviewer):
    section = SectionFactory(
        status="draft", body="Old text.", needs_update=True, flagged_on_partial="September 2022", update_reason="Outdated."
    )
    first = section.history.get()
    client.force_login(reviewer)
    client.post(reverse("admin:entities_section_workflow", args=[section.pk, "publish"]))
    client.post(reverse("admin:entities_section_workflow", args=[section.pk, "review"]), {"note": "checked"})
    edit(client, Section.objects.get(pk=section.pk), body="New text.")

    history = page(client, section, "history")
    compare = page(client, section, "compare", a=first.pk)

    assert labels(history) == {"Status", "Needs update", "Update reason", "Flagged on", "Body"}
    assert labels(compare) == {"Status", "Needs update", "Update reason", "Flagged on", "Body"}
    assert "<del>draft</del> <ins>published</ins>" in compare and "<del>yes</del> <ins>no</ins>" in compare
    assert "<del>September 2022</del>" in compare  # the date at its own precision, its companion columns inside it
    assert "Marked reviewed by" in history  # the review stamp is the revision's reason, not a field


def test_an_app_registers_its_own_bookkeeping_fields(client, reviewer, monkeypatch):
    monkeypatch.setattr(diff, "_bookkeeping", {})
    diff.register_bookkeeping(Section, "note")
    section = SectionFactory(body="Old text.")
    client.force_login(reviewer)
    edit(client, section, body="New text.", note="Checked against the BBC.")

    assert labels(page(client, section, "compare")) == {"Body"}


def test_words_in_a_diff_are_escaped(client, reviewer):
    section = SectionFactory(title="Status", body="Old text.")
    client.force_login(reviewer)
    edit(client, section, title='Status <b onmouseover="x()">& control</b>')

    html = page(client, section, "compare")

    assert "Status <ins>&lt;b onmouseover=&quot;x()&quot;&gt;&amp; control&lt;/b&gt;</ins>" in html
    assert "<b onmouseover" not in html


def test_the_history_page_reads_places_without_a_query_per_revision(client, reviewer):
    event = EventFactory(location=PlaceFactory(name="Kabul"))
    client.force_login(reviewer)
    edit(client, event, location=PlaceFactory(name="Herat").pk)
    page(client, event, "history")  # the session and content types, read once
    with CaptureQueriesContext(connection) as two_revisions:
        html = page(client, event, "history")
    for name in ("Mazar", "Bamyan", "Kunduz"):
        edit(client, event, location=PlaceFactory(name=name).pk)

    with CaptureQueriesContext(connection) as five_revisions:
        page(client, event, "history")

    assert "<del>Kabul</del> <ins>Herat</ins>" in html
    assert len(five_revisions) == len(two_revisions)


def test_a_published_change_and_the_queue_name_the_editor_by_full_name(client):
    from nrfsite.editorial.queues import bucket
    from tests.factories import EntityFactory, SectionFactory, member

    section = SectionFactory(entity=EntityFactory(slug="nrf"), title="Status", position=1, body="Old text.")
    editor = member("Editor", first_name="Nasrin", last_name="Ahmadi")
    reviewer = member("Reviewer", first_name="Rita", last_name="Reviewer")
    client.force_login(editor)
    url = reverse("admin:entities_section_change", args=[section.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    client.post(url, {**data, "body": "New text."})

    assert [item.why.split(" changed it")[0] for item in bucket("pending-section").items] == ["Nasrin Ahmadi"]
    client.force_login(reviewer)
    client.post(reverse("admin:entities_section_workflow", args=[section.pk, "publish"]))

    latest = section.history.latest("history_date")
    assert latest.history_change_reason == "Published Nasrin Ahmadi's change, reviewed by Rita Reviewer"
