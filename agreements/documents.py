"""Documents: what each PDF contains, the request that reuses an identical one, and
sending the Celery task that renders it (``agreements/rendering.py``).

A request gathers the document's data into a plain ``payload`` and hashes it together with
the layout (templates and print CSS). A ready document with the same hash is returned at
once; otherwise a Document row is queued and the task is sent when the transaction
commits. Rendering reads only the stored payload, so a PDF always matches its hash.

The database is the source of truth: a document whose task was lost (worker killed, broker
down at request time) stays queued or rendering, and ``sweep`` re-queues it.
"""

import datetime
import hashlib
import json
import logging
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import transaction
from django.db.models import Prefetch
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from regions.models import Organisation, Region, RegionStatus, Stakeholder
from sessions.models import (
    Attendance,
    AttendanceStatus,
    Session,
    SessionDecision,
    SessionStatus,
)
from sessions.selectors import missing_in_held_sessions
from steps.models import (
    Decision,
    Indicator,
    PeriodKind,
    RegionIntervention,
    RegionStep,
    Scenario,
    TargetGroup,
    WorkPlanVersion,
)
from steps.scenarios import evaluate_scenario, evaluate_snapshot, report_figures
from steps.selectors import accepted_decision, monitoring_headlines
from steps.step_one import step_one
from steps.step_state import attach_states

from .attention import attention_reasons
from .models import (
    Agreement,
    AgreementStatus,
    AgreementVersion,
    Document,
    DocumentKind,
    DocumentStatus,
)
from .rendering import ACCESSIBLE_VARIANT, ARCHIVAL_VARIANT, PRINT_CSS, TEMPLATES, render_document

logger = logging.getLogger(__name__)

# A queued document whose task has not started after this long is sent again; one that
# has been rendering longer than the task's hard time limit (plus a margin) lost its worker.
QUEUED_STALE_SECONDS = 120
RENDERING_STALE_SECONDS = settings.CELERY_TASK_TIME_LIMIT + 60
# After this many attempts that never finished, the document fails with a message.
MAX_ATTEMPTS = 3


def _date(value) -> str | None:
    return value.isoformat() if value else None


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


# --- payloads: the exact data of each kind ---------------------------------------------


def _region_head(region: Region) -> dict:
    return {"id": region.pk, "name": region.name, "code": region.code}


def step_report_payload(region_step: RegionStep) -> dict:
    """A region's step: sessions held with attendance and missing sectors, decisions (at the
    decision point after the step, and those the region's held sessions recorded against
    the step) and deliverables. Sessions are read for their date, kind, attendance and
    decisions only; field notes are never part of a document. A fixed number of queries
    whatever the number of sessions, people and decisions."""
    region, step = region_step.region, region_step.step
    sessions = (
        Session.objects.filter(region=region, steps=step, status=SessionStatus.HELD)
        .order_by("date", "id")
        .prefetch_related(
            Prefetch(
                "attendances",
                queryset=Attendance.objects.select_related("stakeholder__organisation").order_by(
                    "stakeholder__organisation__name", "stakeholder__name"
                ),
            )
        )
    )
    decisions = (
        Decision.objects.filter(region=region)
        .filter(decision_point__after_step=step)
        .select_related("decision_point")
        .prefetch_related("decided_by__organisation")
        .order_by("decided_on", "recorded_at", "id")
    )
    session_decisions = (
        SessionDecision.objects.filter(
            session__region=region, session__status=SessionStatus.HELD, step=step
        )
        .select_related("session")
        .prefetch_related(
            Prefetch(
                "agreed_by",
                queryset=Stakeholder.objects.select_related("organisation").order_by("name"),
            )
        )
        .order_by("session__date", "session_id", "created_at", "id")
    )
    payload = {
        "region": _region_head(region),
        "title": _("Step %(code)s: %(name)s") % {"code": step.code, "name": step.display_name},
        "step": {
            "code": step.code,
            "name": step.display_name,
            "purpose": step.display_purpose,
            "deliverables": step.display_deliverables,
            "status": str(region_step.get_status_display()),
            "started_on": _date(region_step.started_on),
            "completed_on": _date(region_step.completed_on),
            "planned_end": _date(region_step.planned_end),
            "summary": region_step.summary,
        },
        "sessions": [
            {
                "title": session.title,
                "date": _date(session.date),
                "kind": str(session.get_kind_display()),
                "mode": str(session.get_mode_display()),
                "present": [
                    {
                        "name": a.stakeholder.name,
                        "organisation": a.stakeholder.organisation.name,
                        "sector": str(a.stakeholder.organisation.get_sector_display()),
                        "level": str(a.stakeholder.get_function_level_display()),
                    }
                    for a in session.attendances.all()
                    if a.status == AttendanceStatus.PRESENT
                ],
                "absent": [
                    a.stakeholder.name
                    for a in session.attendances.all()
                    if a.status in {AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED}
                ],
            }
            for session in sessions
        ],
        "missing": [
            str(requirement.describe()) for requirement in missing_in_held_sessions(region, step)
        ],
        "decisions": [
            {
                "point": decision.decision_point.display_name,
                "question": decision.decision_point.display_question,
                "outcome": str(decision.get_outcome_display()),
                "decided_on": _date(decision.decided_on),
                "rationale": decision.rationale,
                "decided_by": [
                    f"{person.name} ({person.organisation.name})"
                    for person in decision.decided_by.all()
                ],
            }
            for decision in decisions
        ],
        "session_decisions": [
            {
                "date": _date(decision.session.date),
                "session": decision.session.title,
                "text": decision.text,
                "agreed_by": [
                    f"{person.name} ({person.organisation.name})"
                    for person in decision.agreed_by.all()
                ],
            }
            for decision in session_decisions
        ],
        "deliverables": _deliverables(region, step.code),
    }
    return payload


