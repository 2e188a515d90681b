"""Issue 18: deflators, optimism bias, kinds of value, present values, switching values and
the tornado. Every expected figure is worked out by hand from the issue-4 worked check
(10 clients, 40 %, savings of 1,200 a month per client in work from month 7 to 36, costs of
70,000 in month 1), so that 4,800 a month over 30 months makes 144,000."""

from dataclasses import replace
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steps import business_case as bc
from steps.business_case import (
    BenefitItem,
    BusinessCaseError,
    CostItem,
    Scenario,
    SplitRule,
    evaluate,
    switching_value,
    tornado,
)
from tests.examples import examples

from . import legacy_business_case as legacy
from .test_business_case import CARE, MUNICIPALITY, SSI, worked_check


def with_benefit(**fields) -> Scenario:
    return worked_check(benefits=(BenefitItem(SSI, D("1200"), **fields),))


# --- Each rule by hand ---------------------------------------------------------------------


def test_the_defaults_keep_the_worked_check_of_issue_4():
    result = evaluate(worked_check())
    assert result.total_saved == result.pv_cashable == D("144000")
    assert result.total_invested == result.pv_costs == D("70000")
    assert result.break_even_month == result.financial_break_even_month == 21
    assert result.financial_npv == result.npv == D("74000")
    assert result.pv_benefits == result.pv_fiscal == D("144000")
    assert result.pv_economic == result.pv_social == 0
    assert result.bcr == D("144000") / D("70000")


def test_deadweight_removes_what_would_have_happened_anyway():
    result = evaluate(with_benefit(deadweight=D("0.25")))
    assert result.total_saved == D("3600") * 30
    assert result.financial_npv == D("108000") - D("70000")


def test_attribution_removes_the_share_due_to_others():
    assert evaluate(with_benefit(attribution=D("0.5"))).total_saved == D("72000")


def test_displacement_removes_what_moved_from_elsewhere():
    assert evaluate(with_benefit(displacement=D("0.1"))).total_saved == D("4320") * 30


def test_deflators_multiply():
    result = evaluate(
        with_benefit(deadweight=D("0.5"), attribution=D("0.5"), displacement=D("0.5"))
    )
    assert result.total_saved == D("600") * 30


def test_drop_off_lowers_each_year_after_the_first_counted_from_the_start():
    # Months 7..18 at 4,800, 19..30 at 2,400, 31..36 at 1,200.
    result = evaluate(with_benefit(drop_off=D("0.5")))
    assert result.months[17].saving == D("4800")
    assert result.months[18].saving == D("2400")
    assert result.months[29].saving == D("2400")
    assert result.months[30].saving == D("1200")
    assert result.total_saved == 12 * D("4800") + 12 * D("2400") + 6 * D("1200")
    # 57,600 after month 18, then 2,400 a month: 72,000 ≥ 70,000 in month 24.
    assert result.break_even_month == 24


def test_a_benefit_shorter_than_the_horizon_stops():
    result = evaluate(with_benefit(duration_months=12))
    assert result.months[17].saving == D("4800")
    assert result.months[18].saving == 0
    assert result.total_saved == D("57600")
    assert result.break_even_month is None


def test_a_duration_longer_than_the_horizon_stops_at_the_horizon():
    assert evaluate(with_benefit(duration_months=100)).total_saved == D("144000")


def test_a_benefit_delay_starts_every_benefit_later():
    result = evaluate(worked_check(benefit_delay_months=3))
    assert result.months[8].saving == 0
    assert result.months[9].saving == D("4800")
    assert result.total_saved == D("4800") * 27
    # 4,800 × (m − 9) ≥ 70,000 first at m = 24.
    assert result.break_even_month == 24


def test_delay_and_duration_together():
    # Starts in month 10, lasts 12 months: months 10..21.
    result = evaluate(
        worked_check(
            benefit_delay_months=3, benefits=(BenefitItem(SSI, D("1200"), duration_months=12),)
        )
    )
    assert result.months[20].saving == D("4800")
    assert result.months[21].saving == 0
    assert result.total_saved == D("57600")


