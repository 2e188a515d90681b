"""Existing records that break a rule of time or state (``manage.py check_records``).

The services refuse these for new writes; records made before the rules, by an import or
by hand in the database are found here so that someone can put them right."""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from agreements.models import Agreement, AgreementStatus
from sessions.models import Attendance, AttendanceStatus, Session, SessionDecision, SessionStatus
from steps.models import Decision, RegionStep, StepStatus, StepTransition


@dataclass(frozen=True)
class BrokenRecord:
    rule: str
    region: str
    record: str
    fix: str

    def __str__(self):
        return f"[{self.rule}] {self.region}: {self.record} — {self.fix}"


def broken_records(today: datetime.date | None = None) -> list[BrokenRecord]:
    today = today or timezone.localdate()
    found: list[BrokenRecord] = []
    for session in Session.objects.filter(status=SessionStatus.HELD, date__gt=today).select_related(
        "region"
    ):
        found.append(
            BrokenRecord(
                "held-in-future",
                session.region.name,
                f"session {session.pk} “{session.title}” on {session.date}",
                "held before its date: set it back to planned",
            )
        )
    for session in Session.objects.filter(
        status=SessionStatus.PLANNED, date__lt=today
    ).select_related("region"):
        found.append(
            BrokenRecord(
                "planned-in-past",
                session.region.name,
                f"session {session.pk} “{session.title}” on {session.date}",
                "its date has passed: mark it held or cancelled",
            )
        )
    for decision in SessionDecision.objects.filter(session__date__gt=today).select_related(
        "session__region"
    ):
        found.append(
            BrokenRecord(
                "decision-before-session",
                decision.session.region.name,
                f"decision {decision.pk} of session {decision.session_id} on "
                f"{decision.session.date}",
                "recorded before the session took place",
            )
        )
    present = Attendance.objects.filter(
        session_id=OuterRef("sessiondecision__session_id"),
        stakeholder_id=OuterRef("stakeholder_id"),
        status=AttendanceStatus.PRESENT,
    )
    not_present = (
        SessionDecision.agreed_by.through.objects.filter(~Exists(present))
        .select_related("sessiondecision__session__region", "stakeholder")
        .order_by("sessiondecision_id", "stakeholder_id")
    )
    for link in not_present:
        decision = link.sessiondecision
        found.append(
            BrokenRecord(
                "agreed-not-present",
                decision.session.region.name,
                f"decision {decision.pk} of session {decision.session_id}",
                f"{link.stakeholder.name} agreed without being marked present",
            )
        )
    for decision in Decision.objects.filter(decided_on__gt=today).select_related(
        "region", "decision_point"
    ):
        found.append(
            BrokenRecord(
                "decision-in-future",
                decision.region.name,
                f"{decision.decision_point.code} decision {decision.pk} on {decision.decided_on}",
                "dated in the future",
            )
        )
    for region_step in RegionStep.objects.filter(
        Q(started_on__gt=today) | Q(completed_on__gt=today)
    ).select_related("region", "step"):
        found.append(
            BrokenRecord(
                "step-in-future",
                region_step.region.name,
                f"step {region_step.step.code}",
                "started or completed on a date in the future",
            )
        )
    for transition in StepTransition.objects.filter(on__gt=today).select_related(
        "region_step__region", "region_step__step"
    ):
        found.append(
            BrokenRecord(
                "step-in-future",
                transition.region_step.region.name,
                f"step {transition.region_step.step.code}: {transition.from_status} → "
                f"{transition.to_status} on {transition.on}",
                "a change of status dated in the future",
            )
        )
    agreed_regions = Agreement.objects.filter(
        status__in=[AgreementStatus.AGREED, AgreementStatus.ACTIVE]
    ).values("region_id")
    for region_step in (
        # In progress is fine (a region may agree a pilot and go on with the rest of
        # step 4); "not started" beside an agreed agreement contradicts it.
        RegionStep.objects.filter(
            step__code="4", region_id__in=agreed_regions, status=StepStatus.NOT_STARTED
        ).select_related("region")
    ):
        found.append(
            BrokenRecord(
                "agreed-step-4-open",
                region_step.region.name,
                f"step 4 is {region_step.status}",
                "an agreement is agreed while step 4 has not started",
            )
        )
    return found
