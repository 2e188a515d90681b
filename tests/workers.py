"""Under pytest-xdist (``make test`` runs one worker per core and one more) each worker
gets its own services, so that two workers never meet:

- the database: pytest-django already names each worker's test database apart
  (``test_roadmap_gw0``, ``test_roadmap_gw1``);
- Redis: each worker uses its own database number, so a Celery worker started by one
  never takes a task sent by the other (whose rows live in another test database);
- files: each worker renders and uploads into its own media folder.

Loaded with ``-p tests.workers`` (pyproject.toml), before Django reads its settings.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

REDIS_DATABASES = 16  # Redis's default number of databases


def _own_redis(url: str, index: int) -> str:
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(base + 1 + index) % REDIS_DATABASES}"))


worker = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1", … inside a worker
if worker.startswith("gw"):
    index = int(worker[2:])
    if os.environ.get("REDIS_URL"):
        os.environ["REDIS_URL"] = _own_redis(os.environ["REDIS_URL"], index)
    if not os.environ.get("ROADMAP_MEDIA_ROOT"):
        var = Path(os.environ.get("ROADMAP_VAR_DIR", Path(__file__).resolve().parents[1] / "var"))
        os.environ["ROADMAP_MEDIA_ROOT"] = str(var / "test-media" / worker)


# The longest tests, started first so that no worker is left running one of them alone at
# the end (measured with --durations: each takes 20–90 s, most tests < 1 s). Sorted after
# pytest-django's own sort, which puts the tests that use no database (such as the fault
# tests, which start servers of their own) last, where one of them would run on alone.
# Only tests that do not flush the database are listed: a transactional test moved first
# would make every later test of its worker put the reference data back (tests/conftest.py).
LONGEST_FIRST = (
    "tests/trust/test_database_restart.py",
    "tests/trust/test_redis_stop.py",
    "tests/trust/test_form_fuzzing.py",
    "tests/privacy/test_retention.py",
)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    def rank(item):
        path = item.nodeid.split("::", 1)[0]
        return LONGEST_FIRST.index(path) if path in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: every other test keeps pytest-django's order
