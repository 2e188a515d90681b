"""The stakeholder portal: what a stakeholder sees of their region and approves."""

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from regions.access import get_region_for_user, role_of, visible_regions
from regions.models import Role
from steps.models import StepStatus, WorkPlanVersion
from steps.selectors import region_roadmap

from .. import briefing as briefings
from .. import services
from ..access import draft_version_ids
from ..models import (
    Agreement,
    AgreementStatus,
    AgreementVersion,
    Approval,
    Document,
    DocumentKind,
    DocumentStatus,
)
from ..selectors import approval_rows
from .documents import _document_answer

# --- the stakeholder portal -------------------------------------------------------------


@login_required
def portal(request):
    regions = list(visible_regions(request.user).order_by("name")[:50])
    if len(regions) == 1:
        return redirect("agreements:portal_region", regions[0].pk)
    return TemplateResponse(request, "agreements/portal_list.html", {"regions": regions})


@login_required
def portal_region(request, region_id):
    """What a stakeholder sees of their region: where it stands, the decisions, published
    work plans, agreements with their status and the approval asked of them, and the step
    reports. Nothing internal (no field notes, no session notes)."""
    region = get_region_for_user(request.user, region_id)
    roadmap = region_roadmap(region)
    agreements = list(
        Agreement.objects.filter(region=region)
        .exclude(status=AgreementStatus.DRAFT)
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=AgreementVersion.objects.order_by("-number").prefetch_related(
                    Prefetch("approvals", queryset=Approval.objects.select_related("organisation"))
                ),
                to_attr="vs",
            )
        )
        .order_by("-created_at")
    )
    is_stakeholder = role_of(request.user) == Role.STAKEHOLDER
    own = services.representing_stakeholder(request.user, region) if is_stakeholder else None
    for agreement in agreements:
        agreement.region = region
        agreement.latest = agreement.vs[0]
        agreement.rows = approval_rows(agreement.latest)
        agreement.approval_form = None
        if own is not None and agreement.status == AgreementStatus.CONSULTATION:
            approved = {a.organisation_id for a in agreement.latest.approvals.all()}
            if (
                own.organisation_id in agreement.latest.party_ids
                and own.organisation_id not in approved
            ):
                # A plain form with the own organisation: no choice list to query per agreement.
                agreement.approval_form = True
    work_plans = list(WorkPlanVersion.objects.filter(work_plan__region=region).order_by("-number"))
    started = [
        row.region_step for row in roadmap.rows if row.region_step.status != StepStatus.NOT_STARTED
    ]
    context = {
        "region": region,
        "roadmap": roadmap,
        "agreements": agreements,
        "work_plans": work_plans,
        "started_steps": started,
        "own": own,
        "ready_documents": list(
            Document.objects.filter(region=region, status=DocumentStatus.READY)
            .exclude(kind=DocumentKind.AGREEMENT, subject_id__in=draft_version_ids(region.pk))
            .order_by("-finished_at")[:10]
        ),
    }
    return TemplateResponse(request, "agreements/portal.html", context)


# --- the newcomer briefing --------------------------------------------------------------


def _reader(request, region):
    """The stakeholder reading the briefing (None for staff previewing it)."""
    if role_of(request.user) != Role.STAKEHOLDER:
        return None
    return services.representing_stakeholder(request.user, region)


@login_required
def briefing(request, region_id):
    """What a newcomer needs to know; opening it is recorded for the project leader."""
    region = get_region_for_user(request.user, region_id)
    reader = _reader(request, region)
    if reader is not None:
        briefings.record_opening(region, reader)
    context = {"region": region, "b": briefings.briefing_payload(region, reader)}
    return TemplateResponse(request, "agreements/briefing.html", context)


@login_required
@require_POST
def briefing_pdf(request, region_id):
    region = get_region_for_user(request.user, region_id)
    reader = _reader(request, region)
    if reader is not None:
        briefings.record_opening(region, reader)
    document, reused = briefings.request_briefing(region, reader, user=request.user)
    return _document_answer(request, document, reused)
