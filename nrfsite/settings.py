"""Settings for nrfsite, read from the environment.

With nothing set, the site runs for a newcomer: debug on, SQLite in
`db.sqlite3`, local-memory cache. Production sets DJANGO_DEBUG=false and
must then give a real DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS, or the
process refuses to start.
"""

from datetime import timedelta
from pathlib import Path

import django.conf.locale
import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=True)

# A development key, only ever accepted with DEBUG on.
DEVELOPMENT_SECRET_KEY = "django-insecure-nrfsite-development-key-never-use-in-production"  # noqa: S105 - refused unless DEBUG is on
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

if not DEBUG:
    if SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 40:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set to a random string of at least 40 characters when DJANGO_DEBUG is off."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must list the site's host names when DJANGO_DEBUG is off.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_filters",
    "import_export",
    "simple_history",
    "axes",
    "csp",
    "corsheaders",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "nrfsite.site",
    "nrfsite.editorial",
    "nrfsite.jobs",
    "nrfsite.interchange",
    "nrfsite.ops",
    "django_tasks",
    "django_tasks_db",
    "sources",
    "entities",
    "events",
]

# The apps that hold the knowledge base's content: their models get the editorial roles' permissions,
# revision history, text cleaning and page-cache refreshes (nrfsite.editorial.roles, nrfsite.site.signals).
CONTENT_APPS = ["sources", "entities", "events"]
# The vocabulary: no draft state, and a change shows on every page at once, so only reviewers change it.
REVIEWER_ONLY_MODELS = ["entities.property", "events.eventtype"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "nrfsite.site.security.SiteCSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # CORS headers on /api/ reads (before CommonMiddleware, as django-cors-headers asks).
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language from the address's prefix (/prs/, /ps/; none is English), never from a cookie or a header.
    "nrfsite.core.languages.PathLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Anonymous public pages from the cache, keyed on the content version (never stale).
    "nrfsite.site.cache.PublicPageCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records request.user on every revision django-simple-history writes.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: locks out repeated failed logins.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "nrfsite.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # `|digits` in every template (nrfsite/core/template_filters.py).
            "builtins": ["nrfsite.core.template_filters"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "nrfsite.core.languages.context",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "nrfsite.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside a writer; IMMEDIATE transactions take the write
    # lock at BEGIN, so a second writer waits up to `timeout` seconds instead of
    # failing with "database is locked" when it upgrades a read lock mid-way.
    # 120 s by default: an admin save waits out a 10,000-event import on a loaded
    # server (20 s did not: docs/reliability.md).
    DATABASES["default"]["OPTIONS"] = {
        "timeout": env.int("SQLITE_BUSY_TIMEOUT", default=120),
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        **DATABASES["default"].get("OPTIONS", {}),
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)

CACHES = {
    "default": env.cache(
        "CACHE_URL",
        default=env.str("REDIS_URL", default="locmemcache://nrfsite"),
    )
}

# Background jobs (nrfsite.jobs) travel through django-tasks, the API Django 6.0 adopts, and `manage.py
# jobs_worker` runs them whichever backend carries them. TASKS_BACKEND picks it:
# - "database" (the default): django-tasks-db needs nothing more than the database; workers on this machine or
#   any other that reaches it claim tasks (SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL).
# - "rq": RQ on Redis (django-tasks-rq): workers wait on Redis instead of polling the database, for several
#   machines of workers. The queue is JOBS_QUEUE_URL, else REDIS_URL; with neither, start-up is refused.
# - or a backend's dotted path.
tasks_backends = {"database": "django_tasks_db.DatabaseBackend", "rq": "django_tasks_rq.RQBackend"}
tasks_backend = env.str("TASKS_BACKEND", default="database")
if tasks_backend not in tasks_backends and "." not in tasks_backend:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND={tasks_backend!r} names no backend: set it to {' or '.join(tasks_backends)}, or a dotted path."
    )
TASKS = {"default": {"BACKEND": tasks_backends.get(tasks_backend, tasks_backend)}}
JOBS_QUEUE_URL = None
if TASKS["default"]["BACKEND"] in ("django_tasks_rq.RQBackend", "django_tasks_rq.backend.RQBackend"):
    JOBS_QUEUE_URL = env.str("JOBS_QUEUE_URL", default=env.str("REDIS_URL", default="")) or None
    if JOBS_QUEUE_URL is None:
        raise ImproperlyConfigured(
            "TASKS_BACKEND=rq queues background jobs in Redis: set JOBS_QUEUE_URL (or REDIS_URL) to its address, "
            "e.g. redis://127.0.0.1:6379/2, or leave TASKS_BACKEND unset for the database backend."
        )
    INSTALLED_APPS += ["django_rq"]  # only this backend needs it (and its admin page reads RQ_QUEUES)
    # No time limit, as on the database backend: RQ's default (180 s) would kill a long import. A worker that
    # dies is noticed by its job's heartbeat (JOBS_LOST_AFTER_SECONDS), whatever the backend.
    RQ_QUEUES = {"default": {"URL": JOBS_QUEUE_URL, "DEFAULT_TIMEOUT": -1}}

# Background jobs' progress and heartbeats: written by a worker outside its job's transaction, read by the
# job's page. Shared by every app server and worker: Redis when REDIS_URL (or RQ's JOBS_QUEUE_URL) is set, else
# files on this machine.
CACHES["jobs"] = env.cache(
    "JOBS_CACHE_URL", default=env.str("REDIS_URL", default=JOBS_QUEUE_URL or f"filecache://{BASE_DIR / 'var' / 'jobs'}")
)
JOBS_CACHE = "jobs"
# A running job with no heartbeat for this long is reported failed (its worker was killed or its machine went
# down); workers beat every 2 seconds.
JOBS_LOST_AFTER_SECONDS = env.int("JOBS_LOST_AFTER_SECONDS", default=30)
# The largest file a job keeps for download (the admin's bundle export zip), in the database so any app server
# serves what any worker made; a larger one fails its job and says so. `manage.py prune_jobs` deletes old ones.
JOBS_FILE_MAX_BYTES = env.int("JOBS_FILE_MAX_BYTES", default=512 * 1024 * 1024)

# Link checks and web archiving of source URLs (sources/links.py), run as background jobs.
LINKCHECK_TIMEOUT_SECONDS = env.float("LINKCHECK_TIMEOUT_SECONDS", default=15.0)
LINKCHECK_CONCURRENCY = env.int("LINKCHECK_CONCURRENCY", default=16)  # requests in flight at once, at most
LINKCHECK_RETRIES = env.int("LINKCHECK_RETRIES", default=3)  # tries of a URL that times out or answers 5xx/429
LINKCHECK_BACKOFF_SECONDS = env.float("LINKCHECK_BACKOFF_SECONDS", default=2.0)  # doubled after each try
LINKCHECK_RECHECK_DAYS = env.int("LINKCHECK_RECHECK_DAYS", default=7)
# Source URLs are typed by editors: never fetch loopback, private or link-local addresses (SSRF), except in tests.
LINKCHECK_ALLOW_PRIVATE_ADDRESSES = env.bool("LINKCHECK_ALLOW_PRIVATE_ADDRESSES", default=False)
WEB_ARCHIVE_SAVE_URL = env.str("WEB_ARCHIVE_SAVE_URL", default="https://web.archive.org/save/")
WEB_ARCHIVE_CONCURRENCY = env.int("WEB_ARCHIVE_CONCURRENCY", default=2)  # one archive: be gentle with it

# Seconds an anonymous public page stays cached; any content change makes it unreachable at once.
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=600)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Every login here is staff with the power to publish: 12 characters at least, not a repeated piece.
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "nrfsite.editorial.passwords.PatternValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
# English, Dari and Pashto. English pages keep their addresses; Dari and Pashto ones live under /prs/ and /ps/
# (nrfsite/urls.py), so every page in every language has its own linkable, cacheable address.
LANGUAGES = [("en-gb", "English"), ("prs", "دری"), ("ps", "پښتو")]
# Django has neither Dari (ISO 639-3 `prs`, the Persian of Afghanistan) nor Pashto: their names and direction.
LANG_INFO_EXTRA = {
    "prs": {"bidi": True, "code": "prs", "name": "Dari", "name_local": "دری"},
    "ps": {"bidi": True, "code": "ps", "name": "Pashto", "name_local": "پښتو"},
}
django.conf.locale.LANG_INFO.update(LANG_INFO_EXTRA)
LANGUAGES_BIDI = ["prs", "ps"]  # written right to left: <html dir="rtl">
# The project's own catalogs first (they win), then Django's and the admin libraries' messages in Dari and Pashto,
# which those packages do not ship (scripts/vendor_catalogs.py).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale-vendor"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# "SQLite does not support indexes with non-key columns": the timeline's filter indexes INCLUDE what its summary
# reads, for PostgreSQL's index-only scans (events.models.Event.Meta.indexes); SQLite makes them plain, as meant.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# django-import-export: every import runs in one transaction, and is refused
# whole when any row fails.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"
# Uploads wait for the confirm step under names this server signed, in a folder only the app uses.

