"""What each step must have produced before it can be completed.

``missing(region_step)`` answers with the sentence to show when something is missing, or
None. Steps register a check of their own with ``@deliverable_check("2b")``; every step
needs at least a summary of what it produced.
"""

from collections.abc import Callable

from django.utils.translation import gettext as _

from .models import Measurement, RegionIntervention, Scenario, TargetGroup, WorkPlanVersion

_CHECKS: dict[str, list[Callable]] = {}


def deliverable_check(code: str):
    def register(func):
        _CHECKS.setdefault(code, []).append(func)
        return func

    return register


def missing(region_step) -> str | None:
    if not region_step.summary.strip():
        return _("Step %(code)s cannot be completed without a summary of its deliverables.") % {
            "code": region_step.step.code
        }
    for check in _CHECKS.get(region_step.step.code, []):
        reason = check(region_step)
        if reason:
            return reason
    return None


# --- The deliverables of the steps (DOMAIN.md: "what the region produces") ---------------


@deliverable_check("2a")
def target_group_and_intervention(region_step) -> str | None:
    region = region_step.region
    if not TargetGroup.objects.filter(region=region).exclude(description="").exists():
        return _("Step 2a cannot be completed before the target group is recorded.")
    if not RegionIntervention.objects.filter(region=region).exists():
        return _("Step 2a cannot be completed before an intervention is chosen.")
    return None


@deliverable_check("2b")
def business_case_scenario(region_step) -> str | None:
    if not Scenario.objects.filter(business_case__region=region_step.region).exists():
        return _("Step 2b cannot be completed before the business case has a scenario.")
    return None


@deliverable_check("3")
def published_work_plan(region_step) -> str | None:
    if not WorkPlanVersion.objects.filter(work_plan__region=region_step.region).exists():
        return _("Step 3 cannot be completed before a version of the work plan is published.")
    return None


@deliverable_check("5")
def monitoring_measured(region_step) -> str | None:
    if not Measurement.objects.filter(indicator__region=region_step.region).exists():
        return _("Step 5 cannot be completed before its indicators have been measured.")
    return None
