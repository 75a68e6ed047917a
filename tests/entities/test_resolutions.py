"""Resolutions: editors record which of two contradicting statements they prefer, and why; readers see both."""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from entities.models import Entity, Property, Statement
from nrfsite.editorial.models import PendingChange
from nrfsite.editorial.services import publish_change
from tests.csv_helpers import delete_content, export, import_, write_csv
from tests.entities.test_entity_page import page
from tests.factories import EntityFactory, SourceFactory, StatementCitationFactory, StatementFactory, member

pytestmark = pytest.mark.django_db

INFOBOX, TEXT = "nrf.spokesperson.sibghatullah-ahmadi.infobox", "nrf.spokesperson.sibghatullah-ahmadi.text"
REASON = "the infobox gives his term with a reference of its own ([4])"


@pytest.fixture
def seed():
    call_command("load_seed", stdout=io.StringIO())


def resolve_url(statement):
    return reverse("admin:entities_statement_resolve", args=[statement.pk])


def spokesperson_row(client):
    html = re.sub(r"\s+", " ", page(client, Entity.objects.get(slug="nrf")))
    row = html[html.index("<dt>Spokesperson") :]
    return row[: row.index("</dd>")]


def resolve(client, user, preferred, reason=REASON):
    client.force_login(user)
    return client.post(resolve_url(preferred), {"preferred": str(preferred.pk), "reason": reason})


def test_a_reviewers_resolution_is_shown_to_readers_with_both_accounts_and_their_footnotes(client, seed):
    infobox, text = Statement.objects.get(key=INFOBOX), Statement.objects.get(key=TEXT)
    client.force_login(member("Reviewer"))
    form = client.get(resolve_url(text)).content.decode()
    assert "6 September 2021" in form and "23 November 2021" in form  # both accounts, side by side

    response = resolve(client, member("Reviewer"), infobox)

    assert response.status_code == 302
    infobox.refresh_from_db()
    text.refresh_from_db()
    assert (infobox.rank, infobox.rank_reason) == ("preferred", REASON)
    assert (text.rank, text.superseded_by, text.rank_reason) == ("deprecated", infobox, REASON)  # kept, not deleted
    client.logout()
    row = spokesperson_row(client)
    assert f"<strong>Sources differ;</strong> editors prefer this account of the dates because {REASON}" in row
    assert "6 September 2021 – 8 August 2023" in row and "23 November 2021 – April 2023" in row
    resolution = row[row.index('class="resolution"') :]
    assert "(not preferred)" in resolution and 'class="fn"' in resolution  # the other account keeps its footnotes
    assert "Superseded" not in row  # beside the preferred account, not folded away
    assert "(decided " in resolution and " by " not in resolution[resolution.index("(decided ") :].split(")")[0]


def test_staff_see_who_decided(client, seed):
    reviewer = member("Reviewer")
    resolve(client, reviewer, Statement.objects.get(key=INFOBOX))

    row = spokesperson_row(client)

    assert f"by {reviewer.username})" in row


def test_a_resolved_contradiction_leaves_the_needs_attention_queue(client, seed):
    resolve(client, member("Reviewer"), Statement.objects.get(key=INFOBOX))

    response = client.get(reverse("admin:entities_statement_changelist"), {"attention": "contradiction-statement"})

    keys = {obj.key for obj in response.context["cl"].result_list}
    assert INFOBOX not in keys and TEXT not in keys


def test_an_editors_resolution_waits_for_review_and_readers_see_nothing_until_it_is_published(client, seed):
    before = spokesperson_row(client)
    infobox = Statement.objects.get(key=INFOBOX)

    response = resolve(client, member("Editor"), infobox)

    assert response.status_code == 302
    assert set(Statement.objects.filter(key__in=[INFOBOX, TEXT]).values_list("rank", flat=True)) == {"normal"}
    changes = list(PendingChange.objects.waiting())
    assert len(changes) == 2
    client.logout()
    assert spokesperson_row(client) == before

    reviewer = member("Reviewer")
    for change in changes:
        publish_change(change=change, user=reviewer)

    assert "editors prefer this account of the dates because" in spokesperson_row(client)


