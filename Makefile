# smartkg: build, validate and test the knowledge graph.
# The virtual environment is created on first use and reinstalled only when pyproject.toml changes.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SMARTKG := $(BIN)/smartkg

.DEFAULT_GOAL := help
.PHONY: help build validate stats lint test clean

help: ## Show this help
	@echo "usage: make TARGET"
	@echo
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'
	@echo
	@echo "smartkg exit codes: 0 ok / conforms, 1 SHACL violations, 2 error (bad input)"

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# What the build reads: make serve rebuilds, revalidates and rewrites the docs only when one changed.
SOURCES    := $(shell find ontology data shapes src -name '*.ttl' -o -name '*.py' 2>/dev/null)
VALIDATED  := build/.validated
DOCS_STAMP := build/docs/.written

build: $(STAMP) ## Merge the catalogue into build/ (smartkg.ttl, .nt, shapes.ttl, manifest.json), then validate it
	$(SMARTKG) build --validate
	touch $(VALIDATED)

$(VALIDATED): $(STAMP) $(SOURCES)
	$(SMARTKG) build --validate
	touch $@

$(DOCS_STAMP): $(STAMP) $(SOURCES)
	$(SMARTKG) docs > /dev/null
	touch $@

validate: $(STAMP) ## Validate the catalogue against the SHACL shapes
	$(SMARTKG) validate

stats: $(STAMP) ## Entities per class and scheme, with label and source completeness
	$(SMARTKG) stats

.PHONY: serve
serve: $(STAMP) assets $(VALIDATED) $(DOCS_STAMP) ## Build, validate and write docs when sources changed, then serve at http://127.0.0.1:8000/ (SERVE_ARGS="--port 8001")
	$(SMARTKG) serve $(SERVE_ARGS)

lint: $(STAMP) ## ruff and mypy
	$(BIN)/ruff check src tests
	$(BIN)/mypy

test: lint browser assets ## ruff, mypy, then pytest
	$(BIN)/pytest -q

# --- web interface assets (smartkg.web) -------------------------------------------------------
# YASGUI and Cytoscape.js come from npm at the versions pinned in package-lock.json and are copied
# into build/static/vendor, so the pages never load anything from a CDN.
NPM_STAMP    := node_modules/.installed
VENDOR_STAMP := build/static/vendor/.vendored
.PHONY: assets browser

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

$(VENDOR_STAMP): $(NPM_STAMP) $(STAMP) src/smartkg/web/assets.py
	PYTHON=$(BIN)/python scripts/vendor-assets .
	touch $@

assets: $(VENDOR_STAMP) ## Install the web libraries (npm ci) and copy them into build/static/vendor

browser: ## Install Debian's chromium and Korean fonts for the browser tests, when missing
	@if [ ! -x /usr/bin/chromium ] || [ ! -d /usr/share/fonts/truetype/nanum ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-nanum; \
	fi
# --- end of web interface assets ---------------------------------------------------------------

.PHONY: bench
bench: $(STAMP) ## Benchmarks (not tests): one table, bench/results.json (BENCH_ARGS="--quick" or "--full")
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean: ## Remove build/ and caches (keeps .venv)
	rm -rf build .pytest_cache .mypy_cache .ruff_cache
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +
