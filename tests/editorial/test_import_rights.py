"""An import writes only what its user may write: an Editor never publishes or changes what the public sees by CSV.

The same rule as the admin form (nrfsite.editorial.roles.can_review), for the admin's import button and
for `import_bundle --user`.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from entities.models import Alias
from events.models import Event
from nrfsite.editorial.models import PendingChange
from tests.csv_helpers import export, import_, make_full_dataset
from tests.factories import EventFactory, member

pytestmark = pytest.mark.django_db

HEADER = "slug,title,date,event_type,status\r\n"


def admin_preview(client, text):
    upload = SimpleUploadedFile("events.csv", text.encode(), content_type="text/csv")
    return client.post(reverse("admin:events_event_import"), {"resource": 0, "format": 0, "import_file": upload}, follow=True)


@pytest.fixture
def published_event():
    return EventFactory(slug="clash", title="Clash in Panjshir", event_type__slug="armed-clash-test")


def test_an_editors_import_of_a_change_to_a_published_event_waits_for_review_and_the_public_page_keeps_it(
    client, published_event
):
    alice = member("Editor", username="alice")
    client.force_login(alice)

    response = admin_preview(client, HEADER + "clash,Clash in all of Panjshir,2021-08-17,armed-clash-test,published\r\n")
    assert not response.context["result"].has_validation_errors()
    assert "waiting for a reviewer" in response.content.decode()
    assert not PendingChange.objects.exists()  # the preview keeps nothing
    client.post(reverse("admin:events_event_process_import"), response.context["confirm_form"].initial)

    change = PendingChange.objects.waiting().of(published_event).get()
    assert (change.author, change.rows["events.csv"][0]["title"]) == (alice, "Clash in all of Panjshir")
    assert Event.objects.get(slug="clash").title == "Clash in Panjshir"
    client.logout()
    assert "Clash in Panjshir" in client.get("/events/clash/").content.decode()


def test_an_editors_import_may_not_unpublish(client, published_event):
    client.force_login(member("Editor", username="alice"))

    response = admin_preview(client, HEADER + "clash,Clash in Panjshir,2021-08-17,armed-clash-test,draft\r\n")

    assert response.context["result"].has_validation_errors()
    assert "Only a reviewer may unpublish" in response.content.decode()


def test_an_editors_import_may_not_publish_a_new_row(client, published_event):
    client.force_login(member("Editor", username="alice"))

    response = admin_preview(client, HEADER + "new-one,A new event,2021-09,armed-clash-test,published\r\n")

    assert response.context["result"].has_validation_errors()
    assert "Only a reviewer may publish" in response.content.decode()
    assert not Event.objects.filter(slug="new-one").exists()


def test_an_editors_import_adds_drafts_the_public_does_not_see(client, published_event):
    client.force_login(member("Editor", username="alice"))

    response = admin_preview(client, HEADER + "new-one,A new event,2021-09,armed-clash-test,draft\r\n")
    client.post(reverse("admin:events_event_process_import"), response.context["confirm_form"].initial)

    assert Event.objects.get(slug="new-one").status == "draft"
    client.logout()
    assert client.get("/events/new-one/").status_code == 404


def test_a_reviewers_import_of_the_same_change_is_public_at_once(client, published_event):
    client.force_login(member("Reviewer", username="rita"))

    response = admin_preview(client, HEADER + "clash,Clash in all of Panjshir,2021-08-17,armed-clash-test,published\r\n")
    client.post(reverse("admin:events_event_process_import"), response.context["confirm_form"].initial)

    client.logout()
    assert "Clash in all of Panjshir" in client.get("/events/clash/").content.decode()


def test_import_bundle_applies_the_rights_of_its_user(tmp_path):
    make_full_dataset()
    member("Editor", username="alice")
    member("Reviewer", username="rita")
    export(tmp_path)
    events = (tmp_path / "events.csv").read_text(encoding="utf-8")
    (tmp_path / "events.csv").write_text(events.replace("Taliban claim control of Panjshir", "Changed title"), encoding="utf-8")

    held, out, err = import_(tmp_path, "--user", "alice")
    title_after_editor = Event.objects.get(slug="taliban-claim-panjshir").title
    waiting = PendingChange.objects.waiting().get()
    accepted, _out, err_reviewer = import_(tmp_path, "--user", "rita")

    assert held, err
    assert "events.csv: 0 new, 0 updated, 1 unchanged, 1 held for review" in out
    assert title_after_editor == "Taliban claim control of Panjshir"
    assert waiting.rows["events.csv"][0]["title"] == "Changed title"
    assert accepted, err_reviewer
    assert Event.objects.get(slug="taliban-claim-panjshir").title == "Changed title"


def test_an_editor_may_reimport_an_unchanged_export_but_not_change_aliases(tmp_path):
    make_full_dataset()
    member("Editor", username="alice")
    export(tmp_path)

    unchanged, out, err = import_(tmp_path, "--user", "alice")
    aliases = (tmp_path / "aliases.csv").read_text(encoding="utf-8").replace("NRF", "N.R.F.", 1)
    (tmp_path / "aliases.csv").write_text(aliases, encoding="utf-8")
    changed, _out, err_aliases = import_(tmp_path, "--user", "alice")

    assert unchanged, err
    assert "Imported 0 new, 0 updated," in out
    assert not changed and "Only a reviewer may change aliases by import" in err_aliases
    assert not Alias.objects.filter(name__startswith="N.R.F.").exists()


def test_import_bundle_says_when_it_writes_as_the_system(tmp_path):
    make_full_dataset()
    export(tmp_path)

    ok, out, _err = import_(tmp_path)

    assert ok and "as the system" in out


def test_a_marker_an_editors_import_adds_waits_for_review_with_its_citation_row(client, published_event):
    # The citation row a summary's marker derives is part of the row: held with it, public only once published.
    from events.models import EventCitation
    from nrfsite.editorial.services import publish_change
    from tests.factories import SourceFactory

    SourceFactory(key="bbc-2021", title="A BBC report")
    client.force_login(member("Editor", username="alice"))
    header = "slug,title,date,event_type,summary,status\r\n"
    row = "clash,Clash in Panjshir,2021-08-17,armed-clash-test,Fighting.[@bbc-2021],published\r\n"
    response = admin_preview(client, header + row)
    assert not response.context["result"].has_validation_errors()
    client.post(reverse("admin:events_event_process_import"), response.context["confirm_form"].initial)

    assert not EventCitation.objects.filter(event=published_event).exists()
    client.logout()
    assert "Clash in Panjshir" not in client.get("/sources/bbc-2021/").content.decode()
    assert list(client.get("/events/", {"source": "bbc-2021"}).context["events"]) == []

    publish_change(change=PendingChange.objects.waiting().of(published_event).get(), user=member("Reviewer"))
    assert [c.source.key for c in EventCitation.objects.filter(event=published_event)] == ["bbc-2021"]
    assert "Clash in Panjshir" in client.get("/sources/bbc-2021/").content.decode()
