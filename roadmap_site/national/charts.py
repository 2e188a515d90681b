"""Server-rendered charts as plain geometry for SVG templates (no script, no style
attributes: colours come from classes in dashboard.css, sizes from SVG attributes)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import TruncMonth

from sessions.models import Session, SessionStatus

LABEL_WIDTH = 150
BAR_AREA = 230
BAR_HEIGHT = 12
ROW_GAP = 5
TOP = 22


@dataclass
class Bar:
    label: str
    y: int
    width: int
    days: int
    css: str
    text_x: int


@dataclass
class StepChart:
    code: str
    name: str
    planned_days: int
    plan_x: int
    width: int
    height: int
    bars: list[Bar]
    label_x: int = LABEL_WIDTH - 6


def time_per_step(board) -> list[StepChart]:
    """One small chart per step: days each region spent in it, against the plan."""
    charts = []
    for index, step in enumerate(board.steps):
        cells = [
            (row.region.name, row.cells[index])
            for row in board.rows
            if row.cells[index].days_spent is not None
            and row.cells[index].region_step.status != "skipped"
        ]
        longest = max([cell.days_spent for _, cell in cells] + [step.planned_duration_days])
        scale = BAR_AREA / (longest * 1.05 or 1)
        bars = []
        for n, (name, cell) in enumerate(cells):
            width = max(1, round(cell.days_spent * scale))
            css = "bar"
            if cell.over_plan:
                css += " late"
            if cell.region_step.status == "in_progress":
                css += " running"
            bars.append(
                Bar(
                    label=name,
                    y=TOP + n * (BAR_HEIGHT + ROW_GAP),
                    width=width,
                    days=cell.days_spent,
                    css=css,
                    text_x=LABEL_WIDTH + width + 4,
                )
            )
        charts.append(
            StepChart(
                code=step.code,
                name=step.display_name,
                planned_days=step.planned_duration_days,
                plan_x=LABEL_WIDTH + round(step.planned_duration_days * scale),
                width=LABEL_WIDTH + BAR_AREA + 50,
                height=TOP + max(1, len(bars)) * (BAR_HEIGHT + ROW_GAP) + 8,
                bars=bars,
            )
        )
    return charts


@dataclass
class HeatCell:
    x: int
    count: int
    css: str
    month: datetime.date


@dataclass
class HeatRow:
    label: str
    y: int
    cells: list[HeatCell]
    total: int


@dataclass
class HeatMap:
    months: list[tuple[int, datetime.date]]  # (x, month) for the half-year marks
    rows: list[HeatRow]
    width: int
    height: int
    cell: int
    label_x: int = LABEL_WIDTH - 6


def _month_starts(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def sessions_per_month(regions, *, today: datetime.date, months: int = 48) -> HeatMap:
    """Sessions held per month per region over the last ``months`` months. One query."""
    window = (today.replace(day=1) - datetime.timedelta(days=31 * (months - 1))).replace(day=1)
    counts = defaultdict(dict)
    for region_id, month, n in (
        Session.objects.filter(
            region__in=[r.pk for r in regions],
            status=SessionStatus.HELD,
            date__gte=window,
            date__lte=today,
        )
        .annotate(month=TruncMonth("date"))
        .values_list("region_id", "month")
        .annotate(n=Count("id"))
        .order_by()
    ):
        if isinstance(month, datetime.datetime):
            month = month.date()
        counts[region_id][month] = n
    # No empty years before the first region joined, but never a held session left out: a
    # region that joins on the 2nd may have met in the month before.
    joined = min((r.joined_on for r in regions), default=today).replace(day=1)
    earliest = min((month for per in counts.values() for month in per), default=joined)
    first = max(window, min(joined, earliest))
    starts = _month_starts(first, today)
    busiest = max((n for per in counts.values() for n in per.values()), default=0)
    cell = 11
    rows = []
    for index, region in enumerate(regions):
        per = counts.get(region.pk, {})
        cells = []
        for m, month in enumerate(starts):
            n = per.get(month, 0)
            # Five shades: none, then quarters of the busiest month of any region.
            level = 0 if n == 0 else min(4, 1 + (4 * (n - 1)) // max(1, busiest))
            cells.append(
                HeatCell(x=LABEL_WIDTH + m * cell, count=n, css=f"heat-{level}", month=month)
            )
        rows.append(
            HeatRow(label=region.name, y=TOP + index * cell, cells=cells, total=sum(per.values()))
        )
    marks = [
        (LABEL_WIDTH + m * cell, month) for m, month in enumerate(starts) if month.month in (1, 7)
    ]
    return HeatMap(
        months=marks,
        rows=rows,
        width=LABEL_WIDTH + len(starts) * cell + 60,
        height=TOP + max(1, len(rows)) * cell + 6,
        cell=cell - 1,
    )
