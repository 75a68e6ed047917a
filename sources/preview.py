"""A markup text as a public page renders it, for the editors' live preview in the admin.

The preview draws nothing of its own: the text goes through `nrfsite.core.markup.render` with the
footnote callback of a page's `References`, and the reference list through `includes/references.html`,
as an entity's section or an event's summary does (`entities.presenters.sections`,
`events.presenters.event_views`). So what an editor sees while typing is what readers will see.
"""

from dataclasses import dataclass

from django.template.loader import render_to_string

from nrfsite.core.markup import citation_keys, render
from nrfsite.interchange.dialect import MAX_CELL_CHARS
from sources.citations import unknown_keys, unknown_keys_message
from sources.references import References, marker_sources

# The longest text a field of the site holds (an import refuses a longer cell): nothing longer is worth a preview.
MAX_PREVIEW_CHARS = MAX_CELL_CHARS


@dataclass(frozen=True)
class Preview:
    """The rendered text, its reference list, and the marker keys that name no source."""

    html: str
    references: str
    unknown: list

    @property
    def warning(self):
        """What saving the text would be refused for, in the words of the save's own check; empty when nothing."""
        return unknown_keys_message(self.unknown) if self.unknown else ""


def preview(text):
    """The text rendered with its footnotes numbered from [1], and the reference list below it.

    Draft sources count, as on an editor's preview of a page (`?preview=1`): saving accepts their keys.
    One query (the cited sources, with the work each is found in), none for a text without markers.
    """
    references = References()
    sources = marker_sources([text], preview=True)
    html = render(text, cite=references.marker_callback(sources))
    # After the text: a footnote gets its number when it is rendered, and the list shows the numbered ones.
    listed = render_to_string("includes/references.html", {"references": references})
    return Preview(html=str(html), references=listed.strip(), unknown=unknown_keys(citation_keys(text), known=set(sources)))