def _deliverables(region: Region, code: str) -> dict:
    found: dict = {}
    if code == "1":
        # The group, the map and the membership changes as they stand on the report's day.
        found["step_one"] = step_one(region, timezone.localdate())
    elif code == "2a":
        target = TargetGroup.objects.filter(region=region).first()
        if target:
            found["target_group"] = {
                "description": target.description,
                "inclusion": list(target.inclusion_criteria or []),
                "exclusion": list(target.exclusion_criteria or []),
                "population": target.estimated_population,
                "pilot_size": target.pilot_size,
                "shared_goal": target.shared_goal,
            }
        found["interventions"] = [
            str(choice.intervention)
            for choice in RegionIntervention.objects.filter(region=region).select_related(
                "intervention"
            )
        ]
    elif code == "2b":
        names = dict(Organisation.objects.values_list("pk", "name"))  # for stored splits
        found["scenarios"] = [
            {
                "name": scenario.name,
                "clients": scenario.clients,
                "success_rate": str(scenario.success_rate),
                "horizon_months": scenario.horizon_months,
                "split": str(scenario.get_split_kind_display()),
                # The business case page's figures, from the same calculation.
                "figures": report_figures(evaluate_scenario(scenario, organisation_names=names)),
            }
            for scenario in Scenario.objects.filter(business_case__region=region).prefetch_related(
                "costs__organisation", "benefits__organisation", "outcomes"
            )
        ]
        found["accepted_scenario"] = _accepted_scenario(region)
    elif code == "3":
        found["work_plan_versions"] = [
            {"number": version.number, "published_at": _date(version.published_at.date())}
            for version in WorkPlanVersion.objects.filter(work_plan__region=region)
        ]
    elif code == "4":
        # Drafts are the project leader's working text; stakeholders read step reports too.
        found["agreements"] = [
            {
                "title": agreement.title,
                "kind": str(agreement.get_kind_display()),
                "status": str(agreement.get_status_display()),
            }
            for agreement in Agreement.objects.filter(region=region)
            .exclude(status=AgreementStatus.DRAFT)
            .order_by("created_at", "id")
        ]
    elif code == "5":
        found["indicators"] = [
            {"name": indicator.display_name, "unit": indicator.display_unit}
            for indicator in Indicator.objects.filter(region=region)
        ]
        found["headline"] = _headline(monitoring_headlines([region.pk]).get(region.pk))
    return found


