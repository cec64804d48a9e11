# Every target explains itself: `make help`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
# Apache CouchDB 3.5.0 release tarball for the CouchDB stage (devtools/couchdb.py finds it here).
SHARED_DIR ?= ../shared
COUCHDB_TARBALL ?= $(SHARED_DIR)/couchdb/apache-couchdb-3.5.0-debian12-amd64.tar.gz
export SHARED_DIR COUCHDB_TARBALL

.DEFAULT_GOAL := help
.PHONY: help install install-run run test check lint format typecheck contracts forms-check openapi test-sqlite test-postgres test-couchdb bench bench-filings bench-forms bench-sampling bench-sync bench-media bench-reconcile bench-review bench-field bench-dashboard browser clean


help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-15s %s\n", $$1, $$2}'

# What running needs (requirements.txt) and, on top, what the tests and checks need.
$(VENV)/.installed-run: requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON) on PATH"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed: $(VENV)/.installed-run requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install-run: $(VENV)/.installed-run node_modules/.installed ## What `make run` needs: .venv with the pinned Python packages, the npm packages (no Chromium)

install: $(VENV)/.installed node_modules/.installed browser ## Everything the tests need too: the dev packages and Chromium

# The browser tests drive Debian's Chromium (Playwright cannot download its own here); a CJK font
# so the pages' screenshots are readable. Installed when missing (CI runs as root).
browser:
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-wqy-microhei; \
		else echo "no chromium: run 'apt-get install chromium fonts-wqy-microhei' as root for the browser tests"; fi; }

run: install-run ## Start everything: PouchDB Server, migrations, demo city, web app, sync worker
	$(PY) -m devtools.run

test: install check ## Install, lint, type-check, the suite on SQLite, PostgreSQL, Apache CouchDB
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres
	$(MAKE) --no-print-directory test-couchdb

test-sqlite: ## The whole suite on SQLite
	$(PY) -m pytest

test-postgres: ## The SQL tests on PostgreSQL (skipped with a message when none is reachable)
	@if $(PY) -m devtools.pg_available "$(PG_TEST_URL)"; then \
		TEST_DATABASE_URL="$(PG_TEST_URL)" $(PY) -m pytest -m sql; \
	else \
		echo "PostgreSQL at $(PG_TEST_URL) is not reachable: skipping the PostgreSQL run"; \
	fi

test-couchdb: ## The CouchDB tests (sync, gateway, client, security) on Apache CouchDB 3.5.0
	@if ! $(PY) -m devtools.couchdb check >/dev/null; then \
		echo "no Apache CouchDB tarball at $(COUCHDB_TARBALL): skipping the Apache CouchDB run"; \
	elif $(PY) -m devtools.pg_available "$(PG_TEST_URL)"; then \
		TEST_COUCHDB=apache TEST_DATABASE_URL="$(PG_TEST_URL)" $(PY) -m pytest -m couch tests/sync tests/couch tests/security; \
	else \
		echo "PostgreSQL at $(PG_TEST_URL) is not reachable: the Apache CouchDB run uses SQLite"; \
		TEST_COUCHDB=apache $(PY) -m pytest -m couch tests/sync tests/couch tests/security; \
	fi

check: lint typecheck contracts forms-check ## ruff, mypy, the import-layer contracts, form definitions

lint: ## ruff lint and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: ## Apply ruff's formatting and safe fixes
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

typecheck: ## mypy on the packages
	$(VENV)/bin/mypy

contracts: ## import-linter: the layering of ARCHITECTURE.md
	$(VENV)/bin/lint-imports

forms-check: ## Check every inspection form definition (and that published ones are unchanged)
	$(PY) -m flask --app wsgi forms check

openapi: install ## Rewrite docs/openapi.json from the code (commit the result)
	$(PY) -m flask --app wsgi openapi write

bench: install ## Every benchmark (several minutes); figures in docs/benchmarks.md
	$(MAKE) --no-print-directory bench-filings bench-forms bench-sampling bench-media bench-sync bench-reconcile bench-review bench-field

bench-filings: install ## Filtered filing list vs health check, 5,522 plants (issue 2)
	$(PY) bench/bench_filings_list.py

bench-forms: install ## Form validation vs json.loads (issue 3)
	$(PY) bench/bench_forms.py

bench-sampling: install ## Draw + assignment vs loading 5,522 filings (issue 4)
	$(PY) bench/bench_sampling.py

bench-sync: install ## Worker ingest vs raw _changes; gateway vs direct replication (issue 5)
	$(PY) bench/bench_sync.py

bench-media: install ## Photo pipeline vs a reduced decode; peak memory (issue 6)
	$(PY) bench/bench_media.py

bench-reconcile: install ## Reconciling a whole city vs loading its data (issue 7)
	$(PY) bench/bench_reconcile.py

bench-review: install ## Reviewer pages: a 200-photo dossier and the queue over 5,522 filings (issue 8)
	$(PY) bench/bench_review_pages.py

bench-field: install ## Field app: shell bytes, offline checklist start, 40-photo sync vs direct (issue 15)
	$(PY) bench/bench_field.py

bench-dashboard: install ## The progress dashboard over 5,522 filings vs health check (issue 16)
	$(PY) bench/bench_review_pages.py --photos 20 --requests 100

bench-concurrency: install ## 20 clients for 60 s on SQLite and PostgreSQL with the worker: 0 5xx (issue 13)
	$(PY) bench/bench_concurrency.py

clean: ## Remove the virtualenv, npm packages and local data under instance/
	rm -rf $(VENV) node_modules instance
