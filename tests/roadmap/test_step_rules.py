"""The roadmap's rules: every allowed and refused transition, with the sentence users see."""

import datetime

import pytest

from regions.models import RegionStatus
from steps import services
from steps.models import DecisionPoint, RegionStep, StepStatus, StepTransition
from tests.stepwork.deliverables import record_deliverable

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 2)


def rs(region, code):
    return RegionStep.objects.select_related("step", "region").get(region=region, step__code=code)


def complete(region, code, summary="Done."):
    record_deliverable(region, code)
    services.step_start(region_step=rs(region, code), on=DAY)
    return services.step_complete(region_step=rs(region, code), on=DAY, summary=summary)


def decide(region, point_code, outcome, rationale="Because."):
    return services.decision_record(
        region=region,
        decision_point=DecisionPoint.objects.get(code=point_code),
        outcome=outcome,
        rationale=rationale,
        on=DAY,
    )


def refused(match):
    return pytest.raises(services.RoadmapRuleError, match=match)


def test_a_new_region_has_every_step_not_started(region):
    steps = RegionStep.objects.filter(region=region).order_by("step__order")
    assert [s.step.code for s in steps] == ["1", "2a", "2b", "3", "4", "5"]
    assert {s.status for s in steps} == {StepStatus.NOT_STARTED}


def test_step_1_starts_and_sets_its_planned_end_from_the_planned_duration(region):
    step = services.step_start(region_step=rs(region, "1"), on=DAY)
    assert step.status == StepStatus.IN_PROGRESS
    assert step.started_on == DAY
    assert step.planned_end == DAY + datetime.timedelta(days=step.step.planned_duration_days)
    transition = StepTransition.objects.get(region_step=step)
    assert (transition.from_status, transition.to_status) == ("not_started", "in_progress")


def test_a_step_cannot_start_twice(region):
    services.step_start(region_step=rs(region, "1"), on=DAY)
    with refused("Step 1 is already in progress."):
        services.step_start(region_step=rs(region, "1"), on=DAY)


def test_2a_waits_for_step_1(region):
    with refused("Step 2a cannot start before step 1 is completed."):
        services.step_start(region_step=rs(region, "2a"), on=DAY)


def test_completing_needs_a_summary_of_the_deliverables(region):
    services.step_start(region_step=rs(region, "1"), on=DAY)
    with refused("Step 1 cannot be completed without a summary of its deliverables."):
        services.step_complete(region_step=rs(region, "1"), on=DAY, summary="   ")
    assert rs(region, "1").status == StepStatus.IN_PROGRESS


def test_only_a_step_in_progress_can_be_completed(region):
    with refused("Step 1 is not started; only a step in progress can be completed."):
        services.step_complete(region_step=rs(region, "1"), on=DAY, summary="x")


def test_a_step_cannot_end_before_it_started(region):
    services.step_start(region_step=rs(region, "1"), on=DAY)
    with refused("cannot end before it started"):
        services.step_complete(
            region_step=rs(region, "1"), on=DAY - datetime.timedelta(days=1), summary="x"
        )


def test_2b_cannot_start_before_a_go_after_2a(region):
    complete(region, "1")
    complete(region, "2a")
    with refused("Step 2b cannot start before a “go” at the decision point after step 2a."):
        services.step_start(region_step=rs(region, "2b"), on=DAY)
    decide(region, "after-2a", "go")
    assert services.step_start(region_step=rs(region, "2b"), on=DAY).status == "in_progress"


def test_step_3_cannot_start_before_a_go_after_2b(region):
    complete(region, "1")
    complete(region, "2a")
    decide(region, "after-2a", "go")
    complete(region, "2b")
    with refused("Step 3 cannot start before a “go” at the decision point after step 2b."):
        services.step_start(region_step=rs(region, "3"), on=DAY)
    decide(region, "after-2b", "go")
    services.step_start(region_step=rs(region, "3"), on=DAY)


def test_the_decision_waits_until_the_step_before_is_completed(region):
    complete(region, "1")
    services.step_start(region_step=rs(region, "2a"), on=DAY)
    with refused("The decision after step 2a waits until step 2a is completed."):
        decide(region, "after-2a", "go")


def test_revise_reopens_the_previous_step_and_a_later_go_opens_the_next(region):
    complete(region, "1")
    complete(region, "2a")
    decide(region, "after-2a", "revise")
    step = rs(region, "2a")
    assert step.status == StepStatus.IN_PROGRESS
    assert step.completed_on is None
    assert step.transitions.last().note.startswith("Reopened")
    with refused("Step 2b cannot start"):
        services.step_start(region_step=rs(region, "2b"), on=DAY)
    services.step_complete(region_step=rs(region, "2a"), on=DAY, summary="Narrower target group.")
    decide(region, "after-2a", "go")
    services.step_start(region_step=rs(region, "2b"), on=DAY)


def test_stop_stops_the_region_and_nothing_moves_after(region):
    complete(region, "1")
    complete(region, "2a")
    decide(region, "after-2a", "stop", "No shared goal.")
    region.refresh_from_db()
    assert region.status == RegionStatus.STOPPED
    with refused("is stopped, so its roadmap cannot move"):
        services.step_start(region_step=rs(region, "2b"), on=DAY)
    with refused("is stopped"):
        decide(region, "after-2a", "go")


def test_a_paused_region_cannot_start_steps(region):
    region.status = RegionStatus.PAUSED
    region.save()
    with refused("is paused"):
        services.step_start(region_step=rs(region, "1"), on=DAY)


def test_no_decision_once_the_next_step_has_started(region):
    complete(region, "1")
    complete(region, "2a")
    decide(region, "after-2a", "go")
    services.step_start(region_step=rs(region, "2b"), on=DAY)
    with refused("Step 2b has already started; this decision point lies before it."):
        decide(region, "after-2a", "revise")


def test_a_decision_needs_a_rationale_and_a_known_outcome(region):
    complete(region, "1")
    complete(region, "2a")
    with refused("Write down why this decision was taken."):
        decide(region, "after-2a", "go", rationale="  ")
    with refused("Choose go on, revise or stop."):
        decide(region, "after-2a", "maybe")


def test_skipping_needs_a_reason_and_counts_as_done_for_the_next_step(region):
    with refused("Say why step 1 is skipped."):
        services.step_skip(region_step=rs(region, "1"), reason=" ", on=DAY)
    services.step_skip(region_step=rs(region, "1"), reason="Group already existed.", on=DAY)
    assert rs(region, "1").status == StepStatus.SKIPPED
    services.step_start(region_step=rs(region, "2a"), on=DAY)


def test_steps_4_and_5_follow_in_order(region):
    complete(region, "1")
    complete(region, "2a")
    decide(region, "after-2a", "go")
    complete(region, "2b")
    decide(region, "after-2b", "go")
    with refused("Step 4 cannot start before step 3 is completed."):
        services.step_start(region_step=rs(region, "4"), on=DAY)
    complete(region, "3")
    complete(region, "4")
    services.step_start(region_step=rs(region, "5"), on=DAY)


def test_overdue_and_days_late_follow_the_planned_end(region):
    step = services.step_start(
        region_step=rs(region, "1"), on=DAY, planned_end=DAY + datetime.timedelta(days=10)
    )
    assert not step.is_overdue(DAY + datetime.timedelta(days=10))
    assert step.is_overdue(DAY + datetime.timedelta(days=11))
    assert step.days_late(DAY + datetime.timedelta(days=14)) == 4
