import datetime

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from regions.models import SubmissionKey

from . import bin


@shared_task(ignore_result=True)
def purge_bin():
    """Hourly (CELERY_BEAT_SCHEDULE): delete for good what has lain in a bin too long."""
    return bin.purge()


@shared_task(ignore_result=True)
def purge_submission_keys():
    """Daily (CELERY_BEAT_SCHEDULE): forget one-time keys older than a page stays open.

    A key only has to outlive the post sent twice from one page (a double click, a retry
    after a timeout); kept for ever, the table grows by a row per form sent."""
    cutoff = timezone.now() - datetime.timedelta(days=settings.SUBMISSION_KEY_RETENTION_DAYS)
    deleted, _per_model = SubmissionKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
