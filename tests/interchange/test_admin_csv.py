"""Editors import with a preview before confirm, export the filtered list, and need a permission for each."""

import csv
import io
import tempfile
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from entities.models import Entity
from tests.factories import EntityFactory, PlaceFactory, UserFactory

pytestmark = pytest.mark.django_db

ENTITIES = "slug,kind,name\r\nnrf,organization,National Resistance Front\r\ntaliban,organization,Taliban\r\n"


def editor(*codenames):
    user = UserFactory(is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="entities", codename__in=codenames))
    return user


def upload(text, name="entities.csv"):
    return SimpleUploadedFile(name, text.encode() if isinstance(text, str) else text, content_type="text/csv")


def preview(client, text):
    return client.post(
        reverse("admin:entities_entity_import"), {"resource": 0, "format": 0, "import_file": upload(text)}, follow=True
    )


def test_import_shows_a_preview_and_writes_only_on_confirm(client):
    EntityFactory(slug="taliban", name="Taliban", kind="organization")
    client.force_login(editor("view_entity", "add_entity", "change_entity", "import_entity"))

    response = preview(client, ENTITIES)

    assert response.status_code == 200
    content = response.content.decode()
    assert "Preview" in content
    assert [row.import_type for row in response.context["result"].valid_rows()] == ["new"]  # unchanged: counted
    assert "1 new, 0 changed, 1 unchanged (not shown), 0 deleted." in content
    assert not Entity.objects.filter(slug="nrf").exists()

    confirm = response.context["confirm_form"]
    response = client.post(reverse("admin:entities_entity_process_import"), confirm.initial)

    assert response.status_code == 302
    assert Entity.objects.get(slug="nrf").name == "National Resistance Front"
    revision = Entity.history.get(slug="nrf")
    assert revision.history_user.is_staff
    assert revision.history_change_reason == "CSV import: entities.csv"


def test_preview_lists_every_error_with_its_line_and_column_and_offers_no_confirm(client):
    client.force_login(editor("view_entity", "add_entity", "change_entity", "import_entity"))

    response = preview(client, "slug,kind,name\nnrf,militia,NRF\nok,person,OK\nbad,person,\n")

    content = response.content.decode()
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    invalid = {row.number: row.error_dict for row in response.context["result"].invalid_rows}
    assert invalid == {
        2: {"kind": ["Value 'militia' is not a valid choice."]},
        4: {"name": ["This field cannot be blank."]},
    }
    assert "Value &#x27;militia&#x27; is not a valid choice." in content
    assert not Entity.objects.exists()


def test_the_refused_rows_are_shown_each_with_its_reasons_under_it_and_its_bad_cell_marked(client):
    client.force_login(editor("view_entity", "add_entity", "change_entity", "import_entity"))

    response = preview(client, "slug,kind,name\nnrf,militia,NRF\nok,person,OK\nbad,person,\n")

    html = " ".join(response.content.decode().split())
    assert '<p class="errornote" role="alert">2 rows have errors: line 2 kind; line 4 name.</p>' in html
    line_2 = html[html.index('<tr id="line-2">') : html.index("</tbody>", html.index('<tr id="line-2">'))]
    assert '<td class="bad-cell"><mark>militia</mark></td>' in line_2
    assert "<td>nrf</td>" in line_2 and "<td>NRF</td>" in line_2  # the good cells are plain
    assert "<li>kind: Value &#x27;militia&#x27; is not a valid choice.</li>" in line_2
    line_4 = html[html.index('<tr id="line-4">') : html.index("</tbody>", html.index('<tr id="line-4">'))]
    assert '<td class="bad-cell"><mark>(empty)</mark></td>' in line_4
    assert 'id="line-3"' not in html  # a good row is not listed among the errors
    assert "validation-error-container" not in html  # no hover-only tooltip


def test_unreadable_upload_is_refused_with_the_reason(client):
    client.force_login(editor("view_entity", "import_entity"))

    response = preview(client, b"\x00\x01\x02binary")

    assert "This is not a text file" in response.content.decode()


def test_import_is_refused_without_the_import_permission(client):
    client.force_login(editor("view_entity", "add_entity", "change_entity", "export_entity"))

    assert client.get(reverse("admin:entities_entity_import")).status_code == 403
    assert preview(client, ENTITIES).status_code == 403
    changelist = client.get(reverse("admin:entities_entity_changelist")).content.decode()
    assert reverse("admin:entities_entity_import") not in changelist
    assert not Entity.objects.exists()


def test_export_is_refused_without_the_export_permission(client):
    client.force_login(editor("view_entity", "import_entity"))

    assert client.get(reverse("admin:entities_entity_export")).status_code == 403


def test_export_writes_the_filtered_changelist_with_natural_keys(client):
    afghanistan = PlaceFactory(slug="afghanistan", name="Afghanistan", iso_code="AF")
    PlaceFactory(slug="panjshir", name="Panjshir", parent=afghanistan, iso_code="AF-PAN")
    EntityFactory(slug="nrf", name="=cmd|' /C calc'!A0", kind="organization")
    client.force_login(editor("view_entity", "export_entity"))

    response = client.post(
        reverse("admin:entities_entity_export") + "?kind__exact=place",
        {"format": 0, "resource": 0, "entityresource_slug": True, "entityresource_name": True, "entityresource_parent": True},
    )

    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert rows == [["slug", "name", "parent"], ["afghanistan", "Afghanistan", ""], ["panjshir", "Panjshir", "afghanistan"]]


def test_admin_export_neutralises_formula_cells(client):
    EntityFactory(slug="nrf", name="=cmd|' /C calc'!A0", kind="organization")
    client.force_login(editor("view_entity", "export_entity"))

    response = client.post(
        reverse("admin:entities_entity_export"),
        {"format": 0, "resource": 0, "entityresource_slug": True, "entityresource_name": True},
    )

    assert response.content.decode("utf-8-sig").splitlines()[1] == "nrf,'=cmd|' /C calc'!A0"


@pytest.mark.parametrize("name", ["victim.txt", "../victim.txt", f"{tempfile.gettempdir()}/victim.txt", "", "x" * 32])
def test_the_confirm_step_refuses_a_file_name_the_server_did_not_hand_out(client, name):
    victim = Path(tempfile.gettempdir()) / "victim.txt"
    victim.write_text("keep me")
    client.force_login(editor("view_entity", "add_entity", "change_entity", "import_entity"))

    response = client.post(
        reverse("admin:entities_entity_process_import"),
        {"import_file_name": name, "original_file_name": "entities.csv", "format": 0, "resource": 0},
    )

    assert response.status_code in (200, 400)  # an empty name is a form error; any other is refused
    assert victim.read_text() == "keep me"
    assert not Entity.objects.exists()


def test_an_upload_is_stored_under_a_signed_name_in_the_apps_own_folder(client):
    client.force_login(editor("view_entity", "add_entity", "change_entity", "import_entity"))

    response = preview(client, ENTITIES)

    name = response.context["confirm_form"].initial["import_file_name"]
    assert "/" not in name and ":" in name  # a signed token, not a path
    response = client.post(reverse("admin:entities_entity_process_import"), response.context["confirm_form"].initial)
    assert response.status_code == 302 and Entity.objects.filter(slug="nrf").exists()
