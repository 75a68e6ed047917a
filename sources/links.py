"""Whether a source's link still answers, and a web archive's copy of it: the work of the "link-check" and
"web-archive" jobs (sources/jobs.py), never of a web request (a slow site would hold the page).

- `check(url)` asks with HEAD (with GET, reading nothing, when HEAD is refused or fails), follows the redirects
  itself, at most MAX_REDIRECTS of them, and returns an `Answer`: the status, the final address and the content
  type, or why no answer came.
- `archive(url)` asks the web archive (settings.WEB_ARCHIVE_SAVE_URL, the Wayback Machine's save API) to keep a
  copy and returns the copy's address and day (`Copy`), or why there is none.
- A timeout, a lost connection, 429 and 5xx are tried again: settings.LINKCHECK_RETRIES tries in all, waiting
  LINKCHECK_BACKOFF_SECONDS after the first, twice as long after each next one. 404, 410 and every other
  answer are final. Each request waits at most LINKCHECK_TIMEOUT_SECONDS.
- `check_many` keeps at most settings.LINKCHECK_CONCURRENCY requests in flight, `archive_many`
  settings.WEB_ARCHIVE_CONCURRENCY.

Source links are typed by editors, so a link checker is a way into the server's own network (SSRF). Only
http and https are fetched, and unless settings.LINKCHECK_ALLOW_PRIVATE_ADDRESSES (tests), an address whose
host resolves to a loopback, private, link-local, reserved, multicast or unspecified address is refused
without a request, at every redirect hop; the connection itself checks the address it reached, so a name that
resolves elsewhere by then (DNS rebinding) is refused too.
"""

import dataclasses
import datetime
import http
import ipaddress
import re
import socket
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, ngettext
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

MAX_REDIRECTS = 10
SCHEMES = ("http", "https")
HEAD_REFUSED = (405, 501)  # a server that does not serve HEAD says so with these: ask with GET
USER_AGENT = "nrfsite-linkcheck/1.0 (checks the links of the sources the site cites)"
ARCHIVED_AT = re.compile(r"/web/(\d{14})/")  # a Wayback Machine copy's address: /web/20261207031500/https://…

# Why no answer came (Answer.problem).
TIMEOUT, UNREACHABLE, REFUSED, REDIRECTS, FAILED = "timeout", "unreachable", "refused", "redirects", "failed"


class Refused(Exception):
    """The address must not be fetched: it is not http(s), or its host is (or resolves to) a private address."""


def is_private(address):
    """Whether an IP address is one a link from an editor must not reach: "127.0.0.1", "::1", "10.0.0.1",
    "169.254.169.254" (a cloud's metadata service) are; "93.184.215.14" is not."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    return (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
        or not ip.is_global  # also the shared (carrier-grade NAT) range, 100.64.0.0/10, which is none of the above
    )


def refusal(url):
    """Why `url` must not be fetched (a sentence that starts "refused:"), or None when it may be.

    Only http and https; unless settings.LINKCHECK_ALLOW_PRIVATE_ADDRESSES, every address the host resolves to
    must be public. A host that does not resolve is not refused here: the request then says it was not found.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        return gettext("refused: only http and https links are checked, not “%(scheme)s”") % {"scheme": scheme or url}
    try:
        host, port = parts.hostname, parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        return gettext("refused: “%(url)s” is not a valid address") % {"url": url}
    if not host:
        return gettext("refused: “%(url)s” names no host") % {"url": url}
    if settings.LINKCHECK_ALLOW_PRIVATE_ADDRESSES:
        return None
    try:
        addresses = [str(ipaddress.ip_address(host))]  # an address written as such needs no resolver
    except ValueError:
        try:
            addresses = [sockaddr[0] for *_, sockaddr in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]
        except (OSError, UnicodeError):
            return None
    for address in addresses:
        if is_private(address):
            return gettext("refused: %(host)s resolves to a private address (%(address)s)") % {
                "host": host,
                "address": address,
            }
    return None


class _PublicOnly:
    """A connection that refuses to stay connected to a private address: what the name resolved to when the
    connection was made, which may not be what `refusal` saw a moment before."""

    def _new_conn(self):
        sock = super()._new_conn()
        address = sock.getpeername()[0]
        if is_private(address):
            sock.close()
            raise Refused(
                gettext("refused: %(host)s resolves to a private address (%(address)s)")
                % {"host": self.host, "address": address}
            )
        return sock


class _HTTPConnection(_PublicOnly, HTTPConnection):
    pass


class _HTTPSConnection(_PublicOnly, HTTPSConnection):
    pass


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


class _PublicOnlyAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}