def test_a_resolution_without_a_reason_is_refused_and_keeps_the_choice(client, seed):
    text = Statement.objects.get(key=TEXT)

    response = resolve(client, member("Reviewer"), text, reason="   ")

    html = response.content.decode()
    assert response.status_code == 200 and "Say why" in html
    assert f'value="{text.pk}"' in html and "checked" in html.split(f'value="{text.pk}"')[1][:40]
    assert set(Statement.objects.filter(key__in=[INFOBOX, TEXT]).values_list("rank", flat=True)) == {"normal"}


def test_a_statement_that_contradicts_nothing_has_nothing_to_resolve(client, seed):
    leader = Statement.objects.filter(subject__slug="nrf", property__slug="leader").first()
    client.force_login(member("Reviewer"))

    response = client.get(resolve_url(leader), follow=True)

    assert "nothing to resolve" in response.content.decode()
    link = f'href="{resolve_url(leader)}"'
    assert link not in client.get(reverse("admin:entities_statement_change", args=[leader.pk])).content.decode()
    contradicted = Statement.objects.get(key=TEXT)
    change_page = client.get(reverse("admin:entities_statement_change", args=[contradicted.pk])).content.decode()
    assert f'href="{resolve_url(contradicted)}">Resolve contradiction</a>' in change_page


def test_only_users_who_may_change_statements_may_resolve(client, seed):
    from django.contrib.auth.models import User

    text = Statement.objects.get(key=TEXT)
    staff = User.objects.create_user("staff-without-rights", password="x", is_staff=True)
    client.force_login(staff)

    response = client.post(resolve_url(text), {"preferred": str(text.pk), "reason": REASON})

    assert response.status_code == 403
    assert Statement.objects.get(key=TEXT).rank == "normal"


@pytest.fixture
def resolved():
    nrf = EntityFactory(slug="nrf", name="NRF")
    size = Property.objects.get(slug="size")
    # The deprecated statement's key sorts before the one it names: an import meets the link before the row.
    preferred = StatementFactory(
        key="nrf.size.z-preferred", subject=nrf, property=size, value_text="", quantity_best=5000, rank="preferred"
    )
    StatementFactory(
        key="nrf.size.a-deprecated",
        subject=nrf,
        property=size,
        value_text="",
        quantity_best=3000,
        rank="deprecated",
        rank_reason="the later count",
        superseded_by=preferred,
    )
    for statement in Statement.objects.all():
        StatementCitationFactory(statement=statement, source=SourceFactory())
    return preferred


def test_a_resolution_round_trips_through_the_bundle_exactly(tmp_path, resolved):
    first = export(tmp_path / "first")
    assert b"the later count,nrf.size.z-preferred" in first["statements.csv"]
    delete_content()

    ok, _out, err = import_(tmp_path / "first")

    assert ok, err
    assert export(tmp_path / "second") == first
    assert Statement.objects.get(key="nrf.size.a-deprecated").superseded_by.key == "nrf.size.z-preferred"


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        ({"rank": "normal"}, "superseded_by", "Only a deprecated statement is superseded"),
        ({"rank_reason": ""}, "rank_reason", "Say why editors prefer the other statement"),
        ({"superseded_by": "nrf.size.a-deprecated"}, "superseded_by", "cannot be superseded by itself"),
    ],
)
def test_a_bad_resolution_in_a_file_is_refused_with_its_line_and_column(tmp_path, resolved, cells, column, message):
    export(tmp_path)
    text = (tmp_path / "statements.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    header = lines[0].split(",")
    import csv

    rows = list(csv.reader(lines))
    line = next(index for index, row in enumerate(rows) if row[0] == "nrf.size.a-deprecated")
    for name, value in cells.items():
        rows[line][header.index(name)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    write_csv(tmp_path, "statements.csv", out.getvalue())
    before = sorted(Statement.objects.values_list("key", "rank", "rank_reason", "superseded_by"))

    ok, stdout, err = import_(tmp_path)

    assert not ok
    report = err + stdout
    assert f"line {line + 1}" in report and column in report and message in report
    assert sorted(Statement.objects.values_list("key", "rank", "rank_reason", "superseded_by")) == before
