# The project's verbs. `make run` sets up everything on a fresh machine and
# serves the site with the seed data; `make test` runs the whole suite.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# The local admin login `make run` creates (printed when it starts).
ADMIN_USER ?= admin
ADMIN_PASSWORD ?= nrfsite-local-admin


.PHONY: install run serve test test-postgres lint format migrations-check reset-db superuser clean bench bench-postgres bench-pages

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed ## create the virtualenv and install the pinned requirements

run: install ## migrate, load the seed, create a local admin login, serve on 127.0.0.1:8000
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_seed
	$(PY) manage.py ensure_local_admin --username $(ADMIN_USER) --password $(ADMIN_PASSWORD)
	$(PY) manage.py runserver $(HOST):$(PORT)

SECRET_FILE := .secret_key

$(SECRET_FILE):
	$(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	chmod 600 $@

serve: install $(SECRET_FILE) ## production mode on 127.0.0.1:8000: collectstatic, migrate, seed, gunicorn
	DJANGO_DEBUG=false DJANGO_SECRET_KEY="$$(cat $(SECRET_FILE))" DJANGO_SECURE_HTTPS=false \
	DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost $(PY) manage.py collectstatic --no-input -v0
	DJANGO_DEBUG=false DJANGO_SECRET_KEY="$$(cat $(SECRET_FILE))" DJANGO_SECURE_HTTPS=false \
	DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost $(PY) manage.py migrate --no-input
	DJANGO_DEBUG=false DJANGO_SECRET_KEY="$$(cat $(SECRET_FILE))" DJANGO_SECURE_HTTPS=false \
	DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost $(PY) manage.py load_seed
	DJANGO_DEBUG=false DJANGO_SECRET_KEY="$$(cat $(SECRET_FILE))" DJANGO_SECURE_HTTPS=false \
	DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost $(VENV)/bin/gunicorn -c gunicorn.conf.py nrfsite.wsgi

test: install ## run the whole test suite (DATABASE_URL picks the engine; SQLite by default)
	$(PY) -m pytest

lint: install ## ruff lint and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

migrations-check: install ## fail if a model change has no migration
	$(PY) manage.py makemigrations --check --dry-run

reset-db: install ## delete the local SQLite database and migrate afresh
	rm -f db.sqlite3 db.sqlite3-wal db.sqlite3-shm
	$(PY) manage.py migrate --no-input

clean:
	rm -rf $(VENV) staticfiles test-artifacts

BENCH_EVENTS ?= 10000 100000
BENCH_SQLITE := /tmp/nrfsite-bench.sqlite3
BENCH_PG ?= postgres://postgres@127.0.0.1:5432/nrfsite_bench

bench: install ## CSV benchmark on a scratch SQLite database (BENCH_EVENTS="10000 100000")
	rm -f $(BENCH_SQLITE) $(BENCH_SQLITE)-wal $(BENCH_SQLITE)-shm
	DATABASE_URL=sqlite:///$(BENCH_SQLITE) $(PY) manage.py migrate --no-input -v0
	DATABASE_URL=sqlite:///$(BENCH_SQLITE) $(PY) manage.py benchmark_csv --events $(BENCH_EVENTS)

bench-postgres: install ## the same on a scratch PostgreSQL database (dropped and recreated)
	psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS nrfsite_bench WITH (FORCE)"
	psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE nrfsite_bench"
	DATABASE_URL=$(BENCH_PG) $(PY) manage.py migrate --no-input -v0
	DATABASE_URL=$(BENCH_PG) $(PY) manage.py benchmark_csv --events $(BENCH_EVENTS)

BENCH_PAGE_EVENTS ?= 1000 10000 100000

bench-pages: install ## median page times at 1k/10k/100k events against a trivial view (scratch SQLite)
	rm -f $(BENCH_SQLITE) $(BENCH_SQLITE)-wal $(BENCH_SQLITE)-shm
	DATABASE_URL=sqlite:///$(BENCH_SQLITE) $(PY) manage.py migrate --no-input -v0
	DATABASE_URL=sqlite:///$(BENCH_SQLITE) $(PY) manage.py benchmark_pages --events $(BENCH_PAGE_EVENTS)
