"""An editor's or reviewer's own watchlist in the admin, and the unsubscribe link every digest carries.

Each person sees and changes only their own watchlist, by any address; a reader or a staff login without an
editorial role has none. The unsubscribe link is signed: opening it only asks, a click or a mail client's
one-click POST switches the digest off, and a changed link is refused with a clear page.
"""

import time

import pytest
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse

from nrfsite.site.models import Watch, Watchlist
from nrfsite.site.watchlists import SALT, unsubscribe_token, unsubscribe_url
from tests.editorial.test_inline_rights import change_form_data
from tests.factories import EntityFactory, EventTypeFactory, PlaceFactory, UserFactory, member

pytestmark = pytest.mark.django_db

MY_WATCHLIST = reverse("admin:nrfsite_watchlist_changelist")


@pytest.fixture
def editor():
    return member("Editor", username="ed-the-editor", email="ed@example.org")


def open_mine(client, user):
    client.force_login(user)
    response = client.get(MY_WATCHLIST, follow=True)
    assert response.status_code == 200, response.status_code
    return response


def watch_rows(data, *rows):
    """`data` (a change form's) with `rows` as its new watched items: each {"entity": pk} or similar."""
    data = {key: value for key, value in data.items() if not key.startswith("watches-")}
    data.update({"watches-TOTAL_FORMS": len(rows), "watches-INITIAL_FORMS": 0, "watches-MIN_NUM_FORMS": 0})
    data["watches-MAX_NUM_FORMS"] = 1000
    for index, row in enumerate(rows):
        data.update({f"watches-{index}-{name}": value for name, value in row.items()})
    return data


def test_my_watchlist_opens_the_editors_own_and_saves_what_they_watch_and_how_often(client, editor):
    nrf = EntityFactory(slug="nrf", name="National Resistance Front")
    PlaceFactory(slug="panjshir", name="Panjshir", iso_code="AF-PAN")
    clash = EventTypeFactory(slug="armed-clash-test", label="Armed clash")
    page = open_mine(client, editor)
    url = page.redirect_chain[-1][0]
    html = page.content.decode()
    assert "ed@example.org" in html and "Panjshir" in html and 'value="AF-PAN"' in html
    assert "autocomplete" in html  # the entity is found by typing its name

    rows = [{"entity": nrf.pk}, {"province": "AF-PAN"}, {"event_type": clash.pk}]
    saved = client.post(url, {**watch_rows(change_form_data(page), *rows), "frequency": "weekly"})

    assert saved.status_code == 302
    watchlist = Watchlist.objects.get(user=editor)
    assert watchlist.frequency == "weekly"
    assert {(w.entity_id, w.province, w.event_type_id) for w in watchlist.watches.all()} == {
        (nrf.pk, "", None),
        (None, "AF-PAN", None),
        (None, "", clash.pk),
    }


def test_a_line_naming_two_things_or_the_same_thing_twice_is_refused_with_why(client, editor):
    nrf = EntityFactory(slug="nrf")
    PlaceFactory(slug="panjshir", name="Panjshir", iso_code="AF-PAN")
    page = open_mine(client, editor)
    url = page.redirect_chain[-1][0]

    both = client.post(url, watch_rows(change_form_data(page), {"entity": nrf.pk, "province": "AF-PAN"}))
    twice = client.post(url, watch_rows(change_form_data(page), {"entity": nrf.pk}, {"entity": nrf.pk}))
    nothing = client.post(url, watch_rows(change_form_data(page), {"entity": "", "province": "", "event_type": ""}))

    assert "Choose one thing to watch on each line" in both.content.decode()
    assert "You watch this already" in twice.content.decode()
    assert nothing.status_code == 302  # an empty extra line is no line
    assert not Watch.objects.exists()


def test_the_database_keeps_one_target_per_row_and_each_target_once():
    watchlist = Watchlist.objects.create(user=member("Reviewer"))
    nrf = EntityFactory()
    Watch.objects.create(watchlist=watchlist, entity=nrf)

    with pytest.raises(IntegrityError), transaction.atomic():
        Watch.objects.create(watchlist=watchlist, entity=nrf)
    with pytest.raises(IntegrityError), transaction.atomic():
        Watch.objects.create(watchlist=watchlist, entity=EntityFactory(), province="AF-PAN")
    with pytest.raises(IntegrityError), transaction.atomic():
        Watch.objects.create(watchlist=watchlist)


def test_an_editor_never_sees_or_changes_another_editors_watchlist_even_by_its_address(client, editor):
    other = member("Reviewer", username="rahima-reviews", email="rahima@example.org")
    theirs = Watchlist.objects.create(user=other, frequency="weekly")
    Watch.objects.create(watchlist=theirs, entity=EntityFactory(name="Their secret interest"))
    open_mine(client, editor)
    change = reverse("admin:nrfsite_watchlist_change", args=[theirs.pk])

    seen = client.get(change)
    posted = client.post(change, {"frequency": "off"})
    history = client.get(reverse("admin:nrfsite_watchlist_history", args=[theirs.pk]))
    delete = client.post(reverse("admin:nrfsite_watchlist_delete", args=[theirs.pk]), {"post": "yes"})
    mine = client.get(MY_WATCHLIST, follow=True).content.decode()

    assert (seen.status_code, posted.status_code, history.status_code) == (404, 404, 404)
    assert delete.status_code in (403, 404)
    assert "Their secret interest" not in mine and "rahima" not in mine
    theirs.refresh_from_db()
    assert theirs.frequency == "weekly" and theirs.watches.count() == 1


