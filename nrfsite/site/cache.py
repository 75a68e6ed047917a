"""Caching of anonymous public pages that is never stale.

`PublicPageCacheMiddleware` serves anonymous GET requests for public pages from
the cache (the shared Redis cache when configured, local memory otherwise),
under a key that includes `ContentVersion`: any content change raises the
version (signals for saves and deletes, the importer for bulk writes), so a
reader never gets a page older than the last change. Logged-in users, the
admin, non-GET requests, downloads and error responses are never cached.
"""

import hashlib

from django.conf import settings
from django.core.cache import caches

from nrfsite.core.feeds import representation
from nrfsite.core.languages import path_without_language
from nrfsite.site.models import ContentVersion

SKIP_PREFIXES = ("/admin/", "/static/", "/healthz")


def page_key(request, version):
    # The whole address, scheme and host included: robots.txt and the feed print absolute links. A feed's
    # address answers a browser with a page and a reader with Atom (`Vary: Accept`): the key keeps them apart.
    digest = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    return f"page:{version}:{request.method}:{representation(request)}:{digest}"


class PublicPageCacheMiddleware:
    """Goes after AuthenticationMiddleware; see the module docstring."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.timeout = getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 600)

    def cacheable_request(self, request):
        return (
            self.timeout > 0
            and request.method in ("GET", "HEAD")
            and not path_without_language(request.path).startswith(SKIP_PREFIXES)
            and not request.user.is_authenticated
            and request.GET.get("format") != "csv"
        )

    def __call__(self, request):
        if not self.cacheable_request(request):
            return self.get_response(request)
        cache = caches[getattr(settings, "PUBLIC_PAGE_CACHE", "default")]
        key = page_key(request, ContentVersion.current())
        cached = cache.get(key)
        if cached is not None:
            cached["X-Page-Cache"] = "hit"
            return cached
        response = self.get_response(request)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not response.has_header("Cache-Control")
        ):
            if hasattr(response, "render") and callable(response.render):
                response.render()
            response["X-Page-Cache"] = "miss"
            cache.set(key, response, self.timeout)
        return response
