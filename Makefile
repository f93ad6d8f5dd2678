# natije — the two set-up commands are `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_DB ?= natije-demo.db
LANG_UI ?= kk
PYTEST_ARGS ?=

.PHONY: demo test install install-test lint typecheck test-slow bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'

## Install into .venv, load the Kazakhstan demo into a fresh embedded store, print the scorecards.
demo: install
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/natije --db $(DEMO_DB) --lang $(LANG_UI) demo --no-serve

## Install the test extras and run the whole suite: layering contract, lint, type check, tests.
test: install-test
	$(BIN)/lint-imports
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/mypy
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## The simulation studies (long).
test-slow: install-test
	$(BIN)/python -m pytest -m slow $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check src tests benchmarks tools

clean:
	rm -rf $(VENV) $(DEMO_DB) .pytest_cache .mypy_cache
