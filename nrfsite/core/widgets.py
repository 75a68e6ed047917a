"""Form widgets for the primitives: the Markdown box of `nrfsite.core.markup` text.

`MarkupTextarea` is the admin's textarea with two aids drawn by static/js/markdown-editor.js: a preview
that follows the typing, footnotes and reference list included, and a "Cite a source" picker that
inserts `[@key]` at the cursor. The preview and the search are answered by the app that knows the
sources; this module names no app, so it takes their URL names and reverses them when the box is drawn:

    MarkupTextarea(preview_url="admin:sources_source_markup_preview", search_url="admin:sources_source_cite_search")
"""

from django.contrib.admin.widgets import AdminTextareaWidget
from django.urls import reverse


class MarkupTextarea(AdminTextareaWidget):
    """A Markdown textarea with a live preview and a citation picker (no script: a plain textarea)."""

    def __init__(self, attrs=None, *, preview_url, search_url):
        super().__init__(attrs)
        self.preview_url = preview_url
        self.search_url = search_url

    class Media:
        js = ["js/markdown-editor.js"]
        css = {"all": ["css/markdown-editor.css"]}

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # Reversed here, not in __init__: the admin's URLs are loaded after the admin classes that build the widget.
        context["widget"]["attrs"].update(
            {"data-markup-preview": reverse(self.preview_url), "data-markup-search": reverse(self.search_url)}
        )
        return context
