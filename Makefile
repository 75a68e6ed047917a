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

.PHONY: install run test test-postgres lint format migrations-check reset-db superuser clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed ## create the virtualenv and install the pinned requirements

run: install ## migrate, load the seed, create a local admin login, serve on 127.0.0.1:8000
	$(PY) manage.py migrate --no-input
	$(PY) manage.py ensure_local_admin --username $(ADMIN_USER) --password $(ADMIN_PASSWORD)
	$(PY) manage.py runserver $(HOST):$(PORT)

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
