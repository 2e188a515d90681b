"""From the business-case models to the pure calculation in ``steps.business_case``, and
the frozen copy of a scenario that a 2b decision keeps.

Organisations are identified by name in the calculation (names are unique). The stored
split percentages are keyed by organisation id, so that renaming an organisation keeps them.
"""

from decimal import ROUND_HALF_UP, Decimal

from . import business_case as bc
from .models import Organisation, Scenario

# 2: benefits carry their kind and deflators, scenarios their optimism bias. 3: client
# outcomes besides paid work, benefits tied to them, and where each amount came from in
# the unit-cost library. Older snapshots read with the defaults, which give exactly their
# figures.
SNAPSHOT_VERSION = 3


def benefit_item(benefit, outcome_names: dict[int, str] | None = None) -> bc.BenefitItem:
    return bc.BenefitItem(
        benefit.organisation.name,
        Decimal(benefit.monthly_amount),
        kind=benefit.kind,
        cashable=benefit.cashable,
        deadweight=Decimal(benefit.deadweight),
        attribution=Decimal(benefit.attribution),
        displacement=Decimal(benefit.displacement),
        drop_off=Decimal(benefit.drop_off),
        duration_months=benefit.duration_months,
        outcome=(
            None
            if benefit.outcome_id is None
            else (outcome_names or {}).get(benefit.outcome_id) or benefit.outcome.name
        ),
    )


def to_calculation(scenario: Scenario) -> bc.Scenario:
    outcomes = list(scenario.outcomes.all())
    names = {outcome.pk: outcome.name for outcome in outcomes}
    return bc.Scenario(
        name=scenario.name,
        clients=scenario.clients,
        success_rate=Decimal(scenario.success_rate),
        lag_months=scenario.lag_months,
        horizon_months=scenario.horizon_months,
        intervention_months=scenario.intervention_months,
        annual_discount_rate=Decimal(scenario.annual_discount_rate),
        costs=tuple(
            bc.CostItem(cost.organisation.name, cost.kind, Decimal(cost.amount))
            for cost in scenario.costs.all()
        ),
        benefits=tuple(benefit_item(benefit, names) for benefit in scenario.benefits.all()),
        cost_uplift=Decimal(scenario.cost_uplift),
        benefit_reduction=Decimal(scenario.benefit_reduction),
        benefit_delay_months=scenario.benefit_delay_months,
        outcomes=tuple(
            bc.Outcome(outcome.name, Decimal(outcome.expected_clients)) for outcome in outcomes
        ),
    )


def split_rule_for(scenario: Scenario, organisation_names: dict[int, str] | None = None):
    """The scenario's stored split proposal as a ``SplitRule``.

    Raises ``BusinessCaseError`` when stored percentages do not add up to 100.
    """
    percentages = {}
    if scenario.split_kind in (bc.SPLIT_PERCENTAGES, bc.SPLIT_INVESTORS_FIRST):
        ids = [int(key) for key in scenario.split_percentages]
        if organisation_names is None:
            organisation_names = dict(
                Organisation.objects.filter(pk__in=ids).values_list("pk", "name")
            )
        percentages = {
            organisation_names.get(int(key), f"#{key}"): Decimal(str(value))
            for key, value in scenario.split_percentages.items()
        }
    return bc.SplitRule(scenario.split_kind, percentages)


def evaluate_scenario(
    scenario_model: Scenario, split=None, *, organisation_names: dict[int, str] | None = None
) -> bc.Evaluation:
    """Evaluate a stored scenario, with its own split proposal unless ``split`` is given.

    A stored split that no longer adds up to 100 falls back to "each keeps its own" so that
    a page never breaks on it; the form refuses such a split in the first place. Pages that
    show several scenarios pass ``organisation_names`` ({id: name}) to save a query each.
    """
    if split is None:
        try:
            split = split_rule_for(scenario_model, organisation_names)
        except bc.BusinessCaseError:
            split = bc.SplitRule.none()
    return bc.evaluate(to_calculation(scenario_model), split)


# --- The frozen copy kept by a 2b decision -------------------------------------------------


