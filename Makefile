# Two commands on a fresh machine: `make dev` serves, `make test` checks. Both set up what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: dev proxy test lint bench install clean reparse

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip==25.3
	$(BIN)/python -m pip install --quiet --group dev --editable '.[local]'
	touch $(STAMP)

install: $(STAMP)

dev: $(STAMP)
	$(BIN)/python -m tempmail.local

# Re-parse every stored message of the local data folder (after a parser improvement).
reparse: $(STAMP)
	$(BIN)/python -m tempmail.local reparse

# The SMTP sending proxy alone, sending through a deployed Worker: SUBMISSION_API_URL=https://... make proxy
proxy: $(STAMP)
	$(BIN)/python -m tempmail.local.companion

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

test: lint
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis

# Benchmarks (not timed tests). postal-mime, the reference parser, is pinned by bench/postal's lock file.
bench: $(STAMP)
	npm ci --prefix bench/postal --no-audit --no-fund --silent
	$(BIN)/python bench/worker_import.py
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/read_scale.py
	$(BIN)/python bench/memory.py
	$(BIN)/python bench/send.py 500 8
