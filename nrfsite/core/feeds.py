"""Feeds that a browser can read: the same entries as Atom for a feed reader, as a page for a person.

A feed's address is shared on pages and by people; whoever opens it in a browser gets a page that says what
a feed is, gives the address to copy into a reader, and lists the same entries (`Feed.get_feed` builds both,
so the page never lists what the feed does not). The choice follows the request's Accept header: a browser
asks for text/html first; a feed reader asks for Atom or XML, and anything else (`*/*`, no header) gets Atom.
The page cache keys on the same choice (`representation`), and every response says `Vary: Accept`.
"""

from django.contrib.syndication.views import Feed
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.cache import patch_vary_headers

ATOM = "application/atom+xml"
HTML = "text/html"


def representation(request):
    """ "html" when the request prefers a page to a feed (a browser), else "" (a feed reader, curl, a robot)."""
    return "html" if request.get_preferred_type([ATOM, HTML]) == HTML else ""


class BrowsableFeed(Feed):
    """A `Feed` whose address shows a page to a browser (template `feed.html`)."""

    template_name = "feed.html"

    def __call__(self, request, *args, **kwargs):
        if representation(request) != "html":
            response = super().__call__(request, *args, **kwargs)
        else:
            try:
                obj = self.get_object(request, *args, **kwargs)
            except ObjectDoesNotExist:
                raise Http404("Feed object does not exist.") from None
            generated = self.get_feed(obj, request)
            context = {
                "feed": generated.feed,
                "entries": generated.items,
                "feed_url": request.build_absolute_uri(),
                **self.page_context(obj),
            }
            response = TemplateResponse(request, self.template_name, context)
        patch_vary_headers(response, ["Accept"])
        return response

    def page_context(self, obj):
        """What else the page's template needs (the nav's `section`, say)."""
        return {}