def test_cost_uplift_raises_every_cost():
    result = evaluate(worked_check(cost_uplift=D("0.2")))
    assert result.total_invested == D("84000")
    assert result.organisation(CARE).invested == D("60000")
    assert result.organisation(MUNICIPALITY).invested == D("24000")
    # 4,800 × (m − 6) ≥ 84,000 first at m = 24.
    assert result.break_even_month == 24


def test_cost_uplift_raises_monthly_costs_too():
    result = evaluate(
        worked_check(cost_uplift=D("0.5"), costs=(CostItem(CARE, "per_month", D("1000")),))
    )
    assert result.months[0].cost == D("1500")
    assert result.total_invested == D("18000")


def test_benefit_reduction_lowers_every_benefit():
    result = evaluate(worked_check(benefit_reduction=D("0.25")))
    assert result.total_saved == D("108000")
    # 3,600 × (m − 6) ≥ 70,000 first at m = 26.
    assert result.break_even_month == 26


def mixed() -> Scenario:
    return worked_check(
        benefits=(
            BenefitItem(SSI, D("1200")),
            BenefitItem(MUNICIPALITY, D("300"), kind="social"),
            BenefitItem(CARE, D("100"), kind="economic"),
            BenefitItem(MUNICIPALITY, D("50"), cashable=False),
        )
    )


def test_kinds_of_value_count_in_the_social_case_and_only_cash_in_the_financial_case():
    result = evaluate(mixed())
    # 4 clients in work × 30 months: social 300 → 36,000; economic 100 → 12,000; the
    # non-cashable fiscal 50 → 6,000.
    assert result.pv_social == D("36000")
    assert result.pv_economic == D("12000")
    assert result.pv_fiscal == D("150000")
    assert result.pv_benefits == D("198000")
    assert result.npv == D("128000")
    assert result.bcr == D("198000") / D("70000")
    assert result.total_saved == D("144000")
    assert result.financial_npv == D("74000")
    assert result.break_even_month == 21
    assert result.roi == D("74000") / D("70000")
    assert result.organisation(MUNICIPALITY).non_cash_value == D("42000")
    assert result.organisation(MUNICIPALITY).saved == 0
    assert result.organisation(CARE).non_cash_value == D("12000")


def test_a_social_benefit_with_cashable_left_on_is_still_not_cash():
    assert not BenefitItem(SSI, D("1"), kind="social", cashable=True).is_cash
    assert not BenefitItem(SSI, D("1"), cashable=False).is_cash
    assert BenefitItem(SSI, D("1")).is_cash


@pytest.mark.parametrize(
    "split",
    [
        SplitRule.none(),
        SplitRule.proportional(),
        SplitRule.agreed_percentages({CARE: D("50"), MUNICIPALITY: D("50")}),
        SplitRule.investors_first({SSI: D("100")}),
    ],
)
def test_non_cash_value_is_never_shared(split):
    result = evaluate(mixed(), split)
    assert result.total_shares == D("144000.00")
    assert evaluate(worked_check(), split).total_shares == result.total_shares


def test_an_organisation_with_only_non_cash_value_shares_nothing_of_it():
    scenario = worked_check(
        benefits=(BenefitItem(SSI, D("1200")), BenefitItem("Insurer", D("500"), kind="social"))
    )
    insurer = evaluate(scenario).organisation("Insurer")
    assert insurer.share == 0
    assert insurer.non_cash_value == D("60000")


def test_no_costs_has_no_benefit_cost_ratio():
    assert evaluate(worked_check(costs=())).bcr is None


@pytest.mark.parametrize(
    "fields",
    [
        {"deadweight": D("1.5")},
        {"attribution": D("-0.1")},
        {"displacement": D("2")},
        {"drop_off": D("1.01")},
        {"duration_months": 0},
        {"kind": "moral"},
    ],
)
def test_impossible_benefits_are_refused(fields):
    with pytest.raises(BusinessCaseError):
        BenefitItem(SSI, D("1"), **fields)


@pytest.mark.parametrize(
    "fields",
    [{"cost_uplift": D("-0.1")}, {"benefit_reduction": D("1.2")}, {"benefit_delay_months": -1}],
)
def test_impossible_optimism_bias_is_refused(fields):
    with pytest.raises(BusinessCaseError):
        worked_check(**fields)


# --- Switching values and the tornado, by hand ---------------------------------------------


