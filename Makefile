# KSTU IS — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

export DEBUG ?= 1

.PHONY: run test install messages lint check clean help

help:
	@echo "make run   - install, migrate, load demo data, start web + worker + beat on :8000"
	@echo "make test  - run the whole test suite"
	@echo "make lint  - ruff check"
	@echo "make clean - remove the virtualenv and var/ (embedded database included)"

$(STAMP): pyproject.toml constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt '.[embedded,dev]'
	@touch $(STAMP)

install: $(STAMP)

messages: $(STAMP)
	$(PY) -m kstu.compilemessages

run: install messages
	$(PY) -m kstu.launcher

# Tests use their own embedded servers under var/test, so they never touch `make run`'s data.
test: install messages
	KSTU_VAR_DIR=$(CURDIR)/var/test $(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(PY) -m ruff check .

check: install
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check

clean:
	rm -rf $(VENV) var staticfiles build *.egg-info