# django-simple-history: the reason a revision gives ("CSV import: events.csv", a reviewer's note) is free text,
# so it is a TextField rather than the default 100-character CharField.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Security ------------------------------------------------------------------------------------
# Behind a TLS-terminating reverse proxy that sets X-Forwarded-Proto. `make serve` on
# 127.0.0.1 turns the HTTPS-only parts off with DJANGO_SECURE_HTTPS=false.
SECURE_HTTPS = env.bool("DJANGO_SECURE_HTTPS", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = SECURE_HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31_536_000 if SECURE_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# No inline scripts or styles on public pages; every asset comes from this site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# The read API (nrfsite.api): JSON only, anyone may read, anonymous callers rate-limited per address.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "NUM_PROXIES": env.int("API_PROXY_COUNT", default=0),
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Anonymous API callers, per address (nrfsite.api.views.AnonymousRate): over it they get 429 and Retry-After.
API_ANON_RATE = env.str("API_ANON_RATE", default="120/min")
SPECTACULAR_SETTINGS = {
    "TITLE": "nrfsite open data API",
    "DESCRIPTION": "Read-only access to the public knowledge base about the National Resistance Front of "
    "Afghanistan: entities, statements, sections, events and sources, each fact with its citations. "
    "Drafts never appear. Lists use cursor pagination and take `updated_since`; every answer has an ETag "
    "for conditional GET.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI's files come from drf-spectacular-sidecar, served from static/ like every asset: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}
# What public downloads say they are (the sidecar datapackage.json of every CSV download). The seed is the
# text of an English Wikipedia article, whose licence is CC BY-SA 4.0, so the data is shared alike.
# The public bundle (/data/nrfsite-public.zip) is built once per content version into this folder.
PUBLIC_BUNDLE_DIR = env.path("PUBLIC_BUNDLE_DIR", default=BASE_DIR / "var" / "public-bundle")
DATA_SITE_TITLE = env.str("DATA_SITE_TITLE", default="NRF knowledge base")
DATA_LICENCE = {
    "name": env.str("DATA_LICENCE_NAME", default="CC-BY-SA-4.0"),
    "title": env.str("DATA_LICENCE_TITLE", default="Creative Commons Attribution-ShareAlike 4.0"),
    "path": env.str("DATA_LICENCE_URL", default="https://creativecommons.org/licenses/by-sa/4.0/"),
}

# CORS: any origin may read the API (GET, HEAD, OPTIONS); nothing else on the site sends CORS headers.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified"]

# django-axes: five failed logins for a username from one address lock it out for an hour.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(hours=1)
# Per account and address, and per address across every username (password spraying from one address).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)
AXES_LOCKOUT_TEMPLATE = "admin/lockout.html"

# Uploads: CSV imports up to 64 MiB (a worker imports them: 100,000 events are about 25 MiB); request bodies
# held in memory up to 5 MB, larger uploads spool to a temporary file.
IMPORT_MAX_UPLOAD_BYTES = env.int("IMPORT_MAX_UPLOAD_BYTES", default=64 * 1024 * 1024)
# The largest file of a bundle import_bundle reads (a million events' events.csv is about 300 MB).
BUNDLE_FILE_MAX_BYTES = env.int("BUNDLE_FILE_MAX_BYTES", default=1024 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# Email: the watchlists' digests (nrfsite/site/digests.py, `manage.py send_digests`). EMAIL_URL is
# smtp+tls://user:password@host:587 in production; locally the console (the default) or files
# (filemail:////var/tmp/nrfsite-mail). Tests get Django's locmem backend. SITE_URL is the public address the
# digests' absolute links (and their unsubscribe link) start with.
vars().update({name: value for name, value in env.email_url("EMAIL_URL", default="consolemail://").items() if value})
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="NRF knowledge base <noreply@localhost>")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="WARNING")},
}