def _accepted_scenario(region: Region) -> dict | None:
    """The figures of the scenario the latest 2b decision accepted, as it was frozen then."""
    decision = accepted_decision(region)
    if decision is None:
        return None
    snapshot = decision.accepted_scenario_snapshot or {}
    summary = snapshot.get("summary") or {}
    return {
        "name": str(snapshot.get("name", "")),
        "accepted_on": _date(decision.decided_on),
        "clients": snapshot.get("clients"),
        "success_rate": str(snapshot.get("success_rate", "")),
        "total_invested": str(summary.get("total_invested", "")),
        "total_saved": str(summary.get("total_saved", "")),
        "break_even_month": summary.get("break_even_month"),
        # Recomputed from the frozen inputs: the same figures as on the day it was accepted.
        "figures": report_figures(evaluate_snapshot(snapshot)) if snapshot else None,
    }


def _headline(headline) -> dict | None:
    if headline is None:
        return None
    return {
        "name": headline.indicator_name,
        "period": headline.period,
        "period_kind": str(PeriodKind(headline.period_kind).label),
        "in_work": str(headline.in_work),
        "target": str(headline.target) if headline.target is not None else None,
    }


def _activity_rows(snapshot: dict) -> list[dict]:
    """Work plan activities from a version's snapshot, whatever spelling the publisher used."""
    rows = []
    for activity in snapshot.get("activities", []) or []:
        if not isinstance(activity, dict):
            continue
        rows.append(
            {
                "title": str(activity.get("title", "")),
                "description": str(activity.get("description", "") or ""),
                "responsible": str(
                    activity.get("responsible")
                    or activity.get("responsible_organisation")
                    or activity.get("responsible_organisation_name")
                    or ""
                ),
                "paying": str(
                    activity.get("payer")
                    or activity.get("paying")
                    or activity.get("paying_organisation")
                    or activity.get("paying_organisation_name")
                    or ""
                ),
                "months": f"{activity.get('start_month', '')}–{activity.get('end_month', '')}",
                "cost": str(activity.get("cost", "") or ""),
            }
        )
    return rows


def work_plan_payload(version: WorkPlanVersion) -> dict:
    region = version.work_plan.region
    snapshot = version.snapshot or {}
    milestones = [
        {
            "title": str(m.get("title", "")),
            "month": m.get("month", ""),
            "description": str(m.get("description", "") or ""),
        }
        for m in snapshot.get("milestones", []) or []
        if isinstance(m, dict)
    ]
    activities = _activity_rows(snapshot)
    total = sum(_decimal(row["cost"]) for row in activities)
    return {
        "region": _region_head(region),
        "title": snapshot.get("title") or str(version.work_plan),
        "version": version.number,
        "published_at": _date(version.published_at.date()),
        "published_by": _person(version.published_by),
        "note": version.note,
        "activities": activities,
        "milestones": milestones,
        "total_cost": f"{total:.2f}",
        "cost_by_organisation": [
            [str(row[0]) or "—", str(row[1])]
            for row in snapshot.get("cost_by_organisation", []) or []
            if isinstance(row, list | tuple) and len(row) == 2
        ],
    }


def _decimal(value):
    from decimal import Decimal, InvalidOperation

    try:
        return Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return Decimal(0)


def agreement_payload(version: AgreementVersion) -> dict:
    # Read the agreement afresh: its status decides the watermark.
    agreement = Agreement.objects.select_related("region").get(pk=version.agreement_id)
    latest = agreement.versions.order_by("-number").values_list("number", flat=True).first()
    agreed = agreement.agreed_version_id == version.pk and agreement.status in {
        AgreementStatus.AGREED,
        AgreementStatus.ACTIVE,
        AgreementStatus.ENDED,
    }
    approvals = version.approvals.select_related("organisation", "approved_by").order_by(
        "approved_at", "id"
    )
    return {
        "region": _region_head(agreement.region),
        "title": version.content["title"],
        "version": version.number,
        "latest_version": latest,
        "status": str(agreement.get_status_display()),
        "agreed": agreed,
        "content": version.content,
        "approvals": [
            {
                "organisation": approval.organisation.name,
                "by": _person(approval.approved_by),
                "on_behalf": approval.on_behalf,
                "consent_note": approval.consent_note,
                "at": approval.approved_at.isoformat(timespec="minutes"),
            }
            for approval in approvals
        ],
    }


