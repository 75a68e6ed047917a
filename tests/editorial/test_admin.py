"""Every model is curated in the admin: each page opens for staff and is refused to others."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import (
    AliasFactory,
    EventCitationFactory,
    ParticipationFactory,
    SectionCitationFactory,
    StatementCitationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

OUR_APPS = {"sources", "entities", "events"}
MODELS = sorted((model for model in admin.site._registry if model._meta.app_label in OUR_APPS), key=lambda m: m._meta.label)


@pytest.fixture
def content():
    """One row of every model, so change forms have something to open."""
    AliasFactory()
    StatementCitationFactory()
    SectionCitationFactory()
    ParticipationFactory()
    EventCitationFactory()


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_content_model_is_registered():
    labels = {model._meta.label for model in MODELS}
    assert labels == {
        "sources.Source",
        "entities.Entity",
        "entities.Alias",
        "entities.Property",
        "entities.Statement",
        "entities.StatementCitation",
        "entities.Section",
        "entities.SectionCitation",
        "events.EventType",
        "events.Event",
        "events.Participation",
        "events.EventCitation",
    }


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_staff_opens_changelist_add_change_and_history(staff_client, content, model):
    obj = model.objects.first()
    for url in (
        admin_url(model, "changelist"),
        admin_url(model, "add"),
        admin_url(model, "change", obj.pk),
        admin_url(model, "history", obj.pk),
    ):
        response = staff_client.get(url)
        assert response.status_code == 200, url


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
@pytest.mark.parametrize("object_id", ["abc", "1/change/widgets.css", "99999999999999999999"])
def test_an_id_that_is_not_one_is_not_found_never_a_server_error(staff_client, content, model, object_id):
    # A relative link resolved against a change form asked for /admin/events/event/1/change/widgets.css/change/:
    # the editorial change form looked the id up itself and raised (500) where Django's says "doesn't exist".
    url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/{object_id}/change/"

    response = staff_client.get(url, follow=True)

    assert response.status_code == 200
    assert "doesn’t exist. Perhaps it was deleted?" in response.content.decode()


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_changelist_search_works(staff_client, content, model):
    response = staff_client.get(admin_url(model, "changelist"), {"q": "a"})
    assert response.status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_non_staff_user_is_sent_to_login(client, model):
    client.force_login(UserFactory(is_staff=False))
    response = client.get(admin_url(model, "changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_entity_is_found_in_admin_by_its_dari_alias(staff_client):
    alias = AliasFactory(name="جبهه مقاومت ملی", language="prs")
    response = staff_client.get(admin_url(type(alias.entity), "changelist"), {"q": "مقاومت"})
    assert alias.entity.name in response.content.decode()
    assert response.context["cl"].result_count == 1
