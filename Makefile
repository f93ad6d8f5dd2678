# natije — the two set-up commands are `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_DB ?= natije-demo.db
LANG_UI ?= kk
PYTEST_ARGS ?=
# The PostgreSQL tests talk to the real server; this machine's (and CI's) runs at 127.0.0.1 with trust auth.
# Each test session creates and drops its own database. Point it elsewhere with NATIJE_TEST_POSTGRES_URL=...
export NATIJE_TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: demo test install install-test chromium fonts poppler lint typecheck test-slow bench clean

# pip brings in uv (MIT/Apache-2.0), which installs the rest in seconds rather than a minute, from the indexes pip
# is set up to use here; tools/uv_install.py hands it pip's settings, then writes the bytecode as pip would.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# its own target, so that a .venv made before uv was used gets it too
$(BIN)/uv: $(BIN)/python
	$(BIN)/python -m pip install --quiet 'uv>=0.5'

install: $(BIN)/uv fonts
	$(BIN)/python tools/uv_install.py -e .

install-test: $(BIN)/uv
	$(BIN)/python tools/uv_install.py -e '.[test]'

## Install into .venv, load the Kazakhstan demo into a fresh embedded store, print the scorecards, then serve the
## web app at http://127.0.0.1:8000/ (Ctrl-C stops it).
demo: install
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/natije --db $(DEMO_DB) --lang $(LANG_UI) demo

# Debian packages installed with apt when missing (through sudo unless root): `$(APT_INSTALL) PACKAGE...`
APT_INSTALL = if [ "$$(id -u)" -eq 0 ]; then sudo=; else sudo=sudo; fi; \
	$$sudo apt-get update -qq && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq

## The browser tests (tests/web/browser) drive Debian's Chromium, never a downloaded one: install it when missing.
chromium:
	@test -x /usr/bin/chromium || { $(APT_INSTALL) chromium; }

## The report's PDF (WeasyPrint) sets its text in DejaVu Sans, which covers Kazakh Cyrillic, through Pango.
fonts:
	@test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf || { $(APT_INSTALL) fonts-dejavu-core; }
	@/sbin/ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || { $(APT_INSTALL) libpango-1.0-0 libpangoft2-1.0-0; }

## The PDF tests (tests/reports) read the pages back as text (pdftotext) and pictures (pdftoppm).
poppler:
	@command -v pdftotext >/dev/null && command -v pdftoppm >/dev/null || { $(APT_INSTALL) poppler-utils; }

## Install the test extras and run the layering contract, lint, format check, type check, and every test and
## docstring example but the long simulation studies (PostgreSQL and browser tests included), spread over
## every core.
test: install-test chromium fonts poppler
	$(BIN)/lint-imports
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools
	@# the type check and the docstring examples run beside the tests, in the moments the cores wait on I/O
	$(BIN)/mypy > $(VENV)/mypy.log 2>&1 & mypy=$$!; \
	$(BIN)/python -m pytest -q -p no:cacheprovider --doctest-modules src/natije \
	    --ignore=src/natije/store/migrations > $(VENV)/doctest.log 2>&1 & doctests=$$!; \
	$(BIN)/python -m pytest -n auto --dist worksteal -m "not slow" $(PYTEST_ARGS); tests=$$?; \
	wait $$mypy; typed=$$?; echo "mypy:"; cat $(VENV)/mypy.log; \
	wait $$doctests; examples=$$?; echo "doctests:"; cat $(VENV)/doctest.log; \
	test $$tests -eq 0 && test $$typed -eq 0 && test $$examples -eq 0

## The simulation studies (long): coverage and bias of every estimator, the demo rebuilt from ../shared.
test-slow: install-test
	$(BIN)/python -m pytest -n auto -m slow $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check src tests benchmarks tools

clean:
	rm -rf $(VENV) $(DEMO_DB) .pytest_cache .mypy_cache
