"""The researchers' analysis matrices: which codes occur together, and where each occurs.

Pure: plain passages in, matrices out, no Django. ``views/analysis.py`` reads the passages
in a fixed number of queries and renders or downloads what this module computes.

- **Co-occurrence**, two ways (QualCoder#990 offers both): ``OVERLAP`` counts pairs of
  passages of the same note whose spans share at least one character; ``SAME_NOTE`` counts
  the notes in which both codes occur anywhere. On the diagonal: the code's passages
  (``OVERLAP``) or the notes it occurs in (``SAME_NOTE``).
- **Codes × regions** and **codes × steps**: the passages of each code per region or step
  (a passage of a session that served two steps counts under both), and the same as 0/1
  presence.

Every cell keeps the ids of its passages, so that each count links to what it counts.
"""

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from itertools import combinations

OVERLAP, SAME_NOTE = "overlap", "note"
MODES = (OVERLAP, SAME_NOTE)


@dataclass(frozen=True)
class Passage:
    id: int
    note_id: int
    code_id: int
    start: int
    end: int  # exclusive
    region_id: int | None = None
    steps: tuple[str, ...] = ()


@dataclass
class Cell:
    count: int = 0
    passage_ids: set[int] = field(default_factory=set)


@dataclass
class Matrix:
    rows: list[Hashable]
    columns: list[Hashable]
    cells: dict[tuple[Hashable, Hashable], Cell] = field(default_factory=dict)

    def cell(self, row, column) -> Cell:
        return self.cells.get((row, column), Cell())

    def count(self, row, column) -> int:
        return self.cell(row, column).count

    def presence(self, row, column) -> int:
        return 1 if self.count(row, column) else 0

    def table(self, *, presence: bool = False) -> list[list[int]]:
        value = self.presence if presence else self.count
        return [[value(row, column) for column in self.columns] for row in self.rows]

    def row_total(self, row) -> int:
        return sum(self.count(row, column) for column in self.columns)


def overlaps(a: Passage, b: Passage) -> bool:
    return a.note_id == b.note_id and a.start < b.end and b.start < a.end


def _ordered(keys: Iterable[Hashable], order: list[Hashable] | None) -> list[Hashable]:
    keys = set(keys)
    if order is None:
        return sorted(keys)
    return [key for key in order if key in keys]


def cooccurrence(passages: Iterable[Passage], mode: str = OVERLAP, order=None) -> Matrix:
    """Codes × codes; ``order`` lists the codes in the order they are shown (codes without
    passages are left out)."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}")
    by_note: dict[int, list[Passage]] = defaultdict(list)
    for passage in passages:
        by_note[passage.note_id].append(passage)
    cells: dict[tuple, Cell] = defaultdict(Cell)

    def add(a, b, ids, count=1):
        cell = cells[(a, b)]
        cell.count += count
        cell.passage_ids.update(ids)

    for note_passages in by_note.values():
        if mode == OVERLAP:
            for passage in note_passages:
                add(passage.code_id, passage.code_id, [passage.id])
            ordered = sorted(note_passages, key=lambda p: (p.start, p.end, p.id))
            for i, a in enumerate(ordered):
                for b in ordered[i + 1 :]:
                    if b.start >= a.end:
                        break  # sorted by start: no later passage reaches back into a
                    if a.code_id != b.code_id:
                        add(a.code_id, b.code_id, [a.id, b.id])
                        add(b.code_id, a.code_id, [a.id, b.id])
        else:
            by_code: dict[int, list[int]] = defaultdict(list)
            for passage in note_passages:
                by_code[passage.code_id].append(passage.id)
            for code, ids in by_code.items():
                add(code, code, ids)
            for a, b in combinations(sorted(by_code), 2):
                ids = by_code[a] + by_code[b]
                add(a, b, ids)
                add(b, a, ids)
    codes = _ordered({key[0] for key in cells}, order)
    return Matrix(rows=codes, columns=list(codes), cells=dict(cells))


def by_group(
    passages: Iterable[Passage],
    groups_of: Callable[[Passage], Iterable[Hashable]],
    *,
    order=None,
    columns: list[Hashable] | None = None,
) -> Matrix:
    """Codes × groups (regions, steps): passages per cell. ``columns`` fixes the groups
    shown, also those without passages (a region where nothing was coded is a finding)."""
    cells: dict[tuple, Cell] = defaultdict(Cell)
    for passage in passages:
        for group in groups_of(passage):
            cell = cells[(passage.code_id, group)]
            cell.count += 1
            cell.passage_ids.add(passage.id)
    rows = _ordered({key[0] for key in cells}, order)
    if columns is None:
        columns = sorted({key[1] for key in cells})
    return Matrix(rows=rows, columns=list(columns), cells=dict(cells))


def by_region(passages, *, order=None, columns=None) -> Matrix:
    return by_group(passages, lambda p: [p.region_id], order=order, columns=columns)


def by_step(passages, *, order=None, columns=None) -> Matrix:
    return by_group(passages, lambda p: p.steps, order=order, columns=columns)
