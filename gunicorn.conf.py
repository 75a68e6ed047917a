"""Gunicorn for nrfsite: threaded workers sized for the machine, timeouts that fit the longest import.

Environment: GUNICORN_BIND (default 127.0.0.1:8000), GUNICORN_WORKERS (default 2 × CPUs + 1),
GUNICORN_THREADS (default 4), GUNICORN_TIMEOUT (default 300 s: a 100,000-row admin import fits).
`kill -HUP <master>` reloads workers one by one without dropping requests.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 300))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak cannot grow without bound; jitter avoids all at once.
max_requests = 5000
max_requests_jitter = 500
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Each worker imports the app itself, so HUP picks up new code.
preload_app = False
