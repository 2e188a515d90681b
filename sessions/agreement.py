"""Agreement between two coders, over the characters of the notes they both coded.

Pure: plain data in, figures out; no database. For each code, every character of every note
is a unit, and each coder either applied that code to it (1) or not (0). From these two
binary ratings per character come the percent agreement, Cohen's kappa and Krippendorff's
alpha (nominal, by the ``krippendorff`` package). "Overall" pools the units of every code
(as Dedoose's pooled kappa does).

Both figures are given twice (QualCoder#667): *with* uncoded text, every character counts,
so long stretches that neither coder coded at all make agreement look high; *without*
uncoded text, only characters that at least one coder coded (with any code) count.

A figure that is not defined (no variation at all, e.g. neither coder used the code) is
``None``, except the percent agreement, which is then 1.0 when there are units.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import krippendorff
import numpy as np


@dataclass(frozen=True)
class NoteCodings:
    """One note: its length in characters, and each coder's codings as
    ``(code, start, end)`` with ``end`` exclusive."""

    length: int
    first: Sequence[tuple[object, int, int]]
    second: Sequence[tuple[object, int, int]]


@dataclass(frozen=True)
class Figures:
    units: int  # characters counted
    both: int  # coded with the code by both
    first_only: int
    second_only: int
    neither: int
    percent: float | None
    kappa: float | None
    alpha: float | None


@dataclass(frozen=True)
class Agreement:
    code: object  # the code, or None for overall
    with_uncoded: Figures
    without_uncoded: Figures


def _mask(length: int, spans: Iterable[tuple[int, int]]) -> np.ndarray:
    mask = np.zeros(length, dtype=bool)
    for start, end in spans:
        mask[max(start, 0) : min(end, length)] = True
    return mask


def figures(first: np.ndarray, second: np.ndarray) -> Figures:
    """The figures for two equally long boolean ratings."""
    first = np.asarray(first, dtype=bool)
    second = np.asarray(second, dtype=bool)
    units = int(first.size)
    both = int(np.count_nonzero(first & second))
    first_only = int(np.count_nonzero(first & ~second))
    second_only = int(np.count_nonzero(~first & second))
    neither = units - both - first_only - second_only
    if units == 0:
        return Figures(0, 0, 0, 0, 0, None, None, None)
    observed = (both + neither) / units
    p_first = (both + first_only) / units
    p_second = (both + second_only) / units
    expected = p_first * p_second + (1 - p_first) * (1 - p_second)
    kappa = None if expected == 1 else (observed - expected) / (1 - expected)
    alpha = None
    # Alpha needs at least two values among all ratings; with one value it is undefined.
    if (first.any() or second.any()) and not (first.all() and second.all()):
        alpha = float(
            krippendorff.alpha(
                reliability_data=np.vstack([first, second]).astype(float),
                level_of_measurement="nominal",
            )
        )
    return Figures(units, both, first_only, second_only, neither, observed, kappa, alpha)


def agreement(notes: Sequence[NoteCodings], codes: Sequence[object]) -> list[Agreement]:
    """Per code (in the order given) and, last, overall (``code=None``)."""
    coded_any = [
        _mask(n.length, [(s, e) for _c, s, e in n.first])
        | _mask(n.length, [(s, e) for _c, s, e in n.second])
        for n in notes
    ]
    rows = []
    pooled = {True: ([], []), False: ([], [])}
    for code in codes:
        first = [_mask(n.length, [(s, e) for c, s, e in n.first if c == code]) for n in notes]
        second = [_mask(n.length, [(s, e) for c, s, e in n.second if c == code]) for n in notes]
        a = np.concatenate(first) if first else np.zeros(0, bool)
        b = np.concatenate(second) if second else np.zeros(0, bool)
        keep = np.concatenate(coded_any) if coded_any else np.zeros(0, bool)
        rows.append(Agreement(code, figures(a, b), figures(a[keep], b[keep])))
        pooled[True][0].append(a)
        pooled[True][1].append(b)
        pooled[False][0].append(a[keep])
        pooled[False][1].append(b[keep])

    def pool(key):
        a, b = pooled[key]
        if not a:
            return figures(np.zeros(0, bool), np.zeros(0, bool))
        return figures(np.concatenate(a), np.concatenate(b))

    rows.append(Agreement(None, pool(True), pool(False)))
    return rows
