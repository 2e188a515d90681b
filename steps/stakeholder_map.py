"""Who matters in a region on a date: the influence/interest map with its mandate warning.

The map reads the group as it was on the date (``regions.selectors.influence_map_on``);
the warning reads the roadmap: a step that ends in a decision with money or staff behind
it (2b, the business case decision; 4, the signed agreements) needs someone who may commit
an organisation that invests. Which organisations invest is read from the business case's
costs and the work plan's paying organisations; before either exists, any organisation in
the group may turn out to invest, so only a group without any mandate is warned about.
"""

import datetime
from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext as _

from regions.influence import Grid, Placement, compare, grid
from regions.models import Organisation
from regions.selectors import influence_map_on

from .models import Activity, RegionStep, ScenarioCost, StepStatus

# Steps whose outcome commits organisations: the business case decision and the agreements.
DECISION_STEPS = ("2b", "4")


def investing_organisation_ids(region) -> set[int]:
    costs = ScenarioCost.objects.filter(scenario__business_case__region=region).values_list(
        "organisation_id", flat=True
    )
    payers = Activity.objects.filter(
        work_plan__region=region, paying_organisation__isnull=False
    ).values_list("paying_organisation_id", flat=True)
    return set(costs) | set(payers)


@dataclass
class StakeholderMap:
    on: datetime.date
    rows: list  # (RegionStakeholder, InfluenceAssessment | None), by name
    grid: Grid
    investors: list[str]  # names of investing organisations, empty when none known yet
    warning: str = ""

    @property
    def on_label(self) -> str:
        return formats.date_format(self.on, "j F Y")

    @property
    def uid(self) -> str:
        return f"map-{self.on.isoformat()}"

    @property
    def placements(self) -> list[Placement]:
        return self.grid.placed

    @property
    def mandate_holders(self) -> list:
        return [(m, a) for m, a in self.rows if a is not None and a.mandate]


def _placement(membership, assessment) -> Placement:
    return Placement(
        stakeholder_id=membership.stakeholder_id,
        name=membership.stakeholder.name,
        organisation=membership.stakeholder.organisation.name,
        influence=assessment.influence,
        interest=assessment.interest,
        mandate=assessment.mandate,
    )


def stakeholder_map(region, on: datetime.date) -> StakeholderMap:
    rows = influence_map_on(region, on)
    placements = [_placement(m, a) for m, a in rows if a is not None]
    unassessed = [m.stakeholder.name for m, a in rows if a is None]
    investor_ids = investing_organisation_ids(region)
    investors = sorted(
        Organisation.objects.filter(pk__in=investor_ids).values_list("name", flat=True)
    )
    result = StakeholderMap(
        on=on, rows=rows, grid=grid(placements, unassessed), investors=investors
    )
    result.warning = _mandate_warning(region, rows, investor_ids)
    return result


def _mandate_warning(region, rows, investor_ids) -> str:
    open_steps = list(
        RegionStep.objects.filter(region=region, step__code__in=DECISION_STEPS)
        .exclude(status__in=[StepStatus.COMPLETED, StepStatus.SKIPPED])
        .order_by("step__order")
        .values_list("step__code", flat=True)
    )
    if not open_steps or not rows:
        return ""
    holders = [m for m, a in rows if a is not None and a.mandate]
    if investor_ids:
        if any(m.stakeholder.organisation_id in investor_ids for m in holders):
            return ""
        return _(
            "Step %(steps)s needs a decision that commits money or staff, but no one in the "
            "group holds a mandate for an organisation that invests. Invite someone who may "
            "decide (a director, or the alderman for the municipality)."
        ) % {"steps": _(" and ").join(open_steps)}
    if holders:
        return ""
    return _(
        "Step %(steps)s needs a decision that commits money or staff, but no one in the "
        "group holds a mandate for their organisation yet. Invite someone who may decide "
        "(a director, or the alderman for the municipality)."
    ) % {"steps": _(" and ").join(open_steps)}


def map_comparison(region, earlier: datetime.date, later: datetime.date):
    """Two maps and who moved between them."""
    first, second = stakeholder_map(region, earlier), stakeholder_map(region, later)
    return first, second, compare(first.placements, second.placements)