def session():
    """A requests session for editors' links: its connections refuse private addresses (unless
    settings.LINKCHECK_ALLOW_PRIVATE_ADDRESSES), and it takes no proxy from the environment, since through a
    proxy the address checked would be the proxy's, not the link's."""
    new = requests.Session()
    new.trust_env = False
    new.headers["User-Agent"] = USER_AGENT
    if not settings.LINKCHECK_ALLOW_PRIVATE_ADDRESSES:
        adapter = _PublicOnlyAdapter()
        new.mount("http://", adapter)
        new.mount("https://", adapter)
    return new


def status_text(status):
    """A status with its standard phrase, "404 Not Found" (HTTP's own words, the same in every language)."""
    try:
        return f"{status} {http.HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


@dataclasses.dataclass(frozen=True)
class Answer:
    """How a link answered: its last response's status, where the redirects led and the content type, or
    why no answer came (`problem`, with the library's `detail`)."""

    url: str
    final_url: str = ""
    status: int | None = None
    content_type: str = ""
    content_location: str = ""  # the Content-Location header of the last response that had one
    problem: str = ""  # TIMEOUT, UNREACHABLE, REFUSED, REDIRECTS or FAILED; "" when an answer came
    detail: str = ""
    tries: int = 1

    @property
    def retryable(self):
        """Worth another try: it timed out, no connection was made, or the server said to wait (429, 5xx)."""
        return self.problem in (TIMEOUT, UNREACHABLE) or (
            self.status is not None and (self.status == 429 or self.status >= 500)
        )

    @property
    def broken(self):
        """A reader who follows the link finds nothing: no answer came, or it was an error (4xx, 5xx)."""
        return bool(self.problem) or self.status is None or self.status >= 400

    @property
    def error(self):
        """Why no answer came, as an editor reads it ("timed out after 3 tries"); "" when one came."""
        if self.problem == TIMEOUT:
            return ngettext("timed out after %(tries)d try", "timed out after %(tries)d tries", self.tries) % {
                "tries": self.tries
            }
        if self.problem == UNREACHABLE:
            return ngettext(
                "no connection after %(tries)d try: %(detail)s", "no connection after %(tries)d tries: %(detail)s", self.tries
            ) % {"tries": self.tries, "detail": self.detail}
        if self.problem == REDIRECTS:
            return gettext("more than %(count)d redirects (a redirect loop?), the last to %(url)s") % {
                "count": MAX_REDIRECTS,
                "url": self.final_url,
            }
        return self.detail  # REFUSED (a sentence of its own) or FAILED (the library's words), or ""

    @property
    def summary(self):
        """What the link answered, in a few words: "404 Not Found after 3 tries", "200 OK", or the error."""
        if self.problem:
            return self.error
        text = status_text(self.status)
        if self.tries > 1:
            return ngettext("%(status)s after %(tries)d try", "%(status)s after %(tries)d tries", self.tries) % {
                "status": text,
                "tries": self.tries,
            }
        return text


def _detail(error):
    """The useful end of a requests error ("Connection refused"), not its chain of wrapper objects."""
    text = str(error)
    found = re.search(r"\[Errno -?\d+\] ([^'\")\]]+)", text) or re.search(r"\(['\"]([^'\"]+)['\"]", text)
    return found[1].strip() if found else (text or type(error).__name__)


def _request(session, url, *, head):
    options = {"allow_redirects": False, "timeout": settings.LINKCHECK_TIMEOUT_SECONDS, "stream": True}
    if head:
        try:
            response = session.head(url, **options)
        except requests.Timeout:
            raise  # a server too slow for HEAD is too slow: GET would only wait as long again
        except requests.RequestException:
            pass  # some servers drop a HEAD they do not serve: ask with GET
        else:
            if response.status_code not in HEAD_REFUSED:
                return response
            response.close()
    return session.get(url, **options)  # stream=True: the headers are read, the body never is


