"""The business case calculation: who invests, who saves, when it breaks even, and how the
savings could be shared. Pure Python with no database access, so that views, PDFs and
exports use the same figures and the rules can be tested alone.

Rules (months are numbered 1..horizon):

- ``one_off`` costs fall in month 1; ``per_client`` costs are ``amount × clients`` in month
  1; ``per_month`` costs are ``amount`` in each of months 1..intervention_months (capped at
  the horizon).
- Every cost is multiplied by ``1 + cost_uplift`` (optimism bias on costs).
- A benefit item starts in month ``start = lag_months + benefit_delay_months + 1`` and lasts
  to the horizon, or ``duration_months`` months when that is set. In month m it yields
  ``monthly_amount × clients × success_rate × (1 − deadweight) × (1 − attribution)
  × (1 − displacement) × (1 − benefit_reduction) × (1 − drop_off) ** ((m − start) // 12)``.
- A benefit tied to a client outcome (``outcome``, not cash) counts the outcome's expected
  clients instead of ``clients × success_rate``: a better quality of life reached by 12
  clients is worth 12 × its amount, whoever of them finds work.
- A month's value is discounted by ``(1 + annual_discount_rate) ** (-(month - 1) / 12)``.
- Value has a kind: ``fiscal`` (public budgets), ``economic`` (earnings, output) or
  ``social`` (wellbeing). The *financial case* counts cashable fiscal benefits only: they
  are the money that can be shared and the basis of ``total_saved``, ``roi`` and
  ``break_even_month``. The *social case* counts every kind: ``npv`` and ``bcr``.
- With every new field at its default the figures are exactly those of issue 4.
- Money stays an unrounded ``Decimal``; only display rounds to cents, and the shared-savings
  split rounds its shares to cents so that they add up to the (rounded) total savings.
"""

from __future__ import annotations

import decimal
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from functools import lru_cache

ONE_OFF = "one_off"
PER_CLIENT = "per_client"
PER_MONTH = "per_month"
COST_KINDS = (ONE_OFF, PER_CLIENT, PER_MONTH)

FISCAL = "fiscal"
ECONOMIC = "economic"
SOCIAL = "social"
VALUE_KINDS = (FISCAL, ECONOMIC, SOCIAL)

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


def _share(value, label: str) -> None:
    if not ZERO <= Decimal(value) <= ONE:
        raise BusinessCaseError(f"The {label} lies between 0 and 1.")


@dataclass(frozen=True)
class BenefitItem:
    """Who saves (or gains) what, per successful client, and how much of it the
    intervention can claim (the SROI deflators)."""

    organisation: str
    monthly_amount: Decimal  # euros per month per client in work
    kind: str = FISCAL  # "fiscal" | "economic" | "social"
    cashable: bool = True  # only cashable fiscal benefits can be shared
    deadweight: Decimal = ZERO  # share that would have happened anyway
    attribution: Decimal = ZERO  # share due to others
    displacement: Decimal = ZERO  # share moved from elsewhere
    drop_off: Decimal = ZERO  # yearly decline after the first year
    duration_months: int | None = None  # None: to the horizon
    outcome: str | None = None  # a client outcome of the scenario, by name; None: paid work

    def __post_init__(self):
        if Decimal(self.monthly_amount) < 0:
            raise BusinessCaseError("A saving cannot be negative.")
        if self.kind not in VALUE_KINDS:
            raise BusinessCaseError(f"Unknown kind of value {self.kind!r}.")
        _share(self.deadweight, "deadweight")
        _share(self.attribution, "attribution")
        _share(self.displacement, "displacement")
        _share(self.drop_off, "drop-off")
        if self.duration_months is not None and self.duration_months < 1:
            raise BusinessCaseError("A benefit lasts at least one month.")
        # The financial case is about paid work; value tied to another outcome is never
        # cash, so it cannot be shared and the switching values stay those of paid work.
        if self.outcome is not None and self.is_cash:
            raise BusinessCaseError("Only value that is not cash can be tied to a client outcome.")

    @property
    def is_cash(self) -> bool:
        """Money that leaves a budget and can be shared: cashable and fiscal."""
        return self.kind == FISCAL and bool(self.cashable)