def board_report_payload() -> dict:
    regions = list(Region.objects.select_related("owner").order_by("name"))
    steps_by_region: dict[int, list] = {}
    region_steps = list(RegionStep.objects.select_related("step").order_by("step__order"))
    attach_states(region_steps)  # the states the step track and the dashboard show
    for region_step in region_steps:
        steps_by_region.setdefault(region_step.region_id, []).append(region_step)
    decisions_by_region: dict[int, list] = {}
    for decision in Decision.objects.select_related("decision_point").order_by(
        "decided_on", "recorded_at", "id"
    ):
        decisions_by_region.setdefault(decision.region_id, []).append(decision)
    agreements_by_region: dict[int, list] = {}
    for agreement in Agreement.objects.order_by("created_at", "id"):
        agreements_by_region.setdefault(agreement.region_id, []).append(agreement)
    headlines = monitoring_headlines([region.pk for region in regions])
    reasons = attention_reasons(regions, steps_by_region, timezone.localdate())
    rows = []
    for region in regions:
        region_steps = steps_by_region.get(region.pk, [])
        current = [rs for rs in region_steps if rs.state.status == "in_progress"]
        # Between steps (one completed, the next not started): say what comes next.
        waiting = [rs for rs in region_steps if rs.state.status == "not_started"]
        rows.append(
            {
                "name": region.name,
                "code": region.code,
                "status": str(region.get_status_display()),
                "owner": _person(region.owner),
                "current": (
                    f"{current[-1].step.code}. {current[-1].step.display_name}" if current else ""
                ),
                "next": (
                    f"{waiting[0].step.code}. {waiting[0].step.display_name}"
                    if waiting and not current and region.status != RegionStatus.STOPPED
                    else ""
                ),
                "steps": [
                    {
                        "code": rs.step.code,
                        "status": rs.state.status,
                        "label": rs.state.label,
                    }
                    for rs in region_steps
                ],
                "decisions": [
                    {
                        "point": d.decision_point.display_name,
                        "outcome": str(d.get_outcome_display()),
                        "decided_on": _date(d.decided_on),
                        "rationale": d.rationale,
                    }
                    for d in decisions_by_region.get(region.pk, [])
                ],
                "agreements": [
                    {
                        "title": a.title,
                        "kind": str(a.get_kind_display()),
                        "status": str(a.get_status_display()),
                    }
                    for a in agreements_by_region.get(region.pk, [])
                ],
                "headline": _headline(headlines.get(region.pk)),
                "reasons": reasons.get(region.pk, []),
            }
        )
    return {
        "region": None,
        "title": _("Steering board report"),
        "regions": rows,
        "attention": attention_paragraph(rows),
    }


def attention_paragraph(rows) -> str:
    """One paragraph for the top of the report: which regions are in trouble, and why."""
    troubled = [row for row in rows if row["reasons"]]
    if not troubled:
        return _("No region needs attention: every active region is on plan.")
    lead = ngettext(
        "%(n)d of %(total)d regions needs attention.",
        "%(n)d of %(total)d regions need attention.",
        len(troubled),
    ) % {"n": len(troubled), "total": len(rows)}
    parts = [f"{row['name']}: {' '.join(row['reasons'])}" for row in troubled]
    return " ".join([lead, *parts])


# --- requests ---------------------------------------------------------------------------


@cache
def layout_fingerprint() -> str:
    """A hash of the templates and print CSS: a changed layout renders documents anew."""
    digest = hashlib.sha256()
    # The step 1 report draws the influence/interest map with the page's SVG template.
    names = ["agreements/pdf/base.html", "regions/_influence_map.svg", *TEMPLATES.values()]
    for name in names:
        digest.update(Path(get_template(name).origin.name).read_bytes())
    digest.update(Path(finders.find(PRINT_CSS)).read_bytes())
    # A change of PDF variant renders documents anew, too.
    digest.update(f"{ACCESSIBLE_VARIANT} {ARCHIVAL_VARIANT}".encode())
    return digest.hexdigest()


