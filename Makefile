# Two commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PLUGIN_DIRS := $(wildcard plugins/*/pyproject.toml)
# Plugins' test extras too: their suites run in `make test` (e.g. a writer for fixture files).
PLUGIN_SOURCES := $(foreach p,$(PLUGIN_DIRS),-e '$(dir $(p))[test]')

export PDMS_DATA_DIR ?= $(CURDIR)/var

.PHONY: run test lint format schema bench clean

$(STAMP): pyproject.toml $(PLUGIN_DIRS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]' $(PLUGIN_SOURCES)
	touch $(STAMP)

## run: set up, migrate the embedded SQLite database, seed a demo council, serve with GraphiQL
run: $(STAMP)
	PDMS_DEBUG=1 PDMS_DEV_SUPERUSER=1 $(BIN)/pdms db upgrade
	PDMS_DEBUG=1 PDMS_DEV_SUPERUSER=1 $(BIN)/pdms lookups sync
	PDMS_DEBUG=1 PDMS_DEV_SUPERUSER=1 $(BIN)/pdms demo seed --size small --if-empty
	@echo "Demo admin sign-in (login mutation; a new password every run):"
	@PDMS_DEBUG=1 $(BIN)/pdms users create-admin --email admin@demo-council.invalid \
		--name "Demo Administrator" --generate-password
	PDMS_DEBUG=1 PDMS_DEV_SUPERUSER=1 $(BIN)/pdms serve

## test: set up, lint, and run the whole suite (PostgreSQL too when PDMS_TEST_POSTGRES_URL is set)
# One worker per core; a test file stays on one worker (its module fixtures, servers and
# Redis database are its own). PYTEST_WORKERS=0 runs in this process.
PYTEST_WORKERS ?= auto
test: $(STAMP) lint
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## schema: rewrite schema.graphql from the installed core and first-party plugins
schema: $(STAMP)
	$(BIN)/pdms schema export -o schema.graphql

clean:
	rm -rf $(VENV) var .pytest_cache build *.egg-info

## bench: run the benchmarks (PDMS_BENCH_POSTGRES_URL=... for PostgreSQL)
bench: $(STAMP)
	$(BIN)/python bench/node_request.py
	$(BIN)/python bench/gazetteer_import.py
	$(BIN)/python bench/person_search.py
	$(BIN)/python bench/measures.py
	$(BIN)/python bench/portal.py
	$(BIN)/python bench/rent_arrears_import.py
	$(BIN)/python bench/document_validation.py
	$(BIN)/python bench/login_concurrency.py
	$(BIN)/python bench/login_names.py
