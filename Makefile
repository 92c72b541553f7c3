# The project's commands. `make run` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CATALOGUES := $(wildcard src/flexwatch/locale/*/LC_MESSAGES/*.po)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint typecheck pytest pytest-postgres bench vendor messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstalling recompiles the catalogues (hatch_build.py), so .po edits count.
$(STAMP): pyproject.toml hatch_build.py $(CATALOGUES) | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/flexwatch init
	$(BIN)/flexwatch demo --if-empty
	@echo "Sign in at http://$(HOST):$(PORT)/ as fi-admin, ee-analyst, pl-viewer … (see docs/first-steps.md); the demo password is flexwatch-demo."
	@$(BIN)/flexwatch worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/flexwatch serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/pytest

# Every test that touches the database, again on PostgreSQL.
pytest-postgres: install
	@if [ -n "$$FLEXWATCH_TEST_POSTGRES_URL" ]; then \
	  FLEXWATCH_DATABASE_URL="$$FLEXWATCH_TEST_POSTGRES_URL" $(BIN)/pytest -m database; \
	elif [ "$$CI" = "true" ]; then \
	  echo "CI=true needs FLEXWATCH_TEST_POSTGRES_URL for the PostgreSQL pass."; exit 1; \
	else \
	  echo "PostgreSQL pass skipped: set FLEXWATCH_TEST_POSTGRES_URL to run it."; \
	fi

test: lint typecheck pytest pytest-postgres

bench: install
	$(BIN)/python -m bench

# Copy the pinned front-end assets from npm into the package (run by hand).
vendor:
	npm install --no-save --no-package-lock
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/js/bootstrap.bundle.min.js src/flexwatch/web/static/vendor/bootstrap/
	cp node_modules/htmx.org/dist/htmx.min.js src/flexwatch/web/static/vendor/htmx/
	sed -i '/sourceMappingURL/d' src/flexwatch/web/static/vendor/bootstrap/*.min.*
	for name in vega vega-lite vega-embed; do \
	  mkdir -p src/flexwatch/web/static/vendor/$$name; \
	  cp node_modules/$$name/build/$$name.min.js node_modules/$$name/LICENSE src/flexwatch/web/static/vendor/$$name/; \
	  sed -i 's|//# sourceMappingURL=.*||' src/flexwatch/web/static/vendor/$$name/$$name.min.js; \
	done

# Refresh the catalogues from the source (needs GNU gettext).
messages: install
	cd src/flexwatch && FLEXWATCH_DATA_DIR=$(CURDIR)/var ../../$(BIN)/flexwatch manage makemessages --no-location -l fi -l et -l pl

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache
