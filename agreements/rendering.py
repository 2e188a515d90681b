"""Rendering a queued document: claim it, render its stored payload to HTML and then to a
PDF with WeasyPrint, store the file. ``render_document`` is the Celery task, a thin shell
around ``render``; the reliability settings (late acknowledgement, requeue when the worker
dies, prefetch 1, time limits, a cap on tasks per child) are in ``roadmap_site/settings.py``
and repeated here where a task can say so itself.

Rendering reads only the stored payload, so a PDF always matches its hash; what goes into a
payload, and the request that queues a document and sends this task, are in
``agreements/documents.py``.
"""

import logging
import os
import time
from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.db import DatabaseError, InterfaceError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Document, DocumentKind, DocumentStatus

logger = logging.getLogger(__name__)

TEMPLATES = {
    DocumentKind.STEP_REPORT: "agreements/pdf/step_report.html",
    DocumentKind.WORK_PLAN: "agreements/pdf/work_plan.html",
    DocumentKind.AGREEMENT: "agreements/pdf/agreement.html",
    DocumentKind.BOARD_REPORT: "agreements/pdf/board_report.html",
    DocumentKind.BRIEFING: "agreements/pdf/briefing.html",
}
PRINT_CSS = "css/print.css"

# Every document is a tagged PDF in its language (``<html lang>``): headings, lists and
# tables with header cells in a structure tree a screen reader follows. The records kept
# under the Archives Act (an agreed agreement's version, the steering board report) are
# PDF/A-2a: archival PDF/A whose level A requires that same tagging. WeasyPrint writes one
# identification per file, so the other kinds say PDF/UA-1, the archival ones PDF/A-2a.
ACCESSIBLE_VARIANT = "pdf/ua-1"
ARCHIVAL_VARIANT = "pdf/a-2a"


def pdf_variant(kind: str, payload: dict) -> str:
    """The PDF variant a document of this kind and content is rendered as."""
    archival = kind == DocumentKind.BOARD_REPORT or (
        kind == DocumentKind.AGREEMENT and payload.get("agreed")
    )
    return ARCHIVAL_VARIANT if archival else ACCESSIBLE_VARIANT


class TransientError(Exception):
    """Worth trying again later (the database went away); the task retries with backoff."""


def render_html(document: Document) -> str:
    payload = document.payload
    with translation.override(payload.get("language") or settings.LANGUAGE_CODE):
        return render_to_string(
            TEMPLATES[document.kind],
            {
                "doc": payload,
                "document": document,
                "kind_label": document.get_kind_display(),
                "generated_at": document.requested_at,
            },
        )


def page_css() -> str:
    """Running footer words in the document's language (CSS cannot translate itself)."""
    page, of = _("page"), _("of")
    return (
        f'@page {{ @bottom-right {{ content: "{page} " counter(page) " {of} " counter(pages); }} }}'
    )


def pdf_from_html(html: str, variant: str | None = ACCESSIBLE_VARIANT) -> tuple[bytes, int]:
    """HTML and the print CSS to PDF bytes with WeasyPrint, as ``variant`` (``None``: an
    untagged PDF, for the benchmark only); returns (pdf, page count)."""
    from weasyprint import CSS, HTML

    static_root = Path(finders.find(PRINT_CSS)).parent.parent
    rendered = HTML(string=html, base_url=str(static_root)).render(
        stylesheets=[CSS(filename=finders.find(PRINT_CSS)), CSS(string=page_css())],
        # Tagging is decided at layout time, so it is asked for here as well.
        pdf_variant=variant,
    )
    return rendered.write_pdf(pdf_variant=variant), len(rendered.pages)


def _claim(document_id) -> Document | None:
    """Mark a queued document as rendering; None when another attempt has it or it is done,
    so that a task delivered twice renders once."""
    with transaction.atomic():
        document = Document.objects.select_for_update().filter(pk=document_id).first()
        if document is None or document.status != DocumentStatus.QUEUED:
            return None
        document.status = DocumentStatus.RENDERING
        document.started_at = timezone.now()
        document.attempts += 1
        document.save(update_fields=["status", "started_at", "attempts"])
        return document


def render(document_id) -> str:
    """Render one document (the body of the Celery task). Idempotent."""
    document = _claim(document_id)
    if document is None:
        return "skipped"
    # Fault injection for the worker-killed test only: holds the claimed document so that
    # the test can SIGKILL the worker mid-render. Unset in every real deployment.
    hold = float(os.environ.get("ROADMAP_TEST_RENDER_HOLD_SECONDS") or 0)
    if hold:
        time.sleep(hold)
    started = time.perf_counter()
    try:
        with translation.override(document.payload.get("language") or settings.LANGUAGE_CODE):
            html = render_html(document)
            pdf, pages = pdf_from_html(html, pdf_variant(document.kind, document.payload))
    except (DatabaseError, InterfaceError):
        # Transient: give the document back to the queue; the task retries with backoff.
        Document.objects.filter(pk=document.pk).update(status=DocumentStatus.QUEUED)
        raise
    except Exception as error:
        document.status = DocumentStatus.FAILED
        document.error = f"{type(error).__name__}: {error}"[:2000]
        document.finished_at = timezone.now()
        document.save(update_fields=["status", "error", "finished_at"])
        logger.exception("Document %s failed", document.pk)
        return "failed"
    document.file.save(f"{document.pk}.pdf", ContentFile(pdf), save=False)
    document.status = DocumentStatus.READY
    document.pages = pages
    document.size_bytes = len(pdf)
    document.finished_at = timezone.now()
    document.render_seconds = round(time.perf_counter() - started, 3)
    document.error = ""
    document.save(
        update_fields=[
            "file",
            "status",
            "pages",
            "size_bytes",
            "finished_at",
            "render_seconds",
            "error",
        ]
    )
    return "ready"


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
    return render(document_id)