@dataclass(frozen=True)
class Outcome:
    """A client outcome besides paid work that the scenario expects, e.g. clients moving up
    the participation ladder: how many clients reach it within the horizon."""

    name: str
    expected_clients: Decimal

    def __post_init__(self):
        if not str(self.name).strip():
            raise BusinessCaseError("A client outcome needs a name.")
        if Decimal(self.expected_clients) < 0:
            raise BusinessCaseError("The expected number of clients cannot be negative.")


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
    cost_uplift: Decimal = ZERO  # optimism bias on costs: costs × (1 + uplift)
    benefit_reduction: Decimal = ZERO  # optimism bias on benefits: × (1 − reduction)
    benefit_delay_months: int = 0  # optimism bias: benefits start this much later
    outcomes: tuple[Outcome, ...] = ()  # client outcomes besides paid work

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
        if Decimal(self.cost_uplift) < 0:
            raise BusinessCaseError("The cost uplift cannot be negative.")
        _share(self.benefit_reduction, "benefit reduction")
        if self.benefit_delay_months < 0:
            raise BusinessCaseError("Months cannot be negative.")
        names = [outcome.name for outcome in self.outcomes]
        if len(set(names)) != len(names):
            raise BusinessCaseError("Two client outcomes have the same name.")
        for item in self.benefits:
            if item.outcome is not None and item.outcome not in names:
                raise BusinessCaseError(f"No client outcome {item.outcome!r} in this scenario.")

    @property
    def benefit_start_month(self) -> int:
        return self.lag_months + self.benefit_delay_months + 1

    @property
    def expected_in_work(self) -> Decimal:
        """Expected clients in paid work: not rounded, 10 × 0.45 is 4.5 clients."""
        return Decimal(self.clients) * Decimal(self.success_rate)

    def clients_counted(self, item: BenefitItem) -> Decimal:
        """How many clients a benefit counts: its outcome's expected clients, or those in
        paid work."""
        if item.outcome is None:
            return self.expected_in_work
        return next(Decimal(o.expected_clients) for o in self.outcomes if o.name == item.outcome)


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
    # Present value of its benefits that are not cash (non-cashable fiscal, economic,
    # social): real value for the organisation, but nothing that can be shared.
    non_cash_value: Decimal = ZERO

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
    # Present value of every benefit by kind ("fiscal" includes non-cashable fiscal value).
    pv_by_kind: tuple[tuple[str, Decimal], ...] = ()
    # Present value of the benefits tied to each client outcome, by outcome name.
    pv_by_outcome: tuple[tuple[str, Decimal], ...] = ()

    def pv_of_outcome(self, name: str) -> Decimal:
        return dict(self.pv_by_outcome).get(name, ZERO)

    # The financial case: costs against cashable fiscal savings. ``total_saved``, ``roi``
    # and ``break_even_month`` are its figures (as in issue 4).

    @property
    def pv_costs(self) -> Decimal:
        return self.total_invested

    @property
    def pv_cashable(self) -> Decimal:
        return self.total_saved

    @property
    def net(self) -> Decimal:
        return self.total_saved - self.total_invested

    @property
    def financial_npv(self) -> Decimal:
        return self.net

    @property
    def financial_break_even_month(self) -> int | None:
        return self.break_even_month

    # The social case: every kind of value.

    def pv_of_kind(self, kind: str) -> Decimal:
        return dict(self.pv_by_kind).get(kind, ZERO)

    @property
    def pv_fiscal(self) -> Decimal:
        return self.pv_of_kind(FISCAL)

    @property
    def pv_economic(self) -> Decimal:
        return self.pv_of_kind(ECONOMIC)

    @property
    def pv_social(self) -> Decimal:
        return self.pv_of_kind(SOCIAL)

    @property
    def pv_benefits(self) -> Decimal:
        return sum((value for _, value in self.pv_by_kind), ZERO)

    @property
    def pv_non_cash(self) -> Decimal:
        """Value that counts in the social case but cannot be shared."""
        return self.pv_benefits - self.pv_cashable

    @property
    def npv(self) -> Decimal:
        return self.pv_benefits - self.pv_costs

    @property
    def bcr(self) -> Decimal | None:
        return self.pv_benefits / self.pv_costs if self.pv_costs else None

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


