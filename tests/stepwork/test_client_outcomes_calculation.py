"""Issue 18: client outcomes besides paid work in the calculation, and the price index.
Figures by hand from the issue-4 worked check (10 clients, 40 %, 1,200 a month per client
in work from month 7 to 36, costs of 70,000 in month 1: financial NPV 74,000)."""

from dataclasses import replace
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steps import business_case as bc
from steps.business_case import BenefitItem, BusinessCaseError, Outcome, evaluate
from steps.price_index import PriceIndexError, index_amount
from steps.scenarios import evaluate_snapshot, from_snapshot
from tests.examples import examples

from .test_business_case import SSI, worked_check

LADDER = "Clients moving up the participation ladder"
WELLBEING = "Gemeente"


def with_ladder(expected="6", **benefit) -> bc.Scenario:
    base = worked_check()
    return replace(
        base,
        outcomes=(Outcome(LADDER, D(expected)),),
        benefits=(
            *base.benefits,
            BenefitItem(
                WELLBEING, D("100"), kind="social", cashable=False, outcome=LADDER, **benefit
            ),
        ),
    )


def test_a_benefit_tied_to_an_outcome_counts_its_clients_not_those_in_work():
    result = evaluate(with_ladder())
    # 100 a month × 6 clients × 30 months (months 7..36) = 18,000, not 100 × 4 × 30.
    assert result.pv_social == D("18000")
    assert result.pv_of_outcome(LADDER) == D("18000")
    assert result.financial_npv == D("74000")  # paid work's financial case is untouched
    assert result.npv == D("92000")
    assert result.organisation(WELLBEING).non_cash_value == D("18000")


def test_a_tied_benefit_keeps_its_deflators_and_duration():
    # × (1 − 0.5) deadweight, 12 months only: 100 × 6 × 0.5 × 12 = 3,600.
    result = evaluate(with_ladder(deadweight=D("0.5"), duration_months=12))
    assert result.pv_social == D("3600")


def test_an_outcome_nobody_reaches_yields_nothing():
    assert evaluate(with_ladder(expected="0")).pv_social == 0


def test_cashable_savings_cannot_be_tied_to_another_outcome():
    with pytest.raises(BusinessCaseError, match="not cash"):
        BenefitItem(SSI, D("100"), outcome=LADDER)


def test_a_benefit_must_name_an_outcome_of_its_scenario():
    with pytest.raises(BusinessCaseError, match="No client outcome"):
        replace(with_ladder(), outcomes=())


def test_two_outcomes_of_one_name_are_refused():
    with pytest.raises(BusinessCaseError, match="same name"):
        replace(worked_check(), outcomes=(Outcome("A", D(1)), Outcome("A", D(2))))


def test_switching_values_stay_those_of_paid_work():
    for parameter in ("success_rate", "clients", "cost_uplift", "deadweight"):
        assert bc.switching_value(with_ladder(), parameter) == bc.switching_value(
            worked_check(), parameter
        )


@settings(max_examples=examples(60), deadline=None)
@given(
    expected=st.decimals(min_value=0, max_value=1000, places=1),
    rate=st.decimals(min_value=0, max_value=1, places=2),
)
def test_outcomes_without_tied_value_change_no_figure(expected, rate):
    plain = worked_check(success_rate=rate)
    stated = replace(plain, outcomes=(Outcome(LADDER, expected),))
    a, b = evaluate(plain), evaluate(stated)
    assert (a.npv, a.financial_npv, a.total_saved, a.break_even_month) == (
        b.npv,
        b.financial_npv,
        b.total_saved,
        b.break_even_month,
    )


@settings(max_examples=examples(60), deadline=None)
@given(
    low=st.decimals(min_value=0, max_value=500, places=1),
    more=st.decimals(min_value=0, max_value=500, places=1),
)
def test_more_clients_reaching_an_outcome_never_lower_the_npv(low, more):
    assert evaluate(with_ladder(str(low + more))).npv >= evaluate(with_ladder(str(low))).npv


def test_the_snapshot_of_version_2_reads_without_outcomes():
    data = {
        "version": 2,
        "name": "Pilot",
        "clients": 10,
        "success_rate": "0.4",
        "lag_months": 6,
        "horizon_months": 36,
        "intervention_months": 12,
        "annual_discount_rate": "0",
        "costs": [["Care", "per_client", "5000"], ["Town", "one_off", "20000"]],
        "benefits": [[SSI, "1200", "fiscal", True, "0", "0", "0", "0", None]],
        "split": {"kind": "none", "percentages": []},
    }
    scenario, _split = from_snapshot(data)
    assert scenario.outcomes == ()
    assert evaluate_snapshot(data).financial_npv == D("74000")


# --- The price index ------------------------------------------------------------------------

TABLE = {2024: D("121.30"), 2025: D("125.10"), 2026: D("128.20")}


def test_an_amount_is_brought_to_another_price_year():
    # 350 × 128.20 / 121.30 = 369.9093… → 369.91
    assert index_amount(D("350"), 2024, 2026, TABLE) == D("369.91")
    # and back again: 4,200 × 121.30 / 125.10 = 4,072.4220… → 4,072.42
    assert index_amount(D("4200"), 2025, 2024, TABLE) == D("4072.42")


def test_the_same_or_no_price_year_keeps_the_amount():
    assert index_amount(D("350"), 2024, 2024, {}) == D("350.00")
    assert index_amount(D("350"), 2024, None, {}) == D("350.00")


def test_a_year_the_index_lacks_is_named():
    with pytest.raises(PriceIndexError, match="2019"):
        index_amount(D("350"), 2019, 2026, TABLE)


@settings(max_examples=examples(80), deadline=None)
@given(
    amount=st.decimals(min_value=0, max_value=100_000, places=2),
    years=st.tuples(st.sampled_from(sorted(TABLE)), st.sampled_from(sorted(TABLE))),
)
def test_indexing_follows_the_index_and_comes_back_within_a_cent(amount, years):
    start, end = years
    there = index_amount(amount, start, end, TABLE)
    if TABLE[end] >= TABLE[start]:
        assert there >= amount
    # Rounding to cents twice loses at most a cent each way, scaled by the ratio.
    back = index_amount(there, end, start, TABLE)
    assert abs(back - amount) <= D("0.01") * (1 + TABLE[start] / TABLE[end])
