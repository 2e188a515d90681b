"""Moving a region along the roadmap: start, complete or skip a step, record a decision.

Each view is a form post. With htmx the region's step track is re-rendered in place; without
JavaScript the same post redirects back to the region page, or shows it with the errors.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from regions.access import can_edit_region, get_region_for_user
from regions.submissions import submit_once

from .. import services
from ..forms import DecisionForm, StepCompleteForm, StepSkipForm, StepStartForm
from ..models import DecisionPoint, RegionStep, StepStatus
from ..selectors import region_roadmap


def roadmap_context(request, region, bound: dict | None = None) -> dict:
    """The step track with, for an editor, the forms that fit where the region stands.

    ``bound`` holds a submitted form (keyed like the forms below) so that its errors and
    the text the user typed are shown in place of an empty form.
    """
    bound = bound or {}
    roadmap = region_roadmap(region)
    can_edit = can_edit_region(request.user, region)
    if can_edit:
        for row in roadmap.rows:
            region_step = row.region_step
            code = region_step.step.code
            if region_step.status == StepStatus.IN_PROGRESS:
                row.complete_form = StepCompleteForm(
                    prefix=f"complete-{code}", region_step=region_step
                )
        if roadmap.next_row is not None:
            row = roadmap.next_row
            code = row.region_step.step.code
            row.start_blocker = services.start_blocker(row.region_step)
            if not row.start_blocker:
                row.start_form = StepStartForm(prefix=f"start-{code}")
                row.skip_form = StepSkipForm(prefix=f"skip-{code}")
        pending = roadmap.pending_decision
        if pending is not None and not services.decision_blocker(region, pending.point):
            pending.form = DecisionForm(
                prefix=f"decision-{pending.point.code}",
                region=region,
                point=pending.point,
                # The decision this page shows as the newest (already read for the track).
                initial={"seen_decision": pending.latest.pk if pending.latest else 0},
            )
        # A refused form stays on screen where it was sent from, even when the roadmap no
        # longer offers that action, so that nothing the user typed is lost.
        for row in roadmap.rows:
            code = row.region_step.step.code
            for action in ("start", "skip", "complete"):
                if (action, code) in bound:
                    setattr(row, f"{action}_form", bound[(action, code)])
            point = row.decision_point_after
            if point is not None and ("decision", point.point.code) in bound:
                point.form = bound[("decision", point.point.code)]
    return {"region": region, "roadmap": roadmap, "can_edit": can_edit}


# The whole region page is composed above the steps (roadmap_site/national/views/regions.py)
# and registers its context here with @region_page when the apps are ready, so that a form
# posted without JavaScript is answered with the whole page, and the steps need not import
# the layer above them. Without it the page shows the step track alone.
_region_page_context = roadmap_context


def region_page(context_function):
    """Register ``context_function(request, region, bound)``: the whole region page."""
    global _region_page_context
    _region_page_context = context_function
    return context_function


def render_roadmap(request, region, *, bound=None, status=200, extra=None):
    """The track partial for htmx, the whole region page otherwise."""
    if request.htmx:
        template = "regions/region_detail.html#roadmap"
        context = roadmap_context(request, region, bound)
    else:
        template = "regions/region_detail.html"
        context = _region_page_context(request, region, bound)
    context.update(extra or {})
    return TemplateResponse(request, template, context, status=status)


def _done(request, region, message):
    if request.htmx:
        return render_roadmap(request, region, extra={"flash": message})
    messages.success(request, message)
    return redirect("regions:detail", region.pk)


def _region_step(request, region_id, code):
    region = get_region_for_user(request.user, region_id, write=True)
    region_step = get_object_or_404(
        RegionStep.objects.select_related("step", "region"), region=region, step__code=code
    )
    return region, region_step


@login_required
@require_POST
def step_start(request, region_id, code):
    region, region_step = _region_step(request, region_id, code)
    form = StepStartForm(request.POST, prefix=f"start-{code}")
    if form.is_valid():
        try:
            services.step_start(
                region_step=region_step,
                by=request.user,
                on=form.cleaned_data["started_on"],
                planned_end=form.cleaned_data["planned_end"],
            )
        except services.RoadmapRuleError as error:
            form.add_error(None, error.messages)
        else:
            return _done(request, region, _("Step %(code)s started.") % {"code": code})
    return render_roadmap(request, region, bound={("start", code): form}, status=422)


@login_required
@require_POST
def step_complete(request, region_id, code):
    region, region_step = _region_step(request, region_id, code)
    form = StepCompleteForm(request.POST, prefix=f"complete-{code}", region_step=region_step)
    if form.is_valid():
        try:
            services.step_complete(
                region_step=region_step,
                by=request.user,
                on=form.cleaned_data["completed_on"],
                summary=form.cleaned_data["summary"],
            )
        except services.RoadmapRuleError as error:
            field = "summary" if error.code == "deliverable_missing" else None
            form.add_error(field, error.messages)
        else:
            return _done(request, region, _("Step %(code)s completed.") % {"code": code})
    return render_roadmap(request, region, bound={("complete", code): form}, status=422)


@login_required
@require_POST
def step_skip(request, region_id, code):
    region, region_step = _region_step(request, region_id, code)
    form = StepSkipForm(request.POST, prefix=f"skip-{code}")
    if form.is_valid():
        try:
            services.step_skip(
                region_step=region_step, by=request.user, reason=form.cleaned_data["reason"]
            )
        except services.RoadmapRuleError as error:
            form.add_error(None, error.messages)
        else:
            return _done(request, region, _("Step %(code)s skipped.") % {"code": code})
    return render_roadmap(request, region, bound={("skip", code): form}, status=422)


@login_required
@require_POST
def decision_create(request, region_id, point_code):
    region = get_region_for_user(request.user, region_id, write=True)
    point = get_object_or_404(
        DecisionPoint.objects.select_related("after_step", "before_step"), code=point_code
    )
    form = DecisionForm(request.POST, prefix=f"decision-{point_code}", region=region, point=point)
    if form.is_valid():

        def record():
            decision = services.decision_record(
                region=region,
                decision_point=point,
                outcome=form.cleaned_data["outcome"],
                rationale=form.cleaned_data["rationale"],
                decided_by=form.cleaned_data["decided_by"],
                on=form.cleaned_data["decided_on"],
                by=request.user,
                accepted_scenario=form.cleaned_data.get("accepted_scenario"),
                seen_decision=form.cleaned_data.get("seen_decision"),
            )
            return decision, decision.get_outcome_display()

        try:
            done = submit_once(user=request.user, key=form.submission_key, create=record)
        except services.RoadmapRuleError as error:
            form.add_error(None, error.messages)
            if error.code == "stale":
                # Seen now: sending the form again is a decision over the one shown.
                form.data = form.data.copy()
                latest = services.latest_decision(region, point)
                form.data[form.add_prefix("seen_decision")] = str(latest.pk if latest else 0)
        else:
            region.refresh_from_db()
            return _done(
                request, region, _("Decision recorded: %(outcome)s.") % {"outcome": done.answer}
            )
    return render_roadmap(request, region, bound={("decision", point_code): form}, status=422)
