# A newcomer needs two commands: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: run test lint format install install-dev migrate demo worker bench bench-pdf bench-load clean

run: install ## Install, migrate, load the demo and serve on http://127.0.0.1:8000
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver $(HOST)

test: install-dev ## The whole test suite (PostgreSQL and Redis when DATABASE_URL/REDIS_URL are set)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/lint-imports

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install-dev ## Page times at national scale (35 regions, 4 years); PostgreSQL when DATABASE_URL is set
	$(PY) manage.py bench_dashboard --server
	$(PY) manage.py bench_stepwork

bench-pdf: install ## Time PDF rendering: task against raw WeasyPrint, and document reuse (needs the demo)
	$(PY) manage.py bench_pdf

bench-load: install-dev ## Load test: 50 locust users for 60 s against gunicorn, a worker, PostgreSQL (DATABASE_URL) and Redis (REDIS_URL), loopback only
	$(PY) -m pip install --quiet -e ".[bench]"
	$(PY) tests/load/run_load.py

worker: install ## A Celery worker with beat (needs REDIS_URL)
	$(VENV)/bin/celery -A roadmap_site worker --beat --loglevel=info

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml package.json $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[dev]"
	# axe-core for the accessibility checks in the browser tests (skipped without npm)
	if command -v npm >/dev/null; then npm ci --no-audit --no-fund --silent; fi
	touch $@

clean:
	rm -rf $(VENV) var
