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

build: $(STAMP) ## Merge the catalogue into build/ (smartkg.ttl, .nt, shapes.ttl, manifest.json), then validate it
	$(SMARTKG) build
	$(SMARTKG) validate

validate: $(STAMP) ## Validate the catalogue against the SHACL shapes
	$(SMARTKG) validate

stats: $(STAMP) ## Entities per class and scheme, with label and source completeness
	$(SMARTKG) stats

lint: $(STAMP) ## ruff and mypy
	$(BIN)/ruff check src tests
	$(BIN)/mypy

test: lint ## ruff, mypy, then pytest
	$(BIN)/pytest -q

clean: ## Remove build/ and caches (keeps .venv)
	rm -rf build .pytest_cache .mypy_cache .ruff_cache
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +
