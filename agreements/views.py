"""Agreement screens for the project leader (and read-only for those who may see the
region), document requests and downloads, and the stakeholder portal.

Every view resolves the region through ``regions.access``; the rules are in
``agreements/services.py`` and ``agreements/documents.py``. With htmx a form re-renders the
agreement in place (422 with the user's input when refused); without JavaScript the same
post redirects back or shows the page with the errors.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from regions.access import (
    can_edit_region,
    get_region_for_user,
    role_of,
    sees_all_regions,
    visible_regions,
)
from regions.models import Role
from steps.models import RegionStep, StepStatus, WorkPlanVersion
from steps.selectors import region_roadmap

from . import documents, services
from .forms import (
    AgreementForm,
    ApprovalForm,
    ClauseForm,
    MoveForm,
    PartyForm,
    ResolveForm,
    ReviewForm,
)
from .models import (
    Agreement,
    AgreementReview,
    AgreementStatus,
    AgreementVersion,
    Approval,
    Document,
    DocumentKind,
    DocumentStatus,
)

# --- access ------------------------------------------------------------------------------


def visible_agreements(user):
    """Agreements of the regions the user may see. A draft is the project leader's working
    copy: stakeholders see an agreement once it is put to the parties."""
    agreements = Agreement.objects.filter(region__in=visible_regions(user))
    if role_of(user) == Role.STAKEHOLDER:
        agreements = agreements.exclude(status=AgreementStatus.DRAFT)
    return agreements


def get_agreement_for_user(user, pk, *, write=False) -> Agreement:
    """The agreement if the user may see its region (404 otherwise); 403 on a write by a
    reader."""
    agreement = (
        visible_agreements(user)
        .select_related(
            "region__owner", "intervention", "work_plan_version", "scenario", "agreed_version"
        )
        .filter(pk=pk)
        .first()
    )
    if agreement is None:
        raise Http404("No such agreement.")
    if write and not can_edit_region(user, agreement.region):
        raise PermissionDenied("You may read this agreement but not change it.")
    return agreement


def get_document_for_user(user, pk) -> Document:
    document = Document.objects.select_related("region").filter(pk=pk).first()
    if document is None:
        raise Http404("No such document.")
    if document.region_id is None:
        if not sees_all_regions(user):
            raise Http404("No such document.")
    elif not visible_regions(user).filter(pk=document.region_id).exists():
        raise Http404("No such document.")
    elif document.kind == DocumentKind.AGREEMENT:
        binned = not AgreementVersion.objects.filter(pk=document.subject_id).exists()
        if document.subject_id is not None and binned:
            raise Http404("No such document.")  # its draft is in the bin
        if (
            role_of(user) == Role.STAKEHOLDER
            and _draft_version_ids(document.region_id).filter(pk=document.subject_id).exists()
        ):
            raise Http404("No such document.")  # a draft is not shown to stakeholders
    return document


def _draft_version_ids(region_id):
    return AgreementVersion.objects.filter(
        agreement__region_id=region_id, agreement__status=AgreementStatus.DRAFT
    ).values("pk")


# --- reading an agreement ---------------------------------------------------------------


def _versions(agreement):
    return list(
        AgreementVersion.objects.filter(agreement=agreement)
        .select_related("created_by")
        .prefetch_related(
            Prefetch(
                "approvals",
                queryset=Approval.objects.select_related("organisation", "approved_by"),
            )
        )
        .order_by("-number")
    )


def approval_rows(version) -> list[dict]:
    """One row per party of this version with its approval, if any."""
    approvals = {approval.organisation_id: approval for approval in version.approvals.all()}
    return [
        {"party": party, "approval": approvals.get(party["organisation_id"])}
        for party in version.content.get("parties", [])
    ]


def approval_form_for(user, agreement, version, data=None):
    """The approval form for the parties this user may still approve for, or None."""
    if agreement.status != AgreementStatus.CONSULTATION:
        return None
    allowed = services.approvable_organisation_ids(user, agreement)
    if allowed is None:
        return None
    approved = {approval.organisation_id for approval in version.approvals.all()}
    candidates = set(allowed or version.party_ids) & set(version.party_ids)
    open_ids = candidates - approved
    if not open_ids:
        return None
    return ApprovalForm(data, prefix="approve", organisation_ids=open_ids, on_behalf=not allowed)


def agreement_context(request, agreement, bound=None) -> dict:
    bound = bound or {}
    user = request.user
    versions = _versions(agreement)
    latest = versions[0]
    can_edit = can_edit_region(user, agreement.region)
    context = {
        "agreement": agreement,
        "region": agreement.region,
        "versions": versions,
        "latest": latest,
        "approval_rows": approval_rows(latest),
        "approval_form": bound.get("approve") or approval_form_for(user, agreement, latest),
        "can_edit": can_edit,
        "reviews": list(
            AgreementReview.objects.filter(agreement=agreement)
            .select_related("context_event", "resolved_by")
            .order_by("-flagged_at")
        ),
        "closed": agreement.status
        in {AgreementStatus.ENDED, AgreementStatus.TERMINATED, AgreementStatus.SUPERSEDED},
    }
    if can_edit and not context["closed"]:
        region = agreement.region
        context.update(
            parties=list(agreement.parties.select_related("organisation", "signatory")),
            clauses=list(agreement.clauses.order_by("order", "id")),
            terms_form=bound.get("terms") or AgreementForm(instance=agreement, region=region),
            party_form=bound.get("party") or PartyForm(region=region),
            clause_form=bound.get("clause") or ClauseForm(),
            review_form=bound.get("review") or ReviewForm(region=region),
            move_form=bound.get("move") or MoveForm(prefix="supersede", agreement=agreement),
            resolve_form=ResolveForm(),
            moves=[
                action
                for action, (sources, _target) in services.MOVES.items()
                if agreement.status in sources
            ],
        )
    context["error"] = bound.get("error")
    return context


def render_agreement(request, agreement, *, bound=None, status=200, flash=None):
    agreement = get_agreement_for_user(request.user, agreement.pk)
    context = agreement_context(request, agreement, bound)
    context["flash"] = flash
    template = "agreements/agreement_detail.html"
    if request.htmx:
        template += "#agreement"
    return TemplateResponse(request, template, context, status=status)


def _done(request, agreement, message):
    if request.htmx:
        return render_agreement(request, agreement, flash=message)
    messages.success(request, message)
    return redirect("agreements:detail", agreement.pk)


@login_required
def agreement_detail(request, pk):
    agreement = get_agreement_for_user(request.user, pk)
    return render_agreement(request, agreement)


@login_required
def agreement_status(request, pk):
    """The status badge alone, polled while the parties are approving."""
    agreement = get_agreement_for_user(request.user, pk)
    response = TemplateResponse(
        request, "agreements/_agreement_status.html", {"agreement": agreement}
    )
    if request.htmx and agreement.status != AgreementStatus.CONSULTATION:
        # The approvals table and forms changed too: show the whole page afresh, once.
        response["HX-Refresh"] = "true"
    return response


@login_required
def agreement_list(request, region_id):
    region = get_region_for_user(request.user, region_id)
    return _list_page(request, region)


def _list_page(request, region, form=None, status=200):
    can_edit = can_edit_region(request.user, region)
    agreements = (
        visible_agreements(request.user)
        .filter(region=region)
        .select_related("agreed_version")
        .prefetch_related(
            Prefetch(
                "reviews",
                queryset=AgreementReview.objects.filter(resolved_at__isnull=True),
                to_attr="open_reviews",
            ),
            Prefetch(
                "versions", queryset=AgreementVersion.objects.order_by("-number"), to_attr="vs"
            ),
        )
        .order_by("-created_at")
    )
    context = {
        "region": region,
        "agreements": agreements,
        "can_edit": can_edit,
        "today": timezone.localdate(),
        "form": form or (AgreementForm(region=region) if can_edit else None),
    }
    return TemplateResponse(request, "agreements/agreement_list.html", context, status=status)


@login_required
@require_POST
def agreement_create(request, region_id):
    region = get_region_for_user(request.user, region_id, write=True)
    form = AgreementForm(request.POST, region=region)
    if form.is_valid():
        data = form.cleaned_data
        try:
            agreement = services.create_agreement(region=region, by=request.user, **data)
        except services.AgreementRuleError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Agreement created as a draft; add parties and clauses."))
            return redirect("agreements:detail", agreement.pk)
    return _list_page(request, region, form=form, status=422)


# --- changing an agreement --------------------------------------------------------------


@login_required
@require_POST
def agreement_terms(request, pk):
    agreement = get_agreement_for_user(request.user, pk, write=True)
    form = AgreementForm(
        request.POST, region=agreement.region, instance=Agreement(region=agreement.region)
    )
    if form.is_valid():
        try:
            services.update_terms(agreement, by=request.user, **form.cleaned_data)
        except services.AgreementRuleError as error:
            form.add_error(None, error.messages)
        else:
            return _done(request, agreement, _("Terms saved."))
    return render_agreement(request, agreement, bound={"terms": form}, status=422)


@login_required
@require_POST
def party_set(request, pk):
    agreement = get_agreement_for_user(request.user, pk, write=True)
    form = PartyForm(request.POST, region=agreement.region)
    if form.is_valid():
        try:
            services.set_party(agreement, by=request.user, **form.cleaned_data)
        except services.AgreementRuleError as error:
            form.add_error(None, error.messages)
        else:
            return _done(request, agreement, _("Party saved."))
    return render_agreement(request, agreement, bound={"party": form}, status=422)


@login_required
@require_POST
def party_remove(request, pk, party_id):
    agreement = get_agreement_for_user(request.user, pk, write=True)
    try:
        services.remove_party(agreement, party_id=party_id, by=request.user)
    except services.AgreementRuleError as error:
        return render_agreement(
            request, agreement, bound={"error": " ".join(error.messages)}, status=422
        )
    return _done(request, agreement, _("Party removed."))


@login_required
@require_POST
def clause_save(request, pk, clause_id=None):
    agreement = get_agreement_for_user(request.user, pk, write=True)
    form = ClauseForm(request.POST)
    if form.is_valid():
        try:
            services.save_clause(
                agreement,
                title=form.cleaned_data["title"],
                text=form.cleaned_data["text"],
                order=form.cleaned_data["order"],
                clause_id=clause_id,
                by=request.user,
            )
        except services.AgreementRuleError as error:
            form.add_error(None, error.messages)
        else:
            return _done(request, agreement, _("Clause saved."))
    return render_agreement(request, agreement, bound={"clause": form}, status=422)


@login_required
@require_POST
def clause_remove(request, pk, clause_id):
    agreement = get_agreement_for_user(request.user, pk, write=True)
    try:
        services.remove_clause(agreement, clause_id=clause_id, by=request.user)
    except services.AgreementRuleError as error:
        return render_agreement(
            request, agreement, bound={"error": " ".join(error.messages)}, status=422
        )
    return _done(request, agreement, _("Clause removed."))


@login_required
@require_POST
def agreement_submit(request, pk):
    agreement = get_agreement_for_user(request.user, pk, write=True)
    try:
        version = services.submit_for_consultation(agreement, by=request.user)
    except services.AgreementRuleError as error:
        return render_agreement(
            request, agreement, bound={"error": " ".join(error.messages)}, status=422
        )
    return _done(
        request,
        agreement,
        _("Version %(number)s is now with the parties for approval.") % {"number": version.number},
    )


@login_required
@require_POST
def agreement_move(request, pk, action):
    agreement = get_agreement_for_user(request.user, pk, write=True)
    if action not in services.MOVES:
        raise Http404("No such change of status.")
    form = MoveForm(request.POST, prefix=action, agreement=agreement)
    if form.is_valid():
        try:
            services.move(
                agreement,
                action,
                by=request.user,
                note=form.cleaned_data["note"],
                superseded_by=form.cleaned_data["superseded_by"],
            )
        except services.AgreementRuleError as error:
            form.add_error(None, error.messages)
        else:
            agreement.refresh_from_db()
            return _done(
                request,
                agreement,
                _("The agreement is now %(status)s.") % {"status": agreement.get_status_display()},
            )
    return render_agreement(request, agreement, bound={"move": form}, status=422)


@login_required
@require_POST
def agreement_approve(request, pk, number):
    """A stakeholder approves for their own organisation; the project leader records an
    approval on a party's behalf with a consent note. Anyone else gets 403."""
    agreement = get_agreement_for_user(request.user, pk)
    version = get_object_or_404(AgreementVersion, agreement=agreement, number=number)
    allowed = services.approvable_organisation_ids(request.user, agreement)
    if allowed is None:
        raise PermissionDenied("You may not approve this agreement.")
    posted = request.POST.get("approve-organisation", "")
    if allowed and posted.isdigit() and int(posted) not in allowed:
        raise PermissionDenied("You may approve only for your own organisation.")
    form = ApprovalForm(
        request.POST,
        prefix="approve",
        organisation_ids=allowed or version.party_ids,
        on_behalf=not allowed,
    )
    if form.is_valid():
        try:
            services.approve(
                version=version,
                organisation=form.cleaned_data["organisation"],
                user=request.user,
                consent_note=form.cleaned_data.get("consent_note", ""),
            )
        except services.AgreementRuleError as error:
            form.add_error(None, error.messages)
        else:
            message = _("Approval of version %(number)s recorded for %(organisation)s.") % {
                "number": version.number,
                "organisation": form.cleaned_data["organisation"].name,
            }
            if request.POST.get("next") == "portal":
                messages.success(request, message)
                return redirect("agreements:portal_region", agreement.region_id)
            return _done(request, agreement, message)
    return render_agreement(request, agreement, bound={"approve": form}, status=422)