@pytest.mark.parametrize(
    ("parameter", "expected"),
    [
        # Rounded towards breaking even: up where more helps, down where less does.
        # 1,200 × 10 × 30 × rate = 70,000 → 0.19444…
        ("success_rate", D("0.1945")),
        # 14,400 c − 5,000 c − 20,000 = 0 → 2.12766…
        ("clients", D("2.1277")),
        # 144,000 = 70,000 × (1 + u) → 1.05714…
        ("cost_uplift", D("1.0571")),
        # 144,000 × (1 − r) = 70,000 → 0.51389…
        ("benefit_reduction", D("0.5138")),
        ("deadweight", D("0.5138")),
        # 144,000 − 10 a − 20,000 = 0
        ("cost:0", D("12400")),
        ("cost:1", D("94000")),
        # 10 × 0.4 × 30 × a = 70,000
        ("benefit:0", D("583.3334")),
    ],
)
def test_switching_values_of_the_worked_check(parameter, expected):
    assert switching_value(worked_check(), parameter) == expected


def test_a_switching_value_outside_the_range_is_none():
    hopeless = worked_check(costs=(CostItem(CARE, "one_off", D("1000000")),))
    assert switching_value(hopeless, "success_rate") is None  # even 100 % does not pay
    assert switching_value(hopeless, "benefit_reduction") is None
    assert switching_value(hopeless, "cost:0") == D("144000")


def test_a_non_cash_benefit_has_no_switching_value():
    assert switching_value(mixed(), "benefit:1") is None
    assert switching_value(mixed(), "success_rate") == D("0.1945")


def test_an_unknown_parameter_is_refused():
    with pytest.raises(BusinessCaseError):
        switching_value(worked_check(), "cost:7")
    with pytest.raises(BusinessCaseError):
        switching_value(worked_check(), "horizon_months")


def test_the_switching_success_rate_agrees_with_the_break_even_success_rate():
    for rate in ("0.1", "0.4", "0.9"):
        scenario = worked_check(success_rate=D(rate), annual_discount_rate=D("0.0225"))
        assert switching_value(scenario, "success_rate") == bc.break_even_success_rate(scenario)


def test_switching_values_say_which_way_the_case_holds():
    found = {s.parameter: s for s in bc.switching_values(worked_check())}
    assert found["success_rate"].direction == "at_least"
    assert found["success_rate"].current == D("0.4")
    assert found["cost_uplift"].direction == "at_most"
    assert found["cost:1"].value == D("94000")


def test_the_tornado_orders_parameters_by_swing():
    bars = tornado(
        worked_check(),
        {"cost_uplift": (D("0"), D("0.5")), "success_rate": (D("0.2"), D("0.6"))},
    )
    assert [bar.parameter for bar in bars] == ["success_rate", "cost_uplift"]
    # 72,000 − 70,000 and 216,000 − 70,000; 74,000 and 144,000 − 105,000.
    assert (bars[0].npv_low, bars[0].npv_high) == (D("2000"), D("146000"))
    assert (bars[1].npv_low, bars[1].npv_high) == (D("74000"), D("39000"))
    assert bars[0].swing == D("144000")
    assert bars[1].swing == D("35000")


def test_default_ranges_stay_in_range_and_skip_what_does_not_move_the_case():
    ranges = bc.default_ranges(mixed())
    assert ranges["success_rate"] == (D("0.3"), D("0.5"))
    assert ranges["cost_uplift"] == (D("0"), D("0.25"))
    assert "benefit:1" not in ranges  # social value: no financial effect
    assert bc.default_ranges(worked_check(success_rate=D("0.9")))["success_rate"][1] == 1


def test_the_fast_financial_npv_agrees_with_the_monthly_calculation():
    scenario = worked_check(
        annual_discount_rate=D("0.0225"),
        cost_uplift=D("0.1"),
        benefits=(
            BenefitItem(SSI, D("1200"), deadweight=D("0.2"), drop_off=D("0.1"), duration_months=20),
        ),
    )
    assert abs(bc.financial_npv(scenario) - evaluate(scenario).financial_npv) < D("1e-15")


# --- Properties ----------------------------------------------------------------------------

