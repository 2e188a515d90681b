"""Reads of a region's roadmap: the step track and the answer to "where are we now?"."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from regions.models import Region

from .models import (
    Decision,
    DecisionOutcome,
    DecisionPoint,
    Indicator,
    Measurement,
    RegionStep,
    StepStatus,
)
from .step_state import attach_states, state_of


def accepted_decision(region) -> Decision | None:
    """The latest 2b decision that accepted a scenario (its figures frozen with it)."""
    return (
        Decision.objects.filter(
            region=region,
            decision_point__code="after-2b",
            accepted_scenario_snapshot__isnull=False,
        )
        .order_by("-decided_on", "-recorded_at", "-id")
        .first()
    )


@dataclass
class DecisionPointRow:
    point: DecisionPoint
    decisions: list[Decision]

    @property
    def latest(self) -> Decision | None:
        return self.decisions[-1] if self.decisions else None

    @property
    def is_go(self) -> bool:
        return self.latest is not None and self.latest.outcome == DecisionOutcome.GO


@dataclass
class TrackRow:
    region_step: RegionStep
    decision_point_after: DecisionPointRow | None = None
    overdue: bool = False
    days_late: int = 0
    is_current: bool = False


@dataclass
class Roadmap:
    region: Region
    rows: list[TrackRow]
    current: TrackRow | None
    next_row: TrackRow | None
    last_decision: Decision | None
    today: datetime.date = field(default_factory=timezone.localdate)

    @property
    def pending_decision(self) -> DecisionPointRow | None:
        """A decision point whose step before is done and whose step after has not started."""
        for index, row in enumerate(self.rows):
            point = row.decision_point_after
            if point is None or not state_of(row.region_step).is_done:
                continue
            following = state_of(self.rows[index + 1].region_step)
            if following.status == StepStatus.NOT_STARTED and not point.is_go:
                return point
        return None


def region_roadmap(region: Region, today: datetime.date | None = None) -> Roadmap:
    """The region's whole track in a fixed number of queries."""
    today = today or timezone.localdate()
    region_steps = list(
        RegionStep.objects.filter(region=region).select_related("step").order_by("step__order")
    )
    points = {
        point.after_step_id: point
        for point in DecisionPoint.objects.select_related("after_step", "before_step")
    }
    decisions_by_point: dict[int, list[Decision]] = {}
    decisions = list(
        Decision.objects.filter(region=region)
        .select_related("decision_point", "recorded_by")
        .prefetch_related("decided_by__organisation")
        .order_by("decided_on", "recorded_at", "id")
    )
    for decision in decisions:
        decisions_by_point.setdefault(decision.decision_point_id, []).append(decision)

    attach_states(region_steps)
    rows = []
    for region_step in region_steps:
        point = points.get(region_step.step_id)
        shown_in_progress = region_step.state.status == StepStatus.IN_PROGRESS
        rows.append(
            TrackRow(
                region_step=region_step,
                decision_point_after=(
                    DecisionPointRow(point, decisions_by_point.get(point.pk, [])) if point else None
                ),
                # A step its deliverable proves done is no longer late.
                overdue=shown_in_progress and region_step.is_overdue(today),
                days_late=region_step.days_late(today) if not region_step.state.evidence else 0,
            )
        )
    in_progress = [row for row in rows if row.region_step.state.status == StepStatus.IN_PROGRESS]
    current = in_progress[-1] if in_progress else None
    if current:
        current.is_current = True
    next_row = next(
        (row for row in rows if row.region_step.state.status == StepStatus.NOT_STARTED), None
    )
    return Roadmap(
        region=region,
        rows=rows,
        current=current,
        next_row=next_row,
        last_decision=decisions[-1] if decisions else None,
        today=today,
    )


# The indicator every region in step 5 reports: the number of clients of the target group
# in paid work. Dashboards and the steering board report headline with it.
PAID_WORK_KEY = "clients_in_paid_work"


@dataclass(frozen=True)
class MonitoringHeadline:
    indicator_name: str
    period: int
    period_kind: str
    in_work: Decimal
    target: Decimal | None

    @property
    def share_of_target(self) -> Decimal | None:
        if not self.target:
            return None
        return self.in_work / self.target


def monitoring_headlines(region_ids) -> dict[int, MonitoringHeadline]:
    """Latest measurement of clients in paid work against target, per region, in two
    queries whatever the number of regions."""
    indicators = {
        indicator.pk: indicator
        for indicator in Indicator.objects.filter(region_id__in=region_ids, key=PAID_WORK_KEY)
    }
    latest = {}
    for measurement in Measurement.objects.filter(indicator_id__in=indicators).order_by(
        "indicator_id", "period"
    ):
        latest[measurement.indicator_id] = measurement
    headlines = {}
    for indicator_id, measurement in latest.items():
        indicator = indicators[indicator_id]
        headlines[indicator.region_id] = MonitoringHeadline(
            indicator_name=indicator.display_name,
            period=measurement.period,
            period_kind=indicator.period_kind,
            in_work=measurement.value,
            target=indicator.target_per_period,
        )
    return headlines
