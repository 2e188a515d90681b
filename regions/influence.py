"""Mendelow's grid of a project group: pure, no database.

Influence runs up, interest runs right, each in three steps (low, medium, high). Who sits
in a high-influence, high-interest cell is managed closely; high influence and low
interest is kept satisfied; low influence and high interest is kept informed; the rest is
monitored. ``grid`` lays people out in the nine cells as SVG coordinates (the template
``regions/_influence_map.svg`` draws them with classes only, nothing the Content Security
Policy would block); ``compare`` says who moved between two dates.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

GRADES = ("low", "medium", "high")

# The SVG's frame: a label column on the left, the axis title below.
CELL_W, CELL_H = 200, 130
LEFT, TOP = 76, 18
LINE_H = 15
MAX_NAMES = 5  # names listed in a cell before "and N more"

GRADE_LABELS = {"low": _("low"), "medium": _("medium"), "high": _("high")}

# Presentation attributes (not style attributes, so the Content Security Policy allows
# them), which is also what WeasyPrint reads when the map is printed in a PDF.
FILLS = {"manage": "#fde2c4", "satisfy": "#e6f0f8", "inform": "#e3f4ea", "monitor": "#f5f7fa"}

STRATEGIES = {
    "manage": _("manage closely"),
    "satisfy": _("keep satisfied"),
    "inform": _("keep informed"),
    "monitor": _("monitor"),
}


def strategy(influence: str, interest: str) -> str:
    """The key of Mendelow's advice for a cell; medium counts with the nearer corner's
    lower side, so only someone high on an axis is treated as high."""
    high_influence, high_interest = influence == "high", interest == "high"
    if high_influence and high_interest:
        return "manage"
    if high_influence:
        return "satisfy"
    if high_interest:
        return "inform"
    return "monitor"


@dataclass(frozen=True)
class Placement:
    stakeholder_id: int
    name: str
    organisation: str
    influence: str
    interest: str
    mandate: bool

    @property
    def influence_label(self):
        return GRADE_LABELS[self.influence]

    @property
    def interest_label(self):
        return GRADE_LABELS[self.interest]


@dataclass
class Cell:
    influence: str
    interest: str
    x: int
    y: int
    people: list = field(default_factory=list)  # Placement
    lines: list = field(default_factory=list)  # (y, text, mandate) to draw

    @property
    def strategy(self) -> str:
        return strategy(self.influence, self.interest)

    @property
    def css(self) -> str:
        return f"cell {self.strategy}"

    @property
    def fill(self) -> str:
        return FILLS[self.strategy]

    @property
    def influence_label(self):
        return GRADE_LABELS[self.influence]

    @property
    def interest_label(self):
        return GRADE_LABELS[self.interest]


@dataclass
class Grid:
    cells: list[Cell]
    unassessed: list  # names of members not yet placed
    width: int = LEFT + 3 * CELL_W + 8
    height: int = TOP + 3 * CELL_H + 44
    left: int = LEFT
    top: int = TOP
    cell_w: int = CELL_W
    cell_h: int = CELL_H

    @property
    def placed(self) -> list[Placement]:
        return [person for cell in self.cells for person in cell.people]

    @property
    def bottom(self) -> int:
        return TOP + 3 * CELL_H

    @property
    def right(self) -> int:
        return LEFT + 3 * CELL_W

    @property
    def y_ticks(self) -> list[tuple[int, str]]:
        """The influence labels beside each row, high at the top."""
        return [
            (TOP + row * CELL_H + CELL_H // 2, label)
            for row, label in enumerate(GRADE_LABELS[g] for g in reversed(GRADES))
        ]

    @property
    def x_ticks(self) -> list[tuple[int, str]]:
        return [
            (LEFT + col * CELL_W + CELL_W // 2, label)
            for col, label in enumerate(GRADE_LABELS[g] for g in GRADES)
        ]


def grid(placements, unassessed=()) -> Grid:
    """Lay ``placements`` out in the nine cells, names sorted, mandate holders first."""
    cells = {}
    for row, influence in enumerate(reversed(GRADES)):
        for col, interest in enumerate(GRADES):
            cells[(influence, interest)] = Cell(
                influence=influence, interest=interest, x=LEFT + col * CELL_W, y=TOP + row * CELL_H
            )
    for person in placements:
        cells[(person.influence, person.interest)].people.append(person)
    for cell in cells.values():
        cell.people.sort(key=lambda p: (not p.mandate, p.name.lower()))
        shown = cell.people[:MAX_NAMES]
        for n, person in enumerate(shown):
            cell.lines.append((cell.y + 34 + n * LINE_H, person.name, person.mandate))
        hidden = len(cell.people) - len(shown)
        if hidden:
            cell.lines.append((cell.y + 34 + len(shown) * LINE_H, f"+ {hidden}", False))
    return Grid(cells=list(cells.values()), unassessed=sorted(unassessed))


@dataclass(frozen=True)
class Move:
    name: str
    organisation: str
    before: Placement | None  # None: not on the earlier map
    after: Placement | None  # None: no longer on the later map


def compare(earlier, later) -> list[Move]:
    """Who changed cell or mandate between two maps, joined, or left them."""
    before = {p.stakeholder_id: p for p in earlier}
    after = {p.stakeholder_id: p for p in later}
    moves = []
    for pk in before.keys() | after.keys():
        old, new = before.get(pk), after.get(pk)
        if (
            old
            and new
            and (old.influence, old.interest, old.mandate)
            == (
                new.influence,
                new.interest,
                new.mandate,
            )
        ):
            continue
        person = new or old
        moves.append(
            Move(name=person.name, organisation=person.organisation, before=old, after=new)
        )
    return sorted(moves, key=lambda m: m.name.lower())
