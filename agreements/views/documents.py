"""Documents: asking for a PDF (agreement, step report, work plan, the steering board
report), its status while a worker renders it, the download, and a retry after a failure.
What goes into each document and how it is rendered is in ``agreements/documents.py``."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from regions.access import get_region_for_user, sees_all_regions
from steps.models import RegionStep, WorkPlanVersion

from .. import documents
from ..access import get_agreement_for_user, get_document_for_user
from ..models import AgreementVersion, Document, DocumentKind, DocumentStatus

# --- documents --------------------------------------------------------------------------


def _document_answer(request, document, reused):
    if request.htmx:
        return TemplateResponse(
            request, "agreements/_document_status.html", {"document": document, "reused": reused}
        )
    return redirect("agreements:document", document.pk)


@login_required
@require_POST
def agreement_pdf(request, pk, number):
    agreement = get_agreement_for_user(request.user, pk)
    version = get_object_or_404(AgreementVersion, agreement=agreement, number=number)
    document, reused = documents.request_agreement(version, user=request.user)
    return _document_answer(request, document, reused)


@login_required
@require_POST
def step_report_pdf(request, region_id, code):
    region = get_region_for_user(request.user, region_id)
    region_step = get_object_or_404(
        RegionStep.objects.select_related("step", "region"), region=region, step__code=code
    )
    document, reused = documents.request_step_report(region_step, user=request.user)
    return _document_answer(request, document, reused)


@login_required
@require_POST
def work_plan_pdf(request, region_id, version_id):
    region = get_region_for_user(request.user, region_id)
    version = get_object_or_404(
        WorkPlanVersion.objects.select_related("work_plan__region", "published_by"),
        work_plan__region=region,
        pk=version_id,
    )
    document, reused = documents.request_work_plan(version, user=request.user)
    return _document_answer(request, document, reused)


@login_required
def board_report(request):
    if not sees_all_regions(request.user):
        raise PermissionDenied(
            "The steering board report is for the national project leader and the steering board."
        )
    if request.method == "POST":
        document, reused = documents.request_board_report(user=request.user)
        return _document_answer(request, document, reused)
    recent = Document.objects.filter(kind=DocumentKind.BOARD_REPORT).order_by("-requested_at")[:10]
    # The page says what the PDF will say: the same payload, read now.
    report = documents.board_report_payload()
    return TemplateResponse(
        request, "agreements/board_report.html", {"recent": recent, "report": report}
    )


@login_required
def document_detail(request, pk):
    document = get_document_for_user(request.user, pk)
    if request.htmx:
        return TemplateResponse(request, "agreements/_document_status.html", {"document": document})
    return TemplateResponse(request, "agreements/document_detail.html", {"document": document})


@login_required
def document_download(request, pk):
    document = get_document_for_user(request.user, pk)
    if document.status != DocumentStatus.READY or not document.file:
        raise Http404("The document is not ready.")
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.filename,
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def document_retry(request, pk):
    document = get_document_for_user(request.user, pk)
    document = documents.retry(document)
    return _document_answer(request, document, False)
