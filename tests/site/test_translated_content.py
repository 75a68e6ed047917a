"""Translated content (issue 19, point 3): names, descriptions, sections, summaries and labels in Dari and Pashto.

English stays the stored text; `<field>_prs` and `<field>_ps` hold the translations. A Dari page shows the Dari
text where there is one, and otherwise the English, marked `lang="en" dir="ltr"`, saying so for a long text. The
translations go through the admin (right to left, marked with their language), the CSV bundle (round trip
exact, an empty cell is "not translated") and the revision history.
"""

import re

import pytest
from django.urls import reverse

from entities.models import Entity, Section
from events.models import Event
from tests.csv_helpers import export, import_, rewrite_rows
from tests.editorial.test_inline_rights import change_form_data
from tests.factories import (
    EntityFactory,
    EventFactory,
    EventTypeFactory,
    SectionFactory,
    SourceFactory,
    member,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def nrf():
    SourceFactory(key="bbc-2021")
    SourceFactory(key="tolo-2021")
    entity = EntityFactory(
        slug="nrf",
        name="National Resistance Front",
        name_prs="جبهه مقاومت ملی",
        description="Anti-Taliban alliance",
    )
    SectionFactory(
        entity=entity, title="", position=0, body="Formed in 2021.[@bbc-2021]", body_prs="در ۲۰۲۱ تشکیل شد.[@bbc-2021]"
    )
    SectionFactory(entity=entity, title="Status", title_prs="وضعیت", position=1, body="Still active.[@tolo-2021]")
    return entity


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_a_dari_page_shows_the_dari_translation_unmarked(client, nrf):
    html = page(client, "/prs/entities/nrf/")

    assert "<h1>جبهه مقاومت ملی</h1>" in html
    assert "<h2>وضعیت</h2>" in html
    assert "در ۲۰۲۱ تشکیل شد." in html
    assert "<title>جبهه مقاومت ملی" in html  # the title is plain text: no mark inside <title>


def test_an_untranslated_text_is_shown_in_english_marked_and_says_so(client, nrf):
    html = page(client, "/ps/entities/nrf/")  # nothing is translated into Pashto

    assert '<h1><span lang="en" dir="ltr">National Resistance Front</span></h1>' in html
    assert '<span lang="en" dir="ltr">Anti-Taliban alliance</span>' in html
    assert "<title>National Resistance Front" in html
    # Each untranslated section says so, in Pashto, above its English text, which is marked English.
    assert html.count("لا نه دی ژباړل شوی: په انګلیسي ښودل کېږي.") == 2
    assert re.search(r'<div lang="en" dir="ltr"><p>Formed in 2021\.', html)


def test_a_dari_page_marks_only_what_is_not_translated(client, nrf):
    html = page(client, "/prs/entities/nrf/")

    assert '<span lang="en" dir="ltr">Anti-Taliban alliance</span>' in html  # no Dari description
    assert html.count("هنوز ترجمه نشده است: به انگلیسی نمایش داده می‌شود.") == 1  # "Status" body only
    assert re.search(r'<div lang="en" dir="ltr"><p>Still active\.', html)


def test_the_english_page_shows_english_whatever_the_translations(client, nrf):
    html = page(client, "/entities/nrf/")

    assert "<h1>National Resistance Front</h1>" in html
    assert "جبهه مقاومت ملی" not in html.split("<h1>")[1].split("</h1>")[0]
    assert "Formed in 2021." in html and "تشکیل شد" not in html
    assert 'lang="en" dir="ltr"' not in html


def test_a_translated_section_keeps_its_footnotes(client, nrf):
    html = page(client, "/prs/entities/nrf/")

    lead = html.split('id="lead"')[1].split("</section>")[0]
    assert "تشکیل شد" in lead and 'href="#ref-' in lead  # the Dari text's marker is the page's footnote
    assert ">[۱]</a></sup>" in lead  # numbered in the reader's digits
    assert ">[1]</a></sup>" in page(client, "/entities/nrf/")


def test_events_show_their_translated_title_summary_and_type(client, nrf):
    battles = EventTypeFactory(slug="test-battles", label="Battles", label_prs="نبردها")
    kind = EventTypeFactory(slug="test-battle", label="Battle", label_prs="نبرد", parent=battles)
    EventFactory(
        slug="clash",
        title="Clash in Panjshir",
        title_prs="درگیری در پنجشیر",
        summary="Fighting was reported.[@bbc-2021]",
        summary_prs="درگیری گزارش شد.[@bbc-2021]",
        event_type=kind,
    )

    timeline = page(client, "/prs/events/")
    detail = page(client, "/prs/events/clash/")
    pashto = page(client, "/ps/events/clash/")

    assert "درگیری در پنجشیر" in timeline and "درگیری گزارش شد." in timeline and "نبرد" in timeline
    assert "<h1>درگیری در پنجشیر</h1>" in detail
    assert '<h1><span lang="en" dir="ltr">Clash in Panjshir</span></h1>' in pashto
    assert '<span lang="en" dir="ltr">Battles</span> › <span lang="en" dir="ltr">Battle</span>' in pashto
    assert "نبردها › نبرد" in detail and "Battles › Battle" in page(client, "/events/clash/")  # with its parent
    assert re.search(r'<div class="prose" lang="en" dir="ltr"><p>Fighting was reported\.', pashto)  # marked English


def test_the_admin_edits_translations_right_to_left_and_keeps_the_english(client, nrf):
    client.force_login(member("Reviewer"))
    url = reverse("admin:entities_entity_change", args=[nrf.pk]).replace("/admin/", "/prs/admin/", 1)
    form = client.get(url)
    html = form.content.decode()
    pashto_box = re.search(r'<input[^>]*name="name_ps"[^>]*>', html).group(0)
    assert 'lang="ps"' in pashto_box and 'dir="rtl"' in pashto_box
    english_box = re.search(r'<input[^>]*name="name"[^>]*>', html).group(0)
    assert 'dir="auto"' in english_box  # the English, in the right-to-left admin, reads left to right
    data = change_form_data(form)
    data["name_ps"] = "د مقاومت ملي جبهه"

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    nrf.refresh_from_db()
    assert nrf.name == "National Resistance Front"  # saved from the Dari admin, the English is untouched
    assert (nrf.name_prs, nrf.name_ps) == ("جبهه مقاومت ملی", "د مقاومت ملي جبهه")
    revision = nrf.history.first()
    assert revision.name_ps == "د مقاومت ملي جبهه"  # the revision history carries the translation
    assert nrf.history.all()[1].name_ps is None


def test_an_emptied_translation_is_stored_as_not_translated(client, nrf):
    client.force_login(member("Reviewer"))
    url = reverse("admin:entities_entity_change", args=[nrf.pk])
    data = change_form_data(client.get(url))
    data["name_prs"] = "   "

    assert client.post(url, data).status_code == 302
    assert Entity.objects.get(pk=nrf.pk).name_prs is None


def test_a_translation_citing_a_source_its_english_does_not_is_refused_in_the_admin(client, nrf):
    section = Section.objects.get(entity=nrf, title="Status")
    client.force_login(member("Reviewer"))
    url = reverse("admin:entities_section_change", args=[section.pk])
    data = change_form_data(client.get(url))
    data["body_prs"] = "هنوز فعال است.[@bbc-2021]"

    response = client.post(url, data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "the English does not cite &quot;bbc-2021&quot;" in html
    assert "هنوز فعال است." in html  # what the editor typed is kept
    assert Section.objects.get(pk=section.pk).body_prs is None


def test_translations_make_the_bundle_round_trip_exactly(tmp_path, nrf):
    EventFactory(slug="clash", title="Clash", title_ps="نښته", summary="")
    first = export(tmp_path / "first")
    header = first["entities.csv"].decode().splitlines()[0]
    assert "name_prs,name_ps,description_prs,description_ps" in header

    for model in (Event, Section, Entity):
        model.objects.all().delete()
    ok, _, err = import_(tmp_path / "first")
    assert ok, err
    second = export(tmp_path / "second")

    assert second == first
    assert Entity.objects.get(slug="nrf").name_ps is None  # an empty cell is "not translated": NULL, not ""
    assert Event.objects.get(slug="clash").title_ps == "نښته"
    ok, out, err = import_(tmp_path / "second")
    assert ok, err
    assert "entities.csv: 0 new, 0 updated" in out and "sections.csv: 0 new, 0 updated" in out


def test_an_import_refuses_a_translation_citing_what_its_english_does_not(tmp_path, nrf):
    export(tmp_path)
    path = tmp_path / "sections.csv"
    text = path.read_text(encoding="utf-8")
    assert "در ۲۰۲۱ تشکیل شد.[@bbc-2021]" in text
    path.write_text(text.replace("در ۲۰۲۱ تشکیل شد.[@bbc-2021]", "در ۲۰۲۱ تشکیل شد.[@tolo-2021]"), encoding="utf-8")

    ok, _, err = import_(tmp_path)

    assert not ok
    assert re.search(r"sections\.csv, line \d+, column body_prs: .*does not cite \"tolo-2021\"", err), err
    assert Section.objects.get(entity=nrf, title="").body_prs == "در ۲۰۲۱ تشکیل شد.[@bbc-2021]"


def test_the_api_gives_the_translations_it_has_and_only_public_markers(client, nrf):
    SourceFactory(key="secret-2021", status="draft")
    section = Section.objects.get(entity=nrf, title="Status")
    Section.objects.filter(pk=section.pk).update(
        body="Still active.[@tolo-2021][@secret-2021]", body_ps="لا هم فعاله ده.[@tolo-2021][@secret-2021]"
    )

    entity = client.get("/api/entities/nrf/").json()
    sections = client.get("/api/sections/?entity=nrf").json()["results"]

    assert entity["translations"] == {"prs": {"name": "جبهه مقاومت ملی"}}  # nothing in Pashto: left out
    status = next(s for s in sections if s["title"] == "Status")
    assert status["translations"] == {"prs": {"title": "وضعیت"}, "ps": {"body": "لا هم فعاله ده.[@tolo-2021]"}}


def test_search_reads_the_translations(client, nrf):
    EventFactory(slug="clash", title="Clash in Panjshir", title_prs="درگیری در دره", summary="")

    by_name = page(client, "/prs/search/?q=مقاومت")
    by_title = page(client, "/prs/search/?q=درگیری")
    by_body = page(client, "/prs/search/?q=تشکیل")
    timeline = page(client, "/prs/events/?q=درگیری")

    assert 'href="/prs/entities/nrf/">جبهه مقاومت ملی</a>' in by_name
    assert 'href="/prs/events/clash/">درگیری در دره</a>' in by_title
    assert "در ۲۰۲۱ تشکیل شد." in by_body  # the excerpt is the Dari text
    assert "درگیری در دره" in timeline


def test_a_translation_changed_alone_by_an_import_is_found(tmp_path, client, nrf):
    """Only the translation column changes: the database's index follows it (on PostgreSQL, a trigger made
    before the column joined the index would have left it out)."""
    EventFactory(slug="clash", title="Clash", summary="Fighting.")
    export(tmp_path)
    rewrite_rows(tmp_path / "events.csv", lambda row: row.update(summary_prs="نبردی سخت"))

    ok, out, err = import_(tmp_path)

    assert ok, err
    assert "events.csv: 0 new, 1 updated" in out
    assert "/prs/events/clash/" in page(client, "/prs/search/?q=سخت")


def test_a_source_title_is_quoted_as_published_with_its_translation_for_the_reader(client, nrf):
    source = SourceFactory(
        key="tolo-dari",
        title="مقاومت در پنجشیر",
        language="prs",
        title_en="Resistance in Panjshir",
        url="https://tolonews.com/fa/1",
    )
    SectionFactory(entity=nrf, title="Sources", position=2, body=f"Reported.[@{source.key}]")

    english = page(client, "/entities/nrf/")
    dari = page(client, "/prs/entities/nrf/")

    assert '“<bdi lang="prs">مقاومت در پنجشیر</bdi>”</a> [Resistance in Panjshir]' in english
    assert "“مقاومت در پنجشیر”</a>" in dari and "[Resistance in Panjshir]" not in dari  # in its own language
    assert "/tolo-dari/" in page(client, "/search/?q=Resistance")


def test_hostile_translations_are_cleaned_escaped_or_refused_and_the_form_keeps_them(client, nrf):
    client.force_login(member("Reviewer"))
    url = reverse("admin:entities_entity_change", args=[nrf.pk])
    data = change_form_data(client.get(url))

    data.update(name_prs="<script>alert(1)</script>\u202e جبهه\x00", name_ps="x" * 201)
    refused = client.post(url, data).content.decode()
    assert "at most 200 characters" in refused and "x" * 201 in refused  # too long: refused, the text kept
    assert "Null characters are not allowed" in refused

    data.update(name_prs="<script>alert(1)</script>\u202e جبهه", name_ps="   ")
    assert client.post(url, data).status_code == 302
    stored = Entity.objects.get(pk=nrf.pk)
    assert stored.name_prs == "<script>alert(1)</script> جبهه"  # no bidi override, no NUL
    assert stored.name_ps is None  # spaces are "not translated"
    html = page(client, "/prs/entities/nrf/")
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; جبهه" in html


def test_a_translated_body_is_sanitized_like_the_english(client, nrf):
    Section.objects.filter(entity=nrf, title="").update(
        body_prs='<img src=x onerror="alert(1)"><a href="javascript:alert(2)">پیوند</a> متن.[@bbc-2021]'
    )

    lead = page(client, "/prs/entities/nrf/").split('id="lead"')[1].split("</section>")[0]

    assert not re.search(r"<img[^>]*onerror|<a[^>]*javascript:", lead)  # no such tag: shown as text
    assert "&lt;img src=x" in lead and "پیوند" in lead


def test_a_translation_of_invisible_characters_only_is_not_a_translation(tmp_path, nrf):
    export(tmp_path)
    rewrite_rows(tmp_path / "entities.csv", lambda row: row.update(name_ps="\u202e \u202c"))

    ok, out, err = import_(tmp_path)

    assert ok, err
    assert "entities.csv: 0 new, 0 updated" in out
    assert Entity.objects.get(slug="nrf").name_ps is None


def test_a_dari_feed_gives_the_translated_titles(client, nrf):
    EventFactory(slug="clash", title="Clash in Panjshir", title_prs="درگیری در پنجشیر", summary="")

    entity_feed = client.get("/prs/entities/nrf/feed/").content.decode()
    events_feed = client.get("/prs/events/feed/").content.decode()

    assert "جبهه مقاومت ملی" in entity_feed and "وضعیت" in entity_feed
    assert "درگیری در پنجشیر" in events_feed
    assert "Clash in Panjshir" in client.get("/events/feed/").content.decode()


def test_the_api_gives_a_source_titles_translations(client, nrf):
    SourceFactory(key="tolo-dari", title="مقاومت در پنجشیر", language="prs", title_en="Resistance in Panjshir")

    source = client.get("/api/sources/tolo-dari/").json()

    assert source["title"] == "مقاومت در پنجشیر" and source["language"] == "prs"
    assert source["translations"] == {"en": {"title": "Resistance in Panjshir"}}


def test_an_editors_translation_of_a_published_section_waits_for_a_reviewer(client, nrf):
    section = Section.objects.get(entity=nrf, title="Status")
    client.force_login(member("Editor"))
    url = reverse("admin:entities_section_change", args=[section.pk])
    data = change_form_data(client.get(url))
    data["body_prs"] = "هنوز فعال است.[@tolo-2021]"
    assert client.post(url, data).status_code == 302

    assert "هنوز فعال است." not in page(client, "/prs/entities/nrf/")  # not live: pending review
    assert Section.objects.get(pk=section.pk).body_prs is None

    client.force_login(member("Reviewer"))
    client.post(reverse("admin:entities_section_workflow", args=[section.pk, "publish"]))
    assert "هنوز فعال است." in page(client, "/prs/entities/nrf/")


def test_a_drafts_translation_appears_nowhere_public(client, nrf):
    SectionFactory(entity=nrf, title="Secret", title_prs="پنهان", position=5, body="x", body_prs="متن پنهان", status="draft")
    EventFactory(slug="hidden", title="Hidden", title_prs="رویداد پنهان", summary="", status="draft")

    for path in ("/prs/entities/nrf/", "/prs/events/", "/prs/search/?q=پنهان", "/prs/entities/nrf/feed/", "/prs/events/feed/"):
        html = client.get(path).content.decode()
        assert "متن پنهان" not in html and "رویداد پنهان" not in html and ">پنهان<" not in html, path
    assert "پنهان" not in str(client.get("/api/sections/?entity=nrf").json())
    assert client.get("/api/events/hidden/").status_code == 404
