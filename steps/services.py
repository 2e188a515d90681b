"""The roadmap's rules: starting, completing and skipping steps, and recording decisions.

Views call these functions and nothing else changes a region's step status. Every refusal
raises ``RoadmapRuleError`` with a sentence a user understands.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from regions.models import Region, RegionStatus

from . import deliverables
from .models import (
    Decision,
    DecisionOutcome,
    DecisionPoint,
    RegionStep,
    StepStatus,
    StepTransition,
    WorkPlan,
    WorkPlanVersion,
)
from .scenarios import snapshot as scenario_snapshot
from .work_plans import snapshot as work_plan_snapshot


class RoadmapRuleError(ValidationError):
    """A step or decision the roadmap does not allow, with the reason for the user."""


def _lock(region_step: RegionStep) -> RegionStep:
    return (
        RegionStep.objects.select_for_update()
        .select_related("region", "step")
        .get(pk=region_step.pk)
    )


def _check_region_active(region: Region) -> None:
    if region.status != RegionStatus.ACTIVE:
        raise RoadmapRuleError(
            _("%(region)s is %(status)s, so its roadmap cannot move.")
            % {"region": region.name, "status": region.get_status_display()}
        )


def _check_not_future(on: datetime.date) -> None:
    """Steps and decisions record what happened: a date still ahead would show on the
    region page, the portal, the network feed and the board report as if it were past."""
    if on > timezone.localdate():
        raise RoadmapRuleError(
            _("%(date)s lies in the future; record a step or decision once it has happened.")
            % {"date": on.isoformat()},
            code="future_date",
        )


def latest_decision(region: Region, decision_point: DecisionPoint) -> Decision | None:
    return (
        Decision.objects.filter(region=region, decision_point=decision_point)
        .order_by("-decided_on", "-recorded_at", "-id")
        .first()
    )


def start_blocker(region_step: RegionStep) -> str | None:
    """Why this step cannot start now, or None when it can."""
    region, step = region_step.region, region_step.step
    if region.status != RegionStatus.ACTIVE:
        return _("%(region)s is %(status)s, so its roadmap cannot move.") % {
            "region": region.name,
            "status": region.get_status_display(),
        }
    if region_step.status == StepStatus.IN_PROGRESS:
        return _("Step %(code)s is already in progress.") % {"code": step.code}
    if region_step.status in {StepStatus.COMPLETED, StepStatus.SKIPPED}:
        return _("Step %(code)s is already %(status)s.") % {
            "code": step.code,
            "status": region_step.get_status_display(),
        }
    point = getattr(step, "decision_point_before", None)
    if point is not None:
        decision = latest_decision(region, point)
        if decision is None or decision.outcome != DecisionOutcome.GO:
            return _(
                "Step %(code)s cannot start before a “go” at the decision point after "
                "step %(previous)s."
            ) % {"code": step.code, "previous": point.after_step.code}
        return None
    previous = (
        RegionStep.objects.filter(region=region, step__order__lt=step.order)
        .select_related("step")
        .order_by("-step__order")
        .first()
    )
    if previous is not None and not previous.is_done:
        return _("Step %(code)s cannot start before step %(previous)s is completed.") % {
            "code": step.code,
            "previous": previous.step.code,
        }
    return None


def _transition(region_step, to_status, *, by, on, note=""):
    StepTransition.objects.create(
        region_step=region_step,
        from_status=region_step.status,
        to_status=to_status,
        on=on,
        by=by,
        note=note,
    )
    region_step.status = to_status


@transaction.atomic
def step_start(
    *, region_step: RegionStep, by=None, on: datetime.date | None = None, planned_end=None
) -> RegionStep:
    region_step = _lock(region_step)
    reason = start_blocker(region_step)
    if reason:
        raise RoadmapRuleError(reason)
    on = on or timezone.localdate()
    _check_not_future(on)
    _transition(region_step, StepStatus.IN_PROGRESS, by=by, on=on)
    region_step.started_on = on
    region_step.completed_on = None
    region_step.planned_end = planned_end or on + datetime.timedelta(
        days=region_step.step.planned_duration_days
    )
    region_step.save()
    return region_step


@transaction.atomic
def step_complete(
    *, region_step: RegionStep, by=None, on: datetime.date | None = None, summary: str | None = None
) -> RegionStep:
    region_step = _lock(region_step)
    _check_region_active(region_step.region)
    code = region_step.step.code
    if region_step.status != StepStatus.IN_PROGRESS:
        raise RoadmapRuleError(
            _("Step %(code)s is %(status)s; only a step in progress can be completed.")
            % {"code": code, "status": region_step.get_status_display()}
        )
    if summary is not None:
        region_step.summary = summary.strip()
    missing = deliverables.missing(region_step)
    if missing:
        raise RoadmapRuleError(missing, code="deliverable_missing")
    on = on or timezone.localdate()
    _check_not_future(on)
    if region_step.started_on and on < region_step.started_on:
        raise RoadmapRuleError(
            _("Step %(code)s cannot end before it started (%(date)s).")
            % {"code": code, "date": region_step.started_on.isoformat()}
        )
    _transition(region_step, StepStatus.COMPLETED, by=by, on=on)
    region_step.completed_on = on
    region_step.save()
    return region_step


@transaction.atomic
def step_skip(
    *, region_step: RegionStep, reason: str, by=None, on: datetime.date | None = None
) -> RegionStep:
    region_step = _lock(region_step)
    if not reason.strip():
        raise RoadmapRuleError(
            _("Say why step %(code)s is skipped.") % {"code": region_step.step.code}
        )
    blocker = start_blocker(region_step)
    if blocker:
        raise RoadmapRuleError(blocker)
    on = on or timezone.localdate()
    _check_not_future(on)
    _transition(region_step, StepStatus.SKIPPED, by=by, on=on, note=reason.strip())
    region_step.summary = reason.strip()
    region_step.started_on = region_step.completed_on = on
    region_step.save()
    return region_step


def decision_blocker(region: Region, decision_point: DecisionPoint) -> str | None:
    """Why a decision cannot be recorded at this point now, or None when it can."""
    if region.status != RegionStatus.ACTIVE:
        return _("%(region)s is %(status)s, so its roadmap cannot move.") % {
            "region": region.name,
            "status": region.get_status_display(),
        }
    before = RegionStep.objects.get(region=region, step=decision_point.after_step)
    if not before.is_done:
        return _("The decision after step %(code)s waits until step %(code)s is completed.") % {
            "code": decision_point.after_step.code
        }
    after = RegionStep.objects.get(region=region, step=decision_point.before_step)
    if after.status != StepStatus.NOT_STARTED:
        return _("Step %(next)s has already started; this decision point lies before it.") % {
            "next": decision_point.before_step.code
        }
    return None


def _taken_meanwhile(decision: Decision | None) -> str:
    if decision is None:
        return _("Not recorded: the decision your page showed was removed meanwhile. Look again.")
    who = decision.recorded_by
    return _(
        "Not recorded: %(who)s recorded “%(outcome)s” here at %(when)s, after your page was "
        "loaded. Read it on the page below before you record another decision."
    ) % {
        "who": (who.get_full_name() or who.get_username()) if who else _("someone"),
        "outcome": decision.get_outcome_display(),
        "when": timezone.localtime(decision.recorded_at).strftime("%Y-%m-%d %H:%M"),
    }


@transaction.atomic
def decision_record(
    *,
    region: Region,
    decision_point: DecisionPoint,
    outcome: str,
    rationale: str,
    decided_by=(),
    by=None,
    on: datetime.date | None = None,
    accepted_scenario=None,
    accepted_scenario_snapshot=None,
    seen_decision: int | None = None,
) -> Decision:
    """``seen_decision``: the id of the newest decision at this point the user's page showed
    (0 for none). A decision over one they did not see is refused, saying who took it."""
    region = Region.objects.select_for_update().get(pk=region.pk)
    if seen_decision is not None:
        latest = latest_decision(region, decision_point)
        if (latest.pk if latest else 0) != seen_decision:
            raise RoadmapRuleError(_taken_meanwhile(latest), code="stale")
    if outcome not in DecisionOutcome.values:
        raise RoadmapRuleError(_("Choose go on, revise or stop."))
    if not rationale.strip():
        raise RoadmapRuleError(_("Write down why this decision was taken."))
    blocker = decision_blocker(region, decision_point)
    if blocker:
        raise RoadmapRuleError(blocker)
    on = on or timezone.localdate()
    _check_not_future(on)
    if accepted_scenario is not None:
        if accepted_scenario.business_case.region_id != region.pk:
            raise RoadmapRuleError(_("That scenario belongs to another region."))
        if accepted_scenario_snapshot is None:
            # Frozen as it is now: a later edit of the scenario does not change the decision.
            accepted_scenario_snapshot = scenario_snapshot(accepted_scenario)
    decision = Decision.objects.create(
        region=region,
        decision_point=decision_point,
        outcome=outcome,
        rationale=rationale.strip(),
        decided_on=on,
        recorded_by=by,
        accepted_scenario=accepted_scenario,
        accepted_scenario_snapshot=accepted_scenario_snapshot,
    )
    decision.decided_by.set(decided_by)
    if outcome == DecisionOutcome.REVISE:
        previous = _lock(RegionStep.objects.get(region=region, step=decision_point.after_step))
        _transition(
            previous,
            StepStatus.IN_PROGRESS,
            by=by,
            on=on,
            note=_("Reopened: the decision point asked to revise this step."),
        )
        previous.completed_on = None
        previous.save()
    elif outcome == DecisionOutcome.STOP:
        region.status = RegionStatus.STOPPED
        region.save(update_fields=["status"])
    return decision


# --- Work plan versions ------------------------------------------------------------------


@transaction.atomic
def work_plan_publish(
    work_plan, by=None, note: str = "", *, seen_version: int | None = None
) -> WorkPlanVersion:
    """Freeze the work plan as it is now into the next numbered version.

    Stakeholders of the region see published versions; later edits of the draft do not
    change a published version (``WorkPlanVersion.save`` refuses to overwrite one).
    """
    work_plan = WorkPlan.objects.select_for_update().select_related("region").get(pk=work_plan.pk)
    if not work_plan.activities.exists():
        raise RoadmapRuleError(_("A work plan without activities cannot be published."))
    last = work_plan.versions.order_by("-number").first()
    if seen_version is not None and (last.number if last else 0) != seen_version:
        # Two people pressing "publish" on the same page make one version, not two.
        who = last.published_by if last else None
        raise RoadmapRuleError(
            _(
                "Not published: version %(number)s was published meanwhile by %(who)s at "
                "%(when)s. Look at it before publishing another."
            )
            % {
                "number": last.number if last else 0,
                "who": (who.get_full_name() or who.get_username()) if who else _("someone"),
                "when": timezone.localtime(last.published_at).strftime("%H:%M") if last else "",
            },
            code="stale",
        )
    last = last.number if last else None
    return WorkPlanVersion.objects.create(
        work_plan=work_plan,
        number=(last or 0) + 1,
        published_by=by,
        note=(note or "").strip(),
        snapshot=work_plan_snapshot(work_plan),
    )
