# socialcare: the two set-up commands (`make run`, `make test`) and a few conveniences.
# GNU make. Every target installs exactly what uv.lock pins before it runs anything.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
# uv syncs into .venv here, whatever environment the caller has activated.
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)

# A working uv on PATH is used as is. Without one (a newcomer's machine), uv is installed
# into .venv itself, and its syncs are --inexact so they do not uninstall uv.
UV ?= $(shell uv --version >/dev/null 2>&1 && command -v uv)
ifeq ($(strip $(UV)),)
UV_BIN := $(VENV)/bin/uv
UV_KEEP := --inexact
else
UV_BIN := $(UV)
UV_KEEP :=
endif
# The interpreter that seeds .venv when uv has to be bootstrapped (pyenv honours .python-version).
PYTHON ?= $(shell command -v python3.12 2>/dev/null || command -v python3)

# `make test` / `make bench` pass these to pytest / python -m bench.
PYTEST_ARGS ?=
BENCH_ARGS ?=

.PHONY: help run test bench faults lint format messages migrate demo install install-dev clean distclean

help:
	@echo "make run     install, migrate, load the demo, start web + worker + beat on PORT ($(PORT))"
	@echo "make test    install (with dev tools) and run the whole suite"
	@echo "make bench   generate data at scale on PostgreSQL and measure (BENCH_ARGS=...)"
	@echo "make faults  kill the worker, Redis and the web server mid-burst and check nothing is lost"
	@echo "make lint    ruff check and ruff format --check"
	@echo "make messages  collect the strings to translate into locale/ and compile them"
	@echo "make migrate / make demo / make clean / make distclean"

# --- install ----------------------------------------------------------------------------

$(UV_BIN):
	@echo "uv is not on PATH: installing it into $(VENV) with pip"
	@test -n "$(PYTHON)" || { echo "error: python3 not found; install Python 3.12 (see .python-version)" >&2; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 12))' \
		|| { echo "error: $(PYTHON) is older than Python 3.12, which Django 6 needs; install 3.12 (pyenv reads .python-version)" >&2; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip --version >/dev/null 2>&1 || $(PY) -m ensurepip --upgrade
	$(PY) -m pip install --quiet --disable-pip-version-check uv

# Runtime dependencies only; --inexact keeps the dev tools a `make test` installed.
install: $(if $(UV),,$(UV_BIN))
	$(UV_BIN) sync --frozen --no-dev --inexact

install-dev: $(if $(UV),,$(UV_BIN))
	$(UV_BIN) sync --frozen $(UV_KEEP)

# --- make run -----------------------------------------------------------------------------

# The sandbox (local fakes of the platforms) is on for the demo unless the caller says
# SOCIALCARE_SANDBOX=0; DEBUG=1 lets the settings start without production keys, and is
# what allows the sandbox at all (with DEBUG off the settings refuse it: its secret is public).
run: DEBUG ?= 1
run: SOCIALCARE_SANDBOX ?= 1
run: SOCIALCARE_PUBLIC_URL ?= http://127.0.0.1:$(PORT)
run: RUN_ENV = DEBUG=$(DEBUG) SOCIALCARE_SANDBOX=$(SOCIALCARE_SANDBOX) SOCIALCARE_SANDBOX_URL=http://127.0.0.1:$(PORT) SOCIALCARE_PUBLIC_URL=$(SOCIALCARE_PUBLIC_URL) PATH="$(CURDIR)/$(VENV)/bin:$$PATH"
run: install
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py demo
	@echo
	@echo "  socialcare is starting at http://127.0.0.1:$(PORT)/"
	@echo "  sign in at http://127.0.0.1:$(PORT)/accounts/login/ as admin, lena, maria or dmitri"
	@echo "  (the passwords are in the demo's list just above)"
	@echo "  health: http://127.0.0.1:$(PORT)/healthz   sandbox: $(SOCIALCARE_SANDBOX)   Ctrl-C stops everything"
	@echo
	@# honcho would also read a .env file, which belongs to docker compose: /dev/null instead.
	$(RUN_ENV) exec $(VENV)/bin/honcho start --env /dev/null --procfile Procfile.dev --port $(PORT)

migrate: DEBUG ?= 1
migrate: install
	DEBUG=$(DEBUG) $(PY) manage.py migrate --noinput

demo: DEBUG ?= 1
demo: migrate
	DEBUG=$(DEBUG) $(PY) manage.py demo

# --- make test ----------------------------------------------------------------------------

# DATABASE_URL and REDIS_URL pass through from the environment (CI's second pass).
# pytest's exit code 5 means no test ran: that is a failure, not a pass.
test: DEBUG ?= 1
test: install-dev
	DEBUG=$(DEBUG) $(PY) -m pytest $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "error: pytest collected no tests" >&2; fi; \
	exit $$status

# --- make bench ---------------------------------------------------------------------------

# Its own variables: the bench wipes its database, so an exported DATABASE_URL of the
# app is never picked up by accident.
bench: DEBUG ?= 1
bench: BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/socialcare_bench
bench: BENCH_REDIS_URL ?= redis://127.0.0.1:6379/3
bench: install-dev
	DEBUG=$(DEBUG) DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) $(PY) -m bench $(BENCH_ARGS)

# --- make faults ---------------------------------------------------------------------------

# The guarantees under fire: the production processes on PostgreSQL and a Redis of its own,
# a burst of webhooks with redeliveries, and SIGKILLs of the worker, Redis and the web server.
FAULTS_ARGS ?=
faults: install-dev
	$(PY) -m bench.faults $(FAULTS_ARGS)

# --- conveniences -------------------------------------------------------------------------

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The languages socialcare ships besides English (settings.LANGUAGES, as locale names).
LOCALES := el be he ru zh_Hans
# Not ours to translate: the virtualenv, the tests, generated and local files.
I18N_IGNORE := --ignore=.venv --ignore=tests --ignore=staticfiles --ignore=var --ignore=bench \
	--ignore=test-output
# Gather every translatable string (Python, templates) into locale/<lang>/LC_MESSAGES/django.po,
# keeping the translations already there, then compile the .mo files the app loads (they
# are committed: tests/test_translations.py checks they match the .po files). JavaScript gets
# its words from the templates; should a script ever call gettext(), its djangojs catalog is
# made too. Needs GNU gettext (apt install gettext).
messages: DEBUG ?= 1
messages: install
	DEBUG=$(DEBUG) $(PY) manage.py makemessages $(addprefix -l ,$(LOCALES)) \
		--domain django --add-location file --no-obsolete $(I18N_IGNORE)
	if grep -rqE '\b(n|p|np)?gettext\(' static/js; then \
		DEBUG=$(DEBUG) $(PY) manage.py makemessages $(addprefix -l ,$(LOCALES)) \
			--domain djangojs --add-location file --no-obsolete $(I18N_IGNORE); \
	fi
	DEBUG=$(DEBUG) $(PY) manage.py compilemessages $(I18N_IGNORE)

# Caches, collected static files, the local queue and test databases; keeps the demo
# database under var/ and the virtualenv.
clean:
	rm -rf .pytest_cache .ruff_cache staticfiles test-output var/broker var/test-*.sqlite3*
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +

# Everything `make run` creates: the virtualenv and all local data under var/.
distclean: clean
	rm -rf $(VENV) var
