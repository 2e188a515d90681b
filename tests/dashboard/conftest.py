"""Hand-built regions for the dashboard tests. Step states are written directly (not
through the step rules) because the dashboard only reads them, and the rules may ask for
more deliverables as the product grows."""

import contextlib
import datetime

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from regions.models import Organisation, RegionStakeholder, Stakeholder
from sessions.models import Attendance, Session
from steps.models import Decision, DecisionPoint, Indicator, Measurement, RegionStep
from tests.factories import RegionFactory


@pytest.fixture(autouse=True)
def fresh_cache():
    """The national screens cache per data version; every test starts from version 0 in
    its own transaction, so the cache must not outlive a test."""
    cache.clear()
    yield
    cache.clear()


def days_ago(n):
    return timezone.localdate() - datetime.timedelta(days=n)


def set_step(region, code, status, started=None, completed=None, planned_end=None):
    rs = RegionStep.objects.select_related("step").get(region=region, step__code=code)
    rs.status = status
    rs.started_on = started
    rs.completed_on = completed
    if started and planned_end is None:
        planned_end = started + datetime.timedelta(days=rs.step.planned_duration_days)
    rs.planned_end = planned_end
    rs.summary = "Done." if completed else ""
    rs.save()
    return rs


def decide(region, point_code, outcome, on):
    return Decision.objects.create(
        region=region,
        decision_point=DecisionPoint.objects.get(code=point_code),
        outcome=outcome,
        decided_on=on,
        rationale="Agreed in the group session.",
    )


def member(region, sector, level, name=None):
    organisation, _ = Organisation.objects.get_or_create(
        name=f"{sector} of {region.name}", defaults={"sector": sector}
    )
    person = Stakeholder.objects.create(
        name=name or f"{sector} {level} {region.name}",
        organisation=organisation,
        function_level=level,
    )
    RegionStakeholder.objects.create(region=region, stakeholder=person)
    return person


def session(region, kind="group", on=None, status="held", people=()):
    held = Session.objects.create(
        region=region, title=f"{kind} session", date=on or days_ago(10), kind=kind, status=status
    )
    for person in people:
        Attendance.objects.create(session=held, stakeholder=person, status="present")
    return held


def in_paid_work(region, value, target):
    indicator = Indicator.objects.create(
        region=region,
        key="clients_in_paid_work",
        name="Clients in paid work",
        unit="clients",
        target_per_period=target,
        start_date=days_ago(200),
    )
    Measurement.objects.create(indicator=indicator, period=1, value=value)


def busy_region(n, owner=None, extra_people=0):
    """A region with a full history: every kind of row the dashboard reads, several times."""
    region = RegionFactory(name=f"Busy region {n:02d}", **({"owner": owner} if owner else {}))
    region.owner_since = days_ago(400)
    region.save()
    set_step(region, "1", "completed", days_ago(400), days_ago(340))
    set_step(region, "2a", "completed", days_ago(335), days_ago(250))
    decide(region, "after-2a", "revise", days_ago(245))
    decide(region, "after-2a", "go", days_ago(200))
    set_step(region, "2b", "in_progress", days_ago(190))
    people = [
        member(region, "mhc", "management"),
        member(region, "ssi", "operational"),
        member(region, "municipality", "policy"),
    ]
    people += [
        member(region, "reintegration", "operational", f"Extra {i}") for i in range(extra_people)
    ]
    for d in (5, 20, 40):
        session(region, "group", days_ago(d), people=people)
    session(region, "one_on_one", days_ago(30), people=people[:1])
    in_paid_work(region, 4, 10)
    return region


@pytest.fixture
def many_regions(db):
    def make(count, extra_people=0):
        return [busy_region(n, extra_people=extra_people) for n in range(count)]

    return make


@pytest.fixture
def committing(django_capture_on_commit_callbacks):
    """Runs on-commit callbacks of the block as if it committed. The test's own transaction
    never commits, so the bump queued before the block (by the fixtures' saves, or by an
    earlier block, which the capture leaves queued) is dropped first: it would stand for
    the changes under test (one bump per transaction)."""

    @contextlib.contextmanager
    def block():
        transaction.get_connection().run_on_commit.clear()
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            yield callbacks

    return block
