"""The test databases are made from the models, without the migrations (``--no-migrations``
in pyproject.toml: replaying them costs about 17 s of CPU per database). A real install
does replay them, so this replays every migration into an empty database of the suite's
own engine, as ``manage.py migrate`` does on a new server, and checks that it builds the
schema the tests run on, with the reference data the data migrations write."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection, connections

from roadmap_site.privacy.models import RetentionPeriod
from sessions.models import Code
from steps.models import Intervention, Step, StepRequirement

ROOT = Path(__file__).resolve().parents[2]
REFERENCE_MODELS = (Step, StepRequirement, Code, Intervention, RetentionPeriod)


def schema(wrapper) -> dict:
    """Per table: its columns (name, type, null) and its constraints and indexes (columns
    and kind; names left out, as a renamed field keeps the index name it was made with)."""
    introspection = wrapper.introspection
    with wrapper.cursor() as cursor:
        tables = [t for t in introspection.table_names(cursor) if t != "django_migrations"]
        found = {}
        for table in tables:
            columns = sorted(
                (column.name, str(column.type_code), bool(column.null_ok))
                for column in introspection.get_table_description(cursor, table)
            )
            constraints = sorted(
                (
                    tuple(c["columns"] or ()),
                    bool(c["primary_key"]),
                    bool(c["unique"]),
                    str(c["foreign_key"]),
                    bool(c["check"]),
                    bool(c["index"]),
                )
                for c in introspection.get_constraints(cursor, table).values()
            )
            found[table] = (columns, constraints)
    return found


def reference_counts(wrapper) -> dict:
    with wrapper.cursor() as cursor:
        counts = {}
        for model in REFERENCE_MODELS:
            cursor.execute(f"SELECT COUNT(*) FROM {model._meta.db_table}")  # noqa: S608
            counts[model._meta.label] = cursor.fetchone()[0]
    return counts


@pytest.fixture
def migrated(tmp_path, django_db_blocker):
    """A database of the suite's engine, built by ``manage.py migrate`` in a process of
    its own; the connection to it."""
    settings = dict(connection.settings_dict)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["ROADMAP_VAR_DIR"] = str(tmp_path / "var")
    name = None
    if connection.vendor == "postgresql":
        name = f"roadmap_migrated_{uuid.uuid4().hex[:12]}"
        with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        user, host, port = settings["USER"], settings["HOST"], settings["PORT"] or 5432
        env["DATABASE_URL"] = f"postgres://{user}@{host}:{port}/{name}"
        settings["NAME"] = name
    else:
        settings["NAME"] = str(tmp_path / "var" / "roadmap.sqlite3")
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    # A connection of its own, registered nowhere: the suite's connections are untouched.
    other = type(connections["default"])(settings, alias="default")
    yield other
    other.close()
    if name:
        with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def project_tables() -> set[str]:
    # Django's own many-to-many tables of auth differ in the type of their id between its
    # migrations and its models; that is Django's, not this project's.
    return {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if Path(model._meta.app_config.path).is_relative_to(ROOT)
        and ".venv" not in Path(model._meta.app_config.path).parts
    }


@pytest.mark.django_db
def test_the_migrations_build_the_schema_and_reference_data_the_tests_run_on(migrated):
    replayed, made = schema(migrated), schema(connection)
    assert sorted(replayed) == sorted(made), "tables"
    ours = project_tables()
    assert len(ours) > 50
    differing = [table for table in ours if replayed[table] != made[table]]
    assert not differing, {t: (replayed[t], made[t]) for t in differing[:3]}
    assert reference_counts(migrated) == reference_counts(connection)
    assert all(reference_counts(connection).values()), "reference data"
