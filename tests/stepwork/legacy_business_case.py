"""The business case calculation as issue 4 left it, frozen: the reference that the
defaults of issue 18 must reproduce exactly (tests/stepwork/test_business_case_deflators.py).
Do not edit."""

from __future__ import annotations

import decimal
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_HALF_UP, Decimal

ONE_OFF = "one_off"
PER_CLIENT = "per_client"
PER_MONTH = "per_month"
COST_KINDS = (ONE_OFF, PER_CLIENT, PER_MONTH)

CENT = Decimal("0.01")
ZERO = Decimal("0")
ONE = Decimal("1")
HUNDRED = Decimal("100")

# Enough digits for long horizons and fractional discount exponents; results are exact for
# the undiscounted case (only sums and products of short decimals).
_CONTEXT = decimal.Context(prec=34, rounding=decimal.ROUND_HALF_EVEN)


class BusinessCaseError(ValueError):
    """Input the calculation refuses, with a sentence the user understands."""


def cents(value: Decimal) -> Decimal:
    """Round money to cents for display (half up, as people do by hand)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CostItem:
    """Who pays what."""

    organisation: str
    kind: str  # "one_off" | "per_client" | "per_month"
    amount: Decimal  # euros

    def __post_init__(self):
        if self.kind not in COST_KINDS:
            raise BusinessCaseError(f"Unknown cost kind {self.kind!r}.")
        if Decimal(self.amount) < 0:
            raise BusinessCaseError("A cost cannot be negative.")


@dataclass(frozen=True)
class BenefitItem:
    """Who saves what, per successful client."""

    organisation: str
    monthly_amount: Decimal  # euros saved per month per client in work

    def __post_init__(self):
        if Decimal(self.monthly_amount) < 0:
            raise BusinessCaseError("A saving cannot be negative.")


@dataclass(frozen=True)
class Scenario:
    name: str
    clients: int
    success_rate: Decimal  # share of clients reaching paid work, 0..1
    lag_months: int  # months before savings start
    horizon_months: int
    intervention_months: int  # months over which per_month costs run
    annual_discount_rate: Decimal = Decimal("0")
    costs: tuple[CostItem, ...] = ()
    benefits: tuple[BenefitItem, ...] = ()

    def __post_init__(self):
        if self.clients < 0:
            raise BusinessCaseError("The number of clients cannot be negative.")
        if not ZERO <= Decimal(self.success_rate) <= ONE:
            raise BusinessCaseError("The success rate lies between 0 and 1.")
        if self.horizon_months < 1:
            raise BusinessCaseError("The horizon is at least one month.")
        if self.lag_months < 0 or self.intervention_months < 0:
            raise BusinessCaseError("Months cannot be negative.")
        if Decimal(self.annual_discount_rate) < 0:
            raise BusinessCaseError("The discount rate cannot be negative.")

    @property
    def expected_in_work(self) -> Decimal:
        """Expected clients in paid work: not rounded, 10 × 0.45 is 4.5 clients."""
        return Decimal(self.clients) * Decimal(self.success_rate)


# --- Shared savings ----------------------------------------------------------------------

SPLIT_NONE = "none"
SPLIT_PROPORTIONAL = "proportional"
SPLIT_INVESTORS_FIRST = "investors_first"
SPLIT_PERCENTAGES = "percentages"
SPLIT_KINDS = (SPLIT_NONE, SPLIT_PROPORTIONAL, SPLIT_INVESTORS_FIRST, SPLIT_PERCENTAGES)


@dataclass(frozen=True)
class SplitRule:
    """How total savings are redistributed among organisations.

    - ``none``: each organisation keeps what it saves itself.
    - ``proportional``: savings in proportion to what each invested (each keeps its own
      when nobody invests).
    - ``investors_first``: investors first recover their investment (in proportion to it
      when savings do not cover it all); what is left is split by agreed percentages.
    - ``percentages``: all savings by agreed percentages.

    Percentages are keyed by organisation and must sum to exactly 100.
    """

    kind: str = SPLIT_NONE
    percentages: tuple[tuple[str, Decimal], ...] = ()

    def __post_init__(self):
        if self.kind not in SPLIT_KINDS:
            raise BusinessCaseError(f"Unknown savings split {self.kind!r}.")
        if isinstance(self.percentages, Mapping):
            object.__setattr__(
                self,
                "percentages",
                tuple(sorted((k, Decimal(v)) for k, v in self.percentages.items())),
            )
        if self.kind in (SPLIT_INVESTORS_FIRST, SPLIT_PERCENTAGES):
            if any(value < 0 for _, value in self.percentages):
                raise BusinessCaseError("An agreed percentage cannot be negative.")
            total = sum((value for _, value in self.percentages), ZERO)
            if total != HUNDRED:
                added = f"{total.normalize():f}"
                raise BusinessCaseError(
                    f"The agreed percentages must add up to 100; they add up to {added}."
                )

    @classmethod
    def none(cls) -> SplitRule:
        return cls(SPLIT_NONE)

    @classmethod
    def proportional(cls) -> SplitRule:
        return cls(SPLIT_PROPORTIONAL)

    @classmethod
    def investors_first(cls, percentages: Mapping[str, Decimal]) -> SplitRule:
        return cls(SPLIT_INVESTORS_FIRST, percentages)

    @classmethod
    def agreed_percentages(cls, percentages: Mapping[str, Decimal]) -> SplitRule:
        return cls(SPLIT_PERCENTAGES, percentages)

    def percentage_of(self, organisation: str) -> Decimal:
        return dict(self.percentages).get(organisation, ZERO)


# --- Results -----------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthPoint:
    month: int
    cost: Decimal
    saving: Decimal
    cumulative_cost: Decimal
    cumulative_saving: Decimal

    @property
    def cumulative_net(self) -> Decimal:
        return self.cumulative_saving - self.cumulative_cost


@dataclass(frozen=True)
class OrganisationResult:
    organisation: str
    invested: Decimal
    saved: Decimal
    share: Decimal  # savings after the split, in cents
    break_even_month: int | None  # on its own costs and savings, before any split

    @property
    def net(self) -> Decimal:
        return self.saved - self.invested

    @property
    def net_after_split(self) -> Decimal:
        return self.share - self.invested

    @property
    def role(self) -> str:
        """ "invests", "saves", "both" or "neither": the wrong pocket at a glance."""
        if self.invested and self.saved:
            return "both"
        if self.invested:
            return "invests"
        if self.saved:
            return "saves"
        return "neither"


@dataclass(frozen=True)
class Evaluation:
    scenario: Scenario
    split: SplitRule
    organisations: tuple[OrganisationResult, ...]
    total_invested: Decimal
    total_saved: Decimal
    roi: Decimal | None
    break_even_month: int | None
    months: tuple[MonthPoint, ...] = field(repr=False)

    @property
    def net(self) -> Decimal:
        return self.total_saved - self.total_invested

    @property
    def expected_in_work(self) -> Decimal:
        return self.scenario.expected_in_work

    @property
    def cumulative_costs(self) -> tuple[Decimal, ...]:
        return tuple(point.cumulative_cost for point in self.months)

    @property
    def cumulative_savings(self) -> tuple[Decimal, ...]:
        return tuple(point.cumulative_saving for point in self.months)

    @property
    def total_shares(self) -> Decimal:
        return sum((org.share for org in self.organisations), ZERO)

    def organisation(self, name: str) -> OrganisationResult:
        for result in self.organisations:
            if result.organisation == name:
                return result
        raise KeyError(name)


# --- The calculation ---------------------------------------------------------------------


def discount_factor(annual_rate: Decimal, month: int) -> Decimal:
    if not annual_rate:
        return ONE
    exponent = Decimal(-(month - 1)) / Decimal(12)
    return _CONTEXT.power(ONE + Decimal(annual_rate), _CONTEXT.divide(exponent, ONE))


def _monthly_flows(scenario: Scenario):
    """{organisation: [cost per month]} and {organisation: [saving per month]}, discounted,
    index 0 is month 1."""
    horizon = scenario.horizon_months
    factors = [discount_factor(scenario.annual_discount_rate, m) for m in range(1, horizon + 1)]
    costs: dict[str, list[Decimal]] = {}
    savings: dict[str, list[Decimal]] = {}
    for item in scenario.costs:
        row = costs.setdefault(item.organisation, [ZERO] * horizon)
        amount = Decimal(item.amount)
        if item.kind == ONE_OFF:
            row[0] += amount * factors[0]
        elif item.kind == PER_CLIENT:
            row[0] += amount * scenario.clients * factors[0]
        else:
            for index in range(min(scenario.intervention_months, horizon)):
                row[index] += amount * factors[index]
    in_work = scenario.expected_in_work
    for item in scenario.benefits:
        row = savings.setdefault(item.organisation, [ZERO] * horizon)
        monthly = Decimal(item.monthly_amount) * in_work
        for index in range(scenario.lag_months, horizon):
            row[index] += monthly * factors[index]
    return costs, savings


def _break_even(cost_rows, saving_rows, horizon) -> tuple[int | None, list[MonthPoint]]:
    points = []
    cumulative_cost = cumulative_saving = ZERO
    first = None
    for index in range(horizon):
        cost = sum((row[index] for row in cost_rows), ZERO)
        saving = sum((row[index] for row in saving_rows), ZERO)
        cumulative_cost += cost
        cumulative_saving += saving
        points.append(MonthPoint(index + 1, cost, saving, cumulative_cost, cumulative_saving))
        if first is None and cumulative_saving >= cumulative_cost:
            first = index + 1
    return first, points


def _allocate(total: Decimal, raw: dict[str, Decimal]) -> dict[str, Decimal]:
    """Round raw shares down to cents and hand out the remaining cents one by one, largest
    remainder first (ties by organisation name), so the shares add up to ``total`` exactly.
    """
    total = cents(total)
    floors = {org: value.quantize(CENT, rounding=ROUND_DOWN) for org, value in raw.items()}
    left = int((total - sum(floors.values(), ZERO)) / CENT)
    order = sorted(raw, key=lambda org: (-(raw[org] - floors[org]), org))
    if left < 0:  # only when raw shares overshoot the total; never with valid rules
        order = sorted(raw, key=lambda org: (raw[org] - floors[org], org))
    step = CENT if left >= 0 else -CENT
    index = 0
    while left and order:
        org = order[index % len(order)]
        floors[org] += step
        left += -1 if left > 0 else 1
        index += 1
    return floors


def split_savings(
    split: SplitRule, invested: dict[str, Decimal], saved: dict[str, Decimal]
) -> dict[str, Decimal]:
    """Each organisation's share of the total savings, in cents, summing exactly to the
    total savings rounded to cents."""
    total_saved = sum(saved.values(), ZERO)
    total_invested = sum(invested.values(), ZERO)
    organisations = sorted(set(invested) | set(saved) | {org for org, _ in split.percentages})
    raw = dict.fromkeys(organisations, ZERO)
    kind = split.kind
    if kind == SPLIT_PROPORTIONAL and not total_invested:
        kind = SPLIT_NONE  # nothing invested: there is no proportion to follow
    if kind == SPLIT_NONE:
        raw.update(saved)
    elif kind == SPLIT_PROPORTIONAL:
        for org, amount in invested.items():
            raw[org] = total_saved * amount / total_invested
    elif kind == SPLIT_PERCENTAGES:
        for org, percentage in split.percentages:
            raw[org] = total_saved * percentage / HUNDRED
    else:  # investors first
        if total_invested and total_saved <= total_invested:
            for org, amount in invested.items():
                raw[org] = total_saved * amount / total_invested
        else:
            rest = total_saved - total_invested
            for org, amount in invested.items():
                raw[org] = amount
            for org, percentage in split.percentages:
                raw[org] += rest * percentage / HUNDRED
    return _allocate(total_saved, raw)


def evaluate(scenario: Scenario, split: SplitRule | None = None) -> Evaluation:
    split = split or SplitRule.none()
    horizon = scenario.horizon_months
    cost_rows, saving_rows = _monthly_flows(scenario)
    invested = {org: sum(row, ZERO) for org, row in cost_rows.items()}
    saved = {org: sum(row, ZERO) for org, row in saving_rows.items()}
    shares = split_savings(split, invested, saved)
    results = []
    for org in sorted(shares):
        # An organisation that invests nothing has nothing to earn back.
        own_break_even = None
        if invested.get(org):
            own_savings = [saving_rows[org]] if org in saving_rows else []
            own_break_even, _ = _break_even([cost_rows[org]], own_savings, horizon)
        results.append(
            OrganisationResult(
                organisation=org,
                invested=invested.get(org, ZERO),
                saved=saved.get(org, ZERO),
                share=shares[org],
                break_even_month=own_break_even,
            )
        )
    total_invested = sum(invested.values(), ZERO)
    total_saved = sum(saved.values(), ZERO)
    break_even, points = _break_even(list(cost_rows.values()), list(saving_rows.values()), horizon)
    roi = (total_saved - total_invested) / total_invested if total_invested else None
    return Evaluation(
        scenario=scenario,
        split=split,
        organisations=tuple(results),
        total_invested=total_invested,
        total_saved=total_saved,
        roi=roi,
        break_even_month=break_even,
        months=tuple(points),
    )


def break_even_success_rate(scenario: Scenario, places: int = 4) -> Decimal | None:
    """The lowest success rate (rounded up to ``places`` decimals) at which the scenario
    breaks even within its horizon; None when even every client in work would not do.

    Savings grow linearly with the success rate while costs do not, so at month m the
    scenario breaks even when ``rate × savings_at_rate_1(m) ≥ costs(m)``.
    """
    at_full = evaluate(
        Scenario(**{**_fields(scenario), "success_rate": ONE}),
    )
    needed = None
    for point in at_full.months:
        if point.cumulative_cost <= 0:
            return ZERO
        if point.cumulative_saving > 0:
            rate = point.cumulative_cost / point.cumulative_saving
            needed = rate if needed is None else min(needed, rate)
    if needed is None or needed > ONE:
        return None
    return needed.quantize(Decimal(1).scaleb(-places), rounding=ROUND_CEILING)


def _fields(scenario: Scenario) -> dict:
    return {name: getattr(scenario, name) for name in scenario.__dataclass_fields__}
