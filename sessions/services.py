"""Writes for sessions: planning and attendance, notes with their lock and versions,
coding and re-anchoring, attachments."""

import datetime
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from regions import fragments
from regions.models import SubmissionKey

from . import notifications
from .models import (
    MINUTES_REVIEW_DAYS,
    ActionItem,
    ActionStatus,
    AmendmentOutcome,
    Attendance,
    AttendanceReply,
    AttendanceStatus,
    Coding,
    FieldNote,
    FieldNoteDraft,
    FieldNoteVersion,
    MinutesAmendment,
    MinutesReview,
    MinutesRevision,
    Session,
    SessionDecision,
    SessionStatus,
)


class NeedsConfirmation(ValidationError):
    """Allowed, but only when the user says so once: the form asks the question and posts
    again with its confirmation."""


# --- rules of time ----------------------------------------------------------------------
# One place for what the calendar allows; the model's ``clean`` (forms, admin), the services
# below and ``manage.py check_records`` all ask these functions.


def session_held_problem(session, today=None) -> str | None:
    """Why this session cannot be held as it stands, or None."""
    return session.held_problem(today)


def session_in_past_unconfirmed(session, today=None) -> bool:
    """A new or changed session planned on a date that has passed: ask before filing it."""
    today = today or timezone.localdate()
    return bool(session.status == SessionStatus.PLANNED and session.date and session.date < today)


@transaction.atomic
def session_save(*, session, confirm_past: bool = False, today=None):
    """Save a planned or logged session under the rules of time.

    Planning a session on a date that has passed asks once ("log a session that already
    took place?"); confirmed, it is filed as held."""
    problem = session_held_problem(session, today)
    if problem:
        raise ValidationError({"status": problem})
    if session_in_past_unconfirmed(session, today):
        if not confirm_past:
            raise NeedsConfirmation(
                _(
                    "%(date)s has passed. Log a session that already took place? "
                    "Confirm and it is filed as held."
                )
                % {"date": session.date.isoformat()},
                code="past_session",
            )
        session.status = SessionStatus.HELD
    session.save()
    return session


def session_mark_held(*, session, today=None) -> None:
    session.status = SessionStatus.HELD
    problem = session_held_problem(session, today)
    if problem:
        session.refresh_from_db(fields=["status"])
        raise ValidationError(problem)
    session.save(update_fields=["status", "updated_at"])


def can_be_held(session, today=None) -> bool:
    return session.date <= (today or timezone.localdate())


def decision_problems(*, session, agreed_by, today=None) -> list[str]:
    today = today or timezone.localdate()
    problems = []
    if session.date > today:
        problems.append(
            _("Decisions are recorded once the session has taken place (%(date)s).")
            % {"date": session.date.isoformat()}
        )
    present = set(
        session.attendances.filter(status=AttendanceStatus.PRESENT).values_list(
            "stakeholder_id", flat=True
        )
    )
    absent = [person.name for person in agreed_by if person.pk not in present]
    if absent:
        problems.append(
            _("Only attendees marked present can agree; not present: %(names)s.")
            % {"names": ", ".join(absent)}
        )
    return problems


@transaction.atomic
def session_decision_create(*, session, text, step=None, agreed_by=(), by=None, today=None):
    agreed_by = list(agreed_by)
    problems = decision_problems(session=session, agreed_by=agreed_by, today=today)
    if problems:
        raise ValidationError(problems)
    decision = SessionDecision.objects.create(session=session, text=text, step=step, created_by=by)
    decision.agreed_by.set(agreed_by)
    return decision


def action_overdue(action, today=None) -> bool:
    return action.is_overdue_on(today or timezone.localdate())


@transaction.atomic
def action_item_save(*, action, confirm_overdue: bool = False, today=None) -> ActionItem:
    """Save an action item; a due date already past asks once, then is kept (and shown as
    overdue wherever the action appears)."""
    if action_overdue(action, today) and not confirm_overdue:
        raise NeedsConfirmation(
            _("This action is already overdue (due %(date)s). Keep it?")
            % {"date": action.due_date.isoformat()},
            code="overdue_action",
        )
    action.save()
    return action


# --- planning and attendance ------------------------------------------------------------


