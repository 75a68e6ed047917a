"""A date written in Persian or Arabic-Indic digits is read; a year before 1800 is refused with its Solar Hijri
reading ("۱۴۰۰-۰۵-۲۶" was stored as 26 May 1400 AD). One rule (PartialDate.parse), every way in: a CSV import,
an admin form, the timeline's filters, its CSV and the API."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from entities.models import Entity
from nrfsite.core.dates import PartialDate, PartialDateError
from tests.csv_helpers import import_, write_csv
from tests.factories import EntityFactory, UserFactory

pytestmark = pytest.mark.django_db

DAY_HINT = "Did you mean 1400-05-26 SH (26 Asad 1400) = 17 August 2021? Enter it as 1400-05-26 SH or 2021-08-17."


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("۲۰۲۱-۰۸-۱۷", "2021-08-17"),  # Persian digits
        ("٢٠٢١-٠٨", "2021-08"),  # Arabic-Indic digits
        ("۱۷ August ۲۰۲۱", "2021-08-17"),
        ("c. ۱۹۷۵", "c. 1975"),
        ("1800", "1800"),
    ],
)
def test_persian_and_arabic_indic_digits_read_as_the_digits_they_are(text, iso):
    assert PartialDate.parse(text).isoformat() == iso


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("۱۴۰۰-۰۵-۲۶", f'"۱۴۰۰-۰۵-۲۶" is not a valid date: no date here is before 1800. {DAY_HINT}'),
        ("1400-05-26", f'"1400-05-26" is not a valid date: no date here is before 1800. {DAY_HINT}'),
        (
            "1400-05",
            '"1400-05" is not a valid date: no date here is before 1800. Did you mean 1400-05 SH (Asad 1400), which '
            "runs from 23 July 2021 to 22 August 2021? Enter it as 1400-05 SH, or the Gregorian month or day you mean.",
        ),
        (
            "1400",
            '"1400" is not a valid date: no date here is before 1800. Did you mean the year 1400 SH, which runs from '
            "21 March 2021 to 20 March 2022? Enter it as 1400 SH, or the Gregorian year or date you mean.",
        ),
        # Hut has 29 days in 1400 SH: no Solar Hijri reading to offer.
        ("1400-12-30", '"1400-12-30" is not a valid date: no date here is before 1800.'),
        ("0001", '"0001" is not a valid date: no date here is before 1800.'),  # 1 SH is 622 AD: no reading to offer
        # 31 Sawr is a day though February has no 31st: the Solar Hijri reading comes before the Gregorian check.
        (
            "1400-02-31",
            '"1400-02-31" is not a valid date: no date here is before 1800. Did you mean 1400-02-31 SH (31 Sawr 1400) = '
            "21 May 2021? Enter it as 1400-02-31 SH or 2021-05-21.",
        ),
        ("1799-12-31", '"1799-12-31" is not a valid date: no date here is before 1800.'),
    ],
)
def test_a_year_before_1800_is_refused_with_its_solar_hijri_reading(text, message):
    with pytest.raises(PartialDateError) as refused:
        PartialDate.parse(text)
    assert str(refused.value) == message


@pytest.mark.parametrize("text", ["२०२१", "２０２１-０８", "𝟐𝟎𝟐𝟏"])  # Devanagari, fullwidth, mathematical digits
def test_digits_of_other_scripts_are_no_digits(text):
    with pytest.raises(PartialDateError):
        PartialDate.parse(text)


def test_a_bundle_import_refuses_the_row_says_why_and_writes_nothing(tmp_path):
    directory = write_csv(
        tmp_path,
        "entities.csv",
        "slug,kind,name,start\r\nnrf,organization,National Resistance Front,۱۴۰۰-۰۵-۲۶\r\n"
        "ipa,organization,A group,2021-08-17\r\n",
    )

    ok, _out, err = import_(directory)

    assert (
        not ok
        and f'entities.csv, line 2, column start: "۱۴۰۰-۰۵-۲۶" is not a valid date: no date here is before 1800. {DAY_HINT}'
        in err
    )
    assert not Entity.objects.filter(slug__in=["nrf", "ipa"]).exists()  # one bad row: no row written


def test_the_admin_csv_import_reads_persian_digits_and_refuses_a_solar_hijri_year(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:entities_entity_import")

    def upload(text):
        data = SimpleUploadedFile("entities.csv", text.encode(), content_type="text/csv")
        return client.post(url, {"resource": 0, "format": 0, "encoding": "", "import_file": data}, follow=True)

    refused = upload("slug,kind,name,start\r\nnrf,organization,NRF,۱۴۰۰-۰۵-۲۶\r\n")
    assert DAY_HINT in refused.content.decode() and "confirm_form" not in refused.context

    preview = upload("slug,kind,name,start\r\nipa,organization,A group,۲۰۲۱-۰۸-۱۷\r\n")
    client.post(reverse("admin:entities_entity_process_import"), preview.context["confirm_form"].initial)
    assert Entity.objects.get(slug="ipa").start_partial.isoformat() == "2021-08-17"


def test_the_admin_form_refuses_it_and_keeps_what_was_typed(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    entity = EntityFactory(slug="nrf", name="National Resistance Front")
    url = reverse("admin:entities_entity_change", args=[entity.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update({"start": "۱۴۰۰-۰۵-۲۶", "aliases-TOTAL_FORMS": "0", "aliases-INITIAL_FORMS": "0"})
    data = {key: value for key, value in data.items() if value is not None}

    response = client.post(url, data)

    html = response.content.decode()
    assert response.status_code == 200 and "no date here is before 1800" in html and "26 Asad 1400" in html
    assert 'value="۱۴۰۰-۰۵-۲۶"' in html  # what the editor typed stays in the box
    entity.refresh_from_db()
    assert entity.start is None


@pytest.mark.parametrize(("url", "extra"), [("/events/", {}), ("/events/", {"format": "csv"}), ("/api/events/", {})])
def test_the_timeline_its_csv_and_the_api_refuse_it_alike(client, url, extra):
    response = client.get(url, {"date_from": "۱۴۰۰-۰۵", **extra})

    text = response.content.decode()
    assert response.status_code == (200 if url == "/events/" and not extra else 400)
    assert "no date here is before 1800. Did you mean 1400-05 SH (Asad 1400)" in text
