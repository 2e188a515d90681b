"""Celery beat's jobs for documents: re-queue lost renderings, and the monthly steering
board report. The rendering task itself, ``render_document``, sits beside what it runs in
``agreements/rendering.py``, below ``documents.py`` which sends it: so this module may call
``documents`` without the two importing each other."""

from celery import shared_task

from roadmap_site.mail import outbox

from . import documents, notifications


@shared_task(acks_late=True, ignore_result=True)
def sweep_documents() -> dict:
    """Periodic (celery beat): re-queue documents whose task was lost, and mail that waits
    too long in the outbox (broker down when it was queued, worker lost)."""
    result = documents.sweep()
    result["mail"] = outbox.sweep()
    return result


@shared_task(ignore_result=True)
def monthly_board_report() -> str:
    """Celery beat, on the first of each month: the steering board report, so that the
    board finds it on the board report page without anyone asking for it."""
    document, _reused = documents.request_board_report(user=None)
    return str(document.pk)


@shared_task(time_limit=600, ignore_result=True)
def approval_reminders() -> int:
    """Celery beat, daily: one reminder to each party that has not approved the version
    put to it after five working days (``notifications.approval_reminders_send``)."""
    return notifications.approval_reminders_send()