@pytest.mark.parametrize(
    "who",
    [
        lambda: UserFactory(username="reader"),  # a reader's account, no staff access
        lambda: UserFactory(username="staff-only", is_staff=True),  # staff without an editorial role
        lambda: member("Editor", username="gone", is_active=False),
    ],
)
def test_only_editors_and_reviewers_have_a_watchlist(client, who):
    user = who()
    client.force_login(user)

    listed = client.get(MY_WATCHLIST)
    index = client.get(reverse("admin:index"))

    assert listed.status_code in (302, 403)  # the inactive and the non-staff are sent to the login page
    assert listed.status_code == 302 or "watchlist" not in index.content.decode().lower()
    assert not Watchlist.objects.filter(user=user).exists()


def test_the_admin_index_offers_my_watchlist_to_an_editor(client, editor):
    client.force_login(editor)

    html = client.get(reverse("admin:index")).content.decode()

    assert f'href="{MY_WATCHLIST}"' in html and "My watchlist" in html


def test_a_reviewer_who_loses_the_role_loses_the_page(client):
    reviewer = member("Reviewer")
    open_mine(client, reviewer)
    reviewer.groups.clear()

    assert client.get(MY_WATCHLIST).status_code == 403


def test_the_entity_autocomplete_answers_an_editor_from_the_watchlist_form(client, editor):
    EntityFactory(slug="nrf", name="National Resistance Front")
    client.force_login(editor)

    found = client.get(
        reverse("admin:autocomplete"),
        {"term": "Resistance", "app_label": "nrfsite", "model_name": "watch", "field_name": "entity"},
    )

    assert found.status_code == 200 and "National Resistance Front" in found.content.decode()


# Unsubscribing -------------------------------------------------------------------------------------


@pytest.fixture
def subscribed(editor):
    return Watchlist.objects.create(user=editor, frequency="daily")


def path_of(watchlist):
    return reverse("digest-unsubscribe", args=[unsubscribe_token(watchlist)])


def test_the_unsubscribe_link_is_an_absolute_address_on_the_site(subscribed, settings):
    settings.SITE_URL = "https://nrf.example.org/"

    assert unsubscribe_url(subscribed) == "https://nrf.example.org" + path_of(subscribed)


def test_opening_the_link_only_asks_and_the_button_unsubscribes(client, subscribed):
    asked = client.get(path_of(subscribed))
    subscribed.refresh_from_db()
    still = subscribed.frequency
    done = client.post(path_of(subscribed))  # the page's button: a plain form, no login
    subscribed.refresh_from_db()

    assert asked.status_code == 200 and '<form method="post">' in asked.content.decode()
    assert "no-store" in asked["Cache-Control"]  # one person's page: never in the public page cache
    assert still == "daily"
    assert done.status_code == 200 and "no more digest emails" in done.content.decode()
    assert subscribed.frequency == "off" and subscribed.watches.count() == 0


def test_a_mail_clients_one_click_post_unsubscribes_without_a_csrf_token(subscribed):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)

    response = strict.post(path_of(subscribed), "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")

    subscribed.refresh_from_db()
    assert response.status_code == 200 and subscribed.frequency == "off"


def test_what_is_watched_is_kept_after_unsubscribing(client, subscribed):
    Watch.objects.create(watchlist=subscribed, entity=EntityFactory())

    client.post(path_of(subscribed))

    assert subscribed.watches.count() == 1


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb"),  # the signature changed
        lambda token: token[: len(token) // 2],  # cut short by a mail client
        lambda token: "not-a-token",
        lambda token: "x" * 5000,
        lambda token: signing.dumps({"watchlist": 1, "user": 1}, salt="another.salt", compress=False),
    ],
)
def test_a_changed_or_made_up_link_is_a_clear_400_and_unsubscribes_no_one(client, subscribed, tamper):
    path = reverse("digest-unsubscribe", args=[tamper(unsubscribe_token(subscribed))])

    asked, posted = client.get(path), client.post(path)

    subscribed.refresh_from_db()
    assert asked.status_code == posted.status_code == 400
    assert "This unsubscribe link is not valid" in posted.content.decode()
    assert subscribed.frequency == "daily"


def test_a_token_cannot_be_turned_into_another_users(client, subscribed):
    other = Watchlist.objects.create(user=member("Reviewer", email="r@example.org"), frequency="weekly")
    mine, theirs = unsubscribe_token(subscribed), unsubscribe_token(other)
    forged = theirs.split(":")[0] + mine[mine.index(":") :]  # their ids under my signature
    # Signed with our key and salt, but naming another's watchlist with one's own user: refused too.
    mixed = signing.dumps({"watchlist": other.pk, "user": subscribed.user_id}, salt=SALT, compress=False)

    responses = [client.post(reverse("digest-unsubscribe", args=[token])) for token in (forged, mixed)]
    client.post(path_of(subscribed))  # the editor's own link unsubscribes the editor only

    other.refresh_from_db()
    subscribed.refresh_from_db()
    assert [response.status_code for response in responses] == [400, 400]
    assert other.frequency == "weekly" and subscribed.frequency == "off"


class LastYearsSigner(signing.TimestampSigner):
    """Signs as `signing.dumps` did a year ago."""

    def timestamp(self):
        return signing.b62_encode(int(time.time()) - 365 * 24 * 3600)


def test_a_link_from_a_digest_of_last_year_still_works(client, subscribed):
    named = {"watchlist": subscribed.pk, "user": subscribed.user_id}
    token = LastYearsSigner(salt=SALT).sign_object(named, compress=False)

    response = client.post(reverse("digest-unsubscribe", args=[token]))

    subscribed.refresh_from_db()
    assert response.status_code == 200 and subscribed.frequency == "off"


def test_the_unsubscribe_page_renders_in_dari(client, subscribed):
    response = client.get("/prs" + path_of(subscribed))

    assert response.status_code == 200 and 'lang="prs"' in response.content.decode()
