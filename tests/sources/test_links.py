"""Sources that do not rot: the link-check and web-archive jobs against a real HTTP server on 127.0.0.1.

The server is started by each test (port 0) and records what it saw: requests per path and method, and the
most requests it held at once. Nothing leaves the machine; nothing of ours is mocked.
"""

import datetime
import socket
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from nrfsite.editorial.models import PendingChange
from nrfsite.editorial.queues import bucket
from nrfsite.jobs import runner
from nrfsite.jobs.models import Job
from sources import jobs, links
from sources.models import LinkCheck, Source
from tests.editorial.test_inline_rights import change_form_data
from tests.factories import SourceFactory, member

pytestmark = pytest.mark.django_db

TIMEOUT = 0.5
WAYBACK_TIME = "20261207031500"


class Site:
    """What the test server answers, path by path, and what it saw."""

    def __init__(self):
        self.seen = Counter()  # (method, path) -> requests
        self.lock = threading.Lock()
        self.in_flight = 0
        self.peak = 0
        self.base = ""

    def count(self, path, method=None):
        return sum(n for (m, p), n in self.seen.items() if p == path and method in (None, m))

    def answer(self, request, method):
        path = request.path
        with self.lock:
            self.seen[method, path] += 1
            times = self.count(path)
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
        request.counted_out = False
        try:
            self.route(request, method, path, times)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (the timeout tests): nothing to answer
        finally:
            if not request.counted_out:
                self.count_out(request)

    def count_out(self, request):
        """No longer in flight: before the answer is written, as the client may send its next request the moment it
        reads this one (counted after, the two would overlap here though they never did in the client)."""
        with self.lock:
            self.in_flight -= 1
        request.counted_out = True

    def route(self, request, method, path, times):
        if path == "/ok":
            return reply(request, 200, {"Content-Type": "text/html; charset=utf-8"})
        if path == "/moved":
            return reply(request, 301, {"Location": "/ok"})
        if path in ("/gone-404", "/gone-410"):
            return reply(request, int(path[-3:]))
        if path == "/too-slow":
            time.sleep(TIMEOUT * 2)
            return reply(request, 200)
        if path == "/slow":
            time.sleep(TIMEOUT * 0.4)
            return reply(request, 200, {"Content-Type": "text/plain"})
        if path == "/flaky":
            return reply(request, 503 if times == 1 else 200, {"Content-Type": "text/html"})
        if path == "/no-head":
            if method == "HEAD":
                return reply(request, 405, {"Allow": "GET"})
            return reply(request, 200, {"Content-Type": "application/pdf"})
        if path == "/loop":
            return reply(request, 302, {"Location": "/loop"})
        if path == "/to-file":
            return reply(request, 302, {"Location": "file:///etc/passwd"})
        if path.startswith("/many/"):
            time.sleep(0.05)
            self.count_out(request)
            return reply(request, 200)
        if path.startswith("/save/"):  # the Wayback Machine's save API, as it answers a saved copy
            archived = f"/web/{WAYBACK_TIME}/{path.removeprefix('/save/')}"
            return reply(request, 200, {"Content-Location": archived, "Content-Type": "text/html"})
        if path.startswith("/save-redirect/"):  # …or as it answers with a redirect to the copy
            return reply(request, 302, {"Location": f"/web/{WAYBACK_TIME}/{path.removeprefix('/save-redirect/')}"})
        if path.startswith("/web/"):
            return reply(request, 200, {"Content-Type": "text/html"})
        if path.startswith("/save-broken/"):
            return reply(request, 500)
        return reply(request, 404)


def reply(request, status, headers=None):
    request.send_response(status)
    for name, value in (headers or {}).items():
        request.send_header(name, value)
    request.send_header("Content-Length", "0")
    request.end_headers()


class Handler(BaseHTTPRequestHandler):
    def do_HEAD(self):
        self.server.site.answer(self, "HEAD")

    def do_GET(self):
        self.server.site.answer(self, "GET")

    def log_message(self, format, *args):
        pass


@pytest.fixture
def site(settings):
    settings.LINKCHECK_ALLOW_PRIVATE_ADDRESSES = True  # the test server is on 127.0.0.1
    settings.LINKCHECK_TIMEOUT_SECONDS = TIMEOUT
    settings.LINKCHECK_BACKOFF_SECONDS = 0.05
    settings.LINKCHECK_RETRIES = 3
    settings.LINKCHECK_CONCURRENCY = 4
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.block_on_close = False  # a handler still sleeping after its client gave up is not waited for
    server.site = Site()
    server.site.base = f"http://127.0.0.1:{server.server_address[1]}"
    settings.WEB_ARCHIVE_SAVE_URL = f"{server.site.base}/save/"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server.site
    server.shutdown()
    server.server_close()


