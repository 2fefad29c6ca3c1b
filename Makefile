# Each target sets up what it needs: a newcomer runs `make run` or `make test` and nothing else.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export FLASK_APP := wsgi.py
# The suites that meet the database, run again on PostgreSQL. Of tests/app, the pages, the
# admin, the API's bad input and the migrations. Not the permission matrix (148 cases, each on
# a fresh database: who may do what does not change with the database, and each route's
# queries run on PostgreSQL in its domain's suite), nor the catalogues and the headers.
PG_SUITES := tests/core tests/org tests/membership tests/ballots tests/meetings tests/consultations tests/elections tests/record \
	tests/app/test_admin.py tests/app/test_api_fuzz.py tests/app/test_pages.py tests/app/test_migrations.py tests/app/test_migration_data.py

.PHONY: run test test-fast bench bench-load lint e2e db demo translations clean
LOCALES := fr de es
CATALOGS := $(wildcard voting/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)

$(STAMP): pyproject.toml requirements.lock
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile -i $< -o $@ >/dev/null

db: $(STAMP) $(COMPILED)
	$(BIN)/flask voting init-db

demo: db
	$(BIN)/flask voting demo

run: demo
	$(BIN)/python wsgi.py

# A trial of several workers on one machine: private PostgreSQL and Redis on loopback,
# migrations and the demo, two gunicorn gevent workers (docs/deployment.md).
.PHONY: serve-prod
serve-prod: $(STAMP) $(COMPILED)
	$(BIN)/python -m deploy.trial

# The whole suite on SQLite, then the database-facing suites again on a throwaway PostgreSQL.
test: $(STAMP) $(COMPILED)
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest --durations=15
	$(BIN)/python -m tests.postgres $(BIN)/python -m pytest -q -p no:cacheprovider --durations=15 $(PG_SUITES)

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not e2e and not slow" -q

e2e: $(STAMP)
	$(BIN)/python -m pytest -m e2e

bench: $(STAMP)
	$(BIN)/python -m tests.bench

# A hall of phones (LOAD_PHONES, default 2000, at most 5000) voting on one process on SQLite,
# on two workers on PostgreSQL and Redis, and on a bare python-socketio server
# (LOAD_SETUPS): docs/load-results.json and docs/load.png (docs/performance.md).
bench-load: $(STAMP)
	$(BIN)/python -m tests.bench.load

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/ruff format --check voting/rules

# Extract every string, add new ones to each catalogue, compile.
translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o voting/translations/messages.pot .
	for l in $(LOCALES); do \
	  test -f voting/translations/$$l/LC_MESSAGES/messages.po || \
	    $(BIN)/pybabel init -i voting/translations/messages.pot -d voting/translations -l $$l; \
	done
	$(BIN)/pybabel update -i voting/translations/messages.pot -d voting/translations
	$(BIN)/pybabel compile -d voting/translations

clean:
	rm -rf $(VENV) instance .pytest_cache
