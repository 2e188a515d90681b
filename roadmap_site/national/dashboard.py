"""The national dashboard: every region against every step, and each region at a glance.

Everything here is built in bulk, in a fixed number of queries whatever the number of
regions, sessions or stakeholders: one query per kind of fact, then grouped in Python.

Other parts of the product add their facts to the per-region glance by adding one entry to
``GLANCE_SOURCES``: a key and a function ``f(region_ids) -> {region_id: value}`` that runs a
fixed number of queries. The dashboard template shows ``row.glance.<key>``.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone

from agreements.selectors import agreements_by_status, agreements_to_review
from regions.models import Region
from regions.selectors import memberships_on
from sessions.models import Session, SessionKind, SessionStatus
from sessions.selectors import group_stability_for_regions, overdue_actions_for_regions
from steps.models import (
    Decision,
    DecisionOutcome,
    DecisionPoint,
    RegionStep,
    Step,
    StepStatus,
)
from steps.requirements import requirements_by_region_and_step
from steps.selectors import monitoring_headlines
from steps.step_state import evidence_for, state_of, step_state

RECENT_DAYS = 90
FINAL_STEP = "5"


def sessions_held_by_kind(region_ids) -> dict:
    """Sessions held in the last 90 days per region, as [(kind label, count)] in the
    order of the session kinds. One query."""
    today = timezone.localdate()
    counts = defaultdict(Counter)
    rows = (
        Session.objects.filter(
            region_id__in=region_ids,
            status=SessionStatus.HELD,
            date__gt=today - datetime.timedelta(days=RECENT_DAYS),
            date__lte=today,
        )
        .values_list("region_id", "kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    for region_id, kind, n in rows:
        counts[region_id][kind] += n
    return {
        region_id: [(label, kinds[value]) for value, label in SessionKind.choices if kinds[value]]
        for region_id, kinds in counts.items()
    }


# key -> f(region_ids) -> {region_id: value}, each a fixed number of queries.
GLANCE_SOURCES = [
    ("sessions", sessions_held_by_kind),
    ("stability", group_stability_for_regions),
    ("agreements", agreements_by_status),
    ("reviews", agreements_to_review),
    ("monitoring", monitoring_headlines),
    ("actions_overdue", overdue_actions_for_regions),
]


@dataclass
class StepCell:
    region_step: RegionStep
    planned_days: int
    days_spent: int | None
    days_late: int
    overdue: bool
    kind: str = "step"

    @property
    def over_plan(self) -> bool:
        return self.days_spent is not None and self.days_spent > self.planned_days


@dataclass
class DecisionCell:
    point: DecisionPoint
    decisions: list[Decision]
    kind: str = "decision"

    @property
    def latest(self) -> Decision | None:
        return self.decisions[-1] if self.decisions else None

    @property
    def revisions(self) -> int:
        return sum(1 for d in self.decisions if d.outcome == DecisionOutcome.REVISE)


@dataclass
class RegionRow:
    region: Region
    columns: list  # StepCell and DecisionCell in roadmap order
    current: StepCell | None
    glance: dict = field(default_factory=dict)

    @property
    def cells(self) -> list[StepCell]:
        return [c for c in self.columns if c.kind == "step"]

    @property
    def overdue(self) -> bool:
        return any(c.overdue for c in self.cells)

    @property
    def days_late(self) -> int:
        return max((c.days_late for c in self.cells if c.overdue), default=0)

    @property
    def current_code(self) -> str:
        return self.current.region_step.step.code if self.current else ""

    @property
    def progress(self) -> int:
        """How far along the region is: the order of its current step, or of the last
        step done when none is in progress."""
        if self.current:
            return self.current.region_step.step.order
        done = [c.region_step.step.order for c in self.cells if state_of(c.region_step).is_done]
        return max(done, default=0)


@dataclass
class Dashboard:
    steps: list[Step]
    points: list[DecisionPoint]
    rows: list[RegionRow]
    today: datetime.date

    @property
    def header(self) -> list:
        """Column heads in track order: steps with the decision points between them."""
        after = {p.after_step_id: p for p in self.points}
        heads = []
        for step in self.steps:
            heads.append(("step", step))
            if step.pk in after:
                heads.append(("decision", after[step.pk]))
        return heads


def build_dashboard(
    regions, today: datetime.date | None = None, *, glance: bool = True
) -> Dashboard:
    """The matrix and the glance for ``regions`` (a queryset the caller has already
    scoped to what the user may see)."""
    today = today or timezone.localdate()
    steps = list(Step.objects.order_by("order"))
    points = list(DecisionPoint.objects.all())
    point_after = {p.after_step_id: p for p in points}
    region_list = list(regions.select_related("owner").order_by("name"))
    ids = [r.pk for r in region_list]

    region_steps = defaultdict(dict)
    for rs in RegionStep.objects.filter(region_id__in=ids).select_related("step"):
        region_steps[rs.region_id][rs.step_id] = rs
    evidence = evidence_for(ids)
    decisions = defaultdict(lambda: defaultdict(list))
    for decision in Decision.objects.filter(region_id__in=ids).order_by(
        "decided_on", "recorded_at", "id"
    ):
        decisions[decision.region_id][decision.decision_point_id].append(decision)

    rows = []
    for region in region_list:
        columns, in_progress = [], []
        for step in steps:
            rs = region_steps[region.pk].get(step.pk)
            if rs is None:  # a region created without its steps; show it as not started
                rs = RegionStep(region=region, step=step)
            rs.step = step
            # The same state the region's step track shows (steps/step_state.py).
            rs.state = step_state(rs.status, evidence.get((region.pk, step.code), ""))
            running = rs.state.status == StepStatus.IN_PROGRESS
            cell = StepCell(
                region_step=rs,
                planned_days=step.planned_duration_days,
                days_spent=rs.days_spent(today),
                days_late=0 if rs.state.evidence else rs.days_late(today),
                overdue=running and rs.is_overdue(today),
            )
            columns.append(cell)
            if running:
                in_progress.append(cell)
            point = point_after.get(step.pk)
            if point is not None:
                columns.append(DecisionCell(point, decisions[region.pk][point.pk]))
        rows.append(
            RegionRow(
                region=region, columns=columns, current=in_progress[-1] if in_progress else None
            )
        )
    if glance:
        _add_glance(rows, ids, steps, today)
    return Dashboard(steps=steps, points=points, rows=rows, today=today)


def _add_glance(rows, ids, steps, today) -> None:
    for key, source in GLANCE_SOURCES:
        values = source(ids)
        for row in rows:
            row.glance[key] = values.get(row.region.pk)
    missing = missing_sectors(rows, steps)
    for row in rows:
        # None: no step to staff (all done); []: every needed sector is present.
        row.glance["missing"] = missing.get(row.region.pk)
        # The monitoring headline only means something once the region monitors (step 5).
        if row.current_code != FINAL_STEP:
            row.glance["monitoring"] = None


def missing_sectors(rows, steps) -> dict:
    """Per region, the requirements of its current step (or the next one when none is in
    progress) that no current project group member meets, the region's own requirements
    where it chose them. Three queries."""
    requirements = requirements_by_region_and_step([row.region.pk for row in rows])
    people = defaultdict(list)
    for region_id, sector, level in memberships_on(
        region_ids=[row.region.pk for row in rows]
    ).values_list("region_id", "stakeholder__organisation__sector", "stakeholder__function_level"):
        people[region_id].append((sector, level))
    missing = {}
    for row in rows:
        focus = row.current or next(
            (c for c in row.cells if state_of(c.region_step).status == StepStatus.NOT_STARTED),
            None,
        )
        if focus is None:
            continue
        missing[row.region.pk] = [
            r
            for r in requirements.get((row.region.pk, focus.region_step.step_id), [])
            if not r.is_met_by(people[row.region.pk])
        ]
    return missing


# --- filtering and sorting --------------------------------------------------------------

SORTS = {
    "name": (lambda row: row.region.name.lower(), False),
    "progress": (lambda row: (row.progress, row.region.name.lower()), True),
    "late": (lambda row: (row.days_late, row.region.name.lower()), True),
    "owner": (
        lambda row: (
            (row.region.owner.get_full_name() or row.region.owner.username).lower()
            if row.region.owner
            else "~",
            row.region.name.lower(),
        ),
        False,
    ),
    "since": (lambda row: (row.region.owner_since or datetime.date.max, row.region.name), False),
}


def filter_rows(rows, *, status="", step="", overdue=False, owner=None, sort="name"):
    if status:
        rows = [r for r in rows if r.region.status == status]
    if step:
        rows = [r for r in rows if r.current_code == step]
    if overdue:
        rows = [r for r in rows if r.overdue]
    if owner:
        rows = [r for r in rows if r.region.owner_id == owner]
    key, reverse = SORTS.get(sort, SORTS["name"])
    return sorted(rows, key=key, reverse=reverse)
