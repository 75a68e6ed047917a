"""Site-wide pages: home, search, recent changes and their feed, robots.txt, error pages."""

import datetime
from dataclasses import dataclass
from itertools import chain

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse, translate_url
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from entities import presenters as entity_pages
from entities.models import Entity, Section, Statement, section_anchor
from entities.selectors import public_statements, spelling_names
from events import tally
from events.models import Event
from events.presenters import event_views
from events.selectors import public_events
from nrfsite.core.feeds import BrowsableFeed
from nrfsite.core.filters import TEXT_LIMIT
from nrfsite.core.fulltext import Query, matches, search
from nrfsite.core.markup import to_plain_text
from nrfsite.core.translations import Shown, shown
from nrfsite.site.changes import RecentChangesForm, changes_page
from nrfsite.site.pages import ChangesView
from sources.models import Source
from sources.references import References

HOME_ENTITY = "nrf"
RESULTS_PER_GROUP = 50
SECTION_CANDIDATES = 200  # sections the database finds before their read words are checked (each read: ~0.2 ms)
EXCERPT_CHARS = 200


@dataclass(frozen=True)
class Spelling:
    """Words of an entity's name that another spelling of a query's word found: "Massoud" for "Masood"."""

    name: str
    language: str = "en"  # an entity's name is "the name most English sources use"


class EntityHit:
    """An entity found by a search, and the name that matched when it is not the one shown as typed: "Kabul,
    found as “کابل”" for a search in Dari script; "Ahmad Massoud, found as “Massoud”" for "Masood"."""

    def __init__(self, entity, query):
        self.entity = entity
        self.matched = None
        typed = query.as_typed()
        if matches(entity.name, typed):
            return
        aliases = entity.aliases.all()
        self.matched = next((alias for alias in aliases if matches(alias.name, typed)), None)
        if self.matched is None and matches(entity.name, query):
            self.matched = Spelling(_respelled_words(entity.name, query))
        if self.matched is None:
            self.matched = next((alias for alias in aliases if matches(alias.name, query)), None)

    def __getattr__(self, name):
        return getattr(self.entity, name)


def _respelled_words(name, query):
    """The words of `name` that a query's other spellings (not its words as typed) find."""
    others = [Query((forms[1:],)) for forms in query.words if len(forms) > 1]
    return " ".join(word for word in name.split() if any(matches(word, other) for other in others))


class SectionHit:
    """A section found by a search, as the results list it: where it is and the start of its text, in the
    reader's language when it is translated (a `Shown`, marked English when it is not)."""

    def __init__(self, section):
        self.section = section
        self.url = reverse("entities:detail", args=[section.entity.slug]) + f"#{section_anchor(section)}"
        body = shown(section, "body")
        text = to_plain_text(body.text)
        excerpt = text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS].rsplit(" ", 1)[0] + " …"
        self.excerpt = Shown(excerpt, body.language, body.wanted)


def readable_words(section):
    """A section's text as readers read it, in every language it is written in: titles, and bodies without
    their markers (a search for a source's key finds the sources, not the texts that cite them)."""
    texts = (getattr(section, field) or "" for field in Section.SEARCH_FIELDS)
    return " ".join(to_plain_text(text) for text in texts)


@require_safe  # GET and HEAD: monitors ask with HEAD
def home(request):
    today = datetime.date.today()
    references = References()
    nrf = Entity.objects.public().filter(slug=HOME_ENTITY).first()
    profile = []
    lead = None
    if nrf is not None:
        statements = list(public_statements().filter(subject=nrf))
        profile = entity_pages.infobox(statements, references, today)[:6]
        lead = next(iter(entity_pages.sections(nrf, references)), None)
    latest = event_views(public_events().order_by("-date", "-slug")[:6], references)
    recent = sorted(
        chain(
            Statement.objects.public().select_related("subject", "property").order_by("-updated_at")[:8],
            Section.objects.public().select_related("entity").order_by("-updated_at")[:8],
            Event.objects.public().order_by("-updated_at")[:8],
        ),
        key=lambda item: item.updated_at,
        reverse=True,
    )[:8]
    counts = {
        "entities": Entity.objects.public().count(),
        "events": tally.total(),  # the kept count: counting the archive took 50 ms at 100,000 events
        "sources": Source.objects.public().count(),
        "statements": Statement.objects.public().count(),
    }
    return render(
        request,
        "home.html",
        {
            "nrf": nrf,
            "profile": profile,
            "lead": lead,
            "latest": latest,
            "recent": [_recent(item) for item in recent],
            "counts": counts,
            "references": references,
        },
    )


def _recent(item):
    if isinstance(item, Statement):
        return {
            "when": item.updated_at,
            "text": f"{item.subject.name}: {item.property.label}",
            "url": reverse("entities:detail", args=[item.subject.slug]),
        }
    if isinstance(item, Section):
        return {
            "when": item.updated_at,
            "text": f"{item.entity.name}: {item.title or gettext('introduction')}",
            "url": reverse("entities:detail", args=[item.entity.slug]),
        }
    return {"when": item.updated_at, "text": item.title, "url": reverse("events:detail", args=[item.slug])}


