"""Unsubscribing from the watchlist digests: a signed link in every digest, and the public page it opens.

The link carries a token naming one watchlist and its user, signed with the site's secret key under its own
salt: the signature is the authority, so no login is needed, and changing the ids in it breaks it. Opening the
link (GET) only shows a button, since mail scanners prefetch links; the button, and a mail client's RFC 8058
one-click request (`POST` with `List-Unsubscribe=One-Click`, no CSRF token, sent from the provider's servers),
switch the digest off. The token has no expiry: the link in an old digest still works.
"""

from django.conf import settings
from django.core import signing
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from nrfsite.site.models import Frequency, Watchlist

SALT = "nrfsite.site.watchlists.unsubscribe"
TOKEN_LIMIT = 200  # a real token is about 60 characters; anything far longer is not one


def unsubscribe_token(watchlist):
    """The signed token of `watchlist`'s unsubscribe link: its id and its user's, never an expiry."""
    return signing.dumps({"watchlist": watchlist.pk, "user": watchlist.user_id}, salt=SALT, compress=False)


def unsubscribe_url(watchlist):
    """The absolute unsubscribe link of `watchlist`, on settings.SITE_URL (a digest is read outside the site)."""
    return absolute(reverse("digest-unsubscribe", args=[unsubscribe_token(watchlist)]))


def absolute(path):
    """`path` on the site's public address, settings.SITE_URL ("https://nrf.example.org")."""
    return settings.SITE_URL.rstrip("/") + path


def watchlist_of(token):
    """The watchlist a token names, or None when the token is not one of ours (tampered, truncated, made up)."""
    try:
        named = signing.loads(token[:TOKEN_LIMIT], salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(named, dict):
        return None
    return Watchlist.objects.select_related("user").filter(pk=named.get("watchlist"), user=named.get("user")).first()


@csrf_exempt  # the signed token is the authority; a mail provider's one-click POST carries no CSRF token
@never_cache  # the page is one person's: never kept by the public page cache or a proxy
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    watchlist = watchlist_of(token)
    if watchlist is None:
        context = {
            "problem": gettext(
                "This unsubscribe link is not valid: it may have been cut short or changed when it was copied. Open "
                "it again from the digest email, or switch the digest off in “My watchlist” in the admin."
            )
        }
        return render(request, "site/unsubscribe.html", context, status=400)
    done = request.method == "POST"
    if done:
        Watchlist.objects.filter(pk=watchlist.pk).update(frequency=Frequency.OFF)
    context = {"watchlist": watchlist, "done": done, "off": done or watchlist.frequency == Frequency.OFF}
    return render(request, "site/unsubscribe.html", context)