def _factors(scenario: Scenario) -> list[Decimal]:
    return list(_discount_factors(Decimal(scenario.annual_discount_rate), scenario.horizon_months))


@lru_cache(maxsize=64)
def _discount_factors(rate: Decimal, horizon: int) -> tuple[Decimal, ...]:
    # A fractional power costs far more than the rest of a month's arithmetic; a page asks
    # for the same rate and horizon many times (evaluate, switching values, tornado).
    return tuple(discount_factor(rate, m) for m in range(1, horizon + 1))


def _benefit_months(scenario: Scenario, item: BenefitItem) -> range:
    """Indexes (0 is month 1) of the months in which the benefit yields."""
    start = scenario.benefit_start_month
    end = scenario.horizon_months
    if item.duration_months is not None:
        end = min(end, start + item.duration_months - 1)
    return range(start - 1, max(start - 1, end))


def _claimed(scenario: Scenario, item: BenefitItem) -> Decimal:
    """The share of a benefit the intervention may claim: deflators and optimism bias."""
    return (
        (ONE - Decimal(item.deadweight))
        * (ONE - Decimal(item.attribution))
        * (ONE - Decimal(item.displacement))
        * (ONE - Decimal(scenario.benefit_reduction))
    )


def _decay(item: BenefitItem, start_index: int, index: int) -> Decimal:
    drop_off = Decimal(item.drop_off)
    years = (index - start_index) // 12
    if not drop_off or not years:
        return ONE  # also keeps Decimal from refusing 0 ** 0 when all drops off
    return (ONE - drop_off) ** years


def _monthly_flows(scenario: Scenario, factors: list[Decimal] | None = None):
    """Discounted rows, index 0 is month 1: {organisation: [cost]}, {organisation: [cash
    saving]}, {organisation: non-cash value}, {kind: present value of non-cash value},
    {outcome: present value of the value tied to it}."""
    horizon = scenario.horizon_months
    factors = factors if factors is not None else _factors(scenario)
    uplift = ONE + Decimal(scenario.cost_uplift)
    costs: dict[str, list[Decimal]] = {}
    savings: dict[str, list[Decimal]] = {}
    non_cash: dict[str, Decimal] = {}
    by_kind = dict.fromkeys(VALUE_KINDS, ZERO)
    by_outcome = {outcome.name: ZERO for outcome in scenario.outcomes}
    for item in scenario.costs:
        row = costs.setdefault(item.organisation, [ZERO] * horizon)
        amount = Decimal(item.amount) * uplift
        if item.kind == ONE_OFF:
            row[0] += amount * factors[0]
        elif item.kind == PER_CLIENT:
            row[0] += amount * scenario.clients * factors[0]
        else:
            for index in range(min(scenario.intervention_months, horizon)):
                row[index] += amount * factors[index]
    in_work = scenario.expected_in_work
    for item in scenario.benefits:
        counted = in_work if item.outcome is None else scenario.clients_counted(item)
        monthly = Decimal(item.monthly_amount) * counted * _claimed(scenario, item)
        months = _benefit_months(scenario, item)
        values = [
            (index, monthly * _decay(item, months.start, index) * factors[index])
            for index in months
        ]
        total = sum((value for _, value in values), ZERO)
        if item.is_cash:
            row = savings.setdefault(item.organisation, [ZERO] * horizon)
            for index, value in values:
                row[index] += value
        else:
            # Cash is added to the fiscal value from the rows (evaluate), in the same order
            # as total_saved, so that npv equals the financial NPV exactly without non-cash.
            by_kind[item.kind] += total
            non_cash[item.organisation] = non_cash.get(item.organisation, ZERO) + total
            if item.outcome is not None:
                by_outcome[item.outcome] += total
    return costs, savings, non_cash, by_kind, by_outcome


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
    if cumulative_cost == ZERO and cumulative_saving == ZERO:
        # Nothing spent and nothing saved over the whole horizon: an empty scenario has no
        # break-even (it would otherwise claim "month 1").
        first = None
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
    cost_rows, saving_rows, non_cash, by_kind, by_outcome = _monthly_flows(scenario)
    invested = {org: sum(row, ZERO) for org, row in cost_rows.items()}
    saved = {org: sum(row, ZERO) for org, row in saving_rows.items()}
    for org in non_cash:
        saved.setdefault(org, ZERO)  # in the table, with nothing to share
    # Only cash is shared: non-cash value stays with whoever gains it.
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
                non_cash_value=non_cash.get(org, ZERO),
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
        pv_by_kind=((FISCAL, total_saved + by_kind[FISCAL]), *list(by_kind.items())[1:]),
        pv_by_outcome=tuple(by_outcome.items()),
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


