"""The mails of sessions: invitations with an iTIP calendar part (first, update,
cancellation), the reminder to invitees who have not replied, action items for their
owner, and minutes for the attendees who were present.

Each mail is built from what stakeholders may read — the session's title, time, place,
steps and agenda, an action item, the published summary — and never from field notes.
Every mail goes through the outbox (``roadmap_site.mail.outbox.queue_mail``, docs/mail.md),
in the transaction of the event that causes it; ``_deliver`` is the one call to it.
"""

import datetime

from django.urls import reverse
from django.utils import timezone

from roadmap_site.mail.outbox import Attachment, absolute_url, queue_mail

from .calendar import invitation
from .models import Attendance, AttendanceReply, SessionStatus


def _deliver(*, kind, to, template, context, region, attachments=(), sender=None, key=None):
    return queue_mail(
        kind=kind,
        to=to,
        template=f"mail/sessions/{template}",
        context=context,
        attachments=attachments,
        region=region,
        sender=sender,
        key=key,
    )


def _session_context(session) -> dict:
    return {
        "session": session,
        "region": session.region,
        "steps": list(session.steps.order_by("order")),
        "session_url": absolute_url(session.get_absolute_url()),
    }


# --- invitations ---------------------------------------------------------------------------


def reply_url(attendance, answer: str = "") -> str:
    path = reverse("sessions:invitation_reply", args=[attendance.reply_token])
    return absolute_url(path + (f"?answer={answer}" if answer else ""))


def _ensure_token(attendance) -> None:
    if not attendance.reply_token:
        attendance.reply_token = Attendance.new_token()
        attendance.save(update_fields=["reply_token"])


def send_invitations(session, attendances, *, kind: str = "invitation", sender=None) -> int:
    """One mail per invitee in ``attendances`` with an address. ``kind``: "invitation"
    (a first invitation, or an update after a change of time or place: METHOD:REQUEST),
    "cancellation" (METHOD:CANCEL; also for an invitee taken off the list) or "reminder"
    (the invitation again, to someone who has not replied). The calendar part lists every
    invitee of the session. How many mails were queued."""
    everyone = list(session.attendances.select_related("stakeholder"))
    cancel = kind == "cancellation" or session.status == SessionStatus.CANCELLED
    ics = invitation(
        session, organizer=session.region.owner, attendances=everyone, cancel=cancel
    ).decode()
    part = Attachment(
        content=ics,
        content_type="text/calendar",
        filename="invite.ics",
        method="CANCEL" if cancel else "REQUEST",
    )
    base = _session_context(session)
    now = timezone.now()
    sent = 0
    for attendance in attendances:
        if not attendance.stakeholder.email:
            continue
        links = []
        if not cancel:
            _ensure_token(attendance)
            links = [
                (answer, reply_url(attendance, answer))
                for answer in (
                    AttendanceReply.ACCEPTED,
                    AttendanceReply.DECLINED,
                    AttendanceReply.TENTATIVE,
                )
            ]
        updated = not cancel and kind == "invitation" and attendance.invited_at is not None
        context = base | {
            "kind": kind,
            "cancelled": cancel,
            "updated": updated,
            "reminder": kind == "reminder",
            "reply_links": links,
        }
        row = _deliver(
            kind="session_reminder" if kind == "reminder" else "session_invitation",
            to=attendance.stakeholder,
            template="invitation",
            context=context,
            attachments=[part],
            region=session.region,
            sender=sender,
            # One mail per invitee and version of the session: a form sent twice, or a
            # reminder job run twice, queues it once.
            key=f"session:{session.pk}:{attendance.stakeholder_id}:{kind}:{session.sequence}",
        )
        if row is None:
            continue
        if kind == "reminder":
            attendance.reminded_at = now
            attendance.save(update_fields=["reminded_at"])
        elif not cancel and attendance.pk:
            attendance.invited_at = now
            attendance.save(update_fields=["invited_at"])
        sent += 1
    return sent


def working_days_before(date: datetime.date, days: int) -> datetime.date:
    """The date ``days`` working days (Monday to Friday) before ``date``."""
    while days > 0:
        date -= datetime.timedelta(days=1)
        if date.weekday() < 5:
            days -= 1
    return date


# --- action items --------------------------------------------------------------------------


def send_action_item(action, *, reminder: bool = False, sender=None) -> bool:
    """Mail the owner of an action item: on assignment, or the day before it is due."""
    owner = action.owner_stakeholder or action.owner_user
    if owner is None:
        return False
    session = action.session
    row = _deliver(
        kind="action_reminder" if reminder else "action_assigned",
        to=owner,
        template="action_item",
        context=_session_context(session) | {"action": action, "reminder": reminder},
        region=session.region,
        sender=sender,
        key=(
            f"action:{action.pk}:due:{action.due_date}"
            if reminder
            else f"action:{action.pk}:owner:{action.owner_stakeholder_id}:{action.owner_user_id}"
        ),
    )
    return row is not None


# --- minutes ---------------------------------------------------------------------------------


def send_minutes(revision, *, sender=None) -> int:
    """Send a published revision to every attendee who was present and has an address."""
    session = revision.session
    base = _session_context(session)
    now = timezone.now()
    sent = 0
    for review in revision.reviews.select_related("stakeholder__user"):
        row = _deliver(
            kind="minutes",
            to=review.stakeholder,
            template="minutes",
            context=base
            | {
                "revision": revision,
                "review_url": absolute_url(reverse("sessions:minutes_review", args=[review.token])),
            },
            region=session.region,
            sender=sender,
            key=f"minutes:{revision.pk}:{review.stakeholder_id}",
        )
        if row is not None:
            review.sent_at = now
            review.save(update_fields=["sent_at"])
            sent += 1
    return sent
