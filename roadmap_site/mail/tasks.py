"""Celery beat's job for mail: send again what waits too long (also run by the documents'
sweep, ``agreements.tasks.sweep_documents``)."""

from celery import shared_task

from . import outbox


@shared_task(acks_late=True, ignore_result=True)
def sweep_mail() -> dict:
    return outbox.sweep()
