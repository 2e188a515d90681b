from celery import shared_task

from . import retention


@shared_task(ignore_result=True, time_limit=1800)
def purge_past_retention():
    """Daily (CELERY_BEAT_SCHEDULE): remove or anonymise what has outlived its period."""
    return retention.purge().pk
