# Newsroom: `make run` serves the demo, `make test` runs every check. Both set up .venv first.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test lint browser stop clean catalogue

PIP := $(PY) -m pip --quiet --quiet --disable-pip-version-check

$(STAMP): pyproject.toml
	@echo "Setting up .venv (the first time: about 1.1 GB to download, 2.1 GB on disk; a few minutes)"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	@$(PIP) install --upgrade pip
	@# torch first and pinned: a CPU build; an unpinned resolve would pull a multi-GB CUDA build.
	@$(PIP) install torch==2.13.0
	@$(PIP) install -e '.[dev]'
	@touch $(STAMP)
	@echo ".venv ready"

# The Arabic interface catalogue (plural forms), compiled with Babel: no GNU gettext needed.
catalogue: $(STAMP)
	@$(PY) -m newsroom.catalogue

install: $(STAMP) catalogue

run: install
	@$(PY) manage.py migrate --noinput --verbosity 0
	@$(PY) manage.py load_demo
	@$(PY) manage.py create_demo_editor --address http://127.0.0.1:$(PORT)/
	@# A task worker (background uploads) runs beside the server and stops when it stops;
	@# a run cut short is picked up again by the next worker.
	@$(PY) manage.py db_worker --no-reload --interval 1 --verbosity 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Browser tests need Chromium: install Debian's where it is missing and apt can (as root).
browser:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		echo "installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "no chromium and no apt: browser tests will be skipped"; fi

test: install browser lint
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest

stop:
	$(PY) -m newsroom.database stop

clean: stop
	rm -rf var
