# A newcomer needs two commands: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: run test lint format install install-dev lock upgrade migrate demo worker bench bench-pdf bench-mail bench-load bench-pages clean

run: install ## Install, migrate, load the demo and serve on http://127.0.0.1:8000
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver $(HOST)

# One pytest-xdist worker per core and one more, each with its own databases
# (tests/workers.py): the extra worker runs while the others wait on a browser, a server
# they started or a mail retry. PYTEST_WORKERS=0 runs in one process, e.g. to step through
# a test with a debugger.
PYTEST_WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))

test: install-dev ## The whole test suite (PostgreSQL and Redis when DATABASE_URL/REDIS_URL are set)
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

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

bench-mail: install-dev ## Time 500 invitations through the outbox (real worker, aiosmtpd; needs REDIS_URL and the demo) and the digest's queries at 35 regions
	$(PY) manage.py bench_mail

bench-load: install-dev ## Load test: 50 locust users for 60 s against gunicorn, a worker, PostgreSQL (DATABASE_URL) and Redis (REDIS_URL), loopback only
	$(UV) -r requirements/bench.txt
	$(PY) tests/load/run_load.py

bench-pages: install-dev ## Every main page and download at national scale: 4 locust users, gunicorn, a worker, PostgreSQL (DATABASE_URL); prints p50/p95/p99, rps and × /healthz
	$(UV) -r requirements/bench.txt
	$(PY) tests/load/run_pages.py

worker: install ## A Celery worker with beat (needs REDIS_URL)
	$(VENV)/bin/celery -A roadmap_site worker --beat --loglevel=info

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Installs exactly the locked versions, each checked against its hash (requirements/).
# pip installs the installer, uv (itself locked and hashed), which installs the rest: the
# same versions and hashes as pip, in seconds rather than a minute and a half.
# The project itself is not installed: it runs from this folder (manage.py).
UV := $(PY) -m uv pip install --quiet --require-hashes --python $(PY)

$(VENV)/.installed: requirements/base.txt requirements/installer.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements/installer.txt
	$(UV) -r requirements/base.txt
	touch $@

$(VENV)/.installed-dev: requirements/dev.txt package.json $(VENV)/.installed
	$(UV) -r requirements/dev.txt
	# axe-core for the accessibility checks in the browser tests (skipped without npm)
	if command -v npm >/dev/null; then npm ci --no-audit --no-fund --silent; fi
	touch $@

# The lock files under requirements/ record the versions the suite passed with.
# `make lock` after changing pyproject.toml keeps every version it can; `make upgrade`
# moves everything to the newest versions pyproject.toml allows. Run `make test` after both.
LOCK := CUSTOM_COMPILE_COMMAND="make lock" $(VENV)/bin/pip-compile --quiet --generate-hashes \
	--allow-unsafe --strip-extras --no-emit-find-links --no-emit-index-url --no-emit-trusted-host

lock: install-dev
	$(LOCK) $(LOCK_ARGS) -o requirements/base.txt pyproject.toml
	$(LOCK) $(LOCK_ARGS) --extra dev -c requirements/base.txt -o requirements/dev.txt pyproject.toml
	$(LOCK) $(LOCK_ARGS) --extra dev --extra bench -c requirements/dev.txt -o requirements/bench.txt pyproject.toml
	$(LOCK) $(LOCK_ARGS) -o requirements/installer.txt requirements/installer.in
	$(PY) -m pip install --quiet --require-hashes -r requirements/installer.txt
	$(UV) -r requirements/dev.txt

upgrade:
	$(MAKE) lock LOCK_ARGS=--upgrade

clean:
	rm -rf $(VENV) var
