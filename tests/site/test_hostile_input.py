"""Hostile text in any field reaches pages only as text: nothing executes, public or admin."""

from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from entities.models import Property
from sources.models import Source
from tests.factories import (
    AliasFactory,
    EntityFactory,
    EventCitationFactory,
    EventFactory,
    SectionFactory,
    SourceFactory,
    StatementCitationFactory,
    StatementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<svg onload=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](jav&#x09;ascript:alert(1))",
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "<b onmouseover=alert(1)>unclosed",
    '"><script>alert(1)</script>',
    "\u202egnp.exe",
    "nul\x00byte",
    "x" * 5000,
]


class ElementAudit(HTMLParser):
    """Collects what a browser would run: script elements, event-handler attributes, script URLs, frames."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        src = attrs.get("src", "") or ""
        if (
            tag == "script"
            and not (src.startswith("/") and not src.startswith("//"))
            and attrs.get("type") != "application/json"
        ):
            self.problems.append(f"<script> that is not a same-site file: {attrs}")
        if tag in ("iframe", "frame", "object", "embed"):
            self.problems.append(f"<{tag}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name == "srcdoc":
                self.problems.append(f"<{tag} srcdoc>")
            if name in ("href", "src", "action", "formaction") and value:
                scheme = "".join(ch for ch in value.lower() if ch.isprintable() and not ch.isspace())
                if scheme.startswith(("javascript:", "vbscript:", "data:text/html")):
                    self.problems.append(f"<{tag} {name}={value!r}>")


def assert_inert(html, where, *, allow_invisible=False):
    audit = ElementAudit()
    audit.feed(html)
    assert audit.problems == [], f"{where}: {audit.problems[:5]}"
    if not allow_invisible:
        assert "\u202e" not in html, f"{where}: a right-to-left override reached the page"
        assert "\x00" not in html, f"{where}: a NUL byte reached the page"


def fit(model, field, text):
    """The text cut to the column's length (PostgreSQL enforces it; SQLite does not)."""
    return text[: model._meta.get_field(field).max_length]


@pytest.fixture
def hostile():
    """Every payload in every text field a page shows."""
    made = []
    for number, payload in enumerate(PAYLOADS):
        source = SourceFactory(
            key=f"hostile-{number}",
            title=fit(Source, "title", payload),
            authors=fit(Source, "authors", payload),
            publisher=fit(Source, "publisher", payload),
            notes=payload,
        )
        entity = EntityFactory(slug=f"hostile-{number}", name=payload[:200], description=payload[:300])
        AliasFactory(entity=entity, name=payload[:200], note=payload[:200])
        statement = StatementFactory(
            subject=entity, property=Property.objects.get(slug="ideology"), value_text=payload[:500], note=payload
        )
        StatementCitationFactory(
            statement=statement, source=source, locator=payload[:100], quote=payload, quote_translation=payload
        )
        SectionFactory(
            entity=entity,
            title=payload[:200],
            body=f"Before {payload} after [@hostile-{number}]",
            update_reason=payload[:300],
            needs_update=True,
        )
        event = EventFactory(
            slug=f"hostile-event-{number}", title=payload[:300], summary=payload, casualty_note=payload[:300], note=payload
        )
        EventCitationFactory(event=event, source=source, quote=payload)
        made.append((entity, event, source))
    return made


def public_urls(hostile):
    urls = ["/", "/entities/", "/events/", "/sources/", "/search/?q=alert", "/events/feed/", "/sitemap.xml"]
    for entity, event, source in hostile:
        urls += [f"/entities/{entity.slug}/", f"/events/{event.slug}/", f"/sources/{source.key}/"]
    return urls


def test_public_pages_render_hostile_text_inert(client, hostile):
    for url in public_urls(hostile):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_inert(response.content.decode(), url)


ADMIN_MODELS = [
    "sources/source",
    "entities/entity",
    "entities/alias",
    "entities/statement",
    "entities/section",
    "events/event",
    "events/eventcitation",
    "entities/statementcitation",
]


def test_admin_lists_forms_and_history_render_hostile_text_inert(client, hostile):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    entity, event, source = hostile[0]
    urls = [f"/admin/{model}/" for model in ADMIN_MODELS] + [reverse("admin:index")]
    for obj in (entity, event, source):
        opts = f"admin:{obj._meta.app_label}_{obj._meta.model_name}"
        obj.save()  # a second revision, so history shows a change
        urls += [
            reverse(f"{opts}_change", args=[obj.pk]),
            reverse(f"{opts}_history", args=[obj.pk]),
            reverse(f"{opts}_compare", args=[obj.pk]),
        ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        # Admin form fields show stored text exactly (an editor must see what is stored), escaped.
        assert_inert(response.content.decode(), url, allow_invisible=True)


def test_import_preview_renders_hostile_cells_inert(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    rows = "".join(
        f'"h{n}",person,"{payload[:150].replace(chr(34), chr(39))}"\n'
        for n, payload in enumerate(PAYLOADS)
        if "\x00" not in payload  # a NUL makes it "not a text file"
    )
    upload = SimpleUploadedFile("entities.csv", ("slug,kind,name\n" + rows).encode(), content_type="text/csv")

    response = client.post(
        reverse("admin:entities_entity_import"), {"resource": 0, "format": 0, "import_file": upload}, follow=True
    )

    html = response.content.decode()
    assert "Preview" in html, html[html.find("errorlist") :][:500]
    assert_inert(html, "import preview", allow_invisible=True)
