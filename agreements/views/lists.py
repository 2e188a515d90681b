"""A region's agreements: the list, and a new agreement as a draft."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from regions.access import can_edit_region, get_region_for_user
from regions.submissions import submit_once

from .. import services
from ..access import visible_agreements
from ..forms import AgreementForm
from ..models import AgreementReview, AgreementVersion


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
        data = {k: v for k, v in form.cleaned_data.items() if k in AgreementForm._meta.fields}

        def create():
            agreement = services.create_agreement(region=region, by=request.user, **data)
            return agreement, reverse("agreements:detail", args=[agreement.pk])

        try:
            done = submit_once(user=request.user, key=form.submission_key, create=create)
        except services.AgreementRuleError as error:
            form.add_error(None, error.messages)
        else:
            if done.first:
                messages.success(
                    request, _("Agreement created as a draft; add parties and clauses.")
                )
            return redirect(done.answer)
    return _list_page(request, region, form=form, status=422)