# --- Switching values and the tornado ------------------------------------------------------
#
# The financial NPV is linear in each parameter offered here taken alone (clients,
# success rate, cost uplift, benefit reduction, one deadweight for every benefit, each
# amount), so its switching value solves a straight line exactly: two evaluations, no
# search. ``_Linear`` holds each item's present value per euro so that these evaluations
# cost a sum over the items, not a new monthly calculation.

SUCCESS_RATE = "success_rate"
CLIENTS = "clients"
COST_UPLIFT = "cost_uplift"
BENEFIT_REDUCTION = "benefit_reduction"
DEADWEIGHT = "deadweight"
SCENARIO_PARAMETERS = (SUCCESS_RATE, CLIENTS, COST_UPLIFT, BENEFIT_REDUCTION, DEADWEIGHT)


def cost_parameter(index: int) -> str:
    return f"cost:{index}"


def benefit_parameter(index: int) -> str:
    return f"benefit:{index}"


def _item_index(parameter: str) -> tuple[str, int]:
    kind, _, index = parameter.partition(":")
    if kind not in ("cost", "benefit") or not index.isdigit():
        raise BusinessCaseError(f"Unknown parameter {parameter!r}.")
    return kind, int(index)


def parameters(scenario: Scenario) -> tuple[str, ...]:
    """Every parameter ``switching_value`` and ``tornado`` accept for this scenario."""
    return (
        *SCENARIO_PARAMETERS,
        *(cost_parameter(i) for i in range(len(scenario.costs))),
        *(benefit_parameter(i) for i in range(len(scenario.benefits))),
    )


def parameter_range(parameter: str) -> tuple[Decimal, Decimal | None]:
    """The valid range of a parameter; None: no upper bound."""
    if parameter in (SUCCESS_RATE, BENEFIT_REDUCTION, DEADWEIGHT):
        return ZERO, ONE
    if parameter in (CLIENTS, COST_UPLIFT):
        return ZERO, None
    _item_index(parameter)
    return ZERO, None


def parameter_value(scenario: Scenario, parameter: str) -> Decimal:
    """The scenario's own value; for ``deadweight`` the mean over its cash benefits."""
    if parameter in (SUCCESS_RATE, CLIENTS, COST_UPLIFT, BENEFIT_REDUCTION):
        return Decimal(getattr(scenario, parameter))
    if parameter == DEADWEIGHT:
        cash = [Decimal(b.deadweight) for b in scenario.benefits if b.is_cash]
        return sum(cash, ZERO) / len(cash) if cash else ZERO
    kind, index = _item_index(parameter)
    if kind == "cost":
        return Decimal(scenario.costs[index].amount)
    return Decimal(scenario.benefits[index].monthly_amount)


def with_parameter(scenario: Scenario, parameter: str, value) -> Scenario:
    """The scenario with one parameter set to ``value`` (``deadweight``: on every benefit).
    Clients may be fractional here: a switching value is a threshold, not a head count."""
    value = Decimal(value)
    if parameter in (SUCCESS_RATE, CLIENTS, COST_UPLIFT, BENEFIT_REDUCTION):
        return replace(scenario, **{parameter: value})
    if parameter == DEADWEIGHT:
        benefits = tuple(replace(b, deadweight=value) for b in scenario.benefits)
        return replace(scenario, benefits=benefits)
    kind, index = _item_index(parameter)
    if kind == "cost":
        costs = list(scenario.costs)
        costs[index] = replace(costs[index], amount=value)
        return replace(scenario, costs=tuple(costs))
    benefits = list(scenario.benefits)
    benefits[index] = replace(benefits[index], monthly_amount=value)
    return replace(scenario, benefits=tuple(benefits))


