# RLS Companion development tasks.
#
#   make run ARGS="--help"       run the app
#   make test PYTEST_ARGS="-x"   lint, type-check and run the test suite
#   make lint | format | bench | clean
#   make bench BENCH_ARGS="--long --memory"   (default: --memory)
#   make bundle | deb | package-check   standalone bundle and .deb (see the end)

SHELL := /bin/bash
.DEFAULT_GOAL := test

VENV := .venv
BIN := $(VENV)/bin
SRC := rls_companion tests bench

ARGS ?=
PYTEST_ARGS ?=
BENCH_ARGS ?= --memory

# First interpreter that is Python 3.11 or newer; override with PYTHON=...
PYTHON ?= $(shell for py in python3.13 python3.12 python3.11 python3; do \
	if $$py -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then \
		echo $$py; break; \
	fi; done)
PYTHON := $(PYTHON)

.PHONY: venv run test lint format bench clean

venv: $(VENV)/.installed
	@if [ -e $(VENV)/.without-simpleaudio ] && [ -e /usr/include/alsa/asoundlib.h ]; then \
		echo "retrying the simpleaudio extra (the ALSA headers are installed now)"; \
		if $(BIN)/python -m pip install --quiet -e '.[test,simpleaudio]' >$(VENV)/pip-install.log 2>&1; then \
			rm -f $(VENV)/.without-simpleaudio; \
		else \
			echo "note: the simpleaudio extra still does not build (see $(VENV)/pip-install.log)"; \
		fi; \
	fi

$(VENV)/.installed: pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
		echo "error: no Python >= 3.11 found (tried python3.13 python3.12 python3.11 python3);" \
			"install one or pass PYTHON=/path/to/python" >&2; \
		exit 1; \
	fi
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
		echo "error: $(PYTHON) is older than Python 3.11" >&2; exit 1; }
	@if ! $(BIN)/python -c '' >/dev/null 2>&1; then \
		echo "creating $(VENV) with $$($(PYTHON) --version)"; \
		rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); \
	fi
	@$(BIN)/python -m pip install --quiet --upgrade pip "setuptools>=77"
	@echo "installing rls-companion with test and simpleaudio extras"
	@if ! $(BIN)/python -m pip install --quiet -e '.[test,simpleaudio]' >$(VENV)/pip-install.log 2>&1; then \
		echo "note: installing with the simpleaudio extra failed (see $(VENV)/pip-install.log);" \
			"continuing without it"; \
		touch $(VENV)/.without-simpleaudio; \
		$(BIN)/python -m pip install --quiet -e '.[test]'; \
	else \
		rm -f $(VENV)/.without-simpleaudio; \
	fi
	@touch $@

run:
	@bash packaging/system-deps.sh --runtime
	@$(MAKE) --no-print-directory venv
	$(BIN)/rls-companion $(ARGS)

test:
	@bash packaging/system-deps.sh
	@$(MAKE) --no-print-directory venv
	$(BIN)/ruff check $(SRC)
	$(BIN)/ruff format --check $(SRC)
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check $(SRC)
	$(BIN)/ruff format --check $(SRC)
	$(BIN)/mypy
	$(BIN)/lint-imports

format: venv
	$(BIN)/ruff format $(SRC)
	$(BIN)/ruff check --fix $(SRC)

bench: venv
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build dist .eggs *.egg-info
	rm -rf .pytest_cache .mypy_cache .ruff_cache .hypothesis .coverage htmlcov
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

# Standalone bundle and Debian package (see packaging/):
#   make bundle          dist/rls-companion/ and its tarball (PyInstaller)
#   make deb             dist/rls-companion_<version>_<arch>.deb from the bundle
#   make package-check   both, then smoke checks and lintian
.PHONY: bundle deb package-check

bundle: venv
	@bash packaging/system-deps.sh --packaging
	bash packaging/build-bundle.sh

deb: bundle
	bash packaging/build-deb.sh

package-check: deb
	bash packaging/check-packages.sh
