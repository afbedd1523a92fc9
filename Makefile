# rnncourse: two commands for learners (make lab) and maintainers (make test).
#
#   make lab        create .venv if needed, install the course, start JupyterLab
#   make test       unit tests + every notebook under nbval in fast mode (what CI runs)
#   make test-full  the same in full mode (GPU runners; minutes per notebook)
#
# Point VENV at an existing environment to reuse it, e.g. `make test VENV=~/envs/rnn`.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
LAB_ARGS ?=
# Jupyter refuses to run as root unless told; containers and CI machines often are root.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)
NBVAL := --nbval-lax --nbval-cell-timeout=900 -p no:cacheprovider
NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb))

.PHONY: lab test test-full test-unit test-notebooks lint install install-dev clean help

help:
	@sed -n '2,8p' Makefile

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "rnncourse needs Python 3.11 or newer; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)

# Stamp files record that the install is current; they are redone when pyproject changes.
$(VENV)/.installed-course: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(VENV)/.installed-course $@

install: $(VENV)/.installed-course
install-dev: $(VENV)/.installed-dev

lab: $(VENV)/.installed-course
	$(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" \
		--LabApp.default_url=/lab/tree/notebooks $(ALLOW_ROOT) $(LAB_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check rnncourse tests notebooks conftest.py

test-unit: $(VENV)/.installed-dev
	RNNCOURSE_MODE=fast $(BIN)/python -m pytest -p no:cacheprovider tests

test-notebooks: $(VENV)/.installed-dev
	RNNCOURSE_MODE=fast $(BIN)/python -m pytest $(NBVAL) $(NOTEBOOKS)

test: lint test-unit test-notebooks

test-full: $(VENV)/.installed-dev
	RNNCOURSE_MODE=full $(BIN)/python -m pytest -p no:cacheprovider tests
	RNNCOURSE_MODE=full $(BIN)/python -m pytest $(NBVAL) $(NOTEBOOKS)

clean:
	rm -rf reports .pytest_cache .ruff_cache build *.egg-info
