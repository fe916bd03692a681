# The two commands a newcomer needs: `make run` and `make test`. Python 3.11 is all they assume.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum < pyproject.toml | cut -d' ' -f1)
HOST ?= 127.0.0.1:8000

.PHONY: install run test lint typecheck djangocheck pytest bench bench-transfers bench-education bench-dues bench-oversight bench-ledgers messages stop-db clean

$(STAMP): pyproject.toml
	@$(PY) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, found " + sys.version.split()[0]'
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/pip install --quiet --group dev
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --if-empty
	$(BIN)/python manage.py demo_logins
	@mkdir -p .data/celery
	@echo "Starting the web server on http://$(HOST)/, a Celery worker and beat (Ctrl-C stops all three)."
	HOST=$(HOST) CELERY_BROKER_URL="$${CELERY_BROKER_URL:-$${REDIS_URL:-filesystem://}}" \
		$(BIN)/honcho start -f Procfile

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy .

djangocheck: install
	$(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run

pytest: install
	$(BIN)/pytest -n 2

test: lint typecheck djangocheck pytest

bench: install
	$(BIN)/python -m benchmarks.run

# Only the transfers part of `make bench` (1,000 transfers, the incoming queue, suggestions).
bench-transfers: install
	$(BIN)/python -m benchmarks.transfers

# Only the organizational-life part of `make bench` (issue 10): last participation per member,
# the six-month rule and the compliance table, against hand-written SQL.
bench-education: install
	$(BIN)/python -m benchmarks.run --only education

# Only the party-dues part of `make bench` (issue 11): arrears totals per township and county,
# the arrears list and a page's dues, against hand-written SQL (adds 11M paid months once).
bench-dues: install
	$(BIN)/python -m benchmarks.run --only dues

# Only the nightly-rules part of `make bench` (issue 12): every rule on the province against its
# bare-SQL floor, a per-member loop, the reports, the Celery worker's peak memory (REDIS_URL).
bench-oversight: install
	$(BIN)/python -m benchmarks.run --only oversight

# The ledgers (issue 13): the province roster (1M rows) against the raw writers, and a 10,000-row
# member import against the raw read of its file.
bench-ledgers: install
	$(BIN)/python -m benchmarks.ledgers

# Rebuild the Chinese translations (needs GNU gettext; the compiled .mo is committed).
messages: install
	$(BIN)/python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=.data --ignore=benchmarks
	$(BIN)/python manage.py compilemessages -l zh_Hans --ignore=.venv

stop-db:
	@if [ -x $(BIN)/python ]; then $(BIN)/python -c 'from pathlib import Path; \
	from config.database import stop_embedded_postgres as stop; \
	print("embedded PostgreSQL stopped" if stop(Path(".data/pg").resolve()) else "embedded PostgreSQL not running")'; fi

clean: stop-db
	rm -rf $(VENV) .data .mypy_cache .ruff_cache .pytest_cache
