"""Server-rendered SVG line charts: no chart library, nothing inline that the Content
Security Policy would block (the template uses classes and SVG presentation attributes),
and they print in PDFs as they look on screen.

``line_chart`` turns series of numbers into coordinates; ``steps/_line_chart.html`` draws
them with a title and description for screen readers and a data table fallback.
"""

import math
from dataclasses import dataclass, field
from decimal import Decimal

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 72, 16, 16, 36


@dataclass
class Series:
    label: str
    values: list  # one value (or None for a gap) per x from 1
    css: str  # class name: the colour and dash come from stepwork.css
    colour: str = "#1f5f8b"  # presentation attribute, also what a PDF renderer uses
    dashed: bool = False
    marked: bool = False  # a dot on each value: for measured values, not for projections
    points: str = ""
    dots: list = field(default_factory=list)


@dataclass
class Chart:
    title: str
    description: str
    series: list[Series]
    x_ticks: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]
    marker_x: float | None = None
    marker_label: str = ""
    uid: str = "chart"
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM


def _nice_step(span: float, count: int = 4) -> float:
    raw = span / count if span > 0 else 1
    magnitude = 10 ** len(str(int(raw))) / 10 if raw >= 1 else 1
    for factor in (1, 2, 2.5, 5, 10):
        if magnitude * factor >= raw:
            return magnitude * factor
    return raw


def _short(value: float, money: bool) -> str:
    prefix = "€" if money else ""
    if abs(value) >= 1_000_000:
        return f"{prefix}{value / 1_000_000:.1f}M"
    if abs(value) >= 1000:
        return f"{prefix}{value / 1000:.0f}k"
    return f"{prefix}{value:.0f}" if value == int(value) else f"{prefix}{value:.1f}"


def line_chart(
    *,
    title: str,
    description: str,
    series: list[Series],
    x_count: int,
    x_label: str = "",
    money: bool = True,
    marker_at: int | None = None,
    marker_label: str = "",
    dots: bool = False,
    uid: str = "chart",
) -> Chart:
    values = [float(v) for s in series for v in s.values if v is not None]
    top_value = max([0.0, *values])
    bottom_value = min([0.0, *values])
    step = _nice_step(top_value - bottom_value or 1)
    y_max = step * math.ceil(top_value / step)
    y_min = step * math.floor(bottom_value / step) + 0.0  # + 0.0 turns -0.0 into 0.0
    if y_max <= y_min:
        y_max = y_min + step
    chart = Chart(
        title=title, description=description, series=series, x_ticks=[], y_ticks=[], uid=uid
    )
    x_count = max(x_count, 1)
    plot_w = chart.right - chart.left
    plot_h = chart.bottom - chart.top

    def x_of(index: int) -> float:  # index from 1
        return round(chart.left + plot_w * ((index - 1) / max(x_count - 1, 1)), 1)

    def y_of(value) -> float:
        return round(chart.bottom - plot_h * ((float(value) - y_min) / (y_max - y_min)), 1)

    for s in series:
        coords = [(x_of(i + 1), y_of(v)) for i, v in enumerate(s.values) if v is not None]
        s.points = " ".join(f"{x},{y}" for x, y in coords)
        if dots and s.marked:
            s.dots = coords
    every = 6 if x_count > 24 else (3 if x_count > 8 else 1)
    chart.x_ticks = [(x_of(i), f"{x_label}{i}") for i in range(1, x_count + 1) if i % every == 0]
    if x_count % every:
        chart.x_ticks.append((x_of(x_count), f"{x_label}{x_count}"))
    value = y_min
    while value <= y_max + step / 1000:
        chart.y_ticks.append((y_of(value), _short(value, money)))
        value += step
    if marker_at:
        chart.marker_x = x_of(marker_at)
        chart.marker_label = marker_label
    return chart


def as_float(value: Decimal | None):
    return None if value is None else float(value)