@dataclass(frozen=True)
class _Linear:
    clients: Decimal
    success_rate: Decimal
    cost_uplift: Decimal
    benefit_reduction: Decimal
    # (amount, present value per euro of amount before uplift and clients, per client)
    costs: tuple[tuple[Decimal, Decimal, bool], ...]
    # (amount, deadweight, present value per euro per client in work before deadweight and
    # benefit reduction); cash benefits only, since the others have no financial effect
    benefits: tuple[tuple[Decimal, Decimal, Decimal], ...]
    benefit_index: tuple[int | None, ...]  # scenario benefit index -> index above

    @classmethod
    def of(cls, scenario: Scenario) -> _Linear:
        return _linear(scenario)

    @classmethod
    def build(cls, scenario: Scenario) -> _Linear:
        factors = _factors(scenario)
        horizon = scenario.horizon_months
        costs = []
        for item in scenario.costs:
            if item.kind == PER_MONTH:
                unit = sum(factors[: min(scenario.intervention_months, horizon)], ZERO)
            else:
                unit = factors[0]
            costs.append((Decimal(item.amount), unit, item.kind == PER_CLIENT))
        benefits, index = [], []
        for item in scenario.benefits:
            if not item.is_cash:
                index.append(None)
                continue
            months = _benefit_months(scenario, item)
            unit = sum((_decay(item, months.start, m) * factors[m] for m in months), ZERO) * (
                (ONE - Decimal(item.attribution)) * (ONE - Decimal(item.displacement))
            )
            index.append(len(benefits))
            benefits.append((Decimal(item.monthly_amount), Decimal(item.deadweight), unit))
        return cls(
            clients=Decimal(scenario.clients),
            success_rate=Decimal(scenario.success_rate),
            cost_uplift=Decimal(scenario.cost_uplift),
            benefit_reduction=Decimal(scenario.benefit_reduction),
            costs=tuple(costs),
            benefits=tuple(benefits),
            benefit_index=tuple(index),
        )

    def npv(self, parameter: str | None = None, value: Decimal = ZERO) -> Decimal:
        """The financial NPV, with one parameter set to ``value``."""
        clients = value if parameter == CLIENTS else self.clients
        rate = value if parameter == SUCCESS_RATE else self.success_rate
        uplift = value if parameter == COST_UPLIFT else self.cost_uplift
        reduction = value if parameter == BENEFIT_REDUCTION else self.benefit_reduction
        item = _item_index(parameter) if parameter and ":" in parameter else None
        cost_total = ZERO
        for i, (amount, unit, per_client) in enumerate(self.costs):
            if item == ("cost", i):
                amount = value
            cost_total += amount * unit * (clients if per_client else ONE)
        changed = None
        if item and item[0] == "benefit":
            changed = self.benefit_index[item[1]]
        benefit_total = ZERO
        for i, (amount, deadweight, unit) in enumerate(self.benefits):
            if i == changed:
                amount = value
            if parameter == DEADWEIGHT:
                deadweight = value
            benefit_total += amount * (ONE - deadweight) * unit
        benefit_total *= clients * rate * (ONE - reduction)
        return benefit_total - cost_total * (ONE + uplift)


@lru_cache(maxsize=32)
def _linear(scenario: Scenario) -> _Linear:
    """One per scenario for switching values, default ranges and the tornado alike (the
    calculation's scenarios are frozen, so they can be cache keys)."""
    return _Linear.build(scenario)


def financial_npv(scenario: Scenario) -> Decimal:
    """The financial NPV without the monthly series: what switching values start from."""
    return _Linear.of(scenario).npv()


