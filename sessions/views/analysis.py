"""The analysis matrices for researchers (``sessions/matrices.py`` computes them): a page
with all three, the passages behind one cell, and an XLSX download of each.

Read in a fixed number of queries whatever the number of codings: the passages as values,
the steps of their sessions, the codes, regions and steps to name rows and columns."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from regions.access import visible_regions
from roadmap_site.spreadsheets import Column, Sheet, xlsx_response
from steps.models import Step

from .. import matrices
from ..access import require_coder
from ..models import Code, Coding, Session, SessionKind
from .coding import STEP_CODES, _filter_id

MATRICES = ("cooccurrence", "regions", "steps")
# The passages behind one cell: a list to read, not the whole corpus.
CELL_PASSAGES_SHOWN = 500


@dataclass
class Analysis:
    selected: dict
    codes: dict  # id -> Code, in codebook order
    regions: list
    steps: list
    passages: list
    mode: str

    def code_label(self, code_id) -> str:
        code = self.codes.get(code_id)
        if code is None:
            return str(code_id)
        return (
            f"{code.parent.display_name} › {code.display_name}"
            if code.parent_id
            else code.display_name
        )

    def matrix(self, name):
        order = list(self.codes)
        if name == "cooccurrence":
            return matrices.cooccurrence(self.passages, self.mode, order=order)
        if name == "regions":
            return matrices.by_region(
                self.passages, order=order, columns=[r.pk for r in self.regions]
            )
        if name == "steps":
            return matrices.by_step(
                self.passages, order=order, columns=[s.code for s in self.steps]
            )
        raise Http404("No such matrix.")

    def column_label(self, name, key) -> str:
        if name == "cooccurrence":
            return self.code_label(key)
        if name == "regions":
            return next((r.name for r in self.regions if r.pk == key), str(key))
        return next((f"{s.code}. {s.display_name}" for s in self.steps if s.code == key), key)


def read_analysis(request) -> Analysis:
    """The filtered passages of the regions the user may see, and what names them."""
    regions = list(visible_regions(request.user).order_by("name"))
    queryset = Coding.objects.filter(note__session__region__in=regions, lost=False)
    selected = {}
    region_id = _filter_id(request.GET.get("region", ""))
    if region_id is not None:
        queryset = queryset.filter(note__session__region_id=region_id)
        selected["region"] = region_id
    step = request.GET.get("step", "")
    if step in STEP_CODES:
        queryset = queryset.filter(note__session__steps__code=step)
        selected["step"] = step
    kind = request.GET.get("kind", "")
    if kind in SessionKind.values:
        queryset = queryset.filter(note__session__kind=kind)
        selected["kind"] = kind
    mode = request.GET.get("mode", "")
    mode = mode if mode in matrices.MODES else matrices.OVERLAP
    rows = list(
        queryset.distinct()
        .order_by()
        .values_list(
            "id",
            "note_id",
            "code_id",
            "start",
            "end",
            "note__session__region_id",
            "note__session_id",
        )
    )
    steps_of = {}
    for session_id, code in Session.steps.through.objects.filter(
        session_id__in=queryset.values("note__session_id")
    ).values_list("session_id", "step__code"):
        steps_of.setdefault(session_id, []).append(code)
    passages = [
        matrices.Passage(
            id=pk,
            note_id=note_id,
            code_id=code_id,
            start=start,
            end=end,
            region_id=region,
            steps=tuple(sorted(steps_of.get(session_id, ()))),
        )
        for pk, note_id, code_id, start, end, region, session_id in rows
    ]
    codes = {
        code.pk: code
        for code in Code.objects.select_related("parent").order_by(
            "parent__order", "parent__name", "order", "name", "id"
        )
    }
    # Themes first, each followed by its codes, as in the codebook.
    ordered = {}
    for code in codes.values():
        if code.parent_id is None:
            ordered[code.pk] = code
            for child in codes.values():
                if child.parent_id == code.pk:
                    ordered[child.pk] = child
    for code in codes.values():
        ordered.setdefault(code.pk, code)
    return Analysis(
        selected=selected,
        codes=ordered,
        regions=regions,
        steps=list(Step.objects.order_by("order")),
        passages=passages,
        mode=mode,
    )


def _query(analysis, **extra) -> str:
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for key, value in {**analysis.selected, "mode": analysis.mode, **extra}.items():
        query[key] = str(value)
    return query.urlencode()


def _shown(analysis, name):
    """A matrix as rows of labelled, linked cells for the template."""
    matrix = analysis.matrix(name)
    rows = []
    for row in matrix.rows:
        cells = []
        for column in matrix.columns:
            count = matrix.count(row, column)
            cells.append(
                {
                    "count": count,
                    "presence": matrix.presence(row, column),
                    "query": _query(analysis, matrix=name, row=row, column=column),
                    "diagonal": name == "cooccurrence" and row == column,
                }
            )
        rows.append(
            {"label": analysis.code_label(row), "cells": cells, "total": matrix.row_total(row)}
        )
    return {
        "name": name,
        "columns": [analysis.column_label(name, c) for c in matrix.columns],
        "rows": rows,
    }


@login_required
def matrices_page(request):
    require_coder(request.user)
    analysis = read_analysis(request)
    return TemplateResponse(
        request,
        "sessions/analysis.html",
        {
            "analysis": analysis,
            "cooccurrence": _shown(analysis, "cooccurrence"),
            "by_region": _shown(analysis, "regions"),
            "by_step": _shown(analysis, "steps"),
            "kinds": SessionKind.choices,
            "modes": matrices.MODES,
            "query": _query(analysis),
            "passage_count": len(analysis.passages),
        },
    )


@login_required
def cell_passages(request):
    """The passages one cell counts, with the same filters as the page it was clicked on."""
    require_coder(request.user)
    analysis = read_analysis(request)
    name = request.GET.get("matrix", "")
    if name not in MATRICES:
        raise Http404("No such matrix.")
    row = _filter_id(request.GET.get("row", ""))
    column_raw = request.GET.get("column", "")
    column = column_raw if name == "steps" else _filter_id(column_raw)
    matrix = analysis.matrix(name)
    cell = matrix.cell(row, column)
    passages = (
        Coding.objects.filter(pk__in=sorted(cell.passage_ids)[:CELL_PASSAGES_SHOWN])
        .select_related("code", "code__parent", "note__session__region")
        .order_by("note__session__region__name", "-note__session__date", "note_id", "start")
    )
    return TemplateResponse(
        request,
        "sessions/analysis_cell.html",
        {
            "analysis": analysis,
            "matrix_name": name,
            "row_label": analysis.code_label(row),
            "column_label": analysis.column_label(name, column),
            "cell": cell,
            "passages": passages,
            "limited": len(cell.passage_ids) > CELL_PASSAGES_SHOWN,
            "query": _query(analysis),
        },
    )


@login_required
def matrix_xlsx(request, matrix):
    """One matrix as a workbook: the counts, and for codes × regions or steps the 0/1
    presence on a second sheet."""
    require_coder(request.user)
    if matrix not in MATRICES:
        raise Http404("No such matrix.")
    analysis = read_analysis(request)
    computed = analysis.matrix(matrix)
    columns = [Column(_("Code"))] + [
        Column(analysis.column_label(matrix, c), "int") for c in computed.columns
    ]

    def sheet(title, presence):
        rows = [
            [analysis.code_label(row), *line]
            for row, line in zip(computed.rows, computed.table(presence=presence), strict=True)
        ]
        return Sheet(title, columns, rows)

    titles = {
        "cooccurrence": _("Co-occurrence"),
        "regions": _("Codes by region"),
        "steps": _("Codes by step"),
    }
    sheets = [sheet(titles[matrix], presence=False)]
    if matrix != "cooccurrence":
        sheets.append(sheet(_("Presence (0-1)"), presence=True))
    name = f"roadmap-{matrix}-{timezone.localdate():%Y-%m-%d}.xlsx"
    return xlsx_response(sheets, name)
