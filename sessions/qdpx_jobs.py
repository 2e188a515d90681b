"""The REFI-QDA export as a background job: asked for in a request, built by a worker.

A national export (some 2,000 notes) takes seconds of CPU, too long for a request under
load. ``export_request`` stores what was asked (``QdpxExport``) and sends
``build_qdpx_export`` once the row is committed; the worker claims the row, builds the
project with ``qdpx.export_regions`` (the same bytes as the download used to be), writes
how far it is every ``qdpx.PROGRESS_EVERY`` notes, and stores the file. Without Redis the
task runs eagerly, in the request, through the same code. The database is the record: a
task delivered twice builds once (the claim), and a failed build can be asked for again.
"""

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, InterfaceError, transaction
from django.utils import timezone, translation

from . import qdpx
from .models import QdpxExport, QdpxExportStatus

logger = logging.getLogger(__name__)

# Sending a task tries the broker once, briefly: the user must not wait on kombu's
# reconnect loop when Redis is down (the job stays queued and can be asked for again).
FAST_FAIL = {"max_retries": 1, "interval_start": 0, "interval_step": 0.1, "interval_max": 0.2}


def retention() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.QDPX_EXPORT_RETENTION_HOURS)


@transaction.atomic
def export_request(*, user, regions, pseudonymised: bool, language: str = "") -> QdpxExport:
    """A queued export of these regions for ``user``; the build is sent on commit."""
    export = QdpxExport.objects.create(
        requested_by=user,
        pseudonymised=pseudonymised,
        language=language or translation.get_language() or settings.LANGUAGE_CODE,
    )
    export.regions.set(regions)
    transaction.on_commit(lambda: enqueue(export.pk), robust=True)
    return export


def export_retry(export: QdpxExport) -> QdpxExport:
    """A failed export queued again (a conditional update: two clicks queue it once)."""
    with transaction.atomic():
        updated = QdpxExport.objects.filter(pk=export.pk, status=QdpxExportStatus.FAILED).update(
            status=QdpxExportStatus.QUEUED, error="", notes_done=0, finished_at=None
        )
        if updated:
            transaction.on_commit(lambda: enqueue(export.pk), robust=True)
    export.refresh_from_db()
    return export


def enqueue(export_id) -> bool:
    """Send the build task. A broker that is down leaves the export queued (logged)."""
    app = build_qdpx_export.app
    try:
        if app.conf.task_always_eager:
            build_qdpx_export.apply_async((str(export_id),))
        else:
            with app.connection_for_write(transport_options=FAST_FAIL) as connection:
                build_qdpx_export.apply_async((str(export_id),), connection=connection, retry=False)
    except Exception as error:  # kombu/redis raise several types for an unreachable broker
        logger.warning("Could not queue REFI-QDA export %s (%s).", export_id, error)
        return False
    return True


def _claimable(export) -> bool:
    if export.status == QdpxExportStatus.QUEUED:
        return True
    # A worker killed mid-build leaves its export "building"; the task comes back (late
    # acknowledgement) and may take it over once no live attempt can still hold it.
    stale = timezone.now() - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    return export.status == QdpxExportStatus.BUILDING and export.started_at < stale


def _claim(export_id) -> QdpxExport | None:
    """Mark a queued export as building; None when another attempt has it or it is done."""
    with transaction.atomic():
        export = QdpxExport.objects.select_for_update().filter(pk=export_id).first()
        if export is None or not _claimable(export):
            return None
        export.status = QdpxExportStatus.BUILDING
        export.started_at = timezone.now()
        export.notes_done = 0
        export.save(update_fields=["status", "started_at", "notes_done"])
        return export


def build(export_id) -> str:
    """Build one export (the body of the Celery task). Idempotent."""
    export = _claim(export_id)
    if export is None:
        return "skipped"

    def progress(done, total):
        # One UPDATE per PROGRESS_EVERY notes, committed at once (no transaction is open
        # here), so that the job page polled by another process sees it.
        QdpxExport.objects.filter(pk=export.pk).update(notes_done=done, notes_total=total)

    try:
        with translation.override(export.language or settings.LANGUAGE_CODE):
            regions = list(export.regions.all())
            data, summary = qdpx.export_regions(
                regions,
                pseudonymiser=qdpx.pseudonymiser() if export.pseudonymised else None,
                progress=progress,
            )
    except (DatabaseError, InterfaceError):
        # Transient: give the export back to the queue; the task retries with backoff.
        QdpxExport.objects.filter(pk=export.pk).update(status=QdpxExportStatus.QUEUED)
        raise
    except Exception as error:
        QdpxExport.objects.filter(pk=export.pk).update(
            status=QdpxExportStatus.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000],
            finished_at=timezone.now(),
        )
        logger.exception("REFI-QDA export %s failed", export.pk)
        return "failed"
    export.file.save(f"{export.pk}.qdpx", ContentFile(data), save=False)
    export.status = QdpxExportStatus.READY
    export.notes_done = export.notes_total = summary.notes
    export.size_bytes = len(data)
    export.finished_at = timezone.now()
    export.error = ""
    export.save(
        update_fields=[
            "file",
            "status",
            "notes_done",
            "notes_total",
            "size_bytes",
            "finished_at",
            "error",
        ]
    )
    return "ready"


def exports_purge(*, now=None) -> int:
    """Delete exports (rows and files) older than the retention; the number deleted."""
    cutoff = (now or timezone.now()) - retention()
    deleted = 0
    for export in QdpxExport.objects.filter(created_at__lt=cutoff).iterator():
        if export.file:
            export.file.delete(save=False)
        export.delete()
        deleted += 1
    return deleted


@shared_task(
    # The database records the outcome (the row), not a result store.
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
def build_qdpx_export(export_id: str) -> str:
    return build(export_id)
