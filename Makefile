# SQMS — common tasks. `make demo` and `make test` are all a newcomer needs.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev
PYTEST_ARGS ?=

.PHONY: demo test install lint typecheck messages fuzz bench bench-small bench-load e2e clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP) messages
	$(BIN)/sqms demo

messages: $(STAMP)
	cd sqms && ../$(BIN)/django-admin compilemessages >/dev/null

test: $(STAMP) messages
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

# schemathesis over every API operation against a fresh demo (DATABASE_URL picks the database).
fuzz: $(STAMP) messages
	$(BIN)/python scripts/fuzz_api.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Strict typing of every app (django-stubs plugin,
# see pyproject.toml); their tests and migrations are left out.
typecheck: $(STAMP)
	$(BIN)/mypy --strict sqms/analytics sqms/calendars sqms/capa sqms/complaints sqms/core sqms/demo sqms/improvement sqms/inspections sqms/jobs sqms/kpis sqms/reports sqms/standards sqms/surveys --exclude '/(tests|migrations)/'

bench: $(STAMP)
	$(BIN)/python bench/analytics.py
	$(BIN)/python bench/calendars.py
	$(BIN)/python bench/surveys.py
	$(BIN)/python bench/complaints.py
	$(BIN)/python bench/complaints_tick.py
	$(BIN)/python bench/importers.py
	$(BIN)/python bench/complaints_reports.py
	$(BIN)/python bench/dashboard.py
	$(MAKE) bench-load

# The public form under 200 and 1,000 concurrent customers against `sqms serve` (loopback only;
# set DATABASE_URL=postgresql://… to run it on PostgreSQL).
bench-load: $(STAMP)
	$(BIN)/python bench/load.py --customers 200
	$(BIN)/python bench/load.py --customers 1000

bench-small: $(STAMP)
	$(BIN)/python bench/analytics.py --scale small
	$(BIN)/python bench/calendars.py --scale small
	$(BIN)/python bench/surveys.py --scale small
	$(BIN)/python bench/complaints.py --scale small
	$(BIN)/python bench/importers.py 20000
	$(BIN)/python bench/complaints_reports.py --scale small
	$(BIN)/python bench/dashboard.py --scale small

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
