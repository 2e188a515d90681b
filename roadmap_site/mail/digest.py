"""The weekly digest: one mail, grouped by region, with the regions whose step is overdue,
the decisions taken in the past week, the approvals waiting, the action items overdue
and the sessions of the coming week; and, for someone who chose to read their optional
notifications weekly, those notifications (held in the outbox until now).

Who gets it: the national project leader unless they switched it off, and anyone who
switched it on (**Mail** in the header, ``MailPreference.weekly_digest``); each sees only
the regions they may read. The programme's figures are read in a fixed number of queries
whatever the number of regions (``programme``), then cut per recipient.

It sits on top of the layers (beside the national screens): it reads every app. Nothing in
it is field-note text, a memo or a decision's rationale — only names, dates and counts
a stakeholder may read.
"""

import datetime
from dataclasses import dataclass, field

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from agreements.notifications import open_requests
from regions.access import role_of, visible_regions
from regions.models import Region, Role
from sessions.models import ActionItem, ActionStatus, Session, SessionStatus
from steps.models import Decision, RegionStep, StepStatus

from .models import MailPreference, Message, MessageStatus
from .outbox import Recipient, absolute_url, queue_mail

# A week of decisions, and the sessions of the seven days from the digest's day.
WEEK = datetime.timedelta(days=7)


@dataclass
class RegionDigest:
    region: Region
    url: str = ""
    overdue_steps: list = field(default_factory=list)
    decisions: list = field(default_factory=list)
    approvals: list = field(default_factory=list)
    actions: list = field(default_factory=list)
    sessions: list = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (
            self.overdue_steps or self.decisions or self.approvals or self.actions or self.sessions
        )


def programme(today: datetime.date) -> list[RegionDigest]:
    """What happened and waits in every region, in six queries for any number of regions."""
    regions = {region.pk: RegionDigest(region) for region in Region.objects.order_by("name")}
    for digest in regions.values():
        digest.url = absolute_url(reverse("regions:detail", args=[digest.region.pk]))
    for step in (
        RegionStep.objects.filter(status=StepStatus.IN_PROGRESS, planned_end__lt=today)
        .select_related("step")
        .order_by("planned_end", "id")
    ):
        step.late = step.days_late(today)
        regions[step.region_id].overdue_steps.append(step)
    for decision in (
        Decision.objects.filter(decided_on__gte=today - WEEK, decided_on__lte=today)
        .select_related("decision_point")
        .only("region_id", "decided_on", "outcome", "decision_point")
        .order_by("decided_on", "id")
    ):
        regions[decision.region_id].decisions.append(decision)
    for request in (
        open_requests()
        .select_related("version__agreement", "organisation", "stakeholder")
        .order_by("asked_at", "id")
    ):
        regions[request.version.agreement.region_id].approvals.append(request)
    for action in (
        ActionItem.objects.filter(status=ActionStatus.OPEN, due_date__lt=today)
        .select_related("session", "owner_stakeholder", "owner_user")
        .order_by("due_date", "id")
    ):
        regions[action.session.region_id].actions.append(action)
    for session in Session.objects.filter(
        status=SessionStatus.PLANNED, date__gte=today, date__lt=today + WEEK
    ).order_by("date", "start_time", "id"):
        session.url = absolute_url(session.get_absolute_url())
        regions[session.region_id].sessions.append(session)
    return list(regions.values())


def digest_readers() -> list:
    """Logins that get the programme digest: the national project leader unless they
    switched it off, anyone else who switched it on."""
    choices = {
        preference.email.lower(): preference.weekly_digest is not False
        and "digest" not in (preference.off_kinds or [])
        for preference in MailPreference.objects.only("email", "weekly_digest", "off_kinds")
    }
    wanted = MailPreference.objects.filter(weekly_digest=True).values("email")
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(email="")
        .filter(Q(profile__role=Role.NATIONAL_PROJECT_LEADER) | Q(email__in=wanted))
        .select_related("profile")
        .order_by("pk")
    )
    return [user for user in users if choices.get(user.email.lower(), True)]


def _week_key(today: datetime.date) -> str:
    year, week, _day = today.isocalendar()
    return f"{year}-W{week:02d}"


def digest_send(today: datetime.date | None = None) -> int:
    """Queue this week's digest for every reader, and for every address with held
    notifications. One mail per address and week (a second run sends nothing new)."""
    today = today or timezone.localdate()
    everything = programme(today)
    week = _week_key(today)
    sent = 0
    readers = {user.email.lower(): user for user in digest_readers()}
    held = {}
    for message in Message.objects.filter(status=MessageStatus.HELD).order_by("created_at", "id"):
        held.setdefault(message.to_email.lower(), []).append(message)
    for email in sorted(set(readers) | set(held)):
        user = readers.get(email)
        regions = []
        if user is not None:
            if role_of(user) in {Role.NATIONAL_PROJECT_LEADER, Role.STEERING_BOARD}:
                regions = [d for d in everything if not d.empty]
            else:
                allowed = set(visible_regions(user).values_list("pk", flat=True))
                regions = [d for d in everything if d.region.pk in allowed and not d.empty]
        mine = held.get(email, [])
        if user is None and not mine:
            continue
        key = f"digest:{week}:{email}"
        if Message.objects.filter(key=key).exists():
            continue  # this week's is written already (the job ran twice)
        with transaction.atomic():
            row = queue_mail(
                kind="digest",
                to=user or mine[0].stakeholder or mine[0].user or _recipient(mine[0]),
                template="mail/digest",
                context={
                    "today": today,
                    "until": today + WEEK - datetime.timedelta(days=1),
                    "regions": regions,
                    "programme": user is not None,
                    "held": mine,
                    "outbox_url": absolute_url(reverse("mail:outbox")),
                    "dashboard_url": absolute_url(reverse("dashboard:index")),
                },
                key=key,
            )
            if row is None:
                continue
            if mine:
                Message.objects.filter(
                    pk__in=[m.pk for m in mine], status=MessageStatus.HELD
                ).update(status=MessageStatus.DIGESTED)
            MailPreference.objects.filter(email__iexact=email).update(digest_sent_at=timezone.now())
            sent += 1
    return sent


def _recipient(message):
    return Recipient(message.to_email, message.to_name, message.language)


@shared_task(time_limit=600, ignore_result=True)
def weekly_digest() -> int:
    """Celery beat, Monday morning: the weekly digest (``digest_send``)."""
    return digest_send()
