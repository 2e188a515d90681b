"""One-time form keys are forgotten once no page can post them again."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from regions.models import SubmissionKey
from roadmap_site.audit.tasks import purge_submission_keys

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 6, 15, 10, 0, tzinfo=datetime.UTC)


def test_the_purge_runs_every_day_under_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["purge-submission-keys"]
    assert entry["task"] == "roadmap_site.audit.tasks.purge_submission_keys"


def test_keys_older_than_the_retention_are_purged_and_recent_ones_kept(rpl):
    old = SubmissionKey.objects.create(
        user=rpl, key="00000000-0000-0000-0000-000000000001", created_at=NOW
    )
    with time_machine.travel(NOW + datetime.timedelta(days=settings.SUBMISSION_KEY_RETENTION_DAYS)):
        recent = SubmissionKey.objects.create(
            user=rpl, key="00000000-0000-0000-0000-000000000002", created_at=timezone.now()
        )
        with time_machine.travel(
            NOW + datetime.timedelta(days=settings.SUBMISSION_KEY_RETENTION_DAYS, seconds=1)
        ):
            assert purge_submission_keys() == 1
    assert not SubmissionKey.objects.filter(pk=old.pk).exists()
    assert SubmissionKey.objects.filter(pk=recent.pk).exists()
