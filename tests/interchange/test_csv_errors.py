"""Bad input gets every error with file, line, column and reason, and writes nothing."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from entities.models import Alias, Entity
from events.models import Event
from sources.models import Source
from tests.csv_helpers import counts, import_, write_csv
from tests.factories import EntityFactory, PlaceFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db

ENTITIES = "slug,kind,name\n"
EVENTS = "slug,title,date,event_type,location,participants,sources\n"


@pytest.fixture
def known():
    EntityFactory(slug="nrf", name="NRF")
    EntityFactory(slug="taliban", name="Taliban")
    SourceFactory(key="bbc-2021-09-07")


def assert_refused(directory, *expected):
    before = counts()
    ok, _out, err = import_(directory)
    assert not ok
    for text in expected:
        assert text in err, err
    assert "nothing was imported" in err
    assert counts() == before
    return err


def test_every_bad_row_is_reported_and_no_row_is_written(tmp_path, known):
    write_csv(
        tmp_path,
        "events.csv",
        EVENTS
        + (
            "good-one,Good,2021-08-17,armed-clash,,actor:nrf,bbc-2021-09-07\n"
            "bad-date,Bad date,32 August 2021,armed-clash,,,\n"
            "bad-type,Bad type,2021,no-such-type,,,\n"
            "good-two,Good two,2021,armed-clash,,,\n"
            "bad-refs,Bad refs,2021,armed-clash,nowhere,actor:nobody,no-such-source\n"
        ),
    )
    err = assert_refused(
        tmp_path,
        'events.csv, line 3, column date: "32 August 2021" is not a valid date: August 2021 has 31 days',
        'events.csv, line 4, column event_type: No event type with slug "no-such-type".',
        'events.csv, line 6, column location: No entity with slug "nowhere".',
        "events.csv, line 6, column participants: 'actor:nobody': No entity with slug \"nobody\".",
        "events.csv, line 6, column sources: 'no-such-source': No source with key \"no-such-source\".",
    )
    assert "5 error(s)" in err
    assert not Event.objects.exists()


def test_unknown_and_missing_columns_are_named(tmp_path):
    write_csv(tmp_path, "entities.csv", "slug,kind,colour\nnrf,organization,red\n")
    assert_refused(
        tmp_path,
        "entities.csv, line 1: Unknown column(s): colour. The columns of entities.csv are: slug, kind, name,",
        "entities.csv, line 1: Missing required column(s): name.",
    )


def test_value_of_the_wrong_type_for_a_property_is_refused(tmp_path, known):
    write_csv(tmp_path, "statements.csv", "key,subject,property,value_text\nx,nrf,leader,Ahmad Massoud\n")
    assert_refused(
        tmp_path,
        'statements.csv, line 2, column value_entity: "Leader" takes an entity: fill in value entity, not value text.',
    )


def test_duplicate_key_within_the_file_names_both_lines(tmp_path):
    write_csv(
        tmp_path, "entities.csv", ENTITIES + "nrf,organization,NRF\ntaliban,organization,Taliban\nnrf,organization,Again\n"
    )
    assert_refused(tmp_path, 'entities.csv, line 4, column slug: Duplicate of line 2: slug "nrf" appears twice')


def test_bad_choice_and_too_long_values_are_refused_like_the_admin_form(tmp_path):
    write_csv(tmp_path, "entities.csv", ENTITIES + f"nrf,militia,NRF\nlong,person,{'x' * 201}\n")
    assert_refused(
        tmp_path,
        "entities.csv, line 2, column kind: Value 'militia' is not a valid choice.",
        "entities.csv, line 3, column name: Ensure this value has at most 200 characters (it has 201).",
    )


def test_row_with_too_many_cells_is_refused(tmp_path):
    write_csv(tmp_path, "entities.csv", ENTITIES + "nrf,organization,NRF,extra\n")
    assert_refused(tmp_path, "entities.csv, line 2: This row has 4 cells; the header has 3.")


def test_empty_file_is_refused(tmp_path):
    write_csv(tmp_path, "entities.csv", "")
    assert_refused(tmp_path, "entities.csv: The file is empty.")


def test_binary_file_renamed_csv_is_refused(tmp_path):
    write_csv(tmp_path, "entities.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    assert_refused(tmp_path, "entities.csv: This is not a text file")


def test_wrong_encoding_is_refused_with_a_hint_and_accepted_when_named(tmp_path):
    write_csv(tmp_path, "entities.csv", ENTITIES + "nrf,organization,جبهه مقاومت ملي\n", encoding="cp1256")
    assert_refused(tmp_path, "entities.csv: The file is not valid utf-8-sig: byte 0xcc on line 2", "--encoding cp1256")

    ok, _, err = import_(tmp_path, "--encoding", "cp1256")

    assert ok, err
    assert Entity.objects.get(slug="nrf").name == "جبهه مقاومت ملي"


def test_utf8_with_bom_and_windows_line_endings_is_accepted(tmp_path):
    text = '\ufeffentity,name,language\r\nnrf,جبهه مقاومت ملی افغانستان,prs\r\nnrf,"NRF\r\nline two",en\r\n'
    EntityFactory(slug="nrf")
    write_csv(tmp_path, "aliases.csv", text)

    ok, _, err = import_(tmp_path)

    assert ok, err
    assert sorted(Alias.objects.values_list("language", "name")) == [
        ("en", "NRF\r\nline two"),
        ("prs", "جبهه مقاومت ملی افغانستان"),
    ]


def test_error_lines_count_cells_that_span_lines(tmp_path):
    write_csv(tmp_path, "entities.csv", ENTITIES + 'nrf,organization,"two\nlines"\nbad,militia,Bad\n')
    assert_refused(tmp_path, "entities.csv, line 4, column kind: Value 'militia' is not a valid choice.")


def test_unknown_file_in_a_bundle_is_refused(tmp_path):
    write_csv(tmp_path, "entity.csv", ENTITIES + "nrf,organization,NRF\n")
    assert_refused(tmp_path, "entity.csv: Unknown file: a bundle holds aliases.csv")


def test_citation_marker_naming_an_unknown_source_is_refused(tmp_path, known):
    write_csv(tmp_path, "sections.csv", "entity,title,body\nnrf,History,Founded in 2021.[@no-such-source]\n")
    assert_refused(tmp_path, 'sections.csv, line 2, column body: Unknown source key(s) in citation markers: "no-such-source".')


def test_a_bad_file_rolls_back_the_good_files_of_the_bundle(tmp_path):
    write_csv(tmp_path, "entities.csv", ENTITIES + "nrf,organization,NRF\n")
    write_csv(tmp_path, "aliases.csv", "entity,name,language\nnrf,,en\n")
    assert_refused(tmp_path, "aliases.csv, line 2")
    assert not Entity.objects.exists()


def test_an_empty_cell_of_a_field_with_a_default_takes_the_default(tmp_path, known):
    write_csv(tmp_path, "sections.csv", "entity,title,body,review_every,needs_update\nnrf,History,Text.,,\n")

    ok, _, err = import_(tmp_path)

    assert ok, err
    from entities.models import Section

    section = Section.objects.get(title="History")
    assert (section.review_every, section.needs_update) == (180, False)


def many_sources(count, bad=None):
    """sources.csv with `count` good rows; `bad` maps a data-row number (line - 1) to the text of that row."""
    rows = [f"src-{n:05d},Source {n},2021-08" for n in range(1, count + 1)]
    for number, text in (bad or {}).items():
        rows[number - 1] = text
    return "key,title,published_on\n" + "\n".join(rows) + "\n"


def test_bad_rows_far_apart_in_a_long_file_are_all_reported_and_nothing_is_written(tmp_path):
    # Long files are checked and written a few thousand rows at a time; the bad rows sit in the
    # first, a middle and the last of those chunks, after good rows were already sent to the database.
    write_csv(
        tmp_path,
        "sources.csv",
        many_sources(
            12_000,
            bad={
                2: "src-00002,Source 2,32 August 2021",
                7_000: "src-00001,Again,2021",
                12_000: "src-12000,Source 12000,2021-13",
            },
        ),
    )
    history_before = Source.history.count()
    err = assert_refused(
        tmp_path,
        'sources.csv, line 3, column published_on: "32 August 2021" is not a valid date',
        'sources.csv, line 7001, column key: Duplicate of line 2: key "src-00001" appears twice in this file.',
        'sources.csv, line 12001, column published_on: "2021-13"',
    )
    assert "3 error(s)" in err
    assert Source.history.count() == history_before


def test_a_long_file_imports_whole_and_a_second_time_changes_nothing(tmp_path):
    write_csv(tmp_path, "sources.csv", many_sources(12_000))
    ok, out, err = import_(tmp_path)
    assert ok, err
    assert "sources.csv: 12000 new, 0 updated, 0 unchanged, 0 errors" in out
    assert Source.objects.count() == 12_000
    assert Source.history.filter(history_type="+").count() == 12_000

    ok, out, err = import_(tmp_path)
    assert ok, err
    assert "sources.csv: 0 new, 0 updated, 12000 unchanged, 0 errors" in out


def test_a_row_that_is_its_own_parent_is_reported_in_the_admin_preview(client):
    from django.contrib.auth.models import Group

    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name="Reviewer"))
    client.force_login(user)
    upload = SimpleUploadedFile("entities.csv", b"slug,kind,name,parent,status\r\nloop,place,Loop,loop,draft\r\n")

    response = client.post(
        reverse("admin:entities_entity_import"), {"resource": 0, "format": 0, "import_file": upload}, follow=True
    )

    assert response.status_code == 200
    assert '"loop" would lie inside itself (loop → loop)' in html.unescape(response.content.decode())
    assert not Entity.objects.filter(slug="loop").exists()


def test_parents_that_name_each_other_are_refused_with_both_lines(tmp_path):
    PlaceFactory(slug="a-place")
    write_csv(
        tmp_path,
        "entities.csv",
        "slug,kind,name,parent,status\r\na-place,place,A,b-place,published\r\nb-place,place,B,a-place,published\r\n",
    )

    ok, _out, err = import_(tmp_path)

    assert not ok
    assert 'entities.csv, line 2, column parent: "a-place" would lie inside itself (a-place → b-place → a-place)' in err
    assert "entities.csv, line 3, column parent:" in err
    assert Entity.objects.get(slug="a-place").parent is None


def test_an_event_type_hierarchy_keeps_two_levels(tmp_path):
    write_csv(
        tmp_path,
        "event_types.csv",
        "slug,label,parent,position,description\r\ntop,Top,,1,\r\nmiddle,Middle,top,1,\r\nbottom,Bottom,middle,1,\r\n",
    )

    ok, _out, err = import_(tmp_path)

    assert not ok
    assert (
        "event_types.csv, line 4, column parent: Event types have 2 levels at most; this makes 3: top › middle › bottom"
    ) in err


@pytest.mark.parametrize("columns", [40_000, 200_000])
def test_a_header_of_absurd_width_is_refused_at_once(tmp_path, columns):
    import time

    header = ",".join(f"c{number}" for number in range(columns))
    write_csv(tmp_path, "sources.csv", f"{header}\r\n" + ",".join("x" for _ in range(columns)) + "\r\n")

    started = time.monotonic()
    ok, _out, err = import_(tmp_path)
    elapsed = time.monotonic() - started

    assert not ok
    assert (
        f"sources.csv, line 1: The header has {columns:,} columns; sources.csv has 20: is this the right file?" in err
    ) or "longer than 1 MiB" in err
    assert elapsed < 5, f"{elapsed:.1f} s (the quadratic check took 24 s for 40,000 columns)"


def test_a_wide_header_in_the_admin_is_refused_before_the_import_transaction(client):
    import time

    from django.contrib.auth.models import Group

    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name="Reviewer"))
    client.force_login(user)
    header = ",".join(f"c{number}" for number in range(40_000))
    upload = SimpleUploadedFile("sources.csv", f"{header}\r\n".encode() + b"x\r\n")

    started = time.monotonic()
    response = client.post(
        reverse("admin:sources_source_import"), {"resource": 0, "format": 0, "import_file": upload}, follow=True
    )

    assert response.status_code == 200
    assert "The header has 40,000 columns" in response.content.decode()
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("x," * 50_000 + "x", "Line 3 has 50,001 cells where the header has 13: this is not a file of the site."),
        ('"' + "x" * 200_000 + '"' + ",x" * 12, "Line 3: a cell is longer than 131,072 characters; no field of the site is."),
    ],
    ids=["a row of 50,001 cells", "a cell of 200,000 characters"],
)
def test_a_file_of_absurd_shape_is_refused_whole_before_the_import_begins(tmp_path, row, message):
    bundle = tmp_path / "hostile"
    bundle.mkdir()
    header = (
        "key,title,authors,publisher,source_type,language,published_on,url,archive_url,accessed_on,affiliation,notes,status"
    )
    (bundle / "sources.csv").write_text(f"{header}\r\nok-source,Fine,,,,,,,,,,,draft\r\n{row}\r\n", encoding="utf-8")

    ok, _out, err = import_(bundle)

    assert not ok
    assert message in err
    assert not Source.objects.filter(key="ok-source").exists()
