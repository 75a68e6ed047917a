"""The admin's import preview lists only the rows that change, each column as now → after, and reads the file
in the encoding the editor picks, through the decoder every import uses."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from entities.models import Entity
from nrfsite.interchange import dialect
from tests.csv_helpers import import_, write_csv
from tests.factories import EntityFactory, SourceFactory, UserFactory, member

pytestmark = pytest.mark.django_db

IMPORT = "admin:entities_entity_import"
DARI = "جبهه مقاومت ملی"
DARI_WITH_FE = "جبهه مقاومت ملی افغانستان"  # ف is 0xD9 0x81 in UTF-8, and 0x81 is no Windows-1252 character
ARABIC_YEH = "جبهه مقاومت ملي"  # Windows-1256 has the Arabic yeh, not the Farsi one


@pytest.fixture
def reviewer(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))


def export_csv(client):
    """The entities as the admin's export button writes them, every column ticked."""
    url = reverse("admin:entities_entity_export")
    form = client.get(url).context["form"]
    ticked = {name: True for name, field in form.fields.items() if getattr(field, "is_selectable_field", False)}
    return client.post(url, {"format": 0, "resource": 0, **ticked}).content.decode("utf-8-sig")


def preview(client, data, encoding=""):
    upload = SimpleUploadedFile("entities.csv", data.encode() if isinstance(data, str) else data, content_type="text/csv")
    return client.post(reverse(IMPORT), {"resource": 0, "format": 0, "encoding": encoding, "import_file": upload}, follow=True)


def confirm(client, response):
    return client.post(reverse("admin:entities_entity_process_import"), response.context["confirm_form"].initial)


def listed(response):
    """The preview's rows as (kind, key, [(column, now, after)])."""
    return [(row.kind, row.label, row.cells) for row in response.context["preview"]["rows"]]


def flat(response):
    return " ".join(response.content.decode().split())


def test_reimporting_an_export_with_one_cell_changed_lists_that_row_with_that_column_only(client, reviewer):
    EntityFactory(slug="nrf", name="National Resistance Front", start_partial="2021-08")
    for slug in ("taliban", "ipa", "afghanistan"):
        EntityFactory(slug=slug, name=slug.title(), start_partial="2021")
    exported = export_csv(client)
    assert "nrf,organization,National Resistance Front,,2021-08," in exported
    # The name changes; the date is only written another way, which says the same.
    edited = exported.replace("nrf,organization,National Resistance Front,,2021-08,", "nrf,organization,NRF,,August 2021,")

    response = preview(client, edited)

    assert listed(response) == [("update", "nrf", [("name", "National Resistance Front", "NRF")])]
    html = flat(response)
    assert '<p class="import-summary" id="import-summary">0 new, 1 changed, 3 unchanged (not shown), 0 deleted.</p>' in html
    assert (
        '<th scope="row" class="import-column">name</th> <td><del dir="auto">National Resistance Front</del></td> '
        '<td><ins dir="auto">NRF</ins></td>'
    ) in html
    table = html[
        html.index('<table class="import-changes"') : html.index("</table>", html.index('<table class="import-changes"'))
    ]
    assert "Taliban" not in table and "Skipped" not in html  # unchanged rows are counted, not listed


def test_a_new_row_is_listed_as_new_with_the_columns_it_fills(client, reviewer):
    EntityFactory(slug="taliban", name="Taliban")

    response = preview(
        client, f"slug,kind,name,description,aliases\r\nnrf,organization,National Resistance Front,,prs:{DARI}\r\n"
    )

    assert listed(response) == [
        (
            "new",
            "nrf",
            [
                ("slug", "", "nrf"),
                ("kind", "", "organization"),
                ("name", "", "National Resistance Front"),
                ("aliases", "", f"prs:{DARI}"),
            ],
        )
    ]
    html = flat(response)
    assert "1 new, 0 changed, 0 unchanged (not shown), 0 deleted." in html
    assert '<span class="import-kind">New:</span> <bdi>nrf</bdi>' in html
    assert f'<ins dir="auto">prs:{DARI}</ins>' in html


def test_a_changed_published_row_of_an_editor_is_listed_as_a_change_waiting_for_a_reviewer(client):
    EntityFactory(slug="nrf", name="National Resistance Front", status="published")
    client.force_login(member("Editor"))

    response = preview(client, "slug,kind,name,status\r\nnrf,organization,NRF,published\r\n")

    assert listed(response) == [("update", "nrf (waits for a reviewer)", [("name", "National Resistance Front", "NRF")])]


