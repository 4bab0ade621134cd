# Showroom CRM — the two commands: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test test-fast install messages bench

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/activate
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

run: install
	mkdir -p var/celery/queue var/celery/processed var/celery/control
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo
	@echo
	@echo "Showroom CRM: http://127.0.0.1:8000/  (Ctrl-C stops the web server, worker and beat)"
	@echo
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -f Procfile.dev

test: install
	mkdir -p var/celery/queue var/celery/processed var/celery/control
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

# The inner loop: everything but the browser journeys, the real Celery worker/beat, the bench smoke test
# and the fuzz sweep over every page and form.
test-fast: install
	mkdir -p var/celery/queue var/celery/processed var/celery/control
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -m "not browser and not celery and not bench and not fuzz"

# Benchmark (not part of `make test`): PostgreSQL from DATABASE_URL (default
# postgres://postgres@127.0.0.1:5432/showroom_bench), data built once at --scale 1 and reused,
# gunicorn with 2 workers; writes BENCHMARKS.md and bench/results.json. BENCH_ARGS="--requests 50".
bench: install
	mkdir -p var/celery/queue var/celery/processed var/celery/control
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# Regenerate the translation catalogue after changing strings (needs GNU gettext).
messages: install
	$(BIN)/python manage.py makemessages --locale zh_Hans --ignore .venv --ignore var
	$(BIN)/python manage.py compilemessages --locale zh_Hans --ignore .venv
