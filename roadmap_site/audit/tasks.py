from celery import shared_task

from . import bin


@shared_task(ignore_result=True)
def purge_bin():
    """Hourly (CELERY_BEAT_SCHEDULE): delete for good what has lain in a bin too long."""
    return bin.purge()
