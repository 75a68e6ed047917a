"""One numbered reference list per page: footnotes numbered in reading order, with back-links.

A page creates one `References` and calls `cite()` for every citation its parts carry, in whatever
order the view computes them. A footnote gets its number when the template renders it: the first
source rendered is [1], the next new one [2], so the numbers follow the page's reading order even
when a part lower on the page was computed first. Markup (sections, summaries) renders lazily for the
same reason (`LazyHTML`). `references.entries`, rendered at the bottom, lists the sources whose
footnotes appeared, in number order; each place that cites a source has its own anchor, and the
reference links back to each of them.
"""

from dataclasses import dataclass, field
from functools import cached_property

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from nrfsite.core.markup import citation_keys
from sources.models import Source, Stance


def marker_sources(texts, *, preview=False):
    """The sources the [@key] markers of `texts` name (with the work each is found in), in one query or none:
    public ones only, unless an editor previews drafts."""
    keys = {key for text in texts for key in citation_keys(text)}
    if not keys:
        return {}
    return {s.key: s for s in Source.objects.visible(preview=preview).with_work().filter(key__in=keys)}


def draft_sources(texts, citations=()):
    """The draft sources an editor's preview shows: those the [@key] markers of `texts` name (one query, or none)
    and those of `citations` (already loaded), each once, by key."""
    keys = {key for text in texts for key in citation_keys(text)}
    found = {source.key: source for source in Source.objects.drafts().filter(key__in=keys)} if keys else {}
    found.update((c.source.key, c.source) for c in citations if not c.source.is_published)
    return [found[key] for key in sorted(found)]


def note_draft_sources(notice, texts, citations=()):
    """Name each draft source the page cites in its preview notice (`nrfsite.core.preview`)."""
    for source in draft_sources(texts, citations):
        notice.add(gettext("the source “%(title)s” [%(key)s], cited here") % {"title": source.display_title, "key": source.key})
    return notice


@dataclass(eq=False)
class Use:
    """One place that cites a source: its locator, stance and quote; `anchor` is set when it is shown."""

    reference: "Reference"
    locator: str = ""
    stance: str = Stance.REPORTS
    quote: str = ""
    quote_translation: str = ""
    anchor: str = ""

    def show(self):
        """Number the reference (if this is its first appearance) and give this use its anchor; return the number."""
        reference = self.reference
        if not self.anchor:
            number = reference.book.number(reference)
            reference.shown.append(self)
            self.anchor = f"{reference.book.prefix}-{number}-{len(reference.shown)}"
        return reference.number

    @property
    def stance_label(self):
        return "" if self.stance == Stance.REPORTS else Stance(self.stance).label


@dataclass(eq=False)
class Footnote:
    """A footnote for one use: "[3]" linking to #ref-3, numbered when rendered."""

    use: Use

    @property
    def number(self):
        return self.use.show()

    @property
    def anchor(self):
        self.use.show()
        return self.use.anchor

    @property
    def target(self):
        return f"ref-{self.number}"

    @property
    def locator(self):
        return self.use.locator

    @property
    def stance(self):
        return self.use.stance

    @property
    def stance_label(self):
        return self.use.stance_label

    def html(self):
        return render_to_string("includes/footnote.html", {"footnote": self})


def clean_quote(text):
    """A stored quote without the quotation marks the page adds itself: '"We will fight"' → 'We will fight'."""
    text = text.strip()
    while len(text) > 1 and text[0] in "\"“”'‘" and text[-1] in "\"“”'’":
        text = text[1:-1].strip()
    return text


@dataclass(eq=False)
class Reference:
    book: "References"
    source: object
    shown: list = field(default_factory=list)  # its uses the page has rendered, in order
    number: int | None = None

    @property
    def published(self):
        return self.source.is_published

    @property
    def quotes(self):
        """The distinct quotes of the uses shown, each once, without doubled quotation marks."""
        distinct = {}
        for use in self.shown:
            quote = clean_quote(use.quote)
            if quote:
                distinct.setdefault((quote, clean_quote(use.quote_translation)), None)
        return [{"quote": quote, "translation": translation} for quote, translation in distinct]

    @property
    def locators(self):
        return list(dict.fromkeys(use.locator for use in self.shown if use.locator))


class LazyHTML:
    """Markup rendered the first time a template shows it, so its footnotes are numbered where they appear."""

    def __init__(self, render):
        self._render = render

    @cached_property
    def html(self):
        return mark_safe(self._render())  # noqa: S308 - the markup renderer's output is sanitized (nh3)

    def __str__(self):
        return self.html

    def __html__(self):
        return self.html

    def __bool__(self):
        return bool(self.html)


def sources_of(footnotes):
    """The sources a list of footnotes cites, for `Corroboration.of`."""
    return [footnote.use.reference.source for footnote in footnotes]


class References:
    """The page's reference list."""

    def __init__(self, prefix="cite"):
        self.prefix = prefix
        self._by_source = {}
        self._numbered = 0

    def cite(self, source, *, locator="", stance=Stance.REPORTS, quote="", quote_translation=""):
        """A footnote for one citation of `source` (a Source row); it is numbered when rendered."""
        reference = self._by_source.get(source.pk)
        if reference is None:
            reference = self._by_source[source.pk] = Reference(self, source)
        return Footnote(Use(reference, locator, stance or Stance.REPORTS, quote, quote_translation))

    def cite_all(self, citations):
        """Footnotes for Citation rows (statement, event); the same source twice gets one number."""
        return [self.cite_row(c) for c in citations]

    def cite_parts(self, citations):
        """Footnotes by the part of the fact each citation backs: {"": the fact as a whole, "date": […], …}.

        A citation that backs two parts has a footnote at each; the page puts each list beside its part.
        """
        parts = {}
        for citation in citations:
            for part in citation.backed() or [""]:
                parts.setdefault(part, []).append(self.cite_row(citation))
        return parts

    def cite_row(self, c):
        """A footnote for one Citation row."""
        return self.cite(c.source, locator=c.locator, stance=c.stance, quote=c.quote, quote_translation=c.quote_translation)

    def number(self, reference):
        if reference.number is None:
            self._numbered += 1
            reference.number = self._numbered
        return reference.number

    def marker_callback(self, sources_by_key):
        """A `cite` callback for `nrfsite.core.markup.render`, resolving marker keys through a dict of sources."""

        def cite(marker):
            source = sources_by_key.get(marker.key)
            if source is None:
                # No key: a marker naming a draft source reads like one naming no source, never its key.
                return mark_safe('<sup class="fn fn-missing">[?]</sup>')
            return self.cite(source, locator=marker.locator).html()

        return cite

    @property
    def entries(self):
        """The references whose footnotes the page showed, in number order."""
        return sorted((ref for ref in self._by_source.values() if ref.number), key=lambda reference: reference.number)

    def __len__(self):
        return len(self._by_source)
