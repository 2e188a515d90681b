from celery import shared_task
from django.utils import timezone

from . import qdpx_jobs, services


@shared_task(time_limit=600)
def daily_session_mail() -> dict:
    """Once a day: one reminder to invitees who have not replied, the day-before reminder
    of action items, and locking the minutes whose deadline has passed. Each part claims
    its rows (``reminded_at``, ``reminded_for``, ``locked_at``), so a second run the same
    day sends nothing twice."""
    today = timezone.localdate()
    return {
        "invitation_reminders": services.invitation_reminders_send(today),
        "action_reminders": services.action_reminders_send(today),
        "minutes_locked": services.minutes_lock_due(today),
    }


@shared_task(ignore_result=True)
def purge_qdpx_exports() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): delete REFI-QDA exports and their files older than
    QDPX_EXPORT_RETENTION_HOURS. Each file holds field-note text; it is made to be
    downloaded once, not kept on the server."""
    return qdpx_jobs.exports_purge()
