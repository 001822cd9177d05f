# The single entry point: `make html` builds the site, `make test` runs every check (CI too).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP_INSTALL := $(BIN)/python -m pip install --quiet --disable-pip-version-check
# The project itself, editable: paperarchive, the plugins and the settings import by name.
INSTALL_SELF := $(PIP_INSTALL) --no-deps --no-build-isolation --editable .

LISTINGS ?= content/listings
PAPERS ?= content/papers
OUTPUT ?= output
CONF ?= pelicanconf.py
PUBLISHCONF ?= publishconf.py
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help

help: ## Show this help
	@echo 'Usage: make <target> [PYTHON=python3.11]'
	@echo
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Stamps re-run the install whenever a requirements file or pyproject.toml changes.
$(VENV)/.site-installed: requirements/site.in requirements/constraints.txt pyproject.toml | $(BIN)/python
	$(PIP_INSTALL) -r requirements/site.in -c requirements/constraints.txt
	$(INSTALL_SELF)
	touch $@

$(VENV)/.test-installed: requirements/test.in requirements/site.in requirements/constraints.txt pyproject.toml | $(BIN)/python
	$(PIP_INSTALL) -r requirements/test.in -c requirements/constraints.txt
	$(INSTALL_SELF)
	touch $@

venv: $(VENV)/.site-installed ## Create the virtualenv with the site's pinned dependencies

# One build at a time in this folder: a second `make html` (or render, publish, clean) says so
# in one line and waits for the first, instead of both deleting each other's files.
# BUILD_WAIT: seconds a second build waits for the first before refusing.
BUILD_WAIT ?= 3600
LOCKED := $(BIN)/python scripts/build_lock.py --wait $(BUILD_WAIT) --
SUBMAKE := $(MAKE) --no-print-directory

render: $(VENV)/.site-installed ## Render content/listings to Markdown under content/papers
	@$(LOCKED) $(SUBMAKE) locked-render

html: $(VENV)/.site-installed ## Build the site into output/
	@$(LOCKED) $(SUBMAKE) locked-html

publish: check-siteurl ## Build the hosted site into output/ (SITEURL=https://... make publish)
	@$(LOCKED) $(SUBMAKE) locked-publish

# The steps themselves, run under the lock by the targets above (not meant to be run directly).
locked-render:
	$(BIN)/python scripts/archive.py render --listings $(LISTINGS) --papers $(PAPERS) \
		--topic-cache cache/render/topics.json

# `python -m pelican` puts this folder first on the import path, so publishconf.py's
# `from pelicanconf import *` reads the pelicanconf.py beside it, in any copy of the repository.
# The search index is the last step of the Pelican run (plugins/pagefind_index). Run apart,
# after Pelican has exited (scripts/search_index.py), it needs less memory but more time:
# docs/performance.md has both at 40,000 papers.
locked-html: locked-render
	$(BIN)/python -m pelican --settings $(CONF) --output $(OUTPUT)

locked-publish: locked-render
	$(BIN)/python -m pelican --settings $(PUBLISHCONF) --output $(OUTPUT)

# Before rendering anything: a missing or non-http(s) SITEURL gets one clear line, not a traceback.
check-siteurl: $(VENV)/.site-installed
	@$(BIN)/python $(PUBLISHCONF)

serve: ## Serve output/ on http://127.0.0.1:8000/
	@test -d $(OUTPUT) || { echo "no $(OUTPUT)/: run 'make html' first" >&2; exit 1; }
	$(PYTHON) -m http.server $(PORT) --bind $(HOST) --directory $(OUTPUT)

# Node tools for the checks: the Nu HTML checker (tests) and Lighthouse (`make lighthouse`).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

test: $(VENV)/.test-installed node_modules/.installed ## Run ruff and the whole test suite
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

# Tests are marked `slow` (builds a site) and `browser` (drives Chromium) by tests/conftest.py;
# property tests try 10 examples each here (40 in `make test`, 150 in CI).
test-fast: $(VENV)/.test-installed node_modules/.installed ## Ruff and the tests that build no site and open no browser
	$(BIN)/ruff check .
	HYPOTHESIS_PROFILE=fast $(BIN)/python -m pytest -m "not slow and not browser"

# Not part of `make test`: minutes on 2 cores at the default sizes. Results in bench-out/report.md.
BENCH_SIZES ?= 1000,10000,40000
bench: $(VENV)/.site-installed ## Benchmark full and daily builds (BENCH_SIZES=1000 for a quick run)
	$(BIN)/python scripts/bench.py --sizes $(BENCH_SIZES) --search-in-pelican

golden: $(VENV)/.test-installed ## Refresh the golden files under tests/golden/ (review the diff!)
	$(BIN)/python -m pytest tests/test_render.py tests/test_golden.py --update-golden

screenshots: $(VENV)/.test-installed ## PNGs of home/day/paper/search, light+dark, desktop+phone, into screenshots/
	@test -f $(OUTPUT)/index.html || $(MAKE) html
	$(BIN)/python scripts/screenshots.py --output $(OUTPUT) --target screenshots

lighthouse: $(VENV)/.test-installed node_modules/.installed ## Lighthouse scores of home/day/paper (>= 0.95 each)
	@test -f $(OUTPUT)/index.html || $(MAKE) html
	$(BIN)/python scripts/lighthouse.py --output $(OUTPUT) --reports lighthouse

clean: ## Remove build products (output/, cache/, content/papers/): the next build renders every page
	@if [ -x $(BIN)/python ]; then $(LOCKED) rm -rf $(OUTPUT) cache $(PAPERS); \
	else rm -rf $(OUTPUT) cache $(PAPERS); fi

distclean: clean ## Also remove the virtualenv
	rm -rf $(VENV)

.PHONY: help venv render html publish locked-render locked-html locked-publish check-siteurl serve test test-fast bench golden clean distclean screenshots lighthouse
