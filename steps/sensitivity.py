"""The business case's sensitivity in words and as a tornado chart, for the page and the
2b step report alike. Works on the calculation's own ``Scenario`` (also one rebuilt from
a 2b decision's snapshot), so it needs no database.

The chart is server-rendered SVG like ``steps.charts``: ``role="img"`` with a title and a
description that carries every figure, colours as presentation attributes, no ``style``.
"""

import math
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django.utils.translation import gettext as _

from roadmap_site.formatting import money

from . import business_case as bc
from .charts import _nice_step, _short
from .models import CostKind
from .templatetags.stepwork import decimal1, share

SPREAD = Decimal("0.25")  # the tornado moves each figure 25 % down and up

LOW_COLOUR, HIGH_COLOUR, BASE_COLOUR, ZERO_COLOUR = "#b35c00", "#1f5f8b", "#1b2631", "#1e7b46"
LABEL_CHARS = 34


def parameter_label(scenario: bc.Scenario, parameter: str) -> str:
    labels = {
        bc.SUCCESS_RATE: _("Success rate"),
        bc.CLIENTS: _("Clients"),
        bc.COST_UPLIFT: _("Cost uplift"),
        bc.BENEFIT_REDUCTION: _("Benefit reduction"),
        bc.DEADWEIGHT: _("Deadweight of every saving"),
    }
    if parameter in labels:
        return labels[parameter]
    kind, index = bc._item_index(parameter)
    if kind == "cost":
        cost = scenario.costs[index]
        return _("%(organisation)s: cost %(kind)s") % {
            "organisation": cost.organisation,
            "kind": CostKind(cost.kind).label,
        }
    return _("%(organisation)s: saving") % {"organisation": scenario.benefits[index].organisation}


def format_value(parameter: str, value: Decimal | None) -> str:
    if value is None:
        return "–"
    if parameter in (bc.SUCCESS_RATE, bc.COST_UPLIFT, bc.BENEFIT_REDUCTION, bc.DEADWEIGHT):
        return share(value)
    if parameter == bc.CLIENTS:
        return decimal1(value)
    return money(value)


def _whole_clients(value: Decimal, direction: str) -> int:
    rounding = ROUND_CEILING if direction == "at_least" else ROUND_FLOOR
    return int(value.to_integral_value(rounding=rounding))


def switching_sentence(scenario: bc.Scenario, switch: bc.SwitchingValue) -> str:
    """One switching value in words: what must hold for the financial case to break even."""
    p, least = switch.parameter, switch.direction == "at_least"
    value, now = format_value(p, switch.value), format_value(p, switch.current)
    values = {"value": value, "now": now}
    if p == bc.SUCCESS_RATE:
        if least:
            return (
                _(
                    "The case breaks even as long as at least %(value)s of clients find work "
                    "(now %(now)s)."
                )
                % values
            )
        return _("The case breaks even as long as at most %(value)s of clients find work.") % values
    if p == bc.CLIENTS:
        values["value"] = _whole_clients(switch.value, switch.direction)
        if least:
            return (
                _(
                    "The case breaks even as long as at least %(value)s clients take part "
                    "(now %(now)s)."
                )
                % values
            )
        return (
            _("The case breaks even as long as at most %(value)s clients take part (now %(now)s).")
            % values
        )
    if p == bc.COST_UPLIFT:
        return (
            _(
                "The case breaks even as long as costs turn out no more than %(value)s higher than "
                "planned (assumed now: %(now)s)."
            )
            % values
        )
    if p == bc.BENEFIT_REDUCTION:
        return (
            _(
                "The case breaks even as long as savings fall short by no more than %(value)s "
                "(assumed now: %(now)s)."
            )
            % values
        )
    if p == bc.DEADWEIGHT:
        return (
            _(
                "The case breaks even as long as no more than %(value)s of the savings would have "
                "happened anyway (assumed now: %(now)s)."
            )
            % values
        )
    values["item"] = parameter_label(scenario, p)
    if p.startswith("cost:"):
        return (
            _("The case breaks even as long as %(item)s stays at or below %(value)s (now %(now)s).")
            % values
        )
    return (
        _(
            "The case breaks even as long as %(item)s is at least %(value)s a month per client in "
            "work (now %(now)s)."
        )
        % values
    )