def check_links(**params):
    job = runner.start(jobs.LINK_CHECK, title="Check links", params=params)
    return Job.objects.get(pk=job.pk)


def archive_links(**params):
    job = runner.start(jobs.WEB_ARCHIVE, title="Archive links", params=params)
    return Job.objects.get(pk=job.pk)


def check_of(source):
    return LinkCheck.objects.get(source=source)


def today():
    day = timezone.localdate()
    return f"{day.day} {day:%B %Y}"


def test_a_link_that_answers_200_is_recorded_with_its_content_type(site):
    source = SourceFactory(url=f"{site.base}/ok")

    job = check_links()

    check = check_of(source)
    assert job.state == Job.State.DONE and job.outcome["checked"] == 1 and job.outcome["broken"] == 0
    assert (check.status, check.content_type, check.broken, check.error) == (200, "text/html; charset=utf-8", False, "")
    assert check.final_url == f"{site.base}/ok" and check.tries == 1
    assert check.next_check_at > timezone.now() + datetime.timedelta(days=6)
    assert site.count("/ok", "HEAD") == 1 and site.count("/ok", "GET") == 0


def test_a_redirect_is_followed_and_its_target_recorded(site):
    source = SourceFactory(url=f"{site.base}/moved")

    check_links()

    check = check_of(source)
    assert (check.status, check.final_url, check.broken) == (200, f"{site.base}/ok", False)
    assert check.url == f"{site.base}/moved"


@pytest.mark.parametrize("status, phrase", [(404, "Not Found"), (410, "Gone")])
def test_a_missing_page_is_broken_at_once_and_listed_for_editors(site, client, status, phrase):
    source = SourceFactory(key="gone", url=f"{site.base}/gone-{status}")
    SourceFactory(key="fine", url=f"{site.base}/ok")

    job = check_links()

    check = check_of(source)
    assert check.broken and check.status == status and check.tries == 1
    assert site.count(f"/gone-{status}") == 1  # a 4xx is final: never asked again
    reason = f"{status} {phrase} at {site.base}/gone-{status}, checked {today()}"
    queue = bucket("broken-link")
    assert queue.pks == [source.pk] and [item.why for item in queue.items] == [reason]
    assert job.outcome["broken_sources"] == [
        {"key": "gone", "url": f"{site.base}/gone-{status}", "answer": f"{status} {phrase}"}
    ]
    client.force_login(member("Editor"))
    dashboard = client.get(reverse("admin:index")).content.decode()
    assert "Sources whose link is broken</a> <strong>(1)</strong>" in dashboard and reason in dashboard


def test_a_server_slower_than_the_timeout_is_broken_after_every_try(site):
    source = SourceFactory(url=f"{site.base}/too-slow")

    check_links()

    check = check_of(source)
    assert check.broken and check.status is None and check.tries == 3
    assert check.error == "timed out after 3 tries"
    assert site.count("/too-slow") == 3
    assert [item.why for item in bucket("broken-link").items] == [f"timed out after 3 tries, checked {today()}"]


def test_a_slow_server_that_answers_in_time_is_fine(site):
    source = SourceFactory(url=f"{site.base}/slow")

    check_links()

    assert (check_of(source).status, check_of(source).broken, check_of(source).tries) == (200, False, 1)


def test_a_503_is_tried_again_and_the_second_answer_counts(site):
    source = SourceFactory(url=f"{site.base}/flaky")

    check_links()

    check = check_of(source)
    assert (check.status, check.broken, check.tries) == (200, False, 2)
    assert site.count("/flaky") == 2


def test_a_closed_port_is_tried_again_then_broken(site):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    source = SourceFactory(url=f"http://127.0.0.1:{port}/")

    check_links()

    check = check_of(source)
    assert check.broken and check.tries == 3 and check.error == "no connection after 3 tries: Connection refused"


def test_a_server_that_refuses_head_is_asked_with_get(site):
    source = SourceFactory(url=f"{site.base}/no-head")

    check_links()

    check = check_of(source)
    assert (check.status, check.content_type, check.broken) == (200, "application/pdf", False)
    assert site.count("/no-head", "HEAD") == 1 and site.count("/no-head", "GET") == 1


def test_a_redirect_loop_stops_after_ten_redirects(site):
    source = SourceFactory(url=f"{site.base}/loop")

    check_links()

    check = check_of(source)
    assert check.broken and check.status is None and check.tries == 1
    assert check.error.startswith("more than 10 redirects")
    assert site.count("/loop") == 11  # the link, then ten redirects followed


