"""Celery: eager in-process by default; a real worker on Redis when REDIS_URL is set."""

import datetime
import os

import pytest
from django.utils import timezone

from steps import services
from steps.models import RegionStep
from steps.tasks import overdue_steps

pytestmark = pytest.mark.django_db(transaction=True)


def make_overdue(region):
    step = RegionStep.objects.get(region=region, step__code="1")
    start = timezone.localdate() - datetime.timedelta(days=100)
    services.step_start(region_step=step, on=start, planned_end=start + datetime.timedelta(days=60))


@pytest.mark.skipif(bool(os.environ.get("REDIS_URL")), reason="eager mode is the no-Redis default")
def test_without_redis_tasks_run_in_process(region):
    make_overdue(region)
    result = overdue_steps.delay()
    assert result.get(timeout=5) == [
        {
            "region": region.name,
            "step": "1",
            "planned_end": (timezone.localdate() - datetime.timedelta(days=40)).isoformat(),
            "days_late": 40,
        }
    ]


@pytest.mark.celery_worker
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (a real Redis)")
def test_a_real_worker_runs_a_task_on_redis(region, other_region):
    from celery.contrib.testing.worker import start_worker

    from roadmap_site.celery import app

    assert not app.conf.task_always_eager
    make_overdue(region)
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        result = overdue_steps.delay()
        rows = result.get(timeout=30)
    assert [(row["region"], row["step"], row["days_late"]) for row in rows] == [
        (region.name, "1", 40)
    ]
    assert result.successful()
