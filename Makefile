# The project's verbs. `make run` sets up everything on a fresh machine and
# serves the site with the seed data; `make test` runs the whole suite.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# Where `make run` and `make serve` listen: `make run PORT=8080`, `make serve HOST=0.0.0.0`.
HOST ?= 127.0.0.1
PORT ?= 8000
# Host names Django accepts there: DJANGO_ALLOWED_HOSTS if you set it, else the local names;
# plus HOST when it is not 127.0.0.1 or localhost.
comma := ,
LOCAL_HOSTS := localhost,127.0.0.1,[::1]
SITE_HOSTS := $(if $(DJANGO_ALLOWED_HOSTS),$(DJANGO_ALLOWED_HOSTS),$(LOCAL_HOSTS))$(addprefix $(comma),$(filter-out 127.0.0.1 localhost,$(HOST)))
# The local admin login `make run` creates (printed when it starts).
ADMIN_USER ?= admin
ADMIN_PASSWORD ?= nrfsite-local-admin


.PHONY: install install-app system-packages messages run serve test test-postgres lint format migrations-check reset-db superuser clean bench bench-postgres bench-pages bench-pages-postgres bench-search bench-search-postgres bench-links bench-pages-million audit lighthouse

# Two stamps: the application's requirements (enough for run, serve, bench) and the dev/test tools
# on top (install, test, lint, format). `make run` after `make test` installs nothing; `make test`
# after `make run` adds the tools.
APP_STAMP := $(VENV)/.installed-app
DEV_STAMP := $(VENV)/.installed-dev

