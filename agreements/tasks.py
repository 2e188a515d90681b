"""Celery tasks for documents. The task is a thin shell around ``documents.render``; the
reliability settings (late acknowledgement, requeue when the worker dies, prefetch 1, time
limits, a cap on tasks per child) are in ``roadmap_site/settings.py`` and repeated here
where a task can say so itself."""

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError, InterfaceError

from . import documents


@shared_task(
    # The database records the outcome; storing results in Redis would also make sending
    # the task wait on the result store when Redis is down.
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(DatabaseError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=5,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
)
def render_document(document_id: str) -> str:
    return documents.render(document_id)


@shared_task(acks_late=True, ignore_result=True)
def sweep_documents() -> dict:
    """Periodic (celery beat): re-queue documents whose task was lost."""
    return documents.sweep()


@shared_task(ignore_result=True)
def monthly_board_report() -> str:
    """Celery beat, on the first of each month: the steering board report, so that the
    board finds it on the board report page without anyone asking for it."""
    document, _reused = documents.request_board_report(user=None)
    return str(document.pk)
