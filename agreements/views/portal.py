"""The stakeholder portal: what a stakeholder sees of their region and approves."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from regions.access import get_region_for_user, role_of, visible_regions
from regions.fragments import data_version
from regions.models import Role
from steps.selectors import region_roadmap

from .. import briefing as briefings
from .. import services
from ..access import draft_version_ids
from ..fragments import DocumentSubjects, cached, document_subjects
from ..models import Document, DocumentKind, DocumentStatus
from ..portal import PortalAgreement, portal_agreement, representing, shown_agreements
from .documents import _document_answer

# --- the stakeholder portal -------------------------------------------------------------


@login_required
def portal(request):
    regions = list(visible_regions(request.user).order_by("name")[:50])
    if len(regions) == 1:
        return redirect("agreements:portal_region", regions[0].pk)
    return TemplateResponse(request, "agreements/portal_list.html", {"regions": regions})


@dataclass(frozen=True)
class PortalParts:
    """The portal's read parts: rendered without the request (no viewer's token can enter
    them), with the plain values its forms are rendered from for each viewer."""

    now_html: str  # where the region stands and its decisions
    agreements: tuple[PortalAgreement, ...]
    documents: DocumentSubjects


def _portal_parts(region, version) -> PortalParts:
    def read():
        roadmap = region_roadmap(region)
        agreements = [
            portal_agreement(
                agreement,
                render_to_string("agreements/portal.html#agreement-head", {"agreement": agreement}),
            )
            for agreement in shown_agreements(region)
        ]
        return PortalParts(
            now_html=render_to_string(
                "agreements/portal.html#now", {"region": region, "roadmap": roadmap}
            ),
            agreements=tuple(agreements),
            documents=document_subjects(region, version),
        )

    # The same for every viewer of the region (drafts are never shown); an approval or a new
    # agreement version bumps the data version, so it shows on the next request.
    return cached("portal", [region.pk], read, version)


@login_required
def portal_region(request, region_id):
    """What a stakeholder sees of their region: where it stands, the decisions, published
    work plans, agreements with their status and the approval asked of them, and the step
    reports. Nothing internal (no field notes, no session notes)."""
    region = get_region_for_user(request.user, region_id)
    version = data_version()
    own = None
    if role_of(request.user) == Role.STAKEHOLDER:
        # The viewer's own: cached under their login, never shared with another viewer.
        own = cached(
            "portal-representing",
            [region.pk, request.user.pk],
            lambda: representing(request.user, region),
            version,
        )
    parts = _portal_parts(region, version)
    own_organisation = own.organisation_id if own else None
    context = {
        "region": region,
        "parts": parts,
        "own": own,
        "to_approve": {a.pk for a in parts.agreements if a.asks_approval_of(own_organisation)},
        # Documents change with the PDF worker, not with the data version: read each time.
        "ready_documents": list(
            Document.objects.filter(region=region, status=DocumentStatus.READY)
            .exclude(kind=DocumentKind.AGREEMENT, subject_id__in=draft_version_ids(region.pk))
            .order_by("-finished_at")[:10]
        ),
        "data_version": version,
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
