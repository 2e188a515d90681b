"""Moving a region along the roadmap: start, complete or skip a step, record a decision.

Each view is a form post. With htmx the region's step track is re-rendered in place; without
JavaScript the same post redirects back to the region page, or shows it with the errors.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from regions.access import can_edit_region, get_region_for_user, role_of
from regions.fragments import data_version
from regions.submissions import submit_once

from .. import fragments, services
from ..forms import DecisionForm, StepCompleteForm, StepSkipForm, StepStartForm
from ..models import DecisionPoint, RegionStep, StepStatus
from ..selectors import region_roadmap

#: The track's forms, behind closed <details> that load them when opened (htmx ``hx-get``
#: of ``?form=<action>-<code>`` on toggle, a plain link without JavaScript): the track
#: itself is then the same for every editor and is cached; a form is rendered only for the
#: one who opens it, and a refused one comes back open with what was typed.
STEP_FORM_ACTIONS = ("start", "skip", "complete", "decision")


def opened_step_form(value: str | None) -> tuple[str, str] | None:
    """``"complete-2a"`` -> ``("complete", "2a")``, ``"decision-after-2a"`` ->
    ``("decision", "after-2a")``; None for anything else."""
    action, _sep, code = (value or "").partition("-")
    if action in STEP_FORM_ACTIONS and code:
        return action, code
    return None


def _offered_track(region, can_edit: bool):
    """The roadmap with, for an editor, which forms each row offers (``offers_*``) and why a
    step cannot start: the read part of the track, the same for every editor."""
    roadmap = region_roadmap(region)
    if not can_edit:
        return roadmap
    for row in roadmap.rows:
        row.offers_complete = row.region_step.status == StepStatus.IN_PROGRESS
    if roadmap.next_row is not None:
        row = roadmap.next_row
        row.start_blocker = services.start_blocker(row.region_step)
        row.offers_start = not row.start_blocker
    pending = roadmap.pending_decision
    if pending is not None:
        pending.offers_form = not services.decision_blocker(region, pending.point)
    return roadmap


def _open_form(region, roadmap, action: str, code: str, seen: str | None) -> None:
    """Put the empty form the editor opened on its row, when the row offers it."""
    for row in roadmap.rows:
        region_step = row.region_step
        if region_step.step.code == code:
            if action == "complete" and getattr(row, "offers_complete", False):
                row.complete_form = StepCompleteForm(
                    prefix=f"complete-{code}", region_step=region_step
                )
            elif action == "start" and getattr(row, "offers_start", False):
                row.start_form = StepStartForm(prefix=f"start-{code}")
            elif action == "skip" and getattr(row, "offers_start", False):
                row.skip_form = StepSkipForm(prefix=f"skip-{code}")
        pending = row.decision_point_after
        if (
            action == "decision"
            and pending is not None
            and pending.point.code == code
            and getattr(pending, "offers_form", False)
        ):
            latest = pending.latest.pk if pending.latest else 0
            pending.form = DecisionForm(
                prefix=f"decision-{code}",
                region=region,
                point=pending.point,
                # The newest decision the page showed when the form was opened: htmx swaps
                # the form into a page that may be older than this request.
                initial={"seen_decision": int(seen) if seen and seen.isdigit() else latest},
            )


def roadmap_context(request, region, bound: dict | None = None, open_form=None) -> dict:
    """The step track; for an editor, the form opened (``open_form``, see
    ``opened_step_form``) or the one refused.

    ``bound`` holds a submitted form (keyed like the forms below) so that its errors and
    the text the user typed are shown in place of an empty form. Without either, the
    track is rendered once per data version for each region, role and right to edit
    (``track_html``); a page that answers a post renders it anew.
    """
    bound = bound or {}
    can_edit = can_edit_region(request.user, region)
    opened = opened_step_form(open_form) if can_edit else None
    context = {"region": region, "can_edit": can_edit}
    if not bound and opened is None and request.method == "GET":
        # Read once for the page: its other cached panels use it too.
        context["data_version"] = version = data_version()

        def render_track():
            # Without the request: no viewer's CSRF token can enter the cached track.
            return render_to_string(
                "regions/region_detail.html#track",
                {
                    "region": region,
                    "roadmap": _offered_track(region, can_edit),
                    "can_edit": can_edit,
                },
            )

        parts = [region.pk, role_of(request.user), can_edit]
        context["track_html"] = mark_safe(  # noqa: S308 - our own rendered, escaped template
            fragments.cached("track", parts, render_track, version)
        )
        return context
    roadmap = _offered_track(region, can_edit)
    if opened is not None:
        # Only htmx swaps the form into an older page; a whole page shows the newest.
        seen = request.GET.get("seen") if request.htmx else None
        _open_form(region, roadmap, *opened, seen=seen)
    if can_edit:
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
    context["roadmap"] = roadmap
    return context


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
