"""A needs-attention queue as an editor works it: paged, each item with why it is listed, and a bulk action that
sets items aside for a while with a reason (they come back by themselves, or when put back)."""

import datetime
import re

import pytest
from django.urls import reverse

from nrfsite.editorial.models import SetAside
from nrfsite.editorial.queues import bucket
from sources.models import Source
from tests.factories import SourceFactory, UserFactory, member

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:sources_source_changelist") + "?attention=unarchived-source"


@pytest.fixture
def unarchived():
    """30 sources with no archived copy (the seed has 75 such), and one with a copy."""
    SourceFactory(key="archived", archive_url="https://web.archive.org/web/2021/https://example.org/")
    return [SourceFactory(key=f"wp-ref-{n:02}", title="", url="") for n in range(30)]


def rows(html):
    return re.findall(r'<tr>\s*<td class="action-checkbox">.*?</tr>', html, re.S)


def test_the_queue_pages_by_25_and_says_why_each_item_is_listed(client, unarchived):
    client.force_login(member("Editor"))

    first = client.get(QUEUE).content.decode()
    second = client.get(QUEUE + "&p=2").content.decode()

    assert len(rows(first)) == 25 and len(rows(second)) == 5
    assert "why it is listed" in first.lower()
    assert all("no archived copy and no link" in row for row in rows(first))
    assert ">archived<" not in first
    # The plain list is not a queue: no why column, no set-aside action, the usual 100 a page.
    plain = client.get(reverse("admin:sources_source_changelist"))
    assert len(plain.context["cl"].result_list) == 31
    assert "why it is listed" not in plain.content.decode().lower()
    assert "set_aside_from_queue" not in plain.content.decode()


def test_setting_items_aside_asks_why_then_takes_them_off_the_queue_until_the_day(client, unarchived):
    editor = member("Editor")
    client.force_login(editor)
    chosen = [source.pk for source in unarchived[:3]]
    data = {"action": "set_aside_from_queue", "_selected_action": chosen}

    asked = client.post(QUEUE, data).content.decode()
    assert "Set these 3 item(s) aside from “Sources without an archived link”" in asked
    no_reason = client.post(QUEUE, {**data, "apply": "1", "days": "30", "reason": ""}).content.decode()
    assert "This field is required" in no_reason and no_reason.count('name="_selected_action"') == 3  # kept
    done = client.post(QUEUE, {**data, "apply": "1", "days": "30", "reason": "Printed books: no web copy"}, follow=True)

    assert "Set 3 item(s) aside from “Sources without an archived link” for 30 days." in done.content.decode()
    queue = bucket("unarchived-source")
    assert queue.count == 27 and queue.set_aside == 3 and not set(chosen) & set(queue.pks)
    dashboard = client.get(reverse("admin:index")).content.decode()
    assert "Sources without an archived link</a> <strong>(27)</strong>" in dashboard and "3 set aside for now" in dashboard
    record = SetAside.objects.get(object_id=chosen[0])
    assert record.by == editor and record.reason == "Printed books: no web copy"
    assert record.until == datetime.date.today() + datetime.timedelta(days=30)
    # They come back by themselves after the day.
    later = bucket("unarchived-source", today=datetime.date.today() + datetime.timedelta(days=31))
    assert later.count == 30 and later.set_aside == 0


def test_an_item_not_on_the_queue_is_not_set_aside(client, unarchived):
    client.force_login(member("Editor"))
    archived = Source.objects.get(key="archived")

    client.post(
        QUEUE,
        {
            "action": "set_aside_from_queue",
            "_selected_action": [archived.pk, unarchived[0].pk],
            "apply": "1",
            "days": "90",
            "reason": "x",
        },
    )

    assert list(SetAside.objects.values_list("object_id", flat=True)) == [unarchived[0].pk]


def test_put_back_returns_items_at_once_and_needs_the_right_to_change_them(client, unarchived):
    client.force_login(member("Editor"))
    data = {"action": "set_aside_from_queue", "_selected_action": [s.pk for s in unarchived[:2]]}
    client.post(QUEUE, {**data, "apply": "1", "days": "365", "reason": "later"})
    records = list(SetAside.objects.values_list("pk", flat=True))

    viewer = UserFactory(is_staff=True)  # staff with no right to change sources
    client.force_login(viewer)
    client.post(reverse("admin:editorial_setaside_changelist"), {"action": "put_back", "_selected_action": records})
    assert SetAside.objects.count() == 2

    client.force_login(member("Editor"))
    client.post(reverse("admin:editorial_setaside_changelist"), {"action": "put_back", "_selected_action": records})
    assert SetAside.objects.count() == 0 and bucket("unarchived-source").count == 30


def test_a_user_who_may_not_change_sources_gets_no_set_aside_action(client, unarchived):
    client.force_login(UserFactory(is_staff=True))
    response = client.post(
        QUEUE,
        {"action": "set_aside_from_queue", "_selected_action": [unarchived[0].pk], "apply": "1", "days": "30", "reason": "x"},
    )

    assert response.status_code in (200, 302, 403) and SetAside.objects.count() == 0


def test_the_queue_page_runs_a_bounded_number_of_queries(client, unarchived, django_assert_max_num_queries):
    client.force_login(member("Editor"))
    with django_assert_max_num_queries(30):
        client.get(QUEUE)


def test_select_all_sets_aside_every_item_of_the_queue_not_only_the_page(client, unarchived):
    client.force_login(member("Editor"))
    on_page = [source.pk for source in unarchived[:25]]
    data = {"action": "set_aside_from_queue", "_selected_action": on_page, "select_across": "1", "index": "0"}

    asked = client.post(QUEUE, data).content.decode()
    assert "Set these 30 item(s)" in asked and asked.count('name="_selected_action"') == 30
    confirm = {
        "action": "set_aside_from_queue",
        "_selected_action": re.findall(r'name="_selected_action" value="(\d+)"', asked),
    }
    client.post(QUEUE, {**confirm, "apply": "1", "days": "30", "reason": "Printed books"})

    assert SetAside.objects.count() == 30 and bucket("unarchived-source").count == 0


def test_the_set_aside_list_shows_only_what_the_user_may_view(client, unarchived):
    client.force_login(member("Editor"))
    client.post(
        QUEUE,
        {"action": "set_aside_from_queue", "_selected_action": [unarchived[0].pk], "apply": "1", "days": "30", "reason": "x"},
    )
    url = reverse("admin:editorial_setaside_changelist")

    assert len(client.get(url).context["cl"].result_list) == 1
    client.force_login(UserFactory(is_staff=True))  # staff who may not view sources
    assert len(client.get(url).context["cl"].result_list) == 0
