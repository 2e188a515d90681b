"""Views of the steps app, one module per screen family (the roadmap itself, and the step
deliverables: target group and intervention, business case, work plan, monitoring)."""

from .business_case import (
    benefit_add,
    business_case,
    cost_add,
    item_delete,
    scenario_copy,
    scenario_create,
    scenario_delete,
    scenario_update,
    split_update,
)
from .monitoring import (
    indicator_save,
    measurements_import,
    measurements_save,
    monitoring_page,
    monitoring_setup,
)
from .roadmap import decision_create, roadmap_context, step_complete, step_skip, step_start
from .target_group import (
    intervention_choose,
    intervention_own,
    intervention_remove,
    passage_link,
    passage_unlink,
    target_group,
    target_group_save,
)
from .work_plan import (
    activity_save,
    milestone_add,
    work_plan,
    work_plan_item_delete,
    work_plan_publish,
    work_plan_version,
)

__all__ = [
    "benefit_add",
    "business_case",
    "cost_add",
    "decision_create",
    "item_delete",
    "roadmap_context",
    "scenario_copy",
    "scenario_create",
    "scenario_delete",
    "scenario_update",
    "split_update",
    "step_complete",
    "step_skip",
    "step_start",
    "intervention_choose",
    "intervention_own",
    "intervention_remove",
    "target_group",
    "target_group_save",
    "passage_link",
    "passage_unlink",
    "activity_save",
    "milestone_add",
    "work_plan",
    "work_plan_item_delete",
    "work_plan_publish",
    "work_plan_version",
    "measurements_import",
    "measurements_save",
    "monitoring_page",
    "monitoring_setup",
    "indicator_save",
]