@transaction.atomic
def session_set_invitees(*, session, stakeholders) -> None:
    """Invite exactly these stakeholders. Those already marked keep their mark; dropping an
    invitee removes them only while they are still just invited."""
    wanted = {s.pk for s in stakeholders}
    existing = {a.stakeholder_id: a for a in session.attendances.all()}
    session.attendances.filter(status=AttendanceStatus.INVITED).exclude(
        stakeholder_id__in=wanted
    ).delete()
    Attendance.objects.bulk_create(
        [
            Attendance(session=session, stakeholder_id=pk, reply_token=Attendance.new_token())
            for pk in wanted - existing.keys()
        ]
    )


def invitation_state(session) -> dict | None:
    """What invitees were last told, taken before a session is changed."""
    if session.pk is None:
        return None
    return {
        "sequence": session.sequence,
        "status": session.status,
        "invited": {
            a.stakeholder_id: a.stakeholder
            for a in session.attendances.select_related("stakeholder")
        },
    }


def session_send_invitations(*, session, before: dict | None, sender=None) -> int:
    """After a session was planned or changed (in the same transaction): mail a first
    invitation to new invitees, an update to everyone after a change of time or place, a
    cancellation to everyone when it is cancelled and to an invitee taken off the list.
    Sessions in the past and held sessions send nothing. How many mails were queued."""
    before = before or {"sequence": session.sequence, "status": None, "invited": {}}
    attendances = list(session.attendances.select_related("stakeholder"))
    if session.status == SessionStatus.CANCELLED:
        if before["status"] in {None, SessionStatus.CANCELLED}:
            return 0
        told = [a for a in attendances if a.invited_at is not None]
        return notifications.send_invitations(session, told, kind="cancellation", sender=sender)
    if session.status != SessionStatus.PLANNED or session.date < timezone.localdate():
        return 0
    now_invited = {a.stakeholder_id for a in attendances}
    dropped = [
        Attendance(session=session, stakeholder=stakeholder)
        for pk, stakeholder in before["invited"].items()
        if pk not in now_invited
    ]
    sent = notifications.send_invitations(session, dropped, kind="cancellation", sender=sender)
    moved = session.sequence != before["sequence"]
    wanted = [a for a in attendances if moved or a.invited_at is None]
    return sent + notifications.send_invitations(session, wanted, sender=sender)


