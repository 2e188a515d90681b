"""The newcomer briefing: what someone who joins the project group after step 1 needs so
that nobody has to explain the experiment again (DOMAIN.md, "what went wrong", 1).

It reads only what stakeholders may read anyway: the roadmap, the decisions at the
decision points with their dates and reasons, the accepted scenario's headline figures, the
current agreement's status (never a draft) and what the coming step needs of the reader's
organisation. Field notes and session memos are never read here.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from regions.models import RegionStakeholder
from regions.selectors import memberships_on
from steps.models import Decision, RegionStep, StepRequirement, StepStatus

from .documents import _accepted_scenario, request_document
from .models import Agreement, AgreementStatus, BriefingOpening, DocumentKind


def step_one_ended_on(region) -> datetime.date | None:
    """The day step 1 ended; None while it runs (everyone is still being recruited)."""
    step = (
        RegionStep.objects.filter(region=region, step__code="1")
        .values("status", "completed_on", "started_on")
        .first()
    )
    if step is None or step["status"] not in {StepStatus.COMPLETED, StepStatus.SKIPPED}:
        return None
    return step["completed_on"] or step["started_on"]


@dataclass
class Newcomer:
    membership: RegionStakeholder
    opening: BriefingOpening | None


def newcomers(region, on: datetime.date | None = None) -> list[Newcomer]:
    """Members on ``on`` who joined after step 1 ended, with whether they opened their
    briefing. Two queries whatever the group's size (three with step 1's end)."""
    ended = step_one_ended_on(region)
    if ended is None:
        return []
    memberships = list(
        memberships_on(on, region_ids=[region.pk])
        .filter(joined_on__gt=ended)
        .select_related("stakeholder__organisation")
        .order_by("joined_on", "stakeholder__name")
    )
    openings = {
        o.stakeholder_id: o
        for o in BriefingOpening.objects.filter(
            region=region, stakeholder_id__in=[m.stakeholder_id for m in memberships]
        )
    }
    return [Newcomer(m, openings.get(m.stakeholder_id)) for m in memberships]


def record_opening(region, stakeholder) -> None:
    now = timezone.now()
    updated = BriefingOpening.objects.filter(region=region, stakeholder=stakeholder).update(
        last_opened_at=now
    )
    if not updated:
        BriefingOpening.objects.get_or_create(
            region=region,
            stakeholder=stakeholder,
            defaults={"first_opened_at": now, "last_opened_at": now},
        )


def _iso(day):
    return day.isoformat() if day else None


def _coming_step(region_steps):
    """The step the region works on, else the next one to start."""
    running = [rs for rs in region_steps if rs.status == StepStatus.IN_PROGRESS]
    if running:
        return running[-1]
    return next((rs for rs in region_steps if rs.status == StepStatus.NOT_STARTED), None)


def briefing_payload(region, stakeholder=None) -> dict:
    """The briefing as plain data, for the page and the PDF alike. ``stakeholder`` is the
    reader: what the coming step needs is said for their organisation; without one (a
    project leader previewing it) for every sector the step needs."""
    region_steps = list(
        RegionStep.objects.filter(region=region).select_related("step").order_by("step__order")
    )
    current = _coming_step(region_steps)
    decisions = (
        Decision.objects.filter(region=region)
        .select_related("decision_point")
        .order_by("decided_on", "recorded_at", "id")
    )
    agreement = (
        Agreement.objects.filter(region=region)
        .exclude(status=AgreementStatus.DRAFT)
        .order_by("-created_at", "-id")
        .first()
    )
    expected = []
    if current is not None:
        requirements = StepRequirement.objects.filter(step=current.step)
        if stakeholder is not None:
            requirements = requirements.filter(sector=stakeholder.organisation.sector)
        expected = [str(r.describe()) for r in requirements]
    own = None
    if stakeholder is not None:
        own = {
            "name": stakeholder.name,
            "organisation": stakeholder.organisation.name,
            "sector": str(stakeholder.organisation.get_sector_display()),
        }
    accepted = _accepted_scenario(region)
    return {
        "region": {"id": region.pk, "name": region.name, "code": region.code},
        "title": _("Briefing for newcomers: %(region)s") % {"region": region.name},
        "reader": own,
        "steps": [
            {
                "code": rs.step.code,
                "name": rs.step.display_name,
                "status": str(rs.get_status_display()),
                "status_key": rs.status,
                "started_on": _iso(rs.started_on),
                "completed_on": _iso(rs.completed_on),
            }
            for rs in region_steps
        ],
        "current": (
            {
                "code": current.step.code,
                "name": current.step.display_name,
                "purpose": current.step.display_purpose,
                "deliverables": current.step.display_deliverables,
                "running": current.status == StepStatus.IN_PROGRESS,
            }
            if current
            else None
        ),
        "decisions": [
            {
                "point": d.decision_point.display_name,
                "outcome": str(d.get_outcome_display()),
                "decided_on": _iso(d.decided_on),
                "rationale": d.rationale,
            }
            for d in decisions
        ],
        "accepted_scenario": (
            {
                key: accepted[key]
                for key in (
                    "name",
                    "accepted_on",
                    "clients",
                    "success_rate",
                    "total_invested",
                    "total_saved",
                    "break_even_month",
                )
            }
            if accepted
            else None
        ),
        "agreement": (
            {
                "title": agreement.title,
                "kind": str(agreement.get_kind_display()),
                "status": str(agreement.get_status_display()),
            }
            if agreement
            else None
        ),
        "expected": expected,
    }


def request_briefing(region, stakeholder=None, user=None):
    """The one-page PDF of the briefing, rendered by a worker like every document."""
    return request_document(
        DocumentKind.BRIEFING,
        payload=briefing_payload(region, stakeholder),
        region=region,
        subject_id=stakeholder.pk if stakeholder else None,
        version=timezone.localdate().isoformat(),
        user=user,
    )
