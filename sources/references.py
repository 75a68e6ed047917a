"""One numbered reference list per page: footnotes in order of first use, with back-links.

A page creates one `References`, calls `cite()` for every citation as it
lays out its facts in reading order (infobox, lead, sections, events), and
renders `references.entries` at the bottom. A source gets one number however
often it is cited; each place that cites it gets its own anchor, and the
reference links back to each of them.
"""

from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe


@dataclass
class Footnote:
    """One place on the page that cites a source: "[3]" linking to #ref-3, with its own anchor."""

    number: int
    anchor: str
    locator: str = ""

    @property
    def target(self):
        return f"ref-{self.number}"

    def html(self):
        return render_to_string("includes/footnote.html", {"footnote": self})


@dataclass
class Use:
    anchor: str
    locator: str
    quote: str = ""
    quote_translation: str = ""


@dataclass
class Reference:
    number: int
    source: object
    uses: list = field(default_factory=list)

    @property
    def published(self):
        return self.source.is_published

    @property
    def quotes(self):
        return [use for use in self.uses if use.quote]

    @property
    def locators(self):
        return list(dict.fromkeys(use.locator for use in self.uses if use.locator))


class References:
    """The page's reference list, filled in reading order."""

    def __init__(self, prefix="cite"):
        self.prefix = prefix
        self._by_source = {}

    def cite(self, source, *, locator="", quote="", quote_translation=""):
        """A footnote for one citation of `source` (a Source row)."""
        reference = self._by_source.get(source.pk)
        if reference is None:
            reference = Reference(len(self._by_source) + 1, source)
            self._by_source[source.pk] = reference
        anchor = f"{self.prefix}-{reference.number}-{len(reference.uses) + 1}"
        reference.uses.append(Use(anchor, locator, quote, quote_translation))
        return Footnote(reference.number, anchor, locator)

    def cite_all(self, citations):
        """Footnotes for Citation rows (statement, event); the same source twice gets one number."""
        return [self.cite(c.source, locator=c.locator, quote=c.quote, quote_translation=c.quote_translation) for c in citations]

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
        return sorted(self._by_source.values(), key=lambda reference: reference.number)

    def __len__(self):
        return len(self._by_source)