def test_no_more_requests_are_in_flight_than_the_concurrency_allows(site):
    for n in range(40):
        SourceFactory(url=f"{site.base}/many/{n}")

    job = check_links()

    assert job.outcome["checked"] == 40 and job.outcome["broken"] == 0
    assert sum(site.count(f"/many/{n}") for n in range(40)) == 40
    assert 2 <= site.peak <= 4


def test_sources_sharing_a_link_are_one_request(site):
    first, second = SourceFactory(url=f"{site.base}/ok"), SourceFactory(url=f"{site.base}/ok")

    check_links()

    assert check_of(first).status == check_of(second).status == 200
    assert site.count("/ok") == 1


def test_a_link_on_a_private_address_is_refused_without_a_request(site, settings):
    settings.LINKCHECK_ALLOW_PRIVATE_ADDRESSES = False
    source = SourceFactory(url=f"{site.base}/ok")

    check_links()

    check = check_of(source)
    assert check.broken and check.status is None
    assert check.error == "refused: 127.0.0.1 resolves to a private address (127.0.0.1)"
    assert sum(site.seen.values()) == 0


@pytest.mark.parametrize(
    "url, error",
    [
        ("http://127.0.0.1/", "refused: 127.0.0.1 resolves to a private address (127.0.0.1)"),
        ("http://[::1]:8000/admin/", "refused: ::1 resolves to a private address (::1)"),
        ("http://10.0.0.1/", "refused: 10.0.0.1 resolves to a private address (10.0.0.1)"),
        (
            "http://169.254.169.254/latest/meta-data/",
            "refused: 169.254.169.254 resolves to a private address (169.254.169.254)",
        ),
        ("http://localhost/", "refused: localhost resolves to a private address ("),
        ("file:///etc/passwd", "refused: only http and https links are checked, not “file”"),
    ],
)
def test_private_addresses_and_other_schemes_are_refused_unasked(settings, url, error):
    settings.LINKCHECK_ALLOW_PRIVATE_ADDRESSES = False
    settings.LINKCHECK_TIMEOUT_SECONDS = TIMEOUT
    source = SourceFactory(url=url)

    started = time.monotonic()
    check_links()

    check = check_of(source)
    assert check.broken and check.status is None and check.error.startswith(error)
    assert time.monotonic() - started < TIMEOUT  # refused before any connection, not after one timed out


def test_a_connection_that_reaches_a_private_address_is_refused_even_past_the_first_check(site, settings):
    # A name may resolve to a public address when checked and a private one when connected (DNS rebinding):
    # the connection itself checks the address it reached.
    settings.LINKCHECK_ALLOW_PRIVATE_ADDRESSES = False

    with pytest.raises(links.Refused, match="resolves to a private address"), links.session() as session:
        session.get(f"{site.base}/ok", timeout=TIMEOUT)

    assert sum(site.seen.values()) == 0


def test_every_redirect_hop_is_checked_before_it_is_followed(site):
    source = SourceFactory(url=f"{site.base}/to-file")

    check_links()

    check = check_of(source)
    assert check.broken and check.error == "refused: only http and https links are checked, not “file”"
    assert check.final_url == "file:///etc/passwd" and site.count("/to-file") == 1


def test_checking_links_makes_no_revision_of_the_source(site):
    source = SourceFactory(url=f"{site.base}/gone-404")
    revisions = Source.history.count()

    check_links()
    check_links(keys=[source.key])

    assert Source.history.count() == revisions
    assert LinkCheck.objects.count() == 1 and site.count("/gone-404") == 2


def test_a_link_is_due_again_after_its_recheck_time_or_when_it_changes(site):
    checked, changed = SourceFactory(url=f"{site.base}/ok"), SourceFactory(url=f"{site.base}/moved")
    SourceFactory(url="")  # no link: nothing to check
    check_links()
    Source.objects.filter(pk=changed.pk).update(url=f"{site.base}/slow")

    due = set(jobs.sources_to_check())
    later = set(jobs.sources_to_check(now=timezone.now() + datetime.timedelta(days=8)))

    assert due == {changed} and later == {checked, changed}


def test_a_changed_link_leaves_the_broken_queue_until_it_is_checked(site):
    source = SourceFactory(url=f"{site.base}/gone-404")
    check_links()

    Source.objects.filter(pk=source.pk).update(url=f"{site.base}/ok")

    assert bucket("broken-link").count == 0


