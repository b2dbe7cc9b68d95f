# cityrights: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SRC := src tests benchmarks
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test install lint test-sqlite test-postgres messages clean

# Reinstall only when the package definition changes.
$(STAMP): pyproject.toml
	@echo "Installing cityrights and its dependencies into $(VENV) (a minute or two the first time)..."
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)
	@echo "Installed."

install: $(STAMP)

## make run: set up, migrate, load the demo city and serve http://127.0.0.1:8000
run: $(STAMP)
	$(BIN)/cityrights migrate --noinput
	$(BIN)/cityrights demo
	@echo "Serving http://127.0.0.1:8000 (Ctrl+C to stop)"
	$(BIN)/cityrights runserver 127.0.0.1:8000

## make test: lint, then the whole suite on SQLite (with the browser suite) and on PostgreSQL
test: $(STAMP) lint test-sqlite test-postgres

lint: $(STAMP)
	$(BIN)/ruff check $(SRC)
	$(BIN)/ruff format --check $(SRC)
	$(BIN)/mypy
	DJANGO_SETTINGS_MODULE=cityrights.settings.test $(BIN)/cityrights makemigrations --check --dry-run --verbosity 0

# Both passes run on every core (pytest-xdist) and end with the 15 slowest tests. `--dist load`
# hands out tests in pytest-django's order (database tests, then transactional ones, then the
# rest), so a worker never runs a test that needs the content the migrations load after a
# transactional test has emptied its tables; small chunks keep both workers busy to the end
# (the browser tests come last and take seconds each).
PYTEST_OPTS := -n auto --dist load --maxschedchunk 4 --durations=15

test-sqlite: $(STAMP)
	env -u DATABASE_URL $(BIN)/pytest $(PYTEST_OPTS)

test-postgres: $(STAMP)
	$(BIN)/python scripts/run_postgres_suite.py $(PYTEST_OPTS)

## make messages: refresh the translation catalogues after changing interface texts
messages: $(STAMP)
	BIN=$(BIN) scripts/make_messages.sh

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis .ruff_cache .mypy_cache
