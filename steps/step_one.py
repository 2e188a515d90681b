"""What step 1 produced, as plain data: the project group per sector and level, the
influence/interest map, and the changes in membership over time. The step 1 report's PDF
(``agreements/documents.py``) and its spreadsheet (``roadmap_site/national/exports.py``)
both read it, so the two say the same.

Only the register is read: names, organisations, sectors, levels, dates and the map. The
reasons people gave for leaving stay on the project group page (they can be personal, and
stakeholders read step reports); field notes are never part of it.
"""

import datetime
from collections import Counter

from django.utils import formats
from django.utils.translation import gettext as _

from regions.models import (
    FunctionLevel,
    InfluenceAssessment,
    RegionOrganisation,
    RegionStakeholder,
    Sector,
)

from .stakeholder_map import stakeholder_map


def _iso(day):
    return day.isoformat() if day else None


def _grid_data(grid) -> dict:
    """The grid's geometry as plain data, drawn by the same SVG template as the page."""
    return {
        "width": grid.width,
        "height": grid.height,
        "left": grid.left,
        "top": grid.top,
        "right": grid.right,
        "bottom": grid.bottom,
        "cell_w": grid.cell_w,
        "cell_h": grid.cell_h,
        "y_ticks": [[y, str(label)] for y, label in grid.y_ticks],
        "x_ticks": [[x, str(label)] for x, label in grid.x_ticks],
        "placed": len(grid.placed),
        "unassessed": list(grid.unassessed),
        "cells": [
            {
                "x": cell.x,
                "y": cell.y,
                "css": cell.css,
                "fill": cell.fill,
                "influence_label": str(cell.influence_label),
                "interest_label": str(cell.interest_label),
                "lines": [list(line) for line in cell.lines],
                "people": [{"name": p.name, "mandate": p.mandate} for p in cell.people],
            }
            for cell in grid.cells
        ],
    }


def map_data(region, on: datetime.date) -> dict:
    found = stakeholder_map(region, on)
    return {
        "on": _iso(on),
        "on_label": formats.date_format(on, "j F Y"),
        "uid": found.uid,
        "grid": _grid_data(found.grid),
        "warning": found.warning,
        "rows": [
            {
                "name": membership.stakeholder.name,
                "organisation": membership.stakeholder.organisation.name,
                "influence": str(assessment.get_influence_display()) if assessment else "",
                "interest": str(assessment.get_interest_display()) if assessment else "",
                "mandate": bool(assessment and assessment.mandate),
                "assessed_on": _iso(assessment.assessed_on) if assessment else None,
            }
            for membership, assessment in found.rows
        ],
    }


def membership_changes(region) -> list[dict]:
    """Every join, leave and replacement of people and organisations, oldest first."""
    changes = []
    memberships = list(
        RegionStakeholder.objects.filter(region=region).select_related(
            "stakeholder__organisation", "replaces__stakeholder"
        )
    )
    replaced = {m.replaces_id for m in memberships if m.replaces_id}
    for m in memberships:
        who = {"name": m.stakeholder.name, "organisation": m.stakeholder.organisation.name}
        if m.joined_on:
            if m.replaces_id:
                detail = _("took over the seat of %(name)s") % {"name": m.replaces.stakeholder.name}
            else:
                detail = _("joined the project group")
            changes.append({"date": _iso(m.joined_on), "detail": detail, **who})
        if m.left_on and m.pk not in replaced:
            changes.append({"date": _iso(m.left_on), "detail": _("left the project group"), **who})
    for p in RegionOrganisation.objects.filter(region=region).select_related("organisation"):
        who = {"name": "", "organisation": p.organisation.name}
        if p.joined_on:
            changes.append({"date": p.joined_on.isoformat(), "detail": _("took part"), **who})
        if p.left_on:
            changes.append({"date": p.left_on.isoformat(), "detail": _("stopped"), **who})
    return sorted(changes, key=lambda c: (c["date"], c["organisation"], c["name"]))


def group_data(region, on: datetime.date) -> dict:
    members = list(
        RegionStakeholder.objects.filter(region=region)
        .select_related("stakeholder__organisation")
        .order_by("stakeholder__organisation__name", "stakeholder__name", "id")
    )
    members = [m for m in members if m.member_on(on)]
    counts = Counter(
        (m.stakeholder.organisation.sector, m.stakeholder.function_level) for m in members
    )
    sectors = [s for s in Sector if any(key[0] == s for key in counts)]
    levels = list(FunctionLevel)
    return {
        "on": _iso(on),
        "members": [
            {
                "name": m.stakeholder.name,
                "organisation": m.stakeholder.organisation.name,
                "sector": str(m.stakeholder.organisation.get_sector_display()),
                "level": str(m.stakeholder.get_function_level_display()),
                "function": m.stakeholder.function_title,
                "joined_on": _iso(m.joined_on),
                "core_group": m.core_group,
            }
            for m in members
        ],
        "levels": [str(level.label) for level in levels],
        "per_sector": [
            {
                "sector": str(sector.label),
                "counts": [counts.get((sector, level), 0) for level in levels],
                "total": sum(counts.get((sector, level), 0) for level in levels),
            }
            for sector in sectors
        ],
    }


def assessment_history(region) -> list[dict]:
    return [
        {
            "assessed_on": _iso(a.assessed_on),
            "name": a.stakeholder.name,
            "organisation": a.stakeholder.organisation.name,
            "influence": str(a.get_influence_display()),
            "interest": str(a.get_interest_display()),
            "mandate": a.mandate,
        }
        for a in InfluenceAssessment.objects.filter(region=region)
        .select_related("stakeholder__organisation")
        .order_by("assessed_on", "stakeholder__name", "id")
    ]


def step_one(region, on: datetime.date) -> dict:
    return {
        "group": group_data(region, on),
        "map": map_data(region, on),
        "changes": membership_changes(region),
    }