money = st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False, allow_infinity=False)
rates = st.decimals(min_value=0, max_value=1, places=4, allow_nan=False, allow_infinity=False)
organisations = st.sampled_from(["A", "B", "C", "D"])
cost_kinds = st.sampled_from(["one_off", "per_client", "per_month"])
discount_rates = st.sampled_from([D("0"), D("0.0225"), D("0.035"), D("0.1")])


@st.composite
def plain_scenarios(draw):
    """The inputs of issue 4 only, for both calculations."""
    return {
        "name": "S",
        "clients": draw(st.integers(0, 200)),
        "success_rate": draw(rates),
        "lag_months": draw(st.integers(0, 24)),
        "horizon_months": draw(st.integers(1, 60)),
        "intervention_months": draw(st.integers(0, 24)),
        "annual_discount_rate": draw(discount_rates),
        "costs": draw(st.lists(st.tuples(organisations, cost_kinds, money), max_size=4)),
        "benefits": draw(st.lists(st.tuples(organisations, money), max_size=4)),
    }


def split_of(draw, module):
    kind = draw(st.sampled_from(["none", "proportional", "investors_first", "percentages"]))
    if kind in ("none", "proportional"):
        return module.SplitRule(kind)
    return module.SplitRule(kind, {"A": D("60"), "C": D("40")})


@settings(max_examples=examples(200), deadline=None)
@given(plain_scenarios(), st.data())
def test_the_defaults_reproduce_issue_4_exactly(fields, data):
    split_kind = data.draw(
        st.sampled_from(["none", "proportional", "investors_first", "percentages"])
    )
    percentages = (
        {"A": D("60"), "C": D("40")} if split_kind in ("investors_first", "percentages") else {}
    )
    results = []
    for module in (legacy, bc):
        scenario = module.Scenario(
            **{
                **fields,
                "costs": tuple(module.CostItem(*c) for c in fields["costs"]),
                "benefits": tuple(module.BenefitItem(*b) for b in fields["benefits"]),
            }
        )
        results.append(module.evaluate(scenario, module.SplitRule(split_kind, percentages)))
    old, new = results
    assert new.total_invested == old.total_invested
    assert new.total_saved == old.total_saved
    assert new.roi == old.roi
    # Issue 22: a scenario that spends and saves nothing has no break-even (issue 4 said 1).
    empty = old.total_invested == 0 and old.total_saved == 0
    assert new.break_even_month == (None if empty else old.break_even_month)
    assert [
        (p.month, p.cost, p.saving, p.cumulative_cost, p.cumulative_saving) for p in new.months
    ] == [(p.month, p.cost, p.saving, p.cumulative_cost, p.cumulative_saving) for p in old.months]
    assert [
        (o.organisation, o.invested, o.saved, o.share, o.break_even_month)
        for o in new.organisations
    ] == [
        (o.organisation, o.invested, o.saved, o.share, o.break_even_month)
        for o in old.organisations
    ]
    assert new.npv == new.financial_npv == old.net
    scenario = new.scenario
    assert legacy.break_even_success_rate(old.scenario) == bc.break_even_success_rate(scenario)


@st.composite
def full_scenarios(draw):
    benefits = draw(
        st.lists(
            st.builds(
                BenefitItem,
                organisations,
                money,
                kind=st.sampled_from(bc.VALUE_KINDS),
                cashable=st.booleans(),
                deadweight=rates,
                attribution=rates,
                displacement=rates,
                drop_off=rates,
                duration_months=st.none() | st.integers(1, 60),
            ),
            max_size=4,
        )
    )
    costs = draw(st.lists(st.builds(CostItem, organisations, cost_kinds, money), max_size=4))
    return Scenario(
        name="S",
        clients=draw(st.integers(0, 200)),
        success_rate=draw(rates),
        lag_months=draw(st.integers(0, 24)),
        horizon_months=draw(st.integers(1, 60)),
        intervention_months=draw(st.integers(0, 24)),
        annual_discount_rate=draw(discount_rates),
        costs=tuple(costs),
        benefits=tuple(benefits),
        cost_uplift=draw(st.decimals(min_value=0, max_value=2, places=2)),
        benefit_reduction=draw(rates),
        benefit_delay_months=draw(st.integers(0, 12)),
    )