@dataclass(frozen=True)
class SwitchingValue:
    parameter: str
    value: Decimal | None  # where the financial NPV is 0; None: nowhere in the range
    current: Decimal
    # "at_least": the case breaks even as long as the parameter stays at or above the
    # value (more of it helps); "at_most": as long as it stays at or below it.
    direction: str


def _solve(model: _Linear, parameter: str, places: int) -> tuple[Decimal | None, Decimal]:
    at_zero = model.npv(parameter, ZERO)
    slope = model.npv(parameter, ONE) - at_zero
    if not slope:
        return None, slope
    value = -at_zero / slope
    low, high = parameter_range(parameter)
    if value < low or (high is not None and value > high):
        return None, slope
    # Rounded to the side on which the case still breaks even, so that "at least 19.45 %"
    # or "at most € 94,000" stays true as written (and agrees with the break-even success
    # rate, which rounds up).
    rounding = ROUND_CEILING if slope > 0 else ROUND_FLOOR
    value = value.quantize(Decimal(1).scaleb(-places), rounding=rounding)
    return min(max(value, low), high if high is not None else value), slope


def switching_value(scenario: Scenario, parameter: str, places: int = 4) -> Decimal | None:
    """The value of ``parameter`` at which the financial NPV is 0, rounded to ``places``
    decimals (towards breaking even), within the parameter's valid range; None when none
    lies in it (also when the parameter does not move the financial NPV at all)."""
    if parameter not in parameters(scenario):
        raise BusinessCaseError(f"Unknown parameter {parameter!r}.")
    value, _slope = _solve(_Linear.of(scenario), parameter, places)
    return value


def switching_values(scenario: Scenario, places: int = 4) -> tuple[SwitchingValue, ...]:
    """Every parameter that moves the financial NPV, with its switching value."""
    model = _Linear.of(scenario)
    found = []
    for parameter in parameters(scenario):
        value, slope = _solve(model, parameter, places)
        if slope:
            found.append(
                SwitchingValue(
                    parameter,
                    value,
                    parameter_value(scenario, parameter),
                    "at_least" if slope > 0 else "at_most",
                )
            )
    return tuple(found)


@dataclass(frozen=True)
class TornadoBar:
    parameter: str
    low: Decimal
    high: Decimal
    npv_low: Decimal  # financial NPV with the parameter at ``low``
    npv_high: Decimal

    @property
    def swing(self) -> Decimal:
        return abs(self.npv_high - self.npv_low)


def tornado(
    scenario: Scenario, ranges: Mapping[str, tuple[Decimal, Decimal]]
) -> tuple[TornadoBar, ...]:
    """The financial NPV at the low and high end of each parameter's range, the widest
    swing first (ties in the order given)."""
    model = _Linear.of(scenario)
    known = set(parameters(scenario))
    bars = []
    for parameter, (low, high) in ranges.items():
        if parameter not in known:
            raise BusinessCaseError(f"Unknown parameter {parameter!r}.")
        low, high = Decimal(low), Decimal(high)
        bars.append(
            TornadoBar(parameter, low, high, model.npv(parameter, low), model.npv(parameter, high))
        )
    return tuple(sorted(bars, key=lambda bar: -bar.swing))


def default_ranges(
    scenario: Scenario, spread: Decimal = Decimal("0.25")
) -> dict[str, tuple[Decimal, Decimal]]:
    """Each parameter that moves the financial NPV, ``spread`` below and above its value
    (shares that are 0 today: from 0 to ``spread``), kept within its valid range."""
    ranges = {}
    model = _Linear.of(scenario)
    for parameter in parameters(scenario):
        if model.npv(parameter, ONE) == model.npv(parameter, ZERO):
            continue  # it does not move the financial case
        value = parameter_value(scenario, parameter)
        low_bound, high_bound = parameter_range(parameter)
        if value:
            low, high = value * (ONE - spread), value * (ONE + spread)
        elif parameter in (COST_UPLIFT, BENEFIT_REDUCTION, DEADWEIGHT):
            low, high = ZERO, spread
        else:
            continue
        low = max(low, low_bound)
        if high_bound is not None:
            high = min(high, high_bound)
        if low != high:
            ranges[parameter] = (low, high)
    return ranges
