"""The business case's summary sheets for the spreadsheet export
(``roadmap_site.national.exports``): the figures of the business case page per scenario,
and its switching values, from the same calculation. Real numbers, not text: shares as
fractions (0.4 is 40 %), money in euros."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from roadmap_site.spreadsheets import Column, Sheet

from . import business_case as bc
from .sensitivity import parameter_label

SHEET_TITLES = (
    gettext_lazy("Summary"),
    gettext_lazy("Switching values"),
    gettext_lazy("Client outcomes"),
)


def summary_sheets(evaluated) -> list[Sheet]:
    """``evaluated``: (scenario name, ``Evaluation``) pairs, in the page's order."""
    summary = Sheet(
        _("Summary"),
        [
            Column(_("Scenario")),
            Column(_("Clients"), "int"),
            Column(_("Success rate"), "rate"),
            Column(_("Expected clients in paid work"), "number"),
            Column(_("Annual discount rate"), "rate"),
            Column(_("Cost uplift"), "rate"),
            Column(_("Benefit reduction"), "rate"),
            Column(_("Benefits start later (months)"), "int"),
            Column(_("Costs, present value (EUR)"), "money"),
            Column(_("Cashable savings, present value (EUR)"), "money"),
            Column(_("Financial net present value (EUR)"), "money"),
            Column(_("Break-even month"), "int"),
            Column(_("Fiscal value, present value (EUR)"), "money"),
            Column(_("Economic value, present value (EUR)"), "money"),
            Column(_("Social value, present value (EUR)"), "money"),
            Column(_("All benefits, present value (EUR)"), "money"),
            Column(_("Net present value (EUR)"), "money"),
            Column(_("Benefit-cost ratio"), "number"),
        ],
    )
    switching = Sheet(
        _("Switching values"),
        [
            Column(_("Scenario")),
            Column(_("Figure")),
            Column(_("Now"), "number"),
            Column(_("Breaks even at"), "number"),
            Column(_("Breaks even as long as it is")),
        ],
    )
    outcomes = Sheet(
        _("Client outcomes"),
        [
            Column(_("Scenario")),
            Column(_("Client outcome")),
            Column(_("Clients expected"), "number"),
            Column(_("Value tied to it, present value (EUR)"), "money"),
        ],
    )
    for name, evaluation in evaluated:
        scenario = evaluation.scenario
        outcomes.rows.append([name, _("Paid work"), evaluation.expected_in_work, None])
        for outcome in scenario.outcomes:
            outcomes.rows.append(
                [
                    name,
                    outcome.name,
                    outcome.expected_clients,
                    evaluation.pv_of_outcome(outcome.name),
                ]
            )
        summary.rows.append(
            [
                name,
                scenario.clients,
                scenario.success_rate,
                evaluation.expected_in_work,
                scenario.annual_discount_rate,
                scenario.cost_uplift,
                scenario.benefit_reduction,
                scenario.benefit_delay_months,
                evaluation.pv_costs,
                evaluation.pv_cashable,
                evaluation.financial_npv,
                evaluation.financial_break_even_month,
                evaluation.pv_fiscal,
                evaluation.pv_economic,
                evaluation.pv_social,
                evaluation.pv_benefits,
                evaluation.npv,
                evaluation.bcr,
            ]
        )
        for switch in bc.switching_values(scenario):
            switching.rows.append(
                [
                    name,
                    parameter_label(scenario, switch.parameter),
                    switch.current,
                    switch.value,
                    _("at least") if switch.direction == "at_least" else _("at most"),
                ]
            )
    return [summary, switching, outcomes]