def test_the_web_archive_copy_is_written_on_the_source_and_shown_to_readers(site, client):
    source = SourceFactory(key="wapo", url="https://example.org/a")
    revisions = source.history.count()

    job = archive_links()

    source.refresh_from_db()
    assert source.archive_url == f"{site.base}/web/{WAYBACK_TIME}/https://example.org/a"
    assert source.archived_on == datetime.date(2026, 12, 7)
    assert job.outcome["archived"] == 1 and job.outcome["failed"] == 0
    assert source.history.count() == revisions + 1
    assert source.history.first().history_change_reason == "Archived copy requested from the web archive"
    page = client.get(reverse("sources:detail", args=["wapo"])).content.decode()
    assert f'<a href="{source.archive_url}" rel="nofollow noopener noreferrer">Archived copy from 7 December 2026</a>' in page


def test_a_web_archive_that_redirects_to_the_copy_is_understood(site, settings):
    settings.WEB_ARCHIVE_SAVE_URL = f"{site.base}/save-redirect/"
    source = SourceFactory(url="https://example.org/b")

    archive_links()

    source.refresh_from_db()
    assert source.archive_url == f"{site.base}/web/{WAYBACK_TIME}/https://example.org/b"
    assert source.archived_on == datetime.date(2026, 12, 7)


def test_a_failing_web_archive_leaves_the_source_unchanged_and_says_why(site, settings):
    settings.WEB_ARCHIVE_SAVE_URL = f"{site.base}/save-broken/"
    source = SourceFactory(key="wapo", url="https://example.org/a")
    revisions = source.history.count()

    job = archive_links()

    source.refresh_from_db()
    assert (source.archive_url, source.archived_on, source.history.count()) == ("", None, revisions)
    assert job.state == Job.State.DONE and job.outcome["archived"] == 0
    assert job.outcome["failed_sources"] == [
        {
            "key": "wapo",
            "url": "https://example.org/a",
            "error": "the web archive answered 500 Internal Server Error after 3 tries",
        }
    ]
    assert site.count("/save-broken/https://example.org/a") == 3


def test_sources_with_an_archived_copy_are_not_archived_again(site):
    SourceFactory(url="https://example.org/kept", archive_url="https://web.archive.org/web/2021/https://example.org/kept")
    SourceFactory(url="")

    job = archive_links()

    assert job.outcome["asked"] == 0 and sum(site.seen.values()) == 0


def test_the_commands_do_the_work_here_with_now(site):
    broken = SourceFactory(key="broken", url=f"{site.base}/gone-410")
    to_archive = SourceFactory(key="to-archive", url=f"{site.base}/ok")
    out = StringIO()

    call_command("check_links", "--now", stdout=out)
    call_command("archive_sources", "--now", "--key", "to-archive", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Checked 2 source links: 1 broken. (job ")
    assert lines[1].startswith("Asked for copies of 1 source link: 1 archived, 0 failed. (job ")
    assert check_of(broken).broken and not check_of(to_archive).broken
    to_archive.refresh_from_db()
    assert to_archive.archived_on == datetime.date(2026, 12, 7)
    assert Job.objects.filter(kind=jobs.LINK_CHECK, state=Job.State.DONE).count() == 1


def test_the_command_starts_a_job_and_prints_its_id(site):
    SourceFactory(url=f"{site.base}/ok")
    out = StringIO()

    call_command("check_links", stdout=out)

    job = Job.objects.get(kind=jobs.LINK_CHECK)
    assert out.getvalue().startswith(f"Started job {job.pk} ")
    assert job.state == Job.State.DONE  # the tests' task backend runs a job at once


def test_the_command_refuses_an_unknown_key():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No source has the key"):
        call_command("check_links", "--now", "--key", "nowhere")


def test_a_change_waiting_on_a_source_keeps_the_archived_copy_when_it_is_published(site, client):
    """The archive job writes on a published source an editor has a change waiting on: publishing that change
    later keeps the copy (the change did not touch it) and the editor's own edit."""
    source = SourceFactory(key="wapo", url="https://example.org/a", title="Old title", status="published")
    url = reverse("admin:sources_source_change", args=[source.pk])
    client.force_login(member("Editor", username="ed"))
    data = change_form_data(client.get(url))
    data.update(title="The editor's title", change_reason="the paper's own headline")
    client.post(url, data)
    assert PendingChange.objects.waiting().count() == 1

    archive_links()

    client.force_login(member("Reviewer", username="rev"))
    answer = client.post(
        reverse("admin:sources_source_changelist"), {"action": "publish_selected", "_selected_action": [source.pk]}
    )
    assert answer.status_code == 302
    source.refresh_from_db()
    assert source.title == "The editor's title"
    assert source.archive_url == f"{site.base}/web/{WAYBACK_TIME}/https://example.org/a"
    assert source.archived_on == datetime.date(2026, 12, 7)
