"""The core promise, model × entry point × role: an Editor never changes what the public sees; a Reviewer does.

For every model readers see (sources, entities, aliases, statements and their citations, sections,
events, their participants and citations) and every way in (the admin form, a bulk action, the admin's
CSV import, `import_bundle --user`, restoring a revision, bringing back a deleted item), each role
makes the same change, and every public surface is read: the item's own page, the pages that mention
it, search, the feed, the sitemap and every CSV download.
"""

import io
import re
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from entities.models import Alias, Entity, Property, Section, Statement, StatementCitation
from events.models import Event, EventCitation, Participation
from nrfsite.interchange import dialect
from nrfsite.interchange.registry import resource_classes
from sources.models import Source
from tests.editorial.test_inline_rights import change_form_data, values
from tests.factories import (
    AliasFactory,
    EntityFactory,
    EventCitationFactory,
    EventFactory,
    ParticipationFactory,
    SectionFactory,
    SourceFactory,
    StatementCitationFactory,
    StatementFactory,
    member,
)

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/",
    "/entities/",
    "/entities/nrf/",
    "/entities/massoud/",
    "/events/",
    "/events/meeting/",
    "/sources/",
    "/sources/bbc-2021/",
    "/sources/spare-2022/",
    "/events/feed/",
    "/sitemap.xml",
    "/search/?q=Original",
    "/search/?q=Changed",
    "/entities/?format=csv",
    "/events/?format=csv",
    "/sources/?format=csv",
    "/api/entities/?page_size=500",
    "/api/statements/?page_size=500",
    "/api/sections/?page_size=500",
    "/api/events/?page_size=500",
    "/api/sources/?page_size=500",
]


def public_text(client):
    """Everything the public surfaces say, as one text (a page that answers 404 says nothing)."""
    client.logout()
    texts = []
    for url in PUBLIC_PAGES:
        response = client.get(url)
        if response.status_code == 200:
            texts.append((b"".join(response.streaming_content) if response.streaming else response.content).decode())
    return "\n".join(texts)


@pytest.fixture
def world():
    bbc = SourceFactory(key="bbc-2021", title="BBC report")
    SourceFactory(key="spare-2022", title="Original Source Title")
    nrf = EntityFactory(slug="nrf", name="National Resistance Front")
    massoud = EntityFactory(slug="massoud", name="Original Entity Name", kind="person")
    AliasFactory(entity=massoud, name="Originalalias", language="en")
    statement = StatementFactory(
        key="nrf.ideology", subject=nrf, property=Property.objects.get(slug="ideology"), value_text="Original ideology text"
    )
    StatementCitationFactory(statement=statement, source=bbc, locator="page 111")
    SectionFactory(entity=nrf, title="Status", position=1, body="Original section body.")
    event = EventFactory(slug="meeting", title="Original Event Title")
    ParticipationFactory(event=event, entity=nrf, role="actor")
    EventCitationFactory(event=event, source=bbc, locator="page 222")


@dataclass
class Case:
    """One model: which row changes, which field, and how the public would show the old and new value."""

    name: str
    get: callable  # () -> the row
    field: str
    old: str
    new: str
    csv_old: str  # the same change as it reads in the model's CSV file
    csv_new: str
    item: callable  # row -> the publishable item whose changelist publishes it
    shown: dict = field(default_factory=dict)  # value -> regex the public text matches when it shows it

    def visible(self, text, value):
        return re.search(self.shown.get(value, re.escape(value)), text) is not None


CASES = [
    Case(
        "source",
        lambda: Source.objects.get(key="spare-2022"),
        "title",
        "Original Source Title",
        "Changed Source Title",
        "Original Source Title",
        "Changed Source Title",
        lambda row: row,
    ),
    Case(
        "entity",
        lambda: Entity.objects.get(slug="massoud"),
        "name",
        "Original Entity Name",
        "Changed Entity Name",
        "Original Entity Name",
        "Changed Entity Name",
        lambda row: row,
    ),
    Case(
        "alias",
        lambda: Alias.objects.get(name__endswith="alias"),
        "name",
        "Originalalias",
        "Changedalias",
        "Originalalias",
        "Changedalias",
        lambda row: row.entity,
    ),
    Case(
        "statement",
        lambda: Statement.objects.get(key="nrf.ideology"),
        "value_text",
        "Original ideology text",
        "Changed ideology text",
        "Original ideology text",
        "Changed ideology text",
        lambda row: row,
    ),
    Case(
        "statement citation",
        lambda: StatementCitation.objects.get(),
        "locator",
        "page 111",
        "page 987",
        "page 111",
        "page 987",
        lambda row: row.statement,
    ),
    Case(
        "section",
        lambda: Section.objects.get(title="Status"),
        "body",
        "Original section body.",
        "Changed section body.",
        "Original section body.",
        "Changed section body.",
        lambda row: row,
    ),
    Case(
        "event",
        lambda: Event.objects.get(slug="meeting"),
        "title",
        "Original Event Title",
        "Changed Event Title",
        "Original Event Title",
        "Changed Event Title",
        lambda row: row,
    ),
    Case(
        "participation",
        lambda: Participation.objects.get(),
        "role",
        "actor",
        "counterpart",
        "meeting,nrf,actor",
        "meeting,nrf,counterpart",
        lambda row: row.event,
        shown={"actor": r"<dt>Actor</dt>|actor:nrf", "counterpart": r"<dt>Counterpart</dt>|counterpart:nrf"},
    ),
    Case(
        "event citation",
        lambda: EventCitation.objects.get(),
        "locator",
        "page 222",
        "page 654",
        "page 222",
        "page 654",
        lambda row: row.event,
    ),
]


def admin_url(obj, view, *args):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args or [obj.pk])