def content_hash(kind: str, payload: dict, language: str) -> str:
    data = json.dumps(
        {"kind": kind, "payload": payload, "language": language, "layout": layout_fingerprint()},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(data.encode()).hexdigest()


def request_document(
    kind: str, *, payload: dict, region=None, subject_id=None, version="", user=None
) -> tuple[Document, bool]:
    """The document for this content: an identical ready (or waiting) one when there is
    one, else a new one queued for rendering. Returns (document, reused)."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    payload = {**payload, "language": language}
    digest = content_hash(kind, payload, language)
    existing = (
        Document.objects.filter(content_hash=digest)
        .exclude(status=DocumentStatus.FAILED)
        .order_by("-requested_at")
        .first()
    )
    if existing is not None:
        return existing, True
    with transaction.atomic():
        document = Document.objects.create(
            kind=kind,
            region=region,
            subject_id=subject_id,
            version=str(version),
            title=str(payload["title"])[:300],
            payload=payload,
            content_hash=digest,
            requested_by=user if user is not None and user.is_authenticated else None,
        )
        transaction.on_commit(lambda: enqueue(document.pk), robust=True)
    return document, False


# Sending a task tries the broker once, briefly: a user asking for a document must not wait
# on kombu's reconnect loop when Redis is down (the sweep sends the task later).
FAST_FAIL = {"max_retries": 1, "interval_start": 0, "interval_step": 0.1, "interval_max": 0.2}


def enqueue(document_id) -> bool:
    """Send the render task. A broker that is down leaves the document queued for the
    sweep; the user still gets their page."""
    app = render_document.app
    try:
        if app.conf.task_always_eager:
            render_document.apply_async((str(document_id),))
        else:
            with app.connection_for_write(transport_options=FAST_FAIL) as connection:
                render_document.apply_async((str(document_id),), connection=connection, retry=False)
    except Exception as error:  # kombu/redis raise several types for an unreachable broker
        logger.warning("Could not queue document %s (%s); the sweep retries.", document_id, error)
        return False
    return True


def retry(document: Document) -> Document:
    with transaction.atomic():
        updated = Document.objects.filter(pk=document.pk, status=DocumentStatus.FAILED).update(
            status=DocumentStatus.QUEUED, queued_at=timezone.now(), attempts=0, error=""
        )
        if updated:
            transaction.on_commit(lambda: enqueue(document.pk), robust=True)
    document.refresh_from_db()
    return document


def sweep(
    *,
    queued_after: float = QUEUED_STALE_SECONDS,
    rendering_after: float = RENDERING_STALE_SECONDS,
    now: datetime.datetime | None = None,
) -> dict:
    """Re-queue documents whose task was lost; fail those that never finish."""
    now = now or timezone.now()
    stale = Document.objects.filter(
        status=DocumentStatus.QUEUED, queued_at__lte=now - datetime.timedelta(seconds=queued_after)
    ) | Document.objects.filter(
        status=DocumentStatus.RENDERING,
        started_at__lte=now - datetime.timedelta(seconds=rendering_after),
    )
    requeued, failed = [], []
    for document in stale.order_by("queued_at"):
        if document.attempts >= MAX_ATTEMPTS:
            Document.objects.filter(pk=document.pk, status=document.status).update(
                status=DocumentStatus.FAILED,
                finished_at=now,
                error=_(
                    "Gave up after %(count)s attempts that did not finish "
                    "(the worker stopped or the document is too large)."
                )
                % {"count": document.attempts},
            )
            failed.append(str(document.pk))
            continue
        updated = Document.objects.filter(pk=document.pk, status=document.status).update(
            status=DocumentStatus.QUEUED, queued_at=now
        )
        if updated:
            requeued.append(str(document.pk))
    for document_id in requeued:
        enqueue(document_id)
    return {"requeued": requeued, "failed": failed}


# --- what a user can ask for ------------------------------------------------------------


def request_step_report(region_step: RegionStep, user=None):
    payload = step_report_payload(region_step)
    return request_document(
        DocumentKind.STEP_REPORT,
        payload=payload,
        region=region_step.region,
        subject_id=region_step.pk,
        version=_("step %(code)s") % {"code": region_step.step.code},
        user=user,
    )


def request_work_plan(version: WorkPlanVersion, user=None):
    return request_document(
        DocumentKind.WORK_PLAN,
        payload=work_plan_payload(version),
        region=version.work_plan.region,
        subject_id=version.pk,
        version=f"v{version.number}",
        user=user,
    )


def request_agreement(version: AgreementVersion, user=None):
    return request_document(
        DocumentKind.AGREEMENT,
        payload=agreement_payload(version),
        region=version.agreement.region,
        subject_id=version.pk,
        version=f"v{version.number}",
        user=user,
    )


def request_board_report(user=None):
    return request_document(
        DocumentKind.BOARD_REPORT,
        payload=board_report_payload(),
        version=timezone.localdate().isoformat(),
        user=user,
    )
