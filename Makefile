# medparole: `make run` (extract the sample documents, serve the dashboard) and `make test` (check + tests).
SHELL := /bin/sh
VENV := .venv
BIN := $(VENV)/bin
export LOGURU_LEVEL ?= INFO
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS ?= 90
# The corpus and one file per failure mode (the bad folder's README and expected codes are not documents).
SAMPLES := sample_docs/corpus/docs $(filter-out %.md %.json,$(wildcard sample_docs/bad/*))

.PHONY: run test check audit env ingest dashboard lint format typecheck imports fixtures corpus bench clean

## run: create the environment, ingest sample_docs/ with the Prefect flow, serve http://127.0.0.1:8501
run: env
	$(BIN)/medparole ingest $(SAMPLES)
	$(BIN)/medparole dashboard

## test: create the environment if missing, run `make check`, the vulnerability audit and the whole test suite
test: env
	$(MAKE) --no-print-directory check
	$(MAKE) --no-print-directory audit
	$(BIN)/python -m pytest

## audit: the installed packages against PyPI's vulnerability advisories (pip-audit, and PyPI's project pages where
## a version's own page cannot be had; needs https://pypi.org); fails on any known vulnerability
audit:
	$(BIN)/python scripts/audit.py

## env: .venv with Python >= 3.12, medparole and its dev extras; Debian packages when root
env:
	@sh scripts/bootstrap.sh

## check: ruff (lint + format), mypy on pipeline/ and warehouse/, import-linter boundaries
check: lint typecheck imports

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format:
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck:
	$(BIN)/mypy pipeline warehouse

imports:
	$(BIN)/lint-imports

ingest: env
	$(BIN)/medparole ingest $(SAMPLES)

dashboard: env
	$(BIN)/medparole dashboard

## fixtures: rebuild tests/data (small committed fixtures)
fixtures: env
	$(BIN)/python tests/data/build_fixtures.py

## corpus: regenerate the committed sample corpus from its seed
corpus: env
	$(BIN)/python -m sample_docs.generate

clean:
	rm -rf data .pytest_cache .mypy_cache .ruff_cache