def post_form(client, url, row, changes):
    response = client.get(url)
    if "inline_admin_formsets" in response.context:
        data = change_form_data(response)
    else:  # the history's revision form has no inlines
        data = values(response.context["adminform"].form)
    data.update(changes)
    data["opened_version"] = str(type(row).objects.get(pk=row.pk).version)
    return client.post(url, data)


def resource_for(model):
    return next(resource_class for resource_class in resource_classes() if resource_class.Meta.model is model)


def exported(model):
    stream = io.StringIO()
    dialect.write(resource_for(model)().export_rows(), stream)
    return stream.getvalue()


# Entry points: each does the change as the logged-in `user`; `setup` puts the world in the state it starts from.


def by_form(client, case, user):
    row = case.get()
    client.force_login(user)
    post_form(client, admin_url(row, "change"), row, {case.field: case.new})


def by_bulk_action(client, case, user):
    row = case.get()
    editor = member("Editor")  # someone's change waits for review; the role's bulk action publishes it
    client.force_login(editor)
    post_form(client, admin_url(row, "change"), row, {case.field: case.new})
    item = case.item(row)
    client.force_login(user)
    client.post(
        reverse(f"admin:{item._meta.app_label}_{item._meta.model_name}_changelist"),
        {"action": "publish_selected", "_selected_action": [item.pk]},
    )


def by_admin_import(client, case, user):
    model = type(case.get())
    text = exported(model).replace(case.csv_old, case.csv_new)
    client.force_login(user)
    upload = SimpleUploadedFile(resource_for(model).file_name, text.encode(), content_type="text/csv")
    opts = model._meta
    preview = client.post(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_import"),
        {"resource": 0, "format": 0, "import_file": upload},
        follow=True,
    )
    if preview.context and "confirm_form" in preview.context:
        client.post(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_process_import"), preview.context["confirm_form"].initial
        )


def by_import_bundle(client, case, user, tmp_path):
    call_command("export_bundle", str(tmp_path), stdout=io.StringIO())
    path = tmp_path / resource_for(type(case.get())).file_name
    path.write_text(path.read_text(encoding="utf-8").replace(case.csv_old, case.csv_new), encoding="utf-8")
    try:
        call_command("import_bundle", str(tmp_path), "--user", user.username, stdout=io.StringIO(), stderr=io.StringIO())
    except Exception as error:  # a refused import is a CommandError: what matters is what readers see
        assert "error" in str(error)


def setup_restore(case):
    """The live row says `new` (a reviewer's earlier change); the role then restores the revision before it."""
    row = case.get()
    setattr(row, case.field, case.new)
    row.save()


def by_restore(client, case, user):
    row = case.get()
    original = type(row).history.filter(**{type(row)._meta.pk.attname: row.pk}).order_by("history_date").first()
    client.force_login(user)
    post_form(client, admin_url(row, "simple_history", row.pk, original.history_id), row, {})


def setup_undelete(case):
    case.get().delete()


def by_undelete(client, case, user):
    record = DELETED[case.name]()  # the row is gone: its deletion revision is what the deleted list offers
    client.force_login(user)
    opts = record.instance._meta
    client.post(reverse(f"admin:{opts.app_label}_{opts.model_name}_restore_deleted", args=[record.history_id]))


DELETED = {
    "source": lambda: Source.history.filter(key="spare-2022", history_type="-").latest("history_date"),
    "entity": lambda: Entity.history.filter(slug="massoud", history_type="-").latest("history_date"),
    "alias": lambda: Alias.history.filter(name="Originalalias", history_type="-").latest("history_date"),
    "statement": lambda: Statement.history.filter(key="nrf.ideology", history_type="-").latest("history_date"),
    "statement citation": lambda: StatementCitation.history.filter(history_type="-").latest("history_date"),
    "section": lambda: Section.history.filter(title="Status", history_type="-").latest("history_date"),
    "event": lambda: Event.history.filter(slug="meeting", history_type="-").latest("history_date"),
    "participation": lambda: Participation.history.filter(history_type="-").latest("history_date"),
    "event citation": lambda: EventCitation.history.filter(history_type="-").latest("history_date"),
}


@dataclass
class EntryPoint:
    name: str
    act: callable
    setup: callable = None
    restores: bool = False  # the change brings back the old value (restore, undelete) instead of the new one


ENTRY_POINTS = [
    EntryPoint("admin form", by_form),
    EntryPoint("bulk action", by_bulk_action),
    EntryPoint("admin import", by_admin_import),
    EntryPoint("import_bundle --user", by_import_bundle),
    EntryPoint("restore", by_restore, setup_restore, restores=True),
    EntryPoint("undelete", by_undelete, setup_undelete, restores=True),
]


@pytest.mark.parametrize("role", ["Editor", "Reviewer"])
@pytest.mark.parametrize("entry", ENTRY_POINTS, ids=lambda entry: entry.name)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_only_a_reviewer_changes_what_the_public_sees(client, world, tmp_path, case, entry, role):
    if entry.setup:
        entry.setup(case)
    target = case.old if entry.restores else case.new
    if role == "Editor":  # the same world for both roles: read once, it proves the reviewer's case can fail too
        seen_before = public_text(client)
        assert not case.visible(seen_before, target), f"the world already shows {target!r}"
    user = member(role)

    if entry.act is by_import_bundle:
        entry.act(client, case, user, tmp_path)
    else:
        entry.act(client, case, user)

    seen = public_text(client)
    if role == "Editor":
        assert not case.visible(seen, target), f"an editor's {entry.name} made {target!r} public"
        assert seen == seen_before, f"an editor's {entry.name} changed a public page"
    else:
        assert case.visible(seen, target), f"a reviewer's {entry.name} did not make {target!r} public"