def snapshot(scenario_model: Scenario) -> dict:
    """Everything needed to show the scenario as it was, JSON-safe (money as text)."""
    calculation = to_calculation(scenario_model)
    evaluation = evaluate_scenario(scenario_model)
    return {
        "version": SNAPSHOT_VERSION,
        "scenario_id": scenario_model.pk,
        "name": calculation.name,
        "clients": calculation.clients,
        "success_rate": str(calculation.success_rate),
        "lag_months": calculation.lag_months,
        "horizon_months": calculation.horizon_months,
        "intervention_months": calculation.intervention_months,
        "annual_discount_rate": str(calculation.annual_discount_rate),
        "costs": [[c.organisation, c.kind, str(c.amount)] for c in calculation.costs],
        "benefits": [_benefit_row(b) for b in calculation.benefits],
        "cost_uplift": str(calculation.cost_uplift),
        "benefit_reduction": str(calculation.benefit_reduction),
        "benefit_delay_months": calculation.benefit_delay_months,
        "outcomes": [[o.name, str(o.expected_clients)] for o in calculation.outcomes],
        # Where the amounts came from: [library value name, version, price year] per item,
        # or None for an amount typed in. Kept for the record; the figures use the amounts.
        "library": {
            "costs": [_provenance(cost) for cost in scenario_model.costs.all()],
            "benefits": [_provenance(benefit) for benefit in scenario_model.benefits.all()],
        },
        "split": {
            "kind": evaluation.split.kind,
            "percentages": [[org, str(value)] for org, value in evaluation.split.percentages],
        },
        "summary": {
            "total_invested": str(bc.cents(evaluation.total_invested)),
            "total_saved": str(bc.cents(evaluation.total_saved)),
            "break_even_month": evaluation.break_even_month,
            "pv_costs": str(bc.cents(evaluation.pv_costs)),
            "pv_benefits": str(bc.cents(evaluation.pv_benefits)),
            "pv_fiscal": str(bc.cents(evaluation.pv_fiscal)),
            "pv_economic": str(bc.cents(evaluation.pv_economic)),
            "pv_social": str(bc.cents(evaluation.pv_social)),
            "npv": str(bc.cents(evaluation.npv)),
            "financial_npv": str(bc.cents(evaluation.financial_npv)),
        },
    }


def _provenance(item) -> list | None:
    version = item.library_version
    if version is None:
        return None
    return [version.unit_value.name, version.number, item.price_year or version.price_year]


def _benefit_row(b: bc.BenefitItem) -> list:
    return [
        b.organisation,
        str(b.monthly_amount),
        b.kind,
        b.cashable,
        str(b.deadweight),
        str(b.attribution),
        str(b.displacement),
        str(b.drop_off),
        b.duration_months,
        b.outcome,
    ]


def _benefit_from_row(row: list) -> bc.BenefitItem:
    if len(row) == 2:  # version 1
        return bc.BenefitItem(row[0], Decimal(row[1]))
    org, amount, kind, cashable, deadweight, attribution, displacement, drop_off, duration = row[:9]
    outcome = row[9] if len(row) > 9 else None  # version 3
    return bc.BenefitItem(
        org,
        Decimal(amount),
        kind=kind,
        cashable=cashable,
        deadweight=Decimal(deadweight),
        attribution=Decimal(attribution),
        displacement=Decimal(displacement),
        drop_off=Decimal(drop_off),
        duration_months=duration,
        outcome=outcome,
    )


def from_snapshot(data: dict) -> tuple[bc.Scenario, bc.SplitRule]:
    scenario = bc.Scenario(
        name=data["name"],
        clients=data["clients"],
        success_rate=Decimal(data["success_rate"]),
        lag_months=data["lag_months"],
        horizon_months=data["horizon_months"],
        intervention_months=data["intervention_months"],
        annual_discount_rate=Decimal(data["annual_discount_rate"]),
        costs=tuple(bc.CostItem(org, kind, Decimal(a)) for org, kind, a in data["costs"]),
        benefits=tuple(_benefit_from_row(row) for row in data["benefits"]),
        cost_uplift=Decimal(data.get("cost_uplift", "0")),
        benefit_reduction=Decimal(data.get("benefit_reduction", "0")),
        benefit_delay_months=data.get("benefit_delay_months", 0),
        outcomes=tuple(bc.Outcome(name, Decimal(n)) for name, n in data.get("outcomes", [])),
    )
    split = bc.SplitRule(
        data["split"]["kind"], {org: Decimal(v) for org, v in data["split"]["percentages"]}
    )
    return scenario, split


def evaluate_snapshot(data: dict) -> bc.Evaluation:
    scenario, split = from_snapshot(data)
    return bc.evaluate(scenario, split)


# --- Figures for documents ------------------------------------------------------------------


def _money(value) -> str:
    return str(bc.cents(value))


def report_figures(evaluation: bc.Evaluation) -> dict:
    """The figures the business case page shows, JSON-safe (money as text in cents), for
    documents whose payload is hashed and stored: the 2b step report. The switching values
    are sentences in the active language."""
    from .sensitivity import switching_sentences

    scenario = evaluation.scenario
    bcr = evaluation.bcr
    return {
        "expected_in_work": str(evaluation.expected_in_work),
        "outcomes": [[o.name, str(o.expected_clients)] for o in scenario.outcomes],
        "pv_costs": _money(evaluation.pv_costs),
        "pv_cashable": _money(evaluation.pv_cashable),
        "financial_npv": _money(evaluation.financial_npv),
        "break_even_month": evaluation.financial_break_even_month,
        "pv_fiscal": _money(evaluation.pv_fiscal),
        "pv_economic": _money(evaluation.pv_economic),
        "pv_social": _money(evaluation.pv_social),
        "pv_benefits": _money(evaluation.pv_benefits),
        "npv": _money(evaluation.npv),
        "bcr": None if bcr is None else str(bcr.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)),
        "annual_discount_rate": str(scenario.annual_discount_rate),
        "cost_uplift": str(scenario.cost_uplift),
        "benefit_reduction": str(scenario.benefit_reduction),
        "benefit_delay_months": scenario.benefit_delay_months,
        "switches": switching_sentences(scenario, evaluation),
    }