@require_safe  # GET and HEAD: monitors ask with HEAD
def search_view(request):
    typed = request.GET.get("q", "").strip()[:TEXT_LIMIT]
    results = {"entities": [], "events": [], "sections": [], "sources": []}
    # Parsed once: its Latin words also in the spellings names hold ("Masood" as "Massoud"), read in one query.
    query = Query.parse(typed, spelling_names())
    if query:
        results["entities"] = [
            EntityHit(entity, query)
            for entity in search(Entity.objects.public(), Entity.SEARCH_FIELDS, query)
            .prefetch_related("aliases")
            .order_by("name")[:RESULTS_PER_GROUP]
        ]
        results["events"] = list(
            search(Event.objects.public(), Event.SEARCH_FIELDS, query)
            .select_related("event_type")
            .order_by("date", "slug")[:RESULTS_PER_GROUP]
        )
        # Sections: the database finds candidates in the Markdown; a section is listed when its words as
        # readers read them match (no marker: a search for a source's key finds the sources, not the texts).
        candidates = (
            search(Section.objects.public(), Section.SEARCH_FIELDS, query)
            .select_related("entity")
            .order_by("entity__name", "position")[:SECTION_CANDIDATES]
        )
        results["sections"] = [SectionHit(section) for section in candidates if matches(readable_words(section), query)][
            :RESULTS_PER_GROUP
        ]
        results["sources"] = list(
            search(Source.objects.public().with_work(), Source.SEARCH_FIELDS, query).order_by("key")[:RESULTS_PER_GROUP]
        )
    total = sum(len(group) for group in results.values())
    context = {"search_query": typed, "respelled": query.respelled, "results": results, "total": total}
    return render(request, "search.html", context)


class RecentChangesView(ChangesView):
    """Every change readers saw, newest first, filtered by entity, event type, province and date."""

    def get_context_data(self, **kwargs):
        self.form = RecentChangesForm(self.request.GET)  # bound even when empty: no filter is a valid one
        query = self.request.GET.copy()
        query.pop("before", None)
        feed_url = reverse("changes-feed") + (f"?{query.urlencode()}" if query else "")
        return super().get_context_data(section="changes", feed_url=feed_url, **kwargs)

    def page_parts(self):
        return self.form.filters()


class ChangesFeed(BrowsableFeed):
    """The recent changes as Atom, with the page's filters: `/changes/feed/?province=panjshir`."""

    feed_type = Atom1Feed
    title = _("NRF knowledge base: recent changes")
    subtitle = _("What reviewers changed on the public pages, newest first: which fields, and why.")
    author_name = _("NRF knowledge base editors")

    def get_object(self, request, *args, **kwargs):
        self.form = RecentChangesForm(request.GET)
        return None

    def page_context(self, obj):
        return {"section": "changes"}

    def link(self):
        query = self.form.data.urlencode()
        return reverse("changes") + (f"?{query}" if query else "")

    def items(self):
        # An invalid filter (an unknown entity, a date that is not one) gives an empty feed, never the whole one.
        if not self.form.is_valid():
            return []
        parts, since = self.form.filters()
        return changes_page(parts, since=since).changes

    def item_title(self, change):
        if change.first:
            return gettext("%(item)s: published") % {"item": change.title_text}
        labels = ", ".join(str(field.label) for field in change.fields)
        return gettext("%(item)s: %(fields)s changed") % {"item": change.title_text, "fields": labels}

    def item_description(self, change):
        note = change.note
        return gettext("Reviewer’s note: %(note)s") % {"note": note} if note else ""

    def item_link(self, change):
        return f"{change.changes_url}#{change.anchor}"

    def item_guid(self, change):
        return f"{change.kind.name}-revision-{change.record.history_id}"

    item_guid_is_permalink = False

    def item_pubdate(self, change):
        return change.when


@require_safe  # GET and HEAD: monitors ask with HEAD
def healthz(request):
    """200 when the app can query its database, 503 otherwise; never cached."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any database failure is "unhealthy"
        response = JsonResponse({"status": "error", "database": type(error).__name__}, status=503)
    else:
        response = JsonResponse({"status": "ok", "database": "ok"})
    response["Cache-Control"] = "no-store"
    return response


@require_safe  # GET and HEAD: monitors ask with HEAD
def robots_txt(request):
    # The admin and the search results, at their address in every language (/admin/, /prs/admin/, ...).
    private = dict.fromkeys(translate_url(page, code) for page in ("/admin/", "/search/") for code, _ in settings.LANGUAGES)
    lines = [
        "User-agent: *",
        *(f"Disallow: {path}" for path in private),
        "Allow: /",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def server_error(request):
    """The 500 page, rendered without context processors or database access."""
    return HttpResponse(loader.get_template("500.html").render(), status=500)
