"""The agreement page for the project leader (and read-only for those who may see the
region): terms, parties, clauses, consultation, approvals, status changes and reviews.

Every view resolves the agreement through ``agreements/access.py``; the rules are in
``agreements/services.py``. With htmx a form re-renders the agreement in place (422 with
the user's input when refused); without JavaScript the same post redirects back or shows
the page with the errors.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from regions.access import can_edit_region
from regions.submissions import submit_once

from .. import services
from ..access import get_agreement_for_user
from ..forms import (
    AgreementForm,
    ApprovalForm,
    ClauseForm,
    MoveForm,
    PartyForm,
    ResolveForm,
    ReviewForm,
)
from ..models import (
    Agreement,
    AgreementClause,
    AgreementReview,
    AgreementStatus,
    AgreementVersion,
    Approval,
)
from ..selectors import approval_rows

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
        "approval_rows": approval_rows(latest, with_requests=can_edit),
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
            clauses=_clauses_with_forms(agreement, bound),
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


def _clauses_with_forms(agreement, bound) -> list:
    clauses = list(agreement.clauses.order_by("order", "id"))
    for clause in clauses:
        clause.form = bound.get(("clause", clause.pk)) or ClauseForm(
            version_of=clause, auto_id=f"clause-{clause.pk}-%s"
        )
    return clauses


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


# --- changing an agreement --------------------------------------------------------------


@login_required
@require_POST
def agreement_terms(request, pk):
    agreement = get_agreement_for_user(request.user, pk, write=True)
    with transaction.atomic():
        # Checked and saved under the agreement's lock: see roadmap_site/concurrency.py.
        live = Agreement.objects.select_for_update().get(pk=agreement.pk)
        form = AgreementForm(request.POST, region=agreement.region, instance=live)
        if form.is_valid():
            try:
                services.update_terms(live, by=request.user, **_terms(form))
            except services.AgreementRuleError as error:
                form.add_error(None, error.messages)
            else:
                return _done(request, agreement, _("Terms saved."))
    return render_agreement(request, agreement, bound={"terms": form}, status=form.answer_status)


def _terms(form) -> dict:
    """The terms the form sets: those it leaves as they are now are not in cleaned_data."""
    return {
        name: value
        for name, value in form.cleaned_data.items()
        if name in AgreementForm._meta.fields
    }


@login_required
@require_POST
def party_set(request, pk):
    agreement = get_agreement_for_user(request.user, pk, write=True)
    form = PartyForm(request.POST, region=agreement.region)
    if form.is_valid():
        try:
            submit_once(
                user=request.user,
                key=form.submission_key,
                create=lambda: (
                    services.set_party(agreement, by=request.user, **form.cleaned_data),
                    "",
                ),
            )
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
    if clause_id is None:
        form = ClauseForm(request.POST)
        if form.is_valid():

            def create():
                services.save_clause(
                    agreement,
                    title=form.cleaned_data["title"],
                    text=form.cleaned_data["text"],
                    order=form.cleaned_data["order"],
                    by=request.user,
                )
                return None, ""

            try:
                submit_once(user=request.user, key=form.submission_key, create=create)
            except services.AgreementRuleError as error:
                form.add_error(None, error.messages)
            else:
                return _done(request, agreement, _("Clause saved."))
        return render_agreement(request, agreement, bound={"clause": form}, status=422)
    with transaction.atomic():
        # The clause is checked under the agreement's lock, which every change takes.
        services.lock(agreement)
        clause = get_object_or_404(AgreementClause, agreement=agreement, pk=clause_id)
        form = ClauseForm(request.POST, version_of=clause, auto_id=f"clause-{clause.pk}-%s")
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
    return render_agreement(
        request, agreement, bound={("clause", clause_id): form}, status=form.answer_status
    )


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