@login_required
def agreement_diff(request, pk):
    agreement = get_agreement_for_user(request.user, pk)
    versions = {v.number: v for v in AgreementVersion.objects.filter(agreement=agreement)}
    try:
        old = versions[int(request.GET.get("from", 0))]
        new = versions[int(request.GET.get("to", 0))]
    except (KeyError, ValueError):
        numbers = sorted(versions)
        if len(numbers) < 2:
            old = new = versions[numbers[-1]]
        else:
            old, new = versions[numbers[-2]], versions[numbers[-1]]
    return TemplateResponse(
        request,
        "agreements/agreement_diff.html",
        {
            "agreement": agreement,
            "region": agreement.region,
            "old": old,
            "new": new,
            "numbers": sorted(versions),
            "rows": services.diff_versions(old, new),
        },
    )


@login_required
@require_POST
def review_flag(request, pk):
    agreement = get_agreement_for_user(request.user, pk, write=True)
    form = ReviewForm(request.POST, region=agreement.region)
    if form.is_valid():
        services.flag_for_review(form.cleaned_data["context_event"], [agreement], by=request.user)
        return _done(request, agreement, _("The agreement is flagged for review."))
    return render_agreement(request, agreement, bound={"review": form}, status=422)


@login_required
@require_POST
def review_resolve(request, pk, review_id):
    agreement = get_agreement_for_user(request.user, pk, write=True)
    review = get_object_or_404(AgreementReview, agreement=agreement, pk=review_id)
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            services.resolve_review(
                review, by=request.user, resolution=form.cleaned_data["resolution"]
            )
        except services.AgreementRuleError as error:
            return render_agreement(
                request, agreement, bound={"error": " ".join(error.messages)}, status=422
            )
        return _done(request, agreement, _("Review closed."))
    return render_agreement(
        request, agreement, bound={"error": _("Write down what the review concluded.")}, status=422
    )


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
    return TemplateResponse(request, "agreements/board_report.html", {"recent": recent})


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
            .exclude(kind=DocumentKind.AGREEMENT, subject_id__in=_draft_version_ids(region.pk))
            .order_by("-finished_at")[:10]
        ),
    }
    return TemplateResponse(request, "agreements/portal.html", context)
