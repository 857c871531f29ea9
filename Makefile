# One command each: `make run` (the main comparison job), `make test` (the test suite).
# Both create ./.venv with Python 3.12+ and install the project with pinned versions first,
# with the dev, dashboard and cluster extras (the test suite covers all three).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run test test-fast bench dashboard lesson-figures lint

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 12), "Python 3.12+ needed (Mesa 3.5): set PYTHON=python3.12"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e ".[dev,dashboard,cluster]"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(PY) -m experiments.compare $(ARGS)

test: $(STAMP)
	$(PY) -m pytest -n 2 $(ARGS)

test-fast: $(STAMP)
	$(PY) -m pytest -n 2 -m "not slow and not browser" $(ARGS)

bench: $(STAMP)
	$(PY) -m experiments.benchmark $(ARGS)

dashboard: $(STAMP)
	$(PY) -m dashboard $(ARGS)

lesson-figures: $(STAMP)
	$(PY) -m dashboard.lesson_figures $(ARGS)

lint: $(STAMP)
	$(PY) -m ruff check . && $(PY) -m ruff format --check .
