"""The business case calculation, with every expected figure worked out by hand."""

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steps.business_case import (
    BenefitItem,
    BusinessCaseError,
    CostItem,
    Scenario,
    SplitRule,
    break_even_success_rate,
    evaluate,
)
from tests.examples import examples

CARE, MUNICIPALITY, SSI = "Care provider", "Municipality", "SSI"


def worked_check(**overrides) -> Scenario:
    fields = {
        "name": "Pilot",
        "clients": 10,
        "success_rate": D("0.4"),
        "lag_months": 6,
        "horizon_months": 36,
        "intervention_months": 12,
        "costs": (
            CostItem(CARE, "per_client", D("5000")),
            CostItem(MUNICIPALITY, "one_off", D("20000")),
        ),
        "benefits": (BenefitItem(SSI, D("1200")),),
    }
    fields.update(overrides)
    return Scenario(**fields)


def test_the_worked_check_of_the_issue():
    result = evaluate(worked_check())
    assert result.total_invested == D("70000")
    assert result.organisation(CARE).invested == D("50000")
    assert result.organisation(MUNICIPALITY).invested == D("20000")
    # 1200 × 10 × 0.4 = 4800 a month in months 7..36 (30 months)
    assert result.total_saved == D("144000")
    assert result.organisation(SSI).saved == D("144000")
    assert result.organisation(CARE).saved == 0
    assert result.roi == D("74000") / D("70000")
    # 4800 × (m − 6) ≥ 70000 first holds at m = 21 (72000)
    assert result.break_even_month == 21
    assert result.months[19].cumulative_saving == D("67200")
    assert result.months[20].cumulative_saving == D("72000")
    assert result.expected_in_work == D("4")


def test_each_organisation_net_is_saved_minus_invested():
    result = evaluate(worked_check())
    assert result.organisation(CARE).net == D("-50000")
    assert result.organisation(SSI).net == D("144000")
    assert result.organisation(CARE).role == "invests"
    assert result.organisation(SSI).role == "saves"
    # The care provider pays and saves nothing of its own: it never breaks even alone.
    assert result.organisation(CARE).break_even_month is None


def test_expected_clients_in_work_are_not_rounded():
    result = evaluate(worked_check(success_rate=D("0.45")))
    assert result.expected_in_work == D("4.5")
    assert result.total_saved == D("1200") * D("4.5") * 30


def test_per_month_costs_run_over_the_intervention_months():
    result = evaluate(worked_check(costs=(CostItem(CARE, "per_month", D("1000")),)))
    assert result.total_invested == D("12000")
    assert result.months[11].cost == D("1000")
    assert result.months[12].cost == 0


def test_per_month_costs_stop_at_the_horizon():
    result = evaluate(
        worked_check(horizon_months=6, costs=(CostItem(CARE, "per_month", D("1000")),))
    )
    assert result.total_invested == D("6000")
    assert len(result.months) == 6


def test_savings_are_discounted_by_month():
    # At 25 % a year, month 13 is worth 1/1.25 = 0.8 and month 25 is worth 0.64.
    scenario = Scenario(
        name="Discounted",
        clients=1,
        success_rate=D("1"),
        lag_months=12,
        horizon_months=25,
        intervention_months=0,
        annual_discount_rate=D("0.25"),
        costs=(CostItem(CARE, "one_off", D("1000")),),
        benefits=(BenefitItem(SSI, D("100")),),
    )
    result = evaluate(scenario)
    assert result.total_invested == D("1000")  # month 1 is not discounted
    assert result.months[12].saving == D("80")
    assert result.months[24].saving == D("64")
    undiscounted = evaluate(worked_check())
    assert undiscounted.total_saved == D("144000")


def test_discounting_lowers_savings_that_come_later():
    plain = evaluate(worked_check())
    discounted = evaluate(worked_check(annual_discount_rate=D("0.04")))
    assert discounted.total_invested == plain.total_invested  # all in month 1
    assert discounted.total_saved < plain.total_saved


def test_no_break_even_within_the_horizon():
    scenario = worked_check(costs=(CostItem(CARE, "one_off", D("1000000")),))
    result = evaluate(scenario)
    assert result.break_even_month is None
    assert result.roi == (D("144000") - D("1000000")) / D("1000000")
    assert break_even_success_rate(scenario) is None


def test_zero_investment_has_no_roi_and_breaks_even_at_once():
    result = evaluate(worked_check(costs=()))
    assert result.total_invested == 0
    assert result.roi is None
    assert result.break_even_month == 1


def test_break_even_success_rate():
    # 70000 / (1200 × 10 × 30) = 0.19444…, rounded up so that it really breaks even.
    scenario = worked_check()
    assert break_even_success_rate(scenario) == D("0.1945")
    assert evaluate(worked_check(success_rate=D("0.1945"))).break_even_month == 36
    assert evaluate(worked_check(success_rate=D("0.1944"))).break_even_month is None


def test_no_split_lets_each_organisation_keep_its_own_savings():
    result = evaluate(worked_check(), SplitRule.none())
    assert result.organisation(SSI).share == D("144000.00")
    assert result.organisation(CARE).share == 0


def test_proportional_split_rounds_to_cents_and_gives_the_last_cent_to_the_largest_remainder():
    result = evaluate(worked_check(), SplitRule.proportional())
    # 144000 × 5/7 = 102857.142857…; 144000 × 2/7 = 41142.857142…
    assert result.organisation(CARE).share == D("102857.14")
    assert result.organisation(MUNICIPALITY).share == D("41142.86")
    assert result.organisation(SSI).share == 0
    assert result.total_shares == D("144000.00")
    assert result.organisation(CARE).net_after_split == D("52857.14")