$(APP_STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip setuptools  # the venv's own setuptools 65.5.0 has CVE-2022-40897 (make audit)
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(DEV_STAMP): $(APP_STAMP) requirements.txt requirements-dev.txt
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install-app: $(APP_STAMP) ## create the virtualenv and install the application's pinned requirements

install: $(DEV_STAMP) ## the same plus the test and lint tools (requirements-dev.txt)

system-packages: ## check for (and install, when root or sudo allows) Chromium, Java, nginx, postgresql-client
	bash scripts/system-packages.sh

# A background worker (imports and other long jobs) runs beside the site and stops with it.
WITH_WORKER = sh -c '"$$0" manage.py jobs_worker & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; "$$@"' $(PY)

run: install-app ## migrate, load the seed, create a local admin login, serve on $(HOST):$(PORT) with a background worker
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_seed
	$(PY) manage.py ensure_local_admin --username $(ADMIN_USER) --password $(ADMIN_PASSWORD)
	DJANGO_ALLOWED_HOSTS="$(SITE_HOSTS)" $(WITH_WORKER) $(PY) manage.py runserver $(HOST):$(PORT)

SECRET_FILE := .secret_key

$(SECRET_FILE):
	$(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	chmod 600 $@

# Production mode on plain HTTP: debug off, the generated secret key, HTTPS-only settings off.
SERVE_ENV = DJANGO_DEBUG=false DJANGO_SECRET_KEY="$$(cat $(SECRET_FILE))" DJANGO_SECURE_HTTPS=false \
	DJANGO_ALLOWED_HOSTS="$(SITE_HOSTS)"

serve: install-app $(SECRET_FILE) ## production mode on $(HOST):$(PORT): collectstatic, migrate, seed, gunicorn
	$(SERVE_ENV) $(PY) manage.py collectstatic --no-input -v0
	$(SERVE_ENV) $(PY) manage.py migrate --no-input
	$(SERVE_ENV) $(PY) manage.py load_seed
	$(SERVE_ENV) GUNICORN_BIND=$(HOST):$(PORT) $(WITH_WORKER) $(VENV)/bin/gunicorn -c gunicorn.conf.py nrfsite.wsgi

# /usr/sbin is on PATH for the nginx fault test: Debian puts nginx there, outside a normal user's PATH.
test: system-packages install ## run the whole test suite (DATABASE_URL picks the engine; SQLite by default)
	PATH="$$PATH:/usr/sbin" $(PY) -m pytest

messages: install ## update the Dari and Pashto catalogs (locale/) from the code and compile them; needs GNU gettext
	$(PY) manage.py catalogs

lint: install ## ruff lint and format check, and the import layers (import-linter, pyproject.toml)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

audit: install ## pip-audit of every installed package: OSV online, else offline against security/advisories.json (SECURITY.md)
	$(PY) scripts/audit_deps.py check

migrations-check: install-app ## fail if a model change has no migration
	$(PY) manage.py makemigrations --check --dry-run

reset-db: install-app ## delete the local SQLite database and migrate afresh
	rm -f db.sqlite3 db.sqlite3-wal db.sqlite3-shm
	$(PY) manage.py migrate --no-input

clean:
	rm -rf $(VENV) staticfiles test-artifacts

BENCH_EVENTS ?= 10000 100000
BENCH_SQLITE := /tmp/nrfsite-bench.sqlite3
BENCH_PG ?= postgres://postgres@127.0.0.1:5432/nrfsite_bench

bench: install-app ## CSV benchmark on a scratch SQLite database (BENCH_EVENTS="10000 100000")
	rm -f $(BENCH_SQLITE) $(BENCH_SQLITE)-wal $(BENCH_SQLITE)-shm
	DATABASE_URL=sqlite:///$(BENCH_SQLITE) $(PY) manage.py migrate --no-input -v0
	DATABASE_URL=sqlite:///$(BENCH_SQLITE) $(PY) manage.py benchmark_csv --events $(BENCH_EVENTS)

bench-postgres: install-app ## the same on a scratch PostgreSQL database (dropped and recreated)
	psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS nrfsite_bench WITH (FORCE)"
	psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE nrfsite_bench"
	DATABASE_URL=$(BENCH_PG) $(PY) manage.py migrate --no-input -v0
	DATABASE_URL=$(BENCH_PG) $(PY) manage.py benchmark_csv --events $(BENCH_EVENTS)

BENCH_PAGE_EVENTS ?= 1000 10000 100000
BENCH_PAGE_COMMAND ?= benchmark_pages  # bench-search runs benchmark_search through the same recipe
# The page benchmarks run as `make serve` does (debug off, hashed static files): with debug on, Django keeps
# every query's SQL, which costs a page with many rows more than the trivial view it is compared with.
BENCH_PAGES = $(SERVE_ENV) $(PY) manage.py

bench-pages: install-app $(SECRET_FILE) ## median page times at 1k/10k/100k events against a trivial view (scratch SQLite)
	rm -f $(BENCH_SQLITE) $(BENCH_SQLITE)-wal $(BENCH_SQLITE)-shm
	$(BENCH_PAGES) collectstatic --no-input -v0
	DATABASE_URL=sqlite:///$(BENCH_SQLITE) $(BENCH_PAGES) migrate --no-input -v0
	DATABASE_URL=sqlite:///$(BENCH_SQLITE) $(BENCH_PAGES) $(BENCH_PAGE_COMMAND) --events $(BENCH_PAGE_EVENTS)

bench-pages-postgres: install-app $(SECRET_FILE) ## the same on a scratch PostgreSQL database (dropped and recreated)
	psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS nrfsite_bench WITH (FORCE)"
	psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE nrfsite_bench"
	$(BENCH_PAGES) collectstatic --no-input -v0
	DATABASE_URL=$(BENCH_PG) $(BENCH_PAGES) migrate --no-input -v0
	DATABASE_URL=$(BENCH_PG) $(BENCH_PAGES) $(BENCH_PAGE_COMMAND) --events $(BENCH_PAGE_EVENTS)

# A million events on PostgreSQL (issue 22): grown from 1,000 to 1,000,000 in one import_bundle transaction
# of 999,000 events, whose time and peak memory the output reports. About an hour on two CPUs, 8 GB of disk.
bench-search: ## the site search (Latin, Dari, folded, transliterated words) at 1k and 100k events, scratch SQLite
	$(MAKE) bench-pages BENCH_PAGE_COMMAND=benchmark_search BENCH_PAGE_EVENTS="1000 100000"

bench-search-postgres: ## the same on a scratch PostgreSQL database
	$(MAKE) bench-pages-postgres BENCH_PAGE_COMMAND=benchmark_search BENCH_PAGE_EVENTS="1000 100000"

bench-links: install-app ## the link-check job over 10,000 sources (5% slow, 5% broken) on a local server, scratch SQLite
	rm -f $(BENCH_SQLITE) $(BENCH_SQLITE)-wal $(BENCH_SQLITE)-shm
	DATABASE_URL=sqlite:///$(BENCH_SQLITE) $(PY) manage.py migrate --no-input -v0
	DATABASE_URL=sqlite:///$(BENCH_SQLITE) $(PY) manage.py benchmark_links

bench-pages-million: install-app $(SECRET_FILE) ## the page benchmark at 1k and 1M events on PostgreSQL
	$(MAKE) bench-pages-postgres BENCH_PAGE_EVENTS="1000 1000000"

# Lighthouse is a dev tool pinned in tools/lighthouse/package-lock.json (npm ci); the site itself fetches nothing.
LIGHTHOUSE_RUNS ?= 3

lighthouse: install-app ## Lighthouse (mobile) on home, NRF page and timeline against gunicorn on 127.0.0.1:8015; fails below 95
	cd tools/lighthouse && npm ci --no-audit --no-fund --silent
	CHROME_PATH="$${CHROME_PATH:-/usr/bin/chromium}" $(PY) scripts/lighthouse.py --runs $(LIGHTHOUSE_RUNS)