def invitation_reminders_send(today=None) -> int:
    """The daily job: invitees who have not replied get one reminder when the session is
    ``ROADMAP_INVITATION_REMINDER_WORKING_DAYS`` working days away (or nearer)."""
    today = today or timezone.localdate()
    days = settings.ROADMAP_INVITATION_REMINDER_WORKING_DAYS
    due = (
        Attendance.objects.filter(
            session__status=SessionStatus.PLANNED,
            session__date__gte=today,
            # ``days`` working days are at most this many calendar days.
            session__date__lte=today + datetime.timedelta(days=days + 2 * (days // 5 + 1)),
            status=AttendanceStatus.INVITED,
            reply=AttendanceReply.NONE,
            invited_at__isnull=False,
            reminded_at__isnull=True,
        )
        .select_related("session__region__owner", "stakeholder")
        .order_by("session_id", "id")
    )
    # A session on date D is reminded from the day ``days`` working days before D.
    due = [a for a in due if notifications.working_days_before(a.session.date, days) <= today]
    sent = 0
    for attendance in due:
        with transaction.atomic():
            sent += notifications.send_invitations(
                attendance.session, [attendance], kind="reminder"
            )
    return sent


def invitation_reply(*, attendance, reply: str) -> bool:
    """Record an invitee's answer (accepted, declined, tentative); a later answer replaces
    an earlier one. Only while the session is planned; False when it no longer is."""
    if reply not in {AttendanceReply.ACCEPTED, AttendanceReply.DECLINED, AttendanceReply.TENTATIVE}:
        raise ValidationError(_("Choose accept, decline or tentative."))
    changed = Attendance.objects.filter(
        pk=attendance.pk, session__status=SessionStatus.PLANNED
    ).update(reply=reply, replied_at=timezone.now())
    if changed:
        attendance.reply = reply
        # The reply shows on cached pages (the session's attendance); no signal is sent.
        fragments.data_changed()
    return bool(changed)


@dataclass
class AttendanceConflict:
    attendance: Attendance  # as it is now
    yours: str  # the status that was not saved


@transaction.atomic
def attendance_mark(
    *, session, marks: dict[int, str], shown: dict[int, str] | None = None
) -> list[AttendanceConflict]:
    """``marks`` maps attendance id to a status; ids of other sessions are ignored.

    Row by row: with ``shown`` (the status each row had on the page) only the rows the
    user changed are written, each with a conditional UPDATE on the status it showed, so
    two people marking different people never undo each other. A row someone else marked
    meanwhile is left as they marked it and returned as a conflict."""
    shown = shown or {}
    conflicts = []
    for attendance in session.attendances.filter(pk__in=marks.keys()).select_for_update():
        wanted = marks[attendance.pk]
        started = shown.get(attendance.pk, attendance.status)
        if wanted == started or wanted == attendance.status:
            continue
        if attendance.status != started:
            conflicts.append(AttendanceConflict(attendance=attendance, yours=wanted))
            continue
        attendance.status = wanted
        attendance.save(update_fields=["status"])
    return conflicts


# --- field notes ------------------------------------------------------------------------


@dataclass
class NoteConflict:
    note: FieldNote  # as it is now, saved by someone else
    refused: FieldNoteVersion  # the text that was refused, kept


@transaction.atomic
def note_create(*, session, user, text) -> FieldNote:
    now = timezone.now()
    note = FieldNote.objects.create(
        session=session, author=user, updated_by=user, text=text, created_at=now, updated_at=now
    )
    FieldNoteVersion.objects.create(note=note, number=1, text=text, saved_by=user, saved_at=now)
    FieldNoteDraft.objects.filter(session=session, note__isnull=True, user=user).delete()
    return note


@transaction.atomic
def note_save(*, note, user, text, base_version: int) -> FieldNote | NoteConflict:
    """Save ``text`` if nobody saved since ``base_version``; otherwise refuse and keep it.

    The conditional UPDATE is the lock: of two saves from the same version exactly one
    changes the row, whatever the timing."""
    now = timezone.now()
    changed = FieldNote.objects.filter(pk=note.pk, version=base_version).update(
        text=text, version=F("version") + 1, updated_at=now, updated_by=user
    )
    note.refresh_from_db()
    if not changed:
        refused = FieldNoteVersion.objects.create(
            note=note, number=base_version, text=text, saved_by=user, saved_at=now, refused=True
        )
        return NoteConflict(note=note, refused=refused)
    FieldNoteVersion.objects.create(
        note=note, number=note.version, text=text, saved_by=user, saved_at=now
    )
    # The conditional UPDATE sends no signal: the session page caches the note's text.
    fragments.data_changed()
    FieldNoteDraft.objects.filter(note=note, user=user).delete()
    reanchor_codings(note)
    return note


def draft_save(
    *, session, note, user, text, base_version=None, submission_key=None
) -> FieldNoteDraft | None:
    """Keep the text being typed. An autosave that arrives after its author saved a newer
    text (the request was on its way while they pressed "save") is dropped, so the older
    text never comes back as a restored draft."""
    overtaken = (
        note is not None
        and base_version is not None
        and FieldNoteVersion.objects.filter(
            note=note, saved_by=user, refused=False, number__gt=base_version
        ).exists()
    )
    # A new note's draft: the note it was for is saved already under the form's key.
    created = (
        note is None
        and submission_key is not None
        and SubmissionKey.objects.filter(user=user, key=submission_key).exists()
    )
    if overtaken or created:
        return None
    draft, _created = FieldNoteDraft.objects.update_or_create(
        session=session,
        note=note,
        user=user,
        defaults={"text": text, "base_version": base_version},
    )
    return draft


# --- coding -----------------------------------------------------------------------------


def _loose_pattern(quote: str) -> re.Pattern:
    """The quote as a pattern that tolerates Markdown marks and changed whitespace between
    its words: a selection is made in the rendered note, offsets index the Markdown."""
    words = quote.split()
    marks = r"[\s*_`>#\[\]()-]*"
    return re.compile(marks.join(re.escape(word) for word in words), re.MULTILINE)


def find_quote(text: str, quote: str, near: int = 0, occurrence: int | None = None):
    """(start, end) of ``quote`` in ``text``: the ``occurrence``-th match when given, else
    the match nearest to ``near``; None when it is not there any more."""
    if not quote.strip():
        return None
    matches = [(m.start(), m.end()) for m in re.finditer(re.escape(quote), text)]
    if not matches:
        matches = [(m.start(), m.end()) for m in _loose_pattern(quote).finditer(text)]
    if not matches:
        return None
    if occurrence is not None and 0 <= occurrence < len(matches):
        return matches[occurrence]
    return min(matches, key=lambda span: abs(span[0] - near))


def coding_create(*, note, code, quote, occurrence=None, user) -> Coding:
    quote = quote.strip()
    span = find_quote(note.text, quote, occurrence=occurrence)
    if span is None:
        raise ValidationError(_("The selected passage was not found in the note."))
    if code.retired:
        raise ValidationError(_("This code is retired."))
    from .rounds import open_round_for

    # Within an open double-coding round the coding is the coder's own until reconciled.
    coding_round = open_round_for(note, user)
    # The same code twice on the same passage would count the passage twice in every
    # analysis (and in the REFI-QDA export); refused, so the coder sees it was done. Only
    # among the codings the coder sees: in a round, their own.
    same = Coding.objects.filter(
        note=note, code=code, start=span[0], end=span[1], lost=False, round=coding_round
    )
    if coding_round is not None:
        same = same.filter(created_by=user)
    if same.exists():
        raise ValidationError(
            _("This passage already has the code “%(code)s”.") % {"code": code.display_name}
        )
    return Coding.objects.create(
        note=note,
        code=code,
        quote=quote,
        start=span[0],
        end=span[1],
        created_by=user,
        round=coding_round,
    )


def reanchor_codings(note) -> None:
    """After an edit, move each coding to where its quote now is, or flag it lost."""
    for coding in note.codings.all():
        span = find_quote(note.text, coding.quote, near=coding.start)
        if span is None:
            if not coding.lost:
                coding.lost = True
                coding.save(update_fields=["lost"])
            continue
        if (coding.start, coding.end, coding.lost) != (span[0], span[1], False):
            coding.start, coding.end, coding.lost = span[0], span[1], False
            coding.save(update_fields=["start", "end", "lost"])


@transaction.atomic
def code_merge(*, source, target) -> None:
    """Move every coding of ``source`` (and its children) to ``target``; retire ``source``."""
    if source.pk == target.pk or target.parent_id == source.pk:
        raise ValidationError(_("A code cannot be merged into itself or a code under it."))
    Coding.objects.filter(code=source).update(code=target)
    source.children.update(parent=target.parent or target)
    source.retired = True
    source.merged_into = target
    source.save(update_fields=["retired", "merged_into"])


# --- action items ---------------------------------------------------------------------------


@transaction.atomic
def action_create(*, session, action, user, confirm_overdue: bool = False) -> ActionItem:
    """Save a new action item (``action``, unsaved, from the form) and mail its owner; a due
    date already past asks once (``action_item_save``)."""
    action.session = session
    action_item_save(action=action, confirm_overdue=confirm_overdue)
    if notifications.send_action_item(action, sender=user):
        action.owner_notified_at = timezone.now()
        action.save(update_fields=["owner_notified_at"])
    return action


def action_reminders_send(today=None) -> int:
    """The daily job: the owner of each open action item due tomorrow gets one reminder
    (``reminded_for`` remembers the due date it was sent for)."""
    today = today or timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    sent = 0
    for action in (
        ActionItem.objects.filter(status=ActionStatus.OPEN, due_date=tomorrow)
        .exclude(reminded_for=tomorrow)
        .select_related("session__region", "owner_stakeholder__user", "owner_user")
        .order_by("id")
    ):
        with transaction.atomic():
            claimed = (
                ActionItem.objects.filter(pk=action.pk)
                .exclude(reminded_for=tomorrow)
                .update(reminded_for=tomorrow)
            )
            if claimed and notifications.send_action_item(action, reminder=True):
                sent += 1
    return sent


# --- minutes ------------------------------------------------------------------------------


def _lock_if_settled(revision) -> None:
    """Lock the round once every present attendee has confirmed (an accepted amendment
    counts as confirming) and no amendment waits for the project leader."""
    reviews = list(revision.reviews.all())
    waiting = MinutesAmendment.objects.filter(
        review__revision=revision, outcome=AmendmentOutcome.OPEN
    ).exists()
    if reviews and all(r.confirmed_at for r in reviews) and not waiting:
        MinutesRevision.objects.filter(pk=revision.pk, locked_at__isnull=True).update(
            locked_at=timezone.now()
        )
        revision.refresh_from_db(fields=["locked_at"])


@transaction.atomic
def minutes_publish(*, session, summary: str, user, deadline=None) -> MinutesRevision:
    """Publish the summary of a held session as the next numbered revision and send it
    round every attendee marked present. An earlier revision still open closes: the new
    one replaces it. Publishing the same text again (a form sent twice) changes nothing."""
    summary = summary.strip()
    if session.status != SessionStatus.HELD:
        raise ValidationError(_("Minutes are published after the session has been held."))
    if not summary:
        raise ValidationError(_("Write the summary first."))
    # One publication at a time per session: the numbers stay consecutive.
    Session.objects.select_for_update().filter(pk=session.pk).first()
    latest = session.minutes.order_by("-number").first()
    if latest and latest.summary == summary and not latest.is_locked():
        return latest
    today = timezone.localdate()
    deadline = deadline or today + datetime.timedelta(days=MINUTES_REVIEW_DAYS)
    if deadline < today:
        raise ValidationError(_("The deadline cannot be in the past."))
    if latest and latest.locked_at is None:
        latest.locked_at = timezone.now()
        latest.save(update_fields=["locked_at"])
    revision = MinutesRevision.objects.create(
        session=session,
        number=(latest.number + 1) if latest else 1,
        summary=summary,
        deadline=deadline,
        published_by=user,
    )
    present = session.attendances.filter(status=AttendanceStatus.PRESENT).values_list(
        "stakeholder_id", flat=True
    )
    MinutesReview.objects.bulk_create(
        [
            MinutesReview(revision=revision, stakeholder_id=pk, token=Attendance.new_token())
            for pk in present
        ]
    )
    notifications.send_minutes(revision, sender=user)
    return revision


@transaction.atomic
def minutes_confirm(*, review) -> bool:
    """The attendee agrees with the summary. False when the round is closed."""
    revision = MinutesRevision.objects.select_for_update().get(pk=review.revision_id)
    if revision.is_locked():
        return False
    if review.confirmed_at is None:
        review.confirmed_at = timezone.now()
        review.save(update_fields=["confirmed_at"])
    _lock_if_settled(revision)
    return True


@transaction.atomic
def minutes_amend(*, review, text: str) -> MinutesAmendment | None:
    """The attendee proposes a change (text). None when the round is closed; the same
    proposal sent twice is one amendment."""
    text = text.strip()
    if not text:
        raise ValidationError(_("Write the amendment you propose."))
    revision = MinutesRevision.objects.select_for_update().get(pk=review.revision_id)
    if revision.is_locked():
        return None
    amendment, _created = MinutesAmendment.objects.get_or_create(
        review=review, text=text, outcome=AmendmentOutcome.OPEN
    )
    return amendment


@transaction.atomic
def amendment_decide(*, amendment, outcome: str, reason: str, user) -> MinutesAmendment:
    """The project leader accepts or rejects a proposed amendment, always with a reason.
    An accepted amendment becomes part of the minutes and counts as its author's
    confirmation; the round may then lock."""
    reason = reason.strip()
    if outcome not in {AmendmentOutcome.ACCEPTED, AmendmentOutcome.REJECTED}:
        raise ValidationError(_("Accept or reject the amendment."))
    if not reason:
        raise ValidationError(_("Give a reason: the attendee reads it."))
    revision = MinutesRevision.objects.select_for_update().get(pk=amendment.review.revision_id)
    if revision.is_locked():
        raise ValidationError(_("These minutes are locked; publish a new revision instead."))
    changed = MinutesAmendment.objects.filter(
        pk=amendment.pk, outcome=AmendmentOutcome.OPEN
    ).update(outcome=outcome, reason=reason, decided_by=user, decided_at=timezone.now())
    amendment.refresh_from_db()
    if changed and outcome == AmendmentOutcome.ACCEPTED:
        MinutesReview.objects.filter(pk=amendment.review_id, confirmed_at__isnull=True).update(
            confirmed_at=timezone.now()
        )
    _lock_if_settled(revision)
    return amendment


def minutes_lock_due(today=None) -> int:
    """Lock every round whose deadline has passed (the daily job); how many."""
    today = today or timezone.localdate()
    return MinutesRevision.objects.filter(locked_at__isnull=True, deadline__lt=today).update(
        locked_at=timezone.now()
    )
