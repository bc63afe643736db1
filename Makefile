# knotwork: `make demo` runs the demo partnership, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
KNOTWORK := $(VENV)/bin/knotwork
INSTALLED := $(VENV)/.installed
ASSETS := knotwork/static/build/css/app.css
HOST ?= 127.0.0.1
PORT ?= 8000
PUPILS ?= 6000

# The demo runs as production does (DEBUG off), with a key of its own kept in var/.
DEMO_ENV = SECRET_KEY="$$(cat var/demo-secret-key)" ALLOWED_HOSTS=127.0.0.1,localhost SECURE_COOKIES=false

.PHONY: demo test setup check lint browser clean

$(INSTALLED): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "knotwork needs Python 3.11 ($(PYTHON) not found)."; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "knotwork's page assets need Node.js and npm (Debian: apt-get install nodejs npm)."; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(ASSETS): node_modules/.installed assets/scss/app.scss scripts/build-assets.mjs package.json
	npm run --silent build

var/demo-secret-key:
	mkdir -p var
	$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

setup: $(INSTALLED) $(ASSETS)

demo: setup var/demo-secret-key
	$(DEMO_ENV) $(KNOTWORK) migrate --noinput
	$(DEMO_ENV) $(KNOTWORK) demo --pupils $(PUPILS) --if-empty
	$(DEMO_ENV) $(KNOTWORK) attendance signals
	$(DEMO_ENV) $(KNOTWORK) placements figures
	@echo "knotwork is at http://$(HOST):$(PORT)/ (Ctrl+C stops it)"
	$(DEMO_ENV) $(KNOTWORK) runserver $(HOST):$(PORT) --insecure

browser:
	@scripts/ensure-chromium

test: setup browser
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	SECRET_KEY=lint ALLOWED_HOSTS=localhost $(VENV)/bin/mypy knotwork
	SECRET_KEY=lint ALLOWED_HOSTS=localhost $(KNOTWORK) makemigrations --check --dry-run

check: lint test

clean:
	rm -rf $(VENV) node_modules knotwork/static/build var/test.sqlite3
