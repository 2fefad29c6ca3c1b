# Each target sets up what it needs: a newcomer runs `make run` or `make test` and nothing else.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export FLASK_APP := wsgi.py

.PHONY: run test test-fast bench lint e2e db demo translations clean

$(STAMP): pyproject.toml requirements.lock
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

db: $(STAMP)
	$(BIN)/flask voting init-db

demo: db
	$(BIN)/flask voting demo

run: demo
	$(BIN)/python wsgi.py

test: $(STAMP)
	$(BIN)/python -m pytest

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not e2e and not slow" -q

e2e: $(STAMP)
	$(BIN)/python -m pytest -m e2e

bench: $(STAMP)
	$(BIN)/python -m tests.bench

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check voting/rules

translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -o voting/translations/messages.pot .
	$(BIN)/pybabel update -i voting/translations/messages.pot -d voting/translations
	$(BIN)/pybabel compile -d voting/translations

clean:
	rm -rf $(VENV) instance .pytest_cache
