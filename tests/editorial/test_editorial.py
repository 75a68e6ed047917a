"""Roles, publishing, review actions, history and edit conflicts, through the admin."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from entities.models import Property, Section, Statement
from nrfsite.editorial.models import PendingChange
from nrfsite.editorial.queues import bucket
from tests.factories import EntityFactory, SectionFactory, SourceFactory, StatementFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def section():
    nrf = EntityFactory(slug="nrf", name="NRF")
    return SectionFactory(
        entity=nrf,
        title="Status",
        position=1,
        body="Old text.",
        needs_update=True,
        flagged_on_partial="September 2022",
        update_reason="This section needs to be updated.",
    )


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def section_form(section, **changes):
    data = {
        "entity": section.entity_id,
        "title": section.title,
        "position": section.position,
        "body": section.body,
        "note": section.note,
        "as_of": "",
        "needs_update": "on" if section.needs_update else "",
        "update_reason": section.update_reason,
        # What the admin's date box shows, in every language (a Dari page reads dates in Solar Hijri; the box does not).
        "flagged_on": section.flagged_on_partial.input_text() if section.flagged_on_partial else "",
        "review_every": section.review_every,
        "status": section.status,
        "opened_version": section.version,
        "citations-TOTAL_FORMS": "0",
        "citations-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# The permission matrix ------------------------------------------------------------------------------

ACTIONS = ["view", "add", "change", "publish", "delete", "restore", "import"]
EXPECTED = {
    "anonymous": dict.fromkeys(ACTIONS, False),
    "Editor": {"view": True, "add": True, "change": True, "publish": False, "delete": False, "restore": False, "import": True},
    "Reviewer": dict.fromkeys(ACTIONS, True),
}


def attempt(client, action, section):
    """Try one action as the logged-in user; True if it took effect (or the page opened)."""
    opts = "admin:entities_section"
    if action == "view":
        return client.get(reverse(f"{opts}_changelist")).status_code == 200
    if action == "add":
        return client.get(reverse(f"{opts}_add")).status_code == 200
    if action == "import":
        return client.get(reverse(f"{opts}_import")).status_code == 200
    if action == "change":  # written, or kept as a change waiting for review (the live row stays)
        client.post(change_url(section), section_form(section, body="Edited text."))
        waiting = PendingChange.objects.waiting().of(section).first()
        written = Section.objects.get(pk=section.pk).body == "Edited text."
        return written or (waiting is not None and waiting.rows["sections.csv"][0]["body"] == "Edited text.")
    if action == "publish":
        section.status = "draft"
        section.save()
        client.post(reverse(f"{opts}_workflow", args=[section.pk, "publish"]))
        return Section.objects.get(pk=section.pk).status == "published"
    if action == "delete":
        client.post(reverse(f"{opts}_delete", args=[section.pk]), {"post": "yes"})
        return not Section.objects.filter(pk=section.pk).exists()
    if action == "restore":
        first = section.history.earliest("history_date")
        section.body = "Changed later."
        section.save()
        url = reverse(f"{opts}_simple_history", args=[section.pk, first.history_id])
        client.post(url, section_form(first.instance, opened_version=Section.objects.get(pk=section.pk).version))
        return Section.objects.get(pk=section.pk).body == "Old text."
    raise AssertionError(action)


@pytest.mark.parametrize("role", ["anonymous", "Editor", "Reviewer"])
@pytest.mark.parametrize("action", ACTIONS)
def test_permission_matrix(client, section, role, action):
    if role != "anonymous":
        client.force_login(member(role))

    assert attempt(client, action, section) is EXPECTED[role][action]


def test_an_editor_pressing_publish_is_refused_with_a_message_not_an_error(client, section):
    section.status = "draft"
    section.save()
    client.force_login(member("Editor"))

    response = client.post(reverse("admin:entities_section_workflow", args=[section.pk, "publish"]), follow=True)

    assert response.status_code == 200
    assert "Only a reviewer may do that" in response.content.decode()


# Publishing ----------------------------------------------------------------------------------------------


def test_editors_change_to_a_published_section_waits_for_review_and_the_public_keeps_the_old_text(client, section):
    editor, reviewer = member("Editor"), member("Reviewer")
    client.force_login(editor)
    client.post(change_url(section), section_form(section, body="New text.", needs_update="", update_reason=""))
    admin_page = client.get(change_url(section)).content.decode()
    client.logout()

    public = client.get("/entities/nrf/").content.decode()
    assert "Old text." in public and "New text." not in public
    assert Section.objects.get(pk=section.pk).status == "published"  # the live row stays as readers know it
    assert "Published — changes pending review" in admin_page

    client.force_login(reviewer)
    client.post(reverse("admin:entities_section_workflow", args=[section.pk, "publish"]))
    client.logout()

    public = client.get("/entities/nrf/").content.decode()
    assert "New text." in public and "Old text." not in public
    assert "May be out of date" not in public
    published = Section.history.filter(id=section.pk).latest("history_date")
    assert (published.history_user, published.history_change_reason) == (
        reviewer,
        f"Published {editor.username}'s change, reviewed by {reviewer.username}",
    )


def test_reviewer_bulk_publishes_and_unpublishes(client):
    nrf = EntityFactory(slug="nrf")
    drafts = [
        StatementFactory(subject=nrf, property=Property.objects.get(slug="ideology"), value_text=f"Idea {i}", status="draft")
        for i in range(3)
    ]
    client.force_login(member("Reviewer"))

    client.post(
        reverse("admin:entities_statement_changelist"),
        {"action": "publish_selected", "_selected_action": [s.pk for s in drafts]},
    )
    assert set(Statement.objects.values_list("status", flat=True)) == {"published"}

    client.post(
        reverse("admin:entities_statement_changelist"), {"action": "unpublish_selected", "_selected_action": [drafts[0].pk]}
    )
    assert Statement.objects.get(pk=drafts[0].pk).status == "draft"


def test_preview_shows_a_draft_section_while_the_public_page_does_not(client, section):
    SectionFactory(entity=section.entity, title="Draft section", position=2, body="Draft words.", status="draft")

    assert "Draft words." not in client.get("/entities/nrf/").content.decode()
    client.force_login(member("Editor"))
    html = client.get("/entities/nrf/?preview=1").content.decode()
    assert "Draft words." in html and "the public sees this organization’s page without this draft part" in html
    assert "the section “Draft section”" in html


# Review actions ------------------------------------------------------------------------------------------


def test_mark_reviewed_clears_the_flag_and_the_item_leaves_the_queue(client, section):
    assert bucket("flagged-section").pks == [section.pk]
    reviewer = member("Reviewer")
    client.force_login(reviewer)

    client.post(reverse("admin:entities_section_workflow", args=[section.pk, "review"]), {"note": "checked BBC"})

    section.refresh_from_db()
    assert (section.needs_update, section.reviewed_by, section.reviewed_on) == (False, reviewer, datetime.date.today())
    assert bucket("flagged-section").pks == []
    assert section.history.latest("history_date").history_change_reason == f"Marked reviewed by {reviewer}: checked BBC"


def test_flag_action_in_bulk_asks_for_a_reason_then_flags(client):
    nrf = EntityFactory(slug="nrf")
    sections = [SectionFactory(entity=nrf, title=f"S{i}", position=i) for i in range(2)]
    client.force_login(member("Reviewer"))
    data = {"action": "flag_needs_update", "_selected_action": [s.pk for s in sections]}

    page = client.post(reverse("admin:entities_section_changelist"), data)
    assert "Flag these 2 item(s)" in page.content.decode()
    client.post(reverse("admin:entities_section_changelist"), {**data, "apply": "1", "reason": "New reports in 2025"})

    flagged = Section.objects.filter(needs_update=True, update_reason="New reports in 2025")
    assert flagged.count() == 2
    assert str(flagged.first().flagged_on_partial) == datetime.date.today().strftime("%-d %B %Y")


# The dashboard queues, with a fixed today ---------------------------------------------------------------

TODAY = datetime.date(2025, 11, 20)


def test_as_of_item_enters_the_queue_when_it_ages_and_leaves_it_when_reviewed():
    nrf = EntityFactory(slug="nrf")
    aged = SectionFactory(entity=nrf, title="Fighters", as_of_partial="August 2024", review_every=180)
    fresh = SectionFactory(entity=nrf, title="Recent", as_of_partial="October 2025", review_every=180)

    assert bucket("asof-section", today=TODAY).pks == [aged.pk]
    assert [item.why for item in bucket("asof-section", today=TODAY).items] == [
        "as of August 2024: older than 6 months, 8 months overdue"
    ]
    aged.reviewed_on = TODAY - datetime.timedelta(days=10)
    aged.save()
    assert bucket("asof-section", today=TODAY).pks == []
    assert bucket("asof-section", today=TODAY + datetime.timedelta(days=200)).pks == [aged.pk, fresh.pk]


def test_review_overdue_uses_each_items_interval():
    nrf = EntityFactory(slug="nrf")
    due = SectionFactory(entity=nrf, title="Due", reviewed_on=TODAY - datetime.timedelta(days=31), review_every=30)
    SectionFactory(entity=nrf, title="Fine", reviewed_on=TODAY - datetime.timedelta(days=31), review_every=60)

    assert bucket("review-section", today=TODAY).pks == [due.pk]


def test_uncited_contradicting_and_unarchived_queues():
    nrf = EntityFactory(slug="nrf")
    size = Property.objects.get(slug="size")
    uncited = StatementFactory(subject=nrf, property=size, value_text="unknown")
    cited = StatementFactory(subject=nrf, property=size, value_text="", quantity_best=5000)
    cited.citations.create(source=SourceFactory(key="bbc", archive_url="https://web.archive.org/x"))
    StatementFactory(
        subject=nrf,
        property=Property.objects.get(slug="active-region"),
        value_text="",
        value_entity=EntityFactory(kind="place"),
    )
    unarchived = SourceFactory(key="no-archive")

    assert bucket("uncited-statement").pks[0] == uncited.pk
    assert sorted(bucket("contradiction-statement").pks) == sorted([uncited.pk, cited.pk])
    assert bucket("unarchived-source").pks == [unarchived.pk]


def test_claims_still_unconfirmed_after_30_days_are_listed():
    from tests.factories import EventFactory

    old = EventFactory(certainty="unconfirmed", date_partial="20 August 2021")
    EventFactory(certainty="unconfirmed", date_partial="1 November 2025")
    EventFactory(certainty="confirmed", date_partial="20 August 2021")

    stale = bucket("stale-claim", today=TODAY)
    assert stale.pks == [old.pk]
    # 1,553 days: said in years, as an editor reads it.
    assert [item.why for item in stale.items] == ["still unconfirmed 4 years after 20 August 2021"]


def test_dashboard_lists_the_flagged_section_first_with_why(client, section):
    client.force_login(member("Editor"))

    html = client.get(reverse("admin:index")).content.decode()

    first_row = html[html.index('<th scope="row">') :]
    assert first_row.startswith(
        '<th scope="row"><a href="/admin/entities/section/?attention=flagged-section">'
        "Sections flagged as needing an update</a> <strong>(1)</strong>"
    )
    assert "flagged September 2022: This section needs to be updated." in html


def test_attention_filter_narrows_the_changelist(client, section):
    SectionFactory(entity=section.entity, title="Fine", position=5)
    client.force_login(member("Editor"))

    response = client.get(reverse("admin:entities_section_changelist"), {"attention": "flagged-section"})

    assert [obj.pk for obj in response.context["cl"].result_list] == [section.pk]


# History -----------------------------------------------------------------------------------------------------


def test_compare_shows_a_readable_diff_between_two_revisions(client, section):
    section.body = "Old text, now longer."
    section.save()
    client.force_login(member("Editor"))

    html = client.get(reverse("admin:entities_section_compare", args=[section.pk])).content.decode()

    assert "<del>text.</del> <ins>text, now longer.</ins>" in html


def test_reviewer_brings_back_a_deleted_section(client, section):
    reviewer = member("Reviewer")
    client.force_login(reviewer)
    client.post(reverse("admin:entities_section_delete", args=[section.pk]), {"post": "yes"})
    assert not Section.objects.filter(pk=section.pk).exists()
    record = Section.history.get(id=section.pk, history_type="-")

    listing = client.get(reverse("admin:entities_section_deleted")).content.decode()
    assert "NRF: Status" in listing
    client.post(reverse("admin:entities_section_restore_deleted", args=[record.history_id]))

    restored = Section.objects.get(pk=section.pk)
    assert restored.body == "Old text."
    assert restored.history.latest("history_date").history_change_reason.startswith("Brought back from deletion")


def test_an_editor_cannot_bring_back_a_deleted_item(client, section):
    pk = section.pk
    section.delete()
    record = Section.history.get(id=pk, history_type="-")
    client.force_login(member("Editor"))

    response = client.post(reverse("admin:entities_section_restore_deleted", args=[record.history_id]), follow=True)

    assert "Only a reviewer may bring back a deleted item." in response.content.decode()
    assert not Section.objects.filter(pk=pk).exists()


# Edit conflicts ----------------------------------------------------------------------------------------------


def test_second_editor_saving_an_older_version_is_refused_and_keeps_their_text(client, section):
    first, second = member("Reviewer"), member("Reviewer")
    opened = section_form(section)
    client.force_login(first)
    assert client.post(change_url(section), {**opened, "body": "First editor's text."}).status_code == 302

    client.force_login(second)
    response = client.post(change_url(section), {**opened, "body": "Second editor's text."})

    assert response.status_code == 200
    html = response.content.decode()
    assert f"Changed by {first.username} on" in html and "since you opened it" in html
    assert "Second editor&#x27;s text." in html
    assert "<del>First</del> <ins>Second</ins>" in html
    assert Section.objects.get(pk=section.pk).body == "First editor's text."

    form = response.context["adminform"].form
    retry = {**opened, "body": "Second editor's text.", "opened_version": form.data["opened_version"]}
    assert client.post(change_url(section), retry).status_code == 302
    assert Section.objects.get(pk=section.pk).body == "Second editor's text."


def test_the_reason_typed_with_a_change_is_kept_in_its_revision(client, section):
    client.force_login(member("Reviewer"))

    client.post(change_url(section), section_form(section, body="Corrected.", change_reason="BBC confirms it"))

    latest = Section.history.filter(id=section.pk).latest("history_date")
    assert (latest.body, latest.history_change_reason) == ("Corrected.", "BBC confirms it")


def test_draft_and_uncited_queues_list_what_belongs_and_nothing_else():
    from tests.factories import EventFactory

    nrf = EntityFactory(slug="nrf")
    draft = SectionFactory(entity=nrf, title="Draft", status="draft", body="Text.[@bbc]")
    uncited = SectionFactory(entity=nrf, title="Uncited", body="No marker here.")
    SourceFactory(key="bbc")
    SectionFactory(entity=nrf, title="Cited", body="Marked.[@bbc]")
    bare_event = EventFactory(summary="Nothing cited.")
    EventFactory(summary="Cited.[@bbc]")

    assert bucket("draft-section").pks == [draft.pk]
    assert bucket("uncited-section").pks == [uncited.pk]
    assert bucket("uncited-event").pks == [bare_event.pk]


def test_unpublishing_a_section_whose_change_awaits_review_takes_its_old_text_off_the_public_page(client, section):
    client.force_login(member("Editor"))
    client.post(change_url(section), section_form(section, body="New text."))
    assert "Old text." in client.get("/entities/nrf/").content.decode()  # readers keep the published text
    client.force_login(member("Reviewer"))

    response = client.post(reverse("admin:entities_section_workflow", args=[section.pk, "unpublish"]), follow=True)

    assert "is a draft again" in response.content.decode()
    client.logout()
    public = client.get("/entities/nrf/").content.decode()
    assert "Old text." not in public and "New text." not in public


def test_bulk_unpublish_counts_a_pending_item_and_says_so_for_a_draft(client, section):
    client.force_login(member("Editor"))
    client.post(change_url(section), section_form(section, body="New text."))
    never_published = SectionFactory(entity=section.entity, title="Draft", position=2, body="Draft.", status="draft")
    client.force_login(member("Reviewer"))

    response = client.post(
        reverse("admin:entities_section_changelist"),
        {"action": "unpublish_selected", "_selected_action": [section.pk, never_published.pk]},
        follow=True,
    )

    assert "Unpublished 1 item(s)." in response.content.decode()
    response = client.post(reverse("admin:entities_section_workflow", args=[never_published.pk, "unpublish"]), follow=True)
    assert "was not public: there was nothing to unpublish" in response.content.decode()


@pytest.mark.parametrize("language", ["prs", "ps"])
@pytest.mark.parametrize("role", ["anonymous", "Editor", "Reviewer"])
@pytest.mark.parametrize("action", ACTIONS)
def test_the_admin_in_dari_and_pashto_keeps_the_same_permission_matrix(client, section, role, action, language):
    """/prs/admin/ and /ps/admin/ are other addresses of the same admin: who may publish, delete, restore or
    import does not change with the language."""
    if role != "anonymous":
        client.force_login(member(role))

    with translation.override(language):
        assert reverse("admin:index") == f"/{language}/admin/"  # `attempt` reaches the prefixed admin
        assert attempt(client, action, section) is EXPECTED[role][action]