def test_markup_in_a_cell_is_shown_as_text_never_run(client, reviewer):
    EntityFactory(slug="nrf", name="National Resistance Front")
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'

    response = preview(client, f'slug,kind,name\r\nnrf,organization,"{hostile.replace(chr(34), chr(34) * 2)}"\r\n')

    assert listed(response)[0][2] == [("name", "National Resistance Front", hostile)]
    html = response.content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<script>alert" not in html and "<img src=x" not in html


def test_a_windows_1252_file_picked_as_windows_1252_is_previewed_and_imported_with_its_characters(client, reviewer):
    data = "slug,kind,name,description\r\ncafe,organization,Café Panjshir,“Résistance” – Kabul\r\n".encode("cp1252")

    response = preview(client, data, encoding="cp1252")

    assert listed(response)[0][2][2:] == [("name", "", "Café Panjshir"), ("description", "", "“Résistance” – Kabul")]
    assert confirm(client, response).status_code == 302  # the stored upload is read again: as the preview read it
    assert Entity.objects.get(slug="cafe").description == "“Résistance” – Kabul"


def test_a_windows_1252_file_left_on_detect_is_refused_naming_utf8_the_byte_and_its_line(client, reviewer):
    # Detect reads UTF-8, with or without a byte-order mark, and guesses no other encoding: Windows-1252 bytes
    # are valid in too many encodings for a guess to be safe.
    data = "slug,kind,name\r\ncafe,organization,Café\r\n".encode("cp1252")

    response = preview(client, data)

    errors = response.context["form"].errors["import_file"]
    assert errors == [
        "This file cannot be read as UTF-8: byte 0xe9 on line 2 (at byte offset 37 of the file) is not UTF-8 text. "
        "Pick the encoding the file was saved in (Excel on Windows saves plain “CSV” as Windows-1252, or as "
        "Windows-1256 on a Dari or Pashto system), or save it again as “CSV UTF-8”."
    ]
    assert data[37:38] == b"\xe9"
    assert "confirm_form" not in response.context and not Entity.objects.exists()


def test_a_file_the_picked_encoding_cannot_read_is_refused_and_the_pick_is_kept(client, reviewer):
    data = f"slug,kind,name\r\nnrf,organization,{DARI_WITH_FE}\r\n".encode()

    response = preview(client, data, encoding="cp1252")

    message = response.context["form"].errors["import_file"][0]
    assert message.startswith("This file cannot be read as Windows-1252: byte 0x81 on line 2 (at byte offset ")
    assert '<option value="cp1252" selected>Windows-1252' in response.content.decode()


def test_a_utf16_file_is_previewed_and_imported(client, reviewer):
    data = f"slug,kind,name\r\nnrf,organization,{DARI}\r\n".encode("utf-16")

    response = preview(client, data, encoding="utf-16")

    assert listed(response) == [("new", "nrf", [("slug", "", "nrf"), ("kind", "", "organization"), ("name", "", DARI)])]
    assert confirm(client, response).status_code == 302
    assert Entity.objects.get(slug="nrf").name == DARI


def test_a_utf16_file_left_on_detect_is_refused_with_the_encoding_to_pick(client, reviewer):
    response = preview(client, f"slug,kind,name\r\nnrf,organization,{DARI}\r\n".encode("utf-16"))

    message = response.context["form"].errors["import_file"][0]
    assert message.startswith("This is not a text file")
    assert message.endswith("It starts as a UTF-16 file does: pick UTF-16 as its encoding.")


def test_a_windows_1256_file_of_dari_text_is_imported_when_picked(client, reviewer):
    data = f"slug,kind,name\r\nnrf,organization,{ARABIC_YEH}\r\n".encode("cp1256")

    response = preview(client, data, encoding="cp1256")

    assert confirm(client, response).status_code == 302
    assert Entity.objects.get(slug="nrf").name == ARABIC_YEH


def test_the_import_form_offers_the_encodings_with_detect_first(client, reviewer):
    html = client.get(reverse(IMPORT)).content.decode()

    select = html[html.index('<select name="encoding"') : html.index("</select>", html.index('<select name="encoding"'))]
    assert re.findall(r"<option[^>]*>([^<]*)</option>", select) == [
        "Detect (UTF-8, with or without BOM)",
        "UTF-8",
        "UTF-16",
        "Windows-1252 (Excel on Windows, Western European)",
        "ISO-8859-1 (Latin-1)",
        "Windows-1256 (Excel on Windows, Arabic script: Dari, Pashto)",
    ]
    assert '<option value="" selected>' in select
    assert "css/import.css" in html


