"""A fact ages as facts of its kind do: a property's review interval decides when a statement is due and when its
"as of" date has aged; the queue lists the most overdue first; readers see "as of D" on an aged fact only."""

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse

from entities.models import Property
from nrfsite.editorial.queues import bucket
from tests.csv_helpers import export
from tests.factories import EntityFactory, StatementFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def months_ago(n):
    """A month-precision "as of" n months before this one, as an editor types it."""
    month = (TODAY.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    for _ in range(n - 1):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return month.strftime("%Y-%m")


@pytest.fixture
def nrf():
    Property.objects.filter(slug="spokesperson").update(review_every=180)
    Property.objects.filter(slug="ideology").update(review_every=1825)
    nrf = EntityFactory(slug="nrf", name="National Resistance Front")
    person = EntityFactory(slug="ali", name="Ali Spokesman", kind="person")
    # Both were true "as of" 9 months ago; each statement's own interval (the default 180) is not what ages it.
    StatementFactory(
        key="nrf.spokesperson",
        subject=nrf,
        property=Property.objects.get(slug="spokesperson"),
        value_text="",
        value_entity=person,
        as_of_partial=months_ago(9),
    )
    StatementFactory(
        key="nrf.ideology",
        subject=nrf,
        property=Property.objects.get(slug="ideology"),
        value_text="Federalism",
        as_of_partial=months_ago(9),
    )
    return nrf


def test_a_spokesperson_ages_in_months_an_ideology_in_years(client, nrf):
    queue = bucket("asof-statement")

    assert [item.obj.key for item in queue.items] == ["nrf.spokesperson"]
    assert "older than 6 months" in queue.items[0].why and "overdue" in queue.items[0].why
    html = client.get("/entities/nrf/").content.decode()
    marked = re.findall(r'<span class="value">(?:<a [^>]+>)?([^<]+).*?<span class="as-of">as of ([^<]+)</span>', html)
    assert [name for name, _date in marked] == ["Ali Spokesman"]  # the ideology, 9 months old, is current
    assert html.count('class="as-of"') == 1


def test_a_review_renews_it_until_the_interval_passes_again(client, nrf):
    from entities.models import Statement

    Statement.objects.filter(key="nrf.spokesperson").update(reviewed_on=TODAY - datetime.timedelta(days=10))

    assert bucket("asof-statement").items == []
    assert '<span class="as-of">' not in client.get("/entities/nrf/").content.decode()


def test_the_queue_lists_the_most_overdue_first(nrf):
    StatementFactory(
        key="nrf.spokesperson.older",
        subject=nrf,
        property=Property.objects.get(slug="spokesperson"),
        value_text="",
        value_entity=EntityFactory(slug="old", name="Old Spokesman", kind="person"),
        as_of_partial=months_ago(20),
    )

    assert [item.obj.key for item in bucket("asof-statement").items] == ["nrf.spokesperson.older", "nrf.spokesperson"]


def test_an_editor_sets_a_propertys_interval_and_the_csv_carries_it(client, nrf, tmp_path):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    ideology = Property.objects.get(slug="ideology")
    url = reverse("admin:entities_property_change", args=[ideology.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}

    refused = client.post(url, {**data, "review_every": "0"})
    assert refused.status_code == 200 and "review_every" in refused.context["adminform"].form.errors
    client.post(url, {**data, "review_every": "90"})

    assert Property.objects.get(slug="ideology").review_every == 90
    # 90 days now: the ideology is the more overdue of the two.
    assert [item.obj.key for item in bucket("asof-statement").items] == ["nrf.ideology", "nrf.spokesperson"]
    files = export(tmp_path)
    rows = list(csv.DictReader(io.StringIO(files["properties.csv"].decode())))
    assert {row["slug"]: row["review_every"] for row in rows}["ideology"] == "90"