def _follow(session, url, *, head=True):
    """One try at `url`: each hop's address checked, then asked, following at most MAX_REDIRECTS redirects."""
    current, content_location = url, ""
    try:
        for _hop in range(MAX_REDIRECTS + 1):
            if reason := refusal(current):
                return Answer(url, final_url=current, problem=REFUSED, detail=reason)
            response = _request(session, current, head=head)
            try:
                content_location = response.headers.get("Content-Location") or content_location
                if not response.is_redirect:
                    return Answer(
                        url,
                        final_url=current,
                        status=response.status_code,
                        content_type=response.headers.get("Content-Type", "")[:200],
                        content_location=content_location,
                    )
                current = urljoin(current, response.headers["Location"])
            finally:
                response.close()
        return Answer(url, final_url=current, problem=REDIRECTS, content_location=content_location)
    except Refused as refused:
        return Answer(url, final_url=current, problem=REFUSED, detail=str(refused))
    except requests.Timeout:
        return Answer(url, final_url=current, problem=TIMEOUT)
    except requests.exceptions.SSLError as error:  # a bad certificate stays bad: not tried again
        return Answer(
            url, final_url=current, problem=FAILED, detail=gettext("TLS error: %(detail)s") % {"detail": _detail(error)}
        )
    except requests.ConnectionError as error:
        return Answer(url, final_url=current, problem=UNREACHABLE, detail=_detail(error))
    except (requests.RequestException, ValueError) as error:  # an address requests cannot ask, a broken answer
        return Answer(url, final_url=current, problem=FAILED, detail=_detail(error))


def _with_retries(attempt, again):
    """`attempt()` until `again(result)` is false or the tries are spent; returns (result, tries)."""
    tries = max(1, settings.LINKCHECK_RETRIES)
    wait = settings.LINKCHECK_BACKOFF_SECONDS
    for number in range(1, tries + 1):
        result = attempt()
        if number == tries or not again(result):
            return result, number
        time.sleep(wait)
        wait *= 2
    raise AssertionError("unreachable")  # pragma: no cover (the loop returns on its last try)


def check(url):
    """Ask `url` (HEAD, else GET) and follow its redirects, trying again on a timeout, 429 or 5xx."""
    with session() as http_session:
        answer, tries = _with_retries(lambda: _follow(http_session, url), lambda answer: answer.retryable)
    return dataclasses.replace(answer, tries=tries)


@dataclasses.dataclass(frozen=True)
class Copy:
    """A web archive's copy of a link: its address and day, or (no `url`) why the archive made none."""

    url: str = ""
    day: datetime.date | None = None
    error: str = ""


def _copy_in(answer, endpoint):
    """The copy the archive's answer names (its Content-Location, else where its redirects led), or None."""
    if answer.problem or answer.status is None or answer.status >= 400:
        return None
    parts = urlsplit(endpoint)
    origin = f"{parts.scheme}://{parts.netloc}/"
    for address in (answer.content_location, answer.final_url):
        if address and (found := ARCHIVED_AT.search(address)):
            try:
                day = datetime.datetime.strptime(found[1], "%Y%m%d%H%M%S").date()
            except ValueError:
                continue  # fourteen digits that are no time: not a copy's address
            return Copy(urljoin(origin, address), day)
    return None


def archive(url):
    """Ask the web archive to keep a copy of `url` (GET settings.WEB_ARCHIVE_SAVE_URL + url): the copy's
    address and day, or why there is none. An answer that names no copy is tried again, as a 5xx is."""
    if urlsplit(url).scheme.lower() not in SCHEMES:
        return Copy(error=refusal(url))  # the archive fetches the link, not us: only its scheme is ours to check
    endpoint = settings.WEB_ARCHIVE_SAVE_URL

    def attempt():
        answer = _follow(http_session, endpoint + url, head=False)
        return answer, _copy_in(answer, endpoint)

    def again(result):
        answer, copy = result
        return copy is None and (answer.retryable or not answer.broken)

    with session() as http_session:
        (answer, copy), tries = _with_retries(attempt, again)
    if copy is not None:
        return copy
    answer = dataclasses.replace(answer, tries=tries)
    if answer.broken:
        why = gettext("the web archive answered %(answer)s") % {"answer": answer.summary}
    else:
        why = ngettext(
            "the web archive's answer named no archived copy, after %(tries)d try",
            "the web archive's answer named no archived copy, after %(tries)d tries",
            tries,
        ) % {"tries": tries}
    return Copy(error=why)


def _many(function, urls, concurrency):
    """(url, function(url)) for each of `urls`, as they finish, at most `concurrency` at a time."""
    language = translation.get_language()  # the messages are written in the caller's language, not the default

    def work(url):
        with translation.override(language):
            return function(url)

    with ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="linkcheck") as pool:
        futures = {pool.submit(work, url): url for url in urls}
        for future in as_completed(futures):
            yield futures[future], future.result()


def check_many(urls):
    """(url, Answer) for each of `urls`, in the order they finish."""
    return _many(check, urls, settings.LINKCHECK_CONCURRENCY)


def archive_many(urls):
    """(url, Copy) for each of `urls`, in the order they finish: fewer at once than link checks, since every one
    goes to the same web archive, which answers 429 to a crowd."""
    return _many(archive, urls, settings.WEB_ARCHIVE_CONCURRENCY)
