"""The link-check job over many sources against a local HTTP server: how long, how many requests at once, and
whether every broken link reaches the needs-attention queue. Speed is a ratio against a baseline in the same
run: the same number of sources whose links all answer at once.

    make bench-links                       # 10,000 sources, 5% slow, 5% broken, on a scratch SQLite database

The server is this process's own, on 127.0.0.1; private addresses are allowed for this command's run only
(LINKCHECK_ALLOW_PRIVATE_ADDRESSES), as the link checker refuses them otherwise.
"""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from nrfsite.editorial.queues import bucket
from sources import jobs
from sources.models import LinkCheck, Source


class Server:
    """200 at /ok/…, 200 after `slow` seconds at /slow/…, 404 at /broken/…; it counts requests in flight."""

    def __init__(self, slow):
        self.in_flight = self.most = self.requests = 0
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def answer(self):
                with server.lock:
                    server.in_flight += 1
                    server.requests += 1
                    server.most = max(server.most, server.in_flight)
                try:
                    if self.path.startswith("/slow/"):
                        time.sleep(slow)
                finally:
                    # Out of flight before the answer is written: the checker may send its next request the
                    # moment it reads this one, and counted after, the two would overlap here but not there.
                    with server.lock:
                        server.in_flight -= 1
                self.send_response(404 if self.path.startswith("/broken/") else 200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_HEAD = do_GET = answer

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def reset(self):
        self.in_flight = self.most = self.requests = 0


class Command(BaseCommand):
    help = __doc__.splitlines()[0]

    def add_arguments(self, parser):
        parser.add_argument("--sources", type=int, default=10000)
        parser.add_argument("--slow-percent", type=float, default=5.0)
        parser.add_argument("--broken-percent", type=float, default=5.0)
        parser.add_argument("--slow-seconds", type=float, default=2.0, help="How long a slow link takes to answer.")

    def handle(self, *args, sources, slow_percent, broken_percent, slow_seconds, **options):
        if Source.objects.filter(key__startswith="bench-link-").exists():
            raise CommandError("This database has bench-link sources already: run it on a scratch database.")
        settings.LINKCHECK_ALLOW_PRIVATE_ADDRESSES = True  # the benchmark's own server on 127.0.0.1, this run only
        server = Server(slow_seconds)
        slow_every, broken_every = round(100 / slow_percent), round(100 / broken_percent)

        def kind(n):
            if n % broken_every == 1:
                return "broken"
            return "slow" if n % slow_every == 2 else "ok"

        self.make_sources(sources, lambda n: f"{server.base}/ok/{n}")
        baseline, baseline_most = self.run(server)
        Source.objects.filter(key__startswith="bench-link-").delete()
        LinkCheck.objects.all().delete()
        self.make_sources(sources, lambda n: f"{server.base}/{kind(n)}/{n}")
        measured, most = self.run(server)
        broken = sum(1 for n in range(sources) if kind(n) == "broken")
        slow = sum(1 for n in range(sources) if kind(n) == "slow")
        queued = bucket("broken-link").count
        limit = settings.LINKCHECK_CONCURRENCY
        self.stdout.write(
            f"| sources | slow ({slow_seconds:g} s) | broken | concurrency limit | most in flight | time | ratio | "
            f"broken links queued |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n"
            f"| {sources:,} (all answer at once: baseline) | 0 | 0 | {limit} | {baseline_most} | {baseline:.1f} s | "
            "1.00× | 0 |\n"
            f"| {sources:,} | {slow:,} | {broken:,} | {limit} | {most} | {measured:.1f} s | "
            f"{measured / baseline:.2f}× | {queued:,} of {broken:,} |"
        )
        Source.objects.filter(key__startswith="bench-link-").delete()
        LinkCheck.objects.all().delete()
        if queued != broken or most > limit:
            raise CommandError(f"{queued} of {broken} broken links queued; at most {most} in flight (limit {limit}).")

    def make_sources(self, count, url):
        with transaction.atomic():
            Source.objects.bulk_create(
                [Source(key=f"bench-link-{n:06}", title=f"Benchmark link {n}", url=url(n)) for n in range(count)],
                batch_size=1000,
            )

    def run(self, server):
        server.reset()
        started = time.monotonic()
        job = jobs.run_here(jobs.LINK_CHECK)
        took = time.monotonic() - started
        if job.state != "done":
            raise CommandError(f"The link-check job ended {job.state}: {job.error}")
        return took, server.most