def test_investors_recover_first_then_the_rest_by_percentages():
    split = SplitRule.investors_first({CARE: D("50"), MUNICIPALITY: D("25"), SSI: D("25")})
    result = evaluate(worked_check(), split)
    # 144000 − 70000 = 74000 left: 37000, 18500, 18500.
    assert result.organisation(CARE).share == D("87000.00")
    assert result.organisation(MUNICIPALITY).share == D("38500.00")
    assert result.organisation(SSI).share == D("18500.00")


def test_investors_first_when_savings_do_not_cover_the_investment():
    split = SplitRule.investors_first({SSI: D("100")})
    result = evaluate(worked_check(success_rate=D("0.1")), split)
    # 36000 saved against 70000 invested: 36000 × 5/7 and × 2/7, SSI gets nothing.
    assert result.total_saved == D("36000")
    assert result.organisation(CARE).share == D("25714.29")
    assert result.organisation(MUNICIPALITY).share == D("10285.71")
    assert result.organisation(SSI).share == 0


def test_agreed_percentages_may_name_an_organisation_without_costs_or_savings():
    split = SplitRule.agreed_percentages({CARE: D("40"), "Insurer": D("10"), SSI: D("50")})
    result = evaluate(worked_check(), split)
    assert result.organisation("Insurer").share == D("14400.00")
    assert result.organisation(SSI).share == D("72000.00")
    assert result.organisation(MUNICIPALITY).share == 0


@pytest.mark.parametrize("percentages", [{CARE: D("60")}, {CARE: D("60"), SSI: D("50")}, {}])
def test_percentages_must_add_up_to_a_hundred(percentages):
    with pytest.raises(BusinessCaseError, match="add up to 100"):
        SplitRule.agreed_percentages(percentages)


def test_a_remaining_cent_goes_to_the_first_name_on_a_tie():
    scenario = Scenario(
        name="Cent",
        clients=1,
        success_rate=D("1"),
        lag_months=0,
        horizon_months=1,
        intervention_months=0,
        benefits=(BenefitItem(SSI, D("0.01")),),
    )
    result = evaluate(scenario, SplitRule.agreed_percentages({"B": D("50"), "A": D("50")}))
    assert result.organisation("A").share == D("0.01")
    assert result.organisation("B").share == 0


@pytest.mark.parametrize(
    "fields",
    [
        {"success_rate": D("1.2")},
        {"success_rate": D("-0.1")},
        {"horizon_months": 0},
        {"clients": -1},
        {"annual_discount_rate": D("-0.01")},
    ],
)
def test_impossible_scenarios_are_refused(fields):
    with pytest.raises(BusinessCaseError):
        worked_check(**fields)


def test_unknown_cost_kind_is_refused():
    with pytest.raises(BusinessCaseError):
        CostItem(CARE, "per_year", D("1"))


# --- Properties ----------------------------------------------------------------------------

money = st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False, allow_infinity=False)
rates = st.decimals(min_value=0, max_value=1, places=4, allow_nan=False, allow_infinity=False)
organisations = st.sampled_from(["A", "B", "C", "D"])
costs = st.lists(
    st.builds(
        CostItem, organisations, st.sampled_from(["one_off", "per_client", "per_month"]), money
    ),
    max_size=4,
)
benefits = st.lists(st.builds(BenefitItem, organisations, money), max_size=4)


@st.composite
def scenarios(draw, with_costs=True):
    horizon = draw(st.integers(1, 48))
    return Scenario(
        name="S",
        clients=draw(st.integers(0, 200)),
        success_rate=draw(rates),
        lag_months=draw(st.integers(0, 24)),
        horizon_months=horizon,
        intervention_months=draw(st.integers(0, 24)),
        annual_discount_rate=draw(st.sampled_from([D("0"), D("0.03"), D("0.1")])),
        costs=tuple(draw(costs)) if with_costs else (),
        benefits=tuple(draw(benefits)),
    )


@st.composite
def split_rules(draw):
    kind = draw(st.sampled_from(["none", "proportional", "investors_first", "percentages"]))
    if kind in ("none", "proportional"):
        return SplitRule(kind)
    names = draw(st.lists(organisations, min_size=1, max_size=4, unique=True))
    cuts = sorted(
        draw(st.lists(st.integers(0, 100), min_size=len(names) - 1, max_size=len(names) - 1))
    )
    bounds = [0, *cuts, 100]
    return SplitRule(kind, {name: D(bounds[i + 1] - bounds[i]) for i, name in enumerate(names)})


@settings(max_examples=examples(150), deadline=None)
@given(scenarios(), split_rules())
def test_a_split_never_creates_or_loses_a_cent(scenario, split):
    result = evaluate(scenario, split)
    assert result.total_shares == result.total_saved.quantize(D("0.01"), rounding="ROUND_HALF_UP")
    assert all(org.share >= 0 for org in result.organisations)


@settings(max_examples=examples(100), deadline=None)
@given(scenarios(), rates, rates)
def test_a_higher_success_rate_never_lowers_total_savings(scenario, low, high):
    low, high = sorted([low, high])
    fields = {name: getattr(scenario, name) for name in scenario.__dataclass_fields__}
    at_low = evaluate(Scenario(**{**fields, "success_rate": low}))
    at_high = evaluate(Scenario(**{**fields, "success_rate": high}))
    assert at_high.total_saved >= at_low.total_saved


@settings(max_examples=examples(50), deadline=None)
@given(scenarios(with_costs=False))
def test_without_costs_there_is_no_roi(scenario):
    assert evaluate(scenario).roi is None
