"""Personas shared by every test: one per role, for a region ("region") and an outsider
region ("other_region"). Tests name them, e.g. ``def test_outsider_gets_404(client, other_rpl)``.
"""

import pytest
from django.apps import apps
from django.db import transaction
from django.test import override_settings

from regions.models import Role
from roadmap_site.privacy.models import DEFAULTS as RETENTION_DEFAULTS
from sessions.codebook import ensure_codebook
from steps.interventions import ensure_catalogue
from steps.roadmap import ensure_definitions

from . import examples  # noqa: F401 - loads the Hypothesis profile (HYPOTHESIS_PROFILE)
from .factories import RegionFactory, StakeholderFactory, UserFactory, add_member
from .mail_guard import forget_field_notes, no_field_note_text_in_mail  # noqa: F401 - every test


def ensure_retention_periods(apps):
    RetentionPeriod = apps.get_model("privacy", "RetentionPeriod")
    for kind, (days, even_while_active) in RETENTION_DEFAULTS.items():
        RetentionPeriod.objects.get_or_create(
            kind=kind, defaults={"days": days, "even_while_active": even_while_active}
        )


# Reference data that data migrations create. The test databases are made without the
# migrations (pyproject.toml), so it is made once when each is created (django_db_setup).
# A transactional test (browser, Celery worker) ends with a flush that empties every
# table, so such tests put it back before they start, and so does every database test that
# runs after one in the same process: pytest-django runs transactional tests last, but a
# pytest-xdist worker that steals work may run an ordinary test after them.
REFERENCE_DATA = [ensure_definitions, ensure_codebook, ensure_catalogue, ensure_retention_periods]
TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server"}
_tables_flushed = False


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        for ensure in REFERENCE_DATA:
            ensure(apps)


@pytest.fixture(autouse=True)
def reference_data(request):
    global _tables_flushed
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        TRANSACTIONAL_FIXTURES & set(request.fixturenames)
    )
    uses_db = transactional or marker is not None or "db" in request.fixturenames
    if transactional or (uses_db and _tables_flushed):
        request.getfixturevalue("transactional_db" if transactional else "db")
        for ensure in REFERENCE_DATA:
            ensure(apps)
    _tables_flushed = _tables_flushed or transactional


@pytest.fixture(autouse=True)
def english_unless_asked():
    """Each test starts in the default language: a Dutch request earlier in the same
    thread must not change what a later test reads."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache. The national screens cache their fragments
    under a data version that is bumped on commit, and a test's transaction never
    commits, so a fragment cached by an earlier test in the same process would otherwise
    be served to a later one with the same ids (pytest-xdist mixes the order)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashers spend ~0.3 s per password by design; tests create many logins.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def eager_celery():
    """Tasks run in-process even when REDIS_URL is set (the embedded default's path)."""
    from roadmap_site.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = before


@pytest.fixture(scope="module")
def module_data(django_db_setup, django_db_blocker, tmp_path_factory):
    """For data that every test of a module reads and none needs fresh, e.g. the access
    matrix's world of one object of each kind, which would otherwise be made again for
    each of its 1,600 tests. The module's data is made inside a transaction that stays
    open while the module runs: each test's own transaction is a savepoint inside it, so
    what a test changes is undone after it, and the module's data is rolled back after
    the module. Uploads go to a folder of the module's own."""
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=tmp_path_factory.mktemp("media"),
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
        transaction.atomic(),
    ):
        for ensure in REFERENCE_DATA:  # gone if a transactional test flushed them
            ensure(apps)
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def module_demo(module_data):
    """The demo (``seed_demo``), made once for the tests of a module that only read it or
    whose changes are undone after each (``module_data``). Not for the date-sensitive
    modules that CI runs at awkward moments: their data must be made at the moment."""
    from django.core.management import call_command

    call_command("seed_demo", force=True, verbosity=0)


@pytest.fixture
def npl(db):
    return UserFactory(username="npl", role=Role.NATIONAL_PROJECT_LEADER, is_staff=True)


@pytest.fixture
def rpl(db):
    return UserFactory(username="rpl", role=Role.REGIONAL_PROJECT_LEADER)


@pytest.fixture
def other_rpl(db):
    return UserFactory(username="other_rpl", role=Role.REGIONAL_PROJECT_LEADER)


@pytest.fixture
def researcher(db):
    return UserFactory(username="researcher", role=Role.RESEARCHER)


@pytest.fixture
def board(db):
    return UserFactory(username="board", role=Role.STEERING_BOARD)


@pytest.fixture
def region(rpl, researcher):
    region = RegionFactory(name="Rivierenland", owner=rpl)
    region.researchers.add(researcher)
    return region


@pytest.fixture
def other_region(other_rpl):
    return RegionFactory(name="Noorderveen", owner=other_rpl)


@pytest.fixture
def stakeholder_user(region):
    user = UserFactory(username="stakeholder", role=Role.STAKEHOLDER)
    add_member(region, StakeholderFactory(user=user))
    return user


@pytest.fixture
def other_stakeholder_user(other_region):
    user = UserFactory(username="other_stakeholder", role=Role.STAKEHOLDER)
    add_member(other_region, StakeholderFactory(user=user))
    return user


@pytest.fixture
def personas(npl, rpl, other_rpl, researcher, board, stakeholder_user, other_stakeholder_user):
    """Every role, keyed by the name the access matrices use."""
    return {
        "npl": npl,
        "rpl": rpl,
        "other_rpl": other_rpl,
        "researcher": researcher,
        "board": board,
        "stakeholder": stakeholder_user,
        "other_stakeholder": other_stakeholder_user,
        "anonymous": None,
    }


@pytest.fixture
def committing(django_capture_on_commit_callbacks):
    """Runs the block's on-commit callbacks as a commit would: the data version's bump, which
    a test's own transaction never commits, so that the session page's cached parts show
    the block's change. The bump queued by the test's earlier saves is dropped first (one
    bump per transaction would otherwise stand for the block's)."""

    def block():
        from django.db import transaction

        transaction.get_connection().run_on_commit.clear()
        return django_capture_on_commit_callbacks(execute=True)

    return block
