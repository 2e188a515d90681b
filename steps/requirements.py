"""Which sectors and levels a region needs in a step: the programme's defaults
(``StepRequirement``) unless the region chose its own for that step
(``RegionStepRequirement``, set by the national project leader). Every "who is missing"
reads this module, so a region's choice counts everywhere at once."""

from collections import defaultdict

from .models import RegionStepRequirement, StepRequirement


def requirements_by_region_and_step(region_ids, steps=None) -> dict:
    """``{(region_id, step_id): [requirement, ...]}`` for these regions and steps (every
    step when None). Two queries whatever the number of regions."""
    region_ids = list(region_ids)
    step_ids = None if steps is None else [getattr(s, "pk", s) for s in steps]
    defaults = defaultdict(list)
    query = StepRequirement.objects.order_by("id")
    if step_ids is not None:
        query = query.filter(step_id__in=step_ids)
    for requirement in query:
        defaults[requirement.step_id].append(requirement)
    own = defaultdict(list)
    query = RegionStepRequirement.objects.filter(region_id__in=region_ids).order_by("id")
    if step_ids is not None:
        query = query.filter(step_id__in=step_ids)
    for requirement in query:
        own[(requirement.region_id, requirement.step_id)].append(requirement)
    wanted = step_ids if step_ids is not None else {*defaults, *(k[1] for k in own)}
    return {
        (region_id, step_id): own.get((region_id, step_id)) or defaults.get(step_id, [])
        for region_id in region_ids
        for step_id in wanted
    }


def requirements_for(region, steps) -> dict:
    """``{step_id: [requirement, ...]}`` for one region."""
    found = requirements_by_region_and_step([region.pk], steps)
    return {step_id: rows for (_region, step_id), rows in found.items()}


def region_chose_own(region) -> set:
    """The ids of the steps for which ``region`` chose its own requirements."""
    return set(
        RegionStepRequirement.objects.filter(region=region).values_list("step_id", flat=True)
    )