def raised(scenario: Scenario, what: str, by) -> Scenario:
    if what in ("cost_uplift", "benefit_delay_months"):
        return replace(scenario, **{what: getattr(scenario, what) + by})
    if what == "benefit_reduction":
        return replace(scenario, benefit_reduction=min(D(1), scenario.benefit_reduction + by))
    benefits = tuple(
        replace(b, **{what: min(D(1), getattr(b, what) + by)}) for b in scenario.benefits
    )
    return replace(scenario, benefits=benefits)


@settings(max_examples=examples(300), deadline=None)
@given(
    full_scenarios(),
    st.sampled_from(
        [
            "deadweight",
            "attribution",
            "displacement",
            "cost_uplift",
            "benefit_reduction",
            "benefit_delay_months",
        ]
    ),
    st.integers(1, 10),
)
def test_raising_a_deflator_or_the_optimism_bias_never_raises_the_npv(scenario, what, steps):
    by = steps if what == "benefit_delay_months" else D(steps) / 10
    before, after = evaluate(scenario), evaluate(raised(scenario, what, by))
    assert after.npv <= before.npv
    assert after.financial_npv <= before.financial_npv


@st.composite
def cases_that_can_switch(draw):
    """Scenarios with at least one cost and one cash benefit, so that some parameter has a
    switching value (filtering random scenarios for one would discard most of them)."""
    scenario = draw(full_scenarios())
    return replace(
        scenario,
        clients=max(scenario.clients, 1),
        success_rate=max(scenario.success_rate, D("0.01")),
        lag_months=min(scenario.lag_months, scenario.horizon_months - 1),
        benefit_delay_months=0,
        # A reduction of 100 % leaves no benefit for any amount to switch.
        benefit_reduction=min(scenario.benefit_reduction, D("0.99")),
        costs=(*scenario.costs, CostItem("A", "one_off", draw(money) + 1)),
        benefits=(*scenario.benefits, BenefitItem("B", draw(money) + 1)),
    )


def switching_cases(scenario, places):
    return [
        (parameter, value)
        for parameter in bc.parameters(scenario)
        if (value := switching_value(scenario, parameter, places=places)) is not None
    ]


@settings(max_examples=examples(150), deadline=None)
@given(cases_that_can_switch())
def test_a_switching_value_plugged_back_in_breaks_even(scenario):
    cases = switching_cases(scenario, places=12)
    assert cases  # the added benefit's amount always has one
    for parameter, value in cases:
        npv = evaluate(bc.with_parameter(scenario, parameter, value)).financial_npv
        assert abs(npv) < 1, parameter


@settings(max_examples=examples(100), deadline=None)
@given(cases_that_can_switch())
def test_a_switching_value_to_four_decimals_is_off_by_no_more_than_its_rounding(scenario):
    # Rounding to 4 decimals moves the NPV by at most a unit of the 4th decimal times
    # the slope (the NPV per unit of the parameter): for a success rate with 100 clients
    # that can be more than a euro, hence the allowance.
    for parameter, value in switching_cases(scenario, places=4):
        at_zero = evaluate(bc.with_parameter(scenario, parameter, 0)).financial_npv
        slope = evaluate(bc.with_parameter(scenario, parameter, 1)).financial_npv - at_zero
        npv = evaluate(bc.with_parameter(scenario, parameter, value)).financial_npv
        assert abs(npv) < 1 + abs(slope) * D("0.0001"), parameter


@settings(max_examples=examples(100), deadline=None)
@given(full_scenarios())
def test_the_tornado_bars_are_the_npv_at_each_end(scenario):
    ranges = bc.default_ranges(scenario)
    bars = tornado(scenario, ranges)
    assert [bar.swing for bar in bars] == sorted((bar.swing for bar in bars), reverse=True)
    for bar in bars:
        low = evaluate(bc.with_parameter(scenario, bar.parameter, bar.low)).financial_npv
        assert abs(low - bar.npv_low) < D("1e-12")


@settings(max_examples=examples(100), deadline=None)
@given(full_scenarios(), st.sampled_from(["none", "proportional"]))
def test_shares_add_up_to_the_cash_savings_only(scenario, kind):
    result = evaluate(scenario, SplitRule(kind))
    assert result.total_shares == bc.cents(result.total_saved)
    assert result.pv_benefits == result.total_saved + result.pv_non_cash
