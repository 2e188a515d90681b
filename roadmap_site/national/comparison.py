"""The cross-region comparison: one row per region, read like the evaluation's table
(starting point, collaboration needs, target group, intervention chosen, agreements made,
where it stands), generated from the data in a fixed number of queries.

Other parts add a column's data by adding ``(key, f(region_ids) -> {region_id: value})`` to
``COMPARISON_SOURCES``; the template shows ``row.extra.<key>``.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from agreements.selectors import agreements_made
from regions.models import Region
from steps.models import Decision, RegionIntervention, RegionStep, StepStatus, TargetGroup
from steps.step_state import attach_states

COMPARISON_SOURCES: list = [("agreements", agreements_made)]


@dataclass
class ComparisonRow:
    region: Region
    target_group: TargetGroup | None
    interventions: list[RegionIntervention]
    current: RegionStep | None
    done: list[RegionStep]
    decisions: list[Decision]
    extra: dict = field(default_factory=dict)


def build_comparison(regions) -> list[ComparisonRow]:
    regions = list(regions.select_related("owner").order_by("name"))
    ids = [r.pk for r in regions]
    target_groups = {tg.region_id: tg for tg in TargetGroup.objects.filter(region_id__in=ids)}
    interventions = defaultdict(list)
    for choice in (
        RegionIntervention.objects.filter(region_id__in=ids)
        .select_related("intervention__adopted_from__region")
        .order_by("chosen_on", "id")
    ):
        interventions[choice.region_id].append(choice)
    steps = defaultdict(list)
    for rs in RegionStep.objects.filter(region_id__in=ids).select_related("step"):
        steps[rs.region_id].append(rs)
    decisions = defaultdict(list)
    for decision in (
        Decision.objects.filter(region_id__in=ids)
        .select_related("decision_point")
        .order_by("decided_on", "id")
    ):
        decisions[decision.region_id].append(decision)

    attach_states([rs for region_steps in steps.values() for rs in region_steps])
    rows = []
    for region in regions:
        ordered = sorted(steps[region.pk], key=lambda rs: rs.step.order)
        in_progress = [rs for rs in ordered if rs.state.status == StepStatus.IN_PROGRESS]
        rows.append(
            ComparisonRow(
                region=region,
                target_group=target_groups.get(region.pk),
                interventions=interventions[region.pk],
                current=in_progress[-1] if in_progress else None,
                done=[rs for rs in ordered if rs.state.is_done],
                decisions=decisions[region.pk],
            )
        )
    for key, source in COMPARISON_SOURCES:
        values = source(ids)
        for row in rows:
            row.extra[key] = values.get(row.region.pk)
    return rows