def switching_sentences(scenario: bc.Scenario, evaluation: bc.Evaluation) -> list[str]:
    switches = bc.switching_values(scenario)
    sentences = [switching_sentence(scenario, s) for s in switches if s.value is not None]
    by_parameter = {s.parameter: s for s in switches}
    rate = by_parameter.get(bc.SUCCESS_RATE)
    if rate is not None and rate.value is None and evaluation.financial_npv < 0:
        sentences.insert(0, _("Even with every client in work the case does not break even."))
    return sentences


@dataclass
class Bar:
    label: str
    range_text: str
    npv_low: Decimal
    npv_high: Decimal
    y: float = 0
    label_y: float = 0
    range_y: float = 0
    low_x: float = 0
    low_w: float = 0
    high_x: float = 0
    high_w: float = 0


@dataclass
class TornadoChart:
    title: str
    description: str
    bars: list[Bar]
    base: Decimal
    uid: str
    x_ticks: list[tuple[float, str]] = field(default_factory=list)
    base_x: float = 0
    zero_x: float = 0
    width: int = 640
    height: int = 0
    left: int = 250
    right: int = 624
    top: int = 12
    row: int = 34
    bar_height: int = 18
    low_colour: str = LOW_COLOUR
    high_colour: str = HIGH_COLOUR
    base_colour: str = BASE_COLOUR
    zero_colour: str = ZERO_COLOUR

    @property
    def bottom(self) -> int:
        return self.top + self.row * len(self.bars)


def _short_label(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def tornado_chart(scenario: bc.Scenario, name: str, uid: str = "tornado") -> TornadoChart | None:
    """The financial NPV when each figure is 25 % lower and higher (shares that are 0 now:
    from 0 to 25 %), widest swing on top; None when nothing moves the financial case."""
    bars = bc.tornado(scenario, bc.default_ranges(scenario, SPREAD))
    if not bars:
        return None
    base = bc.financial_npv(scenario)
    rows = []
    for bar in bars:
        range_text = (
            f"{format_value(bar.parameter, bar.low)} – {format_value(bar.parameter, bar.high)}"
        )
        rows.append(
            Bar(parameter_label(scenario, bar.parameter), range_text, bar.npv_low, bar.npv_high)
        )
    description = _(
        "Financial net present value %(base)s. With each figure at the low and the high end of "
        "its range: %(bars)s."
    ) % {
        "base": money(base),
        "bars": "; ".join(
            f"{row.label} ({row.range_text}): {money(row.npv_low)} / {money(row.npv_high)}"
            for row in rows
        ),
    }
    chart = TornadoChart(
        title=_("What moves the financial case: %(name)s") % {"name": name},
        description=description,
        bars=rows,
        base=base,
        uid=uid,
    )
    values = [float(v) for row in rows for v in (row.npv_low, row.npv_high)] + [float(base), 0.0]
    low, high = min(values), max(values)
    step = _nice_step(high - low or 1)
    x_min, x_max = step * math.floor(low / step), step * math.ceil(high / step)
    if x_max <= x_min:
        x_max = x_min + step
    span = chart.right - chart.left

    def x_of(value) -> float:
        return round(chart.left + span * (float(value) - x_min) / (x_max - x_min), 1)

    chart.base_x, chart.zero_x = x_of(base), x_of(0)
    for index, row in enumerate(rows):
        row.y = chart.top + index * chart.row + (chart.row - chart.bar_height) // 2
        row.label_y, row.range_y = row.y + 8, row.y + 21
        for end in ("low", "high"):
            x = x_of(getattr(row, f"npv_{end}"))
            setattr(row, f"{end}_x", min(x, chart.base_x))
            setattr(row, f"{end}_w", round(abs(x - chart.base_x), 1))
    tick = x_min
    while tick <= x_max + step / 1000:
        chart.x_ticks.append((x_of(tick), _short(tick + 0.0, True)))
        tick += step
    chart.height = chart.bottom + 40
    return chart
