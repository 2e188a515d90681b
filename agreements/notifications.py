"""The mails of agreements: the request to approve a version put to the parties, and one
reminder after ``ROADMAP_APPROVAL_REMINDER_WORKING_DAYS`` working days while the party
has not approved.

A mail holds the version number, a summary of what changed since the version the parties
saw before, and links to the agreement (where the party approves and downloads the PDF).
Nothing else: no field notes or memos reach a party. Every mail goes through the outbox
(``roadmap_site.mail.outbox.queue_mail``) in the transaction of the event that causes it.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from regions.selectors import members_on
from roadmap_site.mail.outbox import absolute_url, queue_mail
from sessions.notifications import working_days_before

from .models import (
    AgreementParty,
    AgreementStatus,
    AgreementVersion,
    Approval,
    ApprovalRequest,
)

# The summary lists at most this many changes; the agreement page shows them all.
SUMMARY_ROWS = 12


def summarise(rows) -> list[dict]:
    """The word diff (``services.diff_versions``) in a few lines a mail can carry: what
    changed, and the new wording shortened."""
    return [
        {
            "section": row.section,
            "label": row.label,
            "change": row.change,
            "new": Truncator(" ".join(row.new.split())).chars(160),
        }
        for row in rows[:SUMMARY_ROWS]
    ]


def approver_for(party: AgreementParty, region):
    """Who is asked for a party: its signatory, else the group member of that
    organisation who can log in to approve (the first by name), else anyone of it."""
    if party.signatory_id:
        return party.signatory
    return (
        members_on(region)
        .filter(organisation_id=party.organisation_id)
        .exclude(email="")
        .order_by(F("user").asc(nulls_last=True), "name", "pk")
        .first()
    )


def _links(version) -> dict:
    agreement_url = absolute_url(reverse("agreements:detail", args=[version.agreement_id]))
    return {
        "agreement_url": agreement_url,
        "approve_url": agreement_url + "#approvals",
        "pdf_url": agreement_url + "#versions",
    }


def _context(version, request) -> dict:
    agreement = version.agreement
    return {
        "agreement": agreement,
        "region": agreement.region,
        "version": version,
        "organisation": request.organisation,
        "approval_request": request,
    } | _links(version)


def send_approval_requests(version: AgreementVersion, *, changes=None, sender=None) -> int:
    """Ask every party of ``version`` to approve it (inside the caller's transaction).
    ``changes``: ``services.diff_versions`` rows since the version the parties saw
    before, or None for the first version put to them. How many mails were queued."""
    agreement = version.agreement
    region = agreement.region
    summary = summarise(changes) if changes else []
    parties = agreement.parties.select_related("organisation", "signatory__user")
    sent = 0
    for party in parties.filter(organisation_id__in=version.party_ids):
        stakeholder = approver_for(party, region)
        request, _created = ApprovalRequest.objects.get_or_create(
            version=version,
            organisation=party.organisation,
            defaults={"stakeholder": stakeholder},
        )
        if stakeholder is None:
            continue  # nobody to mail: the page shows the party as not asked
        row = queue_mail(
            kind="approval_request",
            to=stakeholder,
            template="mail/agreements/approval_request",
            context=_context(version, request)
            | {"changes": summary, "first": changes is None, "reminder": False},
            region=region,
            sender=sender,
            # One mail per party and version, however often the consultation is posted.
            key=f"approval:{version.pk}:{party.organisation_id}",
        )
        if row is not None:
            sent += 1
    return sent


def open_requests():
    """Requests of the current version of agreements in consultation whose party has not
    approved yet."""
    approved = Approval.objects.filter(
        version_id=OuterRef("version_id"), organisation_id=OuterRef("organisation_id")
    )
    newer = AgreementVersion.objects.filter(
        agreement_id=OuterRef("version__agreement_id"), number__gt=OuterRef("version__number")
    )
    return ApprovalRequest.objects.filter(
        version__agreement__status=AgreementStatus.CONSULTATION, stakeholder__isnull=False
    ).filter(~Exists(approved), ~Exists(newer))


def approval_reminders_send(today: datetime.date | None = None) -> int:
    """The daily job: one reminder to a party asked at least
    ``ROADMAP_APPROVAL_REMINDER_WORKING_DAYS`` working days ago that has not approved.
    Each row is claimed (``reminded_at``) so a second run the same day sends nothing."""
    today = today or timezone.localdate()
    days = settings.ROADMAP_APPROVAL_REMINDER_WORKING_DAYS
    # ``days`` working days have passed since a request asked before this date: the
    # working days from it up to today are ``days``.
    first_counted = working_days_before(today + datetime.timedelta(days=1), days)
    until = datetime.datetime.combine(
        first_counted, datetime.time(), timezone.get_current_timezone()
    )
    due = (
        open_requests()
        .filter(reminded_at__isnull=True, asked_at__lt=until)
        .select_related("version__agreement__region", "organisation", "stakeholder__user")
        .order_by("asked_at", "id")
    )
    sent = 0
    for request in due:
        with transaction.atomic():
            claimed = ApprovalRequest.objects.filter(
                pk=request.pk, reminded_at__isnull=True
            ).update(reminded_at=timezone.now())
            if not claimed:
                continue
            version = request.version
            row = queue_mail(
                kind="approval_reminder",
                to=request.stakeholder,
                template="mail/agreements/approval_request",
                context=_context(version, request)
                | {"changes": [], "first": True, "reminder": True},
                region=version.agreement.region,
                key=f"approval-reminder:{version.pk}:{request.organisation_id}",
            )
            sent += row is not None
    return sent