def test_the_command_line_reads_utf16_as_the_admin_does(tmp_path):
    write_csv(tmp_path, "entities.csv", f"slug,kind,name\r\nnrf,organization,{DARI}\r\n", encoding="utf-16")

    ok, _out, err = import_(tmp_path, "--encoding", "utf-16")

    assert ok, err
    assert Entity.objects.get(slug="nrf").name == DARI


@pytest.mark.parametrize(
    "data",
    [
        'slug,name\r\nnrf,جبهه\r\npanj,"Panjshir\nvalley"\r\n'.encode("utf-16"),
        "slug,name\r\nnrf,a\x00b\r\n".encode("utf-16"),  # a NUL in the text
        "slug,name\r\nnrf,a\r\n".encode("utf-16-le")[:-1],  # cut inside a character
        "slug,name\r\nnrf,\r\n".encode("utf-16-le") + b"\x00\xdc" + "x\n".encode("utf-16-le"),  # a lone surrogate
    ],
)
def test_a_utf16_file_is_read_streaming_as_it_is_read_whole(tmp_path, data):
    path = tmp_path / "events.csv"
    path.write_bytes(data)

    def whole():
        table = dialect.parse(dialect.decode(data, "utf-16"))
        return table.header, table.rows

    def streamed():
        dialect.check_shape(path, "utf-16")
        table = dialect.FileTable(path, "utf-16")
        return table.header, list(table.rows)

    outcomes = []
    for read in (whole, streamed):
        try:
            outcomes.append(read())
        except dialect.CSVFileError as error:
            outcomes.append(("refused", str(error), getattr(error, "offset", None)))
    assert outcomes[0] == outcomes[1]


def test_a_bad_byte_after_a_byte_order_mark_is_named_with_its_own_offset():
    data = b"\xef\xbb\xbfslug,name\r\nnrf,\xff\r\n"

    with pytest.raises(dialect.UndecodableFile) as refused:
        dialect.decode(data)

    assert (refused.value.byte, refused.value.offset, refused.value.line) == (0xFF, 18, 2)


@pytest.mark.parametrize("changed", [2, 40])
def test_the_preview_takes_a_bounded_number_of_queries_however_many_rows_change(
    client, reviewer, changed, django_assert_max_num_queries
):
    # sources.csv: importing entities.csv also recounts every entity's events (events/tally.py), a cost of the
    # import's dry run that grows with the entities in the database, not with the preview.
    for i in range(60):
        SourceFactory(key=f"source-{i:02}", title=f"Report {i}")
    rows = "".join(
        f"source-{i:02},Renamed {i},source-59\r\n" if i < changed else f"source-{i:02},Report {i},\r\n" for i in range(60)
    )
    upload = SimpleUploadedFile("sources.csv", ("key,title,found_in\r\n" + rows).encode(), content_type="text/csv")

    # Two requests: the upload, which queues the check, and the check job's page. The job's own record (create,
    # claim, read, finish, and the page's read) is 6 of these, and whether the editor may keep a watchlist (the
    # admin's menu) 1; the rest is the dry run and the preview.
    with django_assert_max_num_queries(24):
        response = client.post(
            reverse("admin:sources_source_import"), {"resource": 0, "format": 0, "import_file": upload}, follow=True
        )

    assert [cells for _kind, _key, cells in listed(response)] == [
        [("title", f"Report {i}", f"Renamed {i}"), ("found_in", "", "source-59")] for i in range(changed)
    ]


def test_a_file_changing_more_rows_than_a_page_holds_lists_the_first_and_counts_the_rest(client, reviewer, monkeypatch):
    monkeypatch.setattr("nrfsite.interchange.admin.PREVIEW_ROWS", 2)  # the page's length, not its behaviour
    rows = "".join(f"group-{n},organization,Group {n}\r\n" for n in range(5))

    response = preview(client, f"slug,kind,name\r\n{rows}")

    assert [label for _kind, label, _cells in listed(response)] == ["group-0", "group-1"]
    assert "The first 2 changing rows are listed; 3 more change too, and confirming imports them all." in flat(response)
    confirm(client, response)
    assert Entity.objects.filter(slug__startswith="group-").count() == 5
