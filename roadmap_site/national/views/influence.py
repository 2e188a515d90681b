"""The influence/interest map of a region's project group (step 1): the grid on a date,
two dates side by side with who moved, and placing a member on it.

Read by those who read the project group; changed by those who may change the region."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from regions import services
from regions.access import can_edit_region
from regions.submissions import submit_once
from steps.stakeholder_map import map_comparison, stakeholder_map

from ..group_forms import AssessmentForm, MapDatesForm
from .group import _readable_region


def _page(request, region, *, form=None, status=200):
    dates = MapDatesForm(request.GET or None)
    on, earlier = timezone.localdate(), None
    if dates.is_valid():
        on = dates.cleaned_data["on"] or on
        earlier = dates.cleaned_data["compare"]
    context = {
        "region": region,
        "dates_form": dates,
        "can_edit": can_edit_region(request.user, region),
    }
    if earlier is not None:
        first, second, moves = map_comparison(region, min(earlier, on), max(earlier, on))
        context.update(maps=[first, second], moves=moves, comparing=True)
    else:
        context.update(maps=[stakeholder_map(region, on)], comparing=False)
    if context["can_edit"]:
        context["form"] = form or AssessmentForm(region=region, prefix="assess")
    return TemplateResponse(request, "regions/influence_map.html", context, status=status)


@login_required
def map_page(request, pk):
    return _page(request, _readable_region(request, pk))


@login_required
@require_POST
def assess(request, pk):
    region = _readable_region(request, pk, write=True)
    form = AssessmentForm(request.POST, region=region, prefix="assess")
    if not form.is_valid():
        return _page(request, region, form=form, status=422)
    data = form.cleaned_data

    def create():
        assessment = services.assess(region=region, by=request.user, **data)
        return assessment, reverse("regions:map", args=[region.pk])

    try:
        submit_once(user=request.user, key=form.submission_key, create=create)
    except ValidationError as refusal:
        form.add_error(None, refusal)
        return _page(request, region, form=form, status=422)
    messages.success(
        request,
        _("%(name)s placed on the map of %(date)s.")
        % {"name": data["stakeholder"].name, "date": data["assessed_on"].isoformat()},
    )
    return redirect("regions:map", region.pk)
