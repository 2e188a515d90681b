"""Work plans as plain data: the snapshot a published version keeps, the comparison of two
versions, the cost allocation per organisation and the Gantt-like timeline.

The draft page and a published version are drawn from the same snapshot structure, so a
version always looks the way the draft looked when it was published; a PDF renderer (the
agreements part) can render a snapshot without the live work plan.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

SNAPSHOT_VERSION = 1
ACTIVITY_FIELDS = (
    "title",
    "description",
    "responsible",
    "start_month",
    "end_month",
    "cost",
    "payer",
)

FIELD_LABELS = {
    "title": _("title"),
    "description": _("description"),
    "responsible": _("responsible organisation"),
    "start_month": _("start month"),
    "end_month": _("end month"),
    "cost": _("cost"),
    "payer": _("paying organisation"),
    "month": _("month"),
}


def snapshot(work_plan, activities=None, milestones=None) -> dict:
    """Everything that shows the work plan, JSON-safe (money as text, organisations by
    name as they were called then)."""
    if activities is None:
        activities = work_plan.activities.select_related(
            "responsible_organisation", "paying_organisation"
        )
    if milestones is None:
        milestones = work_plan.milestones.all()
    rows = [
        {
            "id": a.pk,
            "title": a.title,
            "description": a.description,
            "responsible": a.responsible_organisation.name if a.responsible_organisation else "",
            "start_month": a.start_month,
            "end_month": a.end_month,
            "cost": str(a.cost),
            "payer": a.paying_organisation.name if a.paying_organisation else "",
        }
        for a in activities
    ]
    return {
        "version": SNAPSHOT_VERSION,
        "title": work_plan.title or "",
        "region": work_plan.region.name,
        "activities": rows,
        "milestones": [
            {"id": m.pk, "title": m.title, "month": m.month, "description": m.description}
            for m in milestones
        ],
        "cost_by_organisation": cost_allocation(rows),
        "total_cost": str(sum((Decimal(r["cost"]) for r in rows), Decimal(0))),
    }


def cost_allocation(activity_rows) -> list[list[str]]:
    """[[organisation, total]] of the activity costs, biggest payer first."""
    totals: dict[str, Decimal] = {}
    for row in activity_rows:
        cost = Decimal(row["cost"])
        if cost:
            payer = row["payer"] or ""
            totals[payer] = totals.get(payer, Decimal(0)) + cost
    return [[org, str(total)] for org, total in sorted(totals.items(), key=lambda i: (-i[1], i[0]))]


@dataclass
class Change:
    kind: str  # "added" | "removed" | "changed"
    what: str  # "activity" | "milestone"
    title: str
    fields: tuple[str, ...] = ()

    @property
    def field_labels(self) -> list:
        return [FIELD_LABELS.get(name, name) for name in self.fields]


def compare(previous: dict | None, current: dict) -> list[Change]:
    """What changed from ``previous`` to ``current``; activities and milestones are matched
    by their id in the draft, so a renamed activity shows as changed, not as new."""
    if previous is None:
        return []
    changes = []
    for what, key, fields in (
        ("activity", "activities", ACTIVITY_FIELDS),
        ("milestone", "milestones", ("title", "month", "description")),
    ):
        before = {item["id"]: item for item in previous.get(key, [])}
        after = {item["id"]: item for item in current.get(key, [])}
        for item_id, item in after.items():
            if item_id not in before:
                changes.append(Change("added", what, item["title"]))
                continue
            differing = tuple(f for f in fields if before[item_id].get(f) != item.get(f))
            if differing:
                changes.append(Change("changed", what, item["title"], differing))
        for item_id, item in before.items():
            if item_id not in after:
                changes.append(Change("removed", what, item["title"]))
    return changes


# --- Timeline -------------------------------------------------------------------------------

LABEL_WIDTH, MONTH_MIN, ROW_HEIGHT, WIDTH = 250, 12, 28, 800
LABEL_CHARS = 34
COLOURS = ["#1f5f8b", "#1e7b46", "#9a5b00", "#6b3fa0", "#a42020", "#2b7a8c"]


@dataclass
class Bar:
    title: str
    label: str
    y: float
    x: float
    width: float
    colour: str
    text_y: float


@dataclass
class Timeline:
    width: int
    height: int
    label_width: int
    months: int
    bars: list
    milestones: list  # (x, y, title, points)
    ticks: list  # (x, label)
    description: str


def _short_label(title: str) -> str:
    return title if len(title) <= LABEL_CHARS else title[: LABEL_CHARS - 1].rstrip() + "…"


def timeline(data: dict) -> Timeline:
    activities, milestones = data["activities"], data["milestones"]
    months = max(
        [MONTH_MIN] + [a["end_month"] for a in activities] + [m["month"] for m in milestones]
    )
    plot = WIDTH - LABEL_WIDTH - 10
    per_month = plot / months
    payers = sorted({a["payer"] for a in activities})
    colour_of = {payer: COLOURS[i % len(COLOURS)] for i, payer in enumerate(payers)}
    bars = []
    top = 24
    for index, a in enumerate(activities):
        y = top + index * ROW_HEIGHT
        bars.append(
            Bar(
                title=a["title"],
                label=_short_label(a["title"]),
                y=y + 5,
                x=round(LABEL_WIDTH + (a["start_month"] - 1) * per_month, 1),
                width=round(max(a["end_month"] - a["start_month"] + 1, 1) * per_month, 1),
                colour=colour_of[a["payer"]],
                text_y=y + ROW_HEIGHT / 2 + 4,
            )
        )
    marks_y = top + len(activities) * ROW_HEIGHT + 12
    marks = []
    for m in milestones:
        x = round(LABEL_WIDTH + (m["month"] - 0.5) * per_month, 1)
        points = f"{x},{marks_y - 7} {x + 7},{marks_y} {x},{marks_y + 7} {x - 7},{marks_y}"
        marks.append((x, marks_y, m["title"], points))
    every = 1 if months <= 12 else (3 if months <= 36 else 6)
    ticks = [
        (round(LABEL_WIDTH + (month - 0.5) * per_month, 1), str(month))
        for month in range(1, months + 1)
        if month == 1 or month % every == 0
    ]
    return Timeline(
        width=WIDTH,
        height=marks_y + 24,
        label_width=LABEL_WIDTH,
        months=months,
        bars=bars,
        milestones=marks,
        ticks=ticks,
        description=f"{len(activities)} activities and {len(milestones)} milestones over "
        f"{months} months.",
    )
